//! `openledger-worker run` without a chain: how it takes its configuration, and that a node
//! that is down is reported while the daemon keeps trying. (The daemon against a real node is
//! tested end to end in `tests/e2e/inference.test.mjs`.)

use std::{
	io::{Read, Write},
	net::{TcpListener, TcpStream},
	path::PathBuf,
	process::{Command, Stdio},
	time::{Duration, Instant},
};

fn dir(name: &str) -> PathBuf {
	let dir = std::env::temp_dir().join(format!("worker-daemon-{}-{name}", std::process::id()));
	std::fs::create_dir_all(&dir).unwrap();
	dir
}

fn daemon() -> Command {
	let mut cmd = Command::new(env!("CARGO_BIN_EXE_openledger-worker"));
	cmd.arg("run");
	cmd
}

fn free_port() -> u16 {
	TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn refused(cmd: &mut Command, says: &str) {
	let out = cmd.output().unwrap();
	let stderr = String::from_utf8_lossy(&out.stderr);
	assert!(!out.status.success(), "expected a refusal");
	assert!(stderr.contains(says), "expected {says:?} in: {stderr}");
}

#[test]
fn bad_configurations_are_refused_with_a_reason() {
	let dir = dir("config");
	refused(daemon().args(["--store", "/tmp"]), "no key");
	let config = dir.join("bad.toml");
	std::fs::write(&config, "colour = \"blue\"\n").unwrap();
	refused(daemon().arg("--config").arg(&config), "unknown field");
	let key = dir.join("key");
	std::fs::write(&key, "not a secret at all").unwrap();
	refused(daemon().arg("--key-file").arg(&key).args(["--store", "/tmp"]), "key");
	refused(daemon().args(["--dev-seed", "//Dave"]), "no content store");
	std::fs::remove_dir_all(&dir).unwrap();
}

fn metrics(port: u16) -> Option<String> {
	let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
	stream.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").ok()?;
	let mut text = String::new();
	stream.read_to_string(&mut text).ok()?;
	Some(text)
}

fn value(text: &str, name: &str) -> Option<f64> {
	text.lines().find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
}

#[test]
fn a_node_that_is_down_is_reported_and_retried() {
	let dir = dir("down");
	let key = dir.join("key");
	std::fs::write(&key, "//Dave\n").unwrap();
	let metrics_port = free_port();
	// Nothing listens on this port.
	let dead = free_port();
	let config = dir.join("worker.toml");
	std::fs::write(
		&config,
		format!(
			"node = \"ws://127.0.0.1:{dead}\"\nkey_file = \"{}\"\nstore = \"{}\"\nstate_dir = \"{}\"\ndevice = \"cpu\"\nmetrics = \"127.0.0.1:{metrics_port}\"\n",
			key.display(),
			dir.display(),
			dir.join("state").display()
		),
	)
	.unwrap();
	let log = std::fs::File::create(dir.join("log")).unwrap();
	let mut child =
		daemon().arg("--config").arg(&config).stdout(Stdio::null()).stderr(log).spawn().unwrap();
	let deadline = Instant::now() + Duration::from_secs(60);
	let mut errors = 0.0;
	while Instant::now() < deadline && errors < 2.0 {
		std::thread::sleep(Duration::from_millis(500));
		if let Some(text) = metrics(metrics_port) {
			errors = value(&text, "openledger_worker_errors_total").unwrap_or(0.0);
			assert_eq!(value(&text, "openledger_worker_connections_total"), Some(0.0));
		}
	}
	let _ = child.kill();
	let _ = child.wait();
	let log = std::fs::read_to_string(dir.join("log")).unwrap();
	assert!(errors >= 2.0, "two failed attempts counted, got {errors}; log: {log}");
	assert!(log.contains("node unreachable"), "the log says why: {log}");
	// The key from the file is the dev key //Dave.
	assert!(log.contains("5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy"), "{log}");
	std::fs::remove_dir_all(&dir).unwrap();
}
