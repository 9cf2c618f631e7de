//! The content store the daemon fetches embeddings from: a local directory or an HTTP server,
//! content-addressed. The object with blake2-256 hash `h` is the file named by `h` in lowercase
//! hex (64 characters, no `0x`): a Datanet item's int8 embedding under its `embedding_hash`, a
//! query's under the job's `query_hash`. Every object is checked against its name; one that does
//! not hash to it is refused and reported, never used.

use anyhow::{anyhow, bail, Context, Result};
use openledger_engine::commit::blake2_256;
use openledger_primitives::{hex::to_hex, merkle::Hash};
use std::path::PathBuf;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Where objects come from.
#[derive(Clone, Debug)]
pub enum Store {
	/// Files in a directory.
	Dir(PathBuf),
	/// `GET {base}/{hex}` over plain HTTP/1.1.
	Http {
		/// `host:port`.
		authority: String,
		/// The path prefix, without a trailing `/`.
		prefix: String,
	},
}

/// Why an object could not be used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
	/// The store does not have it, or could not be reached.
	#[error("object {0} unavailable: {1}")]
	Unavailable(String, String),
	/// The store returned bytes that do not hash to the name.
	#[error("object {name} refused: its content hashes to {actual}")]
	HashMismatch {
		/// The name asked for.
		name: String,
		/// What the bytes hash to.
		actual: String,
	},
}

impl Store {
	/// `http://host:port/prefix` or a directory path.
	pub fn parse(spec: &str) -> Result<Store> {
		if let Some(rest) = spec.strip_prefix("http://") {
			let (authority, prefix) = match rest.find('/') {
				Some(i) => (&rest[..i], rest[i..].trim_end_matches('/')),
				None => (rest, ""),
			};
			if authority.is_empty() {
				bail!("no host in store URL {spec}");
			}
			return Ok(Store::Http {
				authority: authority.to_string(),
				prefix: prefix.to_string(),
			});
		}
		if spec.starts_with("https://") {
			bail!("https stores are not supported; objects are checked by hash, so plain http is safe to use");
		}
		Ok(Store::Dir(PathBuf::from(spec)))
	}

	/// The object named `hash`, checked.
	pub async fn fetch(&self, hash: &Hash) -> Result<Vec<u8>, StoreError> {
		let name = to_hex(hash).trim_start_matches("0x").to_string();
		let bytes = match self {
			Store::Dir(dir) => tokio::fs::read(dir.join(&name))
				.await
				.map_err(|e| StoreError::Unavailable(name.clone(), e.to_string()))?,
			Store::Http { authority, prefix } => http_get(authority, &format!("{prefix}/{name}"))
				.await
				.map_err(|e| StoreError::Unavailable(name.clone(), format!("{e:#}")))?,
		};
		let actual = blake2_256(&bytes);
		if &actual != hash {
			return Err(StoreError::HashMismatch { name, actual: to_hex(&actual) });
		}
		Ok(bytes)
	}
}

/// A minimal HTTP/1.1 GET: `Connection: close`, a body delimited by `Content-Length` or by the
/// end of the stream; chunked bodies are refused.
async fn http_get(authority: &str, path: &str) -> Result<Vec<u8>> {
	let mut stream = tokio::time::timeout(
		std::time::Duration::from_secs(10),
		tokio::net::TcpStream::connect(authority),
	)
	.await
	.map_err(|_| anyhow!("connecting to {authority} timed out"))??;
	let request = format!(
		"GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\nAccept: */*\r\n\r\n"
	);
	stream.write_all(request.as_bytes()).await?;
	let mut response = Vec::new();
	tokio::time::timeout(std::time::Duration::from_secs(60), stream.read_to_end(&mut response))
		.await
		.map_err(|_| anyhow!("reading from {authority} timed out"))??;
	let split = response.windows(4).position(|w| w == b"\r\n\r\n").context("no end of headers")?;
	let head = std::str::from_utf8(&response[..split]).context("headers are not text")?;
	let mut lines = head.split("\r\n");
	let status = lines.next().unwrap_or_default();
	let code = status.split_whitespace().nth(1).unwrap_or_default();
	if code != "200" {
		bail!("HTTP status {status}");
	}
	let mut length = None;
	for line in lines {
		let (key, value) = line.split_once(':').unwrap_or((line, ""));
		match key.trim().to_ascii_lowercase().as_str() {
			"content-length" => {
				length = Some(value.trim().parse::<usize>().context("bad Content-Length")?)
			},
			"transfer-encoding" if value.trim().eq_ignore_ascii_case("chunked") => {
				bail!("chunked bodies are not supported")
			},
			_ => {},
		}
	}
	let body = response[split + 4..].to_vec();
	if let Some(n) = length {
		if body.len() != n {
			bail!("body has {} bytes, Content-Length says {n}", body.len());
		}
	}
	Ok(body)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[tokio::test]
	async fn a_directory_store_checks_every_object() {
		let dir =
			std::env::temp_dir().join(format!("openledger-store-test-{}", std::process::id()));
		std::fs::create_dir_all(&dir).unwrap();
		let good: Vec<u8> = vec![1, 2, 3, 250];
		let hash = blake2_256(&good);
		let name = to_hex(&hash).trim_start_matches("0x").to_string();
		std::fs::write(dir.join(&name), &good).unwrap();
		let store = Store::parse(dir.to_str().unwrap()).unwrap();
		assert_eq!(store.fetch(&hash).await.unwrap(), good);

		// Tampered content under the same name is refused.
		std::fs::write(dir.join(&name), [1u8, 2, 3, 251]).unwrap();
		assert!(matches!(store.fetch(&hash).await, Err(StoreError::HashMismatch { .. })));
		// A missing object is reported as unavailable.
		assert!(matches!(store.fetch(&[9; 32]).await, Err(StoreError::Unavailable(..))));
		std::fs::remove_dir_all(&dir).unwrap();
	}

	#[tokio::test]
	async fn an_http_store_checks_every_object() {
		let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
		let port = listener.local_addr().unwrap().port();
		let good: Vec<u8> = vec![7, 7, 7, 7];
		let hash = blake2_256(&good);
		let served = good.clone();
		tokio::spawn(async move {
			for body in [served, vec![0u8; 4]] {
				let (mut socket, _) = listener.accept().await.unwrap();
				let mut buf = [0u8; 1024];
				let _ = socket.read(&mut buf).await.unwrap();
				let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len());
				socket.write_all(head.as_bytes()).await.unwrap();
				socket.write_all(&body).await.unwrap();
			}
		});
		let store = Store::parse(&format!("http://127.0.0.1:{port}/objects/")).unwrap();
		assert_eq!(store.fetch(&hash).await.unwrap(), good);
		assert!(matches!(store.fetch(&hash).await, Err(StoreError::HashMismatch { .. })));
	}
}
