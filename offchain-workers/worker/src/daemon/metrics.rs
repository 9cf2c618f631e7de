//! Prometheus metrics, served as text on `GET /metrics` (any path, in fact).

use std::sync::{
	atomic::{AtomicU64, Ordering},
	Arc,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The daemon's counters.
#[derive(Default, Debug)]
pub struct Metrics {
	/// Jobs this worker was assigned that ended (final or failed).
	pub jobs_done: AtomicU64,
	/// Milliseconds from seeing an assignment to the job's end, summed over `jobs_done`.
	pub job_millis: AtomicU64,
	/// Commits and reveals submitted.
	pub commits: AtomicU64,
	pub reveals: AtomicU64,
	/// Challenges this worker made that were upheld, and rejected.
	pub challenges_won: AtomicU64,
	pub challenges_lost: AtomicU64,
	/// Openings asked of others, and openings answered for our own results.
	pub openings_requested: AtomicU64,
	pub openings_answered: AtomicU64,
	/// Store objects refused because they did not match their hash.
	pub store_refused: AtomicU64,
	/// Errors: failed submissions, unreachable data, dropped connections.
	pub errors: AtomicU64,
	/// Times the node connection was (re)established.
	pub connections: AtomicU64,
	/// The latest best block seen.
	pub best_block: AtomicU64,
}

impl Metrics {
	pub fn inc(counter: &AtomicU64) {
		counter.fetch_add(1, Ordering::Relaxed);
	}

	/// The exposition text.
	pub fn render(&self) -> String {
		let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
		let mut out = String::new();
		let mut metric = |name: &str, kind: &str, help: &str, value: String| {
			out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}\n"));
		};
		metric(
			"openledger_worker_jobs_done_total",
			"counter",
			"Assigned jobs that ended.",
			get(&self.jobs_done).to_string(),
		);
		metric(
			"openledger_worker_job_seconds_sum",
			"counter",
			"Seconds from assignment to the end of the job, summed over the jobs done.",
			format!("{:.3}", get(&self.job_millis) as f64 / 1e3),
		);
		metric(
			"openledger_worker_job_seconds_count",
			"counter",
			"Jobs timed.",
			get(&self.jobs_done).to_string(),
		);
		metric(
			"openledger_worker_commits_total",
			"counter",
			"Commits submitted.",
			get(&self.commits).to_string(),
		);
		metric(
			"openledger_worker_reveals_total",
			"counter",
			"Reveals submitted.",
			get(&self.reveals).to_string(),
		);
		metric(
			"openledger_worker_challenges_won_total",
			"counter",
			"Our challenges upheld.",
			get(&self.challenges_won).to_string(),
		);
		metric(
			"openledger_worker_challenges_lost_total",
			"counter",
			"Our challenges rejected.",
			get(&self.challenges_lost).to_string(),
		);
		metric(
			"openledger_worker_openings_requested_total",
			"counter",
			"Entries we asked other workers to open.",
			get(&self.openings_requested).to_string(),
		);
		metric(
			"openledger_worker_openings_answered_total",
			"counter",
			"Entries of our results we opened.",
			get(&self.openings_answered).to_string(),
		);
		metric(
			"openledger_worker_store_refused_total",
			"counter",
			"Store objects refused for not matching their hash.",
			get(&self.store_refused).to_string(),
		);
		metric(
			"openledger_worker_errors_total",
			"counter",
			"Errors the daemon carried on from.",
			get(&self.errors).to_string(),
		);
		metric(
			"openledger_worker_connections_total",
			"counter",
			"Connections made to the node.",
			get(&self.connections).to_string(),
		);
		metric(
			"openledger_worker_best_block",
			"gauge",
			"The latest best block seen.",
			get(&self.best_block).to_string(),
		);
		out
	}
}

/// Serves `metrics` on `addr` until the process ends.
pub async fn serve(addr: std::net::SocketAddr, metrics: Arc<Metrics>) -> anyhow::Result<()> {
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
