//! Prometheus metrics over plain HTTP: each daemon keeps its own counters and renders them;
//! this serves the text on `GET /metrics` (any path, in fact).

use std::{net::SocketAddr, sync::Arc};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// What a daemon serves: its metrics in the text exposition format.
pub trait Render: Send + Sync + 'static {
	fn render(&self) -> String;
}

/// Appends one metric, with its help and type lines, to an exposition.
pub fn write_metric(out: &mut String, name: &str, kind: &str, help: &str, value: &str) {
	out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}\n"));
}

/// Serves `metrics` on `addr` from a task of its own until the process ends. Fails only if
/// the address cannot be bound.
pub async fn serve<M: Render>(addr: SocketAddr, metrics: Arc<M>) -> std::io::Result<()> {
	let listener = tokio::net::TcpListener::bind(addr).await?;
	tracing::info!(%addr, "serving Prometheus metrics");
	tokio::spawn(async move {
		loop {
			let Ok((mut socket, _)) = listener.accept().await else { continue };
			let metrics = metrics.clone();
			tokio::spawn(async move {
				let mut buf = [0u8; 1024];
				let _ = socket.read(&mut buf).await;
				let body = metrics.render();
				let head = format!(
					"HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
					body.len()
				);
				let _ = socket.write_all(head.as_bytes()).await;
				let _ = socket.write_all(body.as_bytes()).await;
			});
		}
	});
	Ok(())
}
