//! The `openledger-worker` binary end to end: files in, files out, on both devices.
//!
//! Needs a wgpu adapter for the GPU runs (lavapipe where there is no GPU); no adapter features.

use openledger_primitives::{
	attribution::{commitment, embedding_hash, reference_entries, Entry, Method},
	datanet::ContributionLeaf,
};
use openledger_worker::{export::DatanetExport, npy, Embeddings};
use std::{
	path::{Path, PathBuf},
	process::Command,
};

fn dir(name: &str) -> PathBuf {
	let dir = std::env::temp_dir().join(format!("worker-cli-{}-{name}", std::process::id()));
	std::fs::create_dir_all(&dir).unwrap();
	dir
}

fn worker() -> Command {
	let mut cmd = Command::new(env!("CARGO_BIN_EXE_openledger-worker"));
	cmd.arg("attribute").arg("--quiet");
	cmd
}

/// Seeded inputs: `n` items and `m` queries of dimension `d`, labels in 0..3.
fn inputs(dir: &Path, n: usize, m: usize, d: usize) -> (Vec<i8>, Vec<u32>, Vec<i8>, Vec<u32>) {
	let mut state = 5u64;
	let mut next = || {
		state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
		state >> 33
	};
	let items: Vec<i8> = (0..n * d).map(|_| (next() % 7) as i8 - 3).collect();
	let labels: Vec<u32> = (0..n).map(|_| (next() % 3) as u32).collect();
	let queries: Vec<i8> = (0..m * d).map(|_| (next() % 7) as i8 - 3).collect();
	let qlabels: Vec<u32> = (0..m).map(|_| (next() % 3) as u32).collect();
	npy::write_i8_matrix(&dir.join("items.npy"), d, &items).unwrap();
	npy::write_u32(&dir.join("labels.npy"), &labels).unwrap();
	npy::write_i8_matrix(&dir.join("queries.npy"), d, &queries).unwrap();
	npy::write_u32(&dir.join("qlabels.npy"), &qlabels).unwrap();
	(items, labels, queries, qlabels)
}

fn run(cmd: &mut Command) -> std::process::Output {
	let out = cmd.output().unwrap();
	assert!(out.status.success(), "worker failed: {}", String::from_utf8_lossy(&out.stderr));
	out
}

fn read_values(path: &Path) -> Vec<i64> {
	let a = npy::read(path).unwrap();
	assert_eq!(a.descr, "<i8");
	a.data.chunks_exact(8).map(|c| i64::from_le_bytes(c.try_into().unwrap())).collect()
}

#[test]
fn cpu_and_gpu_write_the_reference_values_and_roots() {
	let dir = dir("both");
	let (n, m, d) = (300, 5, 12);
	let (items, labels, queries, qlabels) = inputs(&dir, n, m, d);
	let items_e = Embeddings::from_i8(d as u32, &items).unwrap();
	let queries_e = Embeddings::from_i8(d as u32, &queries).unwrap();
	for (method, name) in
		[(Method::KnnShapley { k: 4 }, "knn-shapley"), (Method::Similarity { k: 6 }, "similarity")]
	{
		let mut want_values = vec![0i64; n];
		let mut want_roots = Vec::new();
		for (q, &query_label) in qlabels.iter().enumerate() {
			let entries =
				reference_entries(method, items_e.packed(), &labels, queries_e.row(q), query_label);
			for e in &entries {
				want_values[e.index as usize] += e.value;
			}
			want_roots.push(openledger_primitives::hex::to_hex(&commitment(&entries)));
		}
		// The GPU twice: roots hashed on the CPU (lavapipe's default) and on the device.
		for (device, commit_on) in [("cpu", "auto"), ("gpu", "cpu"), ("gpu", "device")] {
			let (out, summary) = (
				dir.join(format!("{name}-{device}.npy")),
				dir.join(format!("{name}-{device}.json")),
			);
			let entries = dir.join(format!("{name}-{device}-entries.npy"));
			let output = run(worker()
				.args([
					"--items",
					"items.npy",
					"--labels",
					"labels.npy",
					"--queries",
					"queries.npy",
				])
				.args(["--query-labels", "qlabels.npy", "--method", name, "--k"])
				.arg(method.k().to_string())
				.args(["--top", "3", "--device", device, "--commit-on", commit_on, "--out"])
				.arg(&out)
				.arg("--summary")
				.arg(&summary)
				.arg("--entries")
				.arg(&entries)
				.current_dir(&dir));
			// The entries file opens every commitment: its rows hash to the summary's roots.
			assert!(!dir.join(format!("{name}-{device}-entries.npy.partial")).exists());
			let a = npy::read(&entries).unwrap();
			let len = if method.needs_labels() { n } else { method.k() as usize };
			assert_eq!(a.shape, vec![m, len, 4]);
			let fields: Vec<i64> =
				a.data.chunks_exact(8).map(|c| i64::from_le_bytes(c.try_into().unwrap())).collect();
			let from_file: Vec<String> = fields
				.chunks_exact(len * 4)
				.map(|query| {
					let committed: Vec<Entry> = query
						.chunks_exact(4)
						.map(|f| Entry {
							rank: f[0] as u32,
							index: f[1] as u32,
							distance: f[2] as u32,
							value: f[3],
						})
						.collect();
					openledger_primitives::hex::to_hex(&commitment(&committed))
				})
				.collect();
			assert_eq!(from_file, want_roots, "{name} on {device}: entries file");
			assert_eq!(read_values(&out), want_values, "{name} on {device}");
			let s: serde_json::Value =
				serde_json::from_slice(&std::fs::read(&summary).unwrap()).unwrap();
			let roots: Vec<&str> = s["queries"]
				.as_array()
				.unwrap()
				.iter()
				.map(|q| q["root"].as_str().unwrap())
				.collect();
			assert_eq!(roots, want_roots, "{name} on {device}, commitments on {commit_on}");
			assert_eq!(s["device"], device);
			let on = if commit_on == "device" { "gpu" } else { "cpu" };
			assert_eq!(
				s["commitments_on"], on,
				"a software adapter leaves the roots to the CPU by default"
			);
			let paid = if method.needs_labels() { 3 } else { 6 };
			assert_eq!(s["queries"][0]["top"].as_array().unwrap().len(), paid);
			if device == "gpu" {
				// The adapter it used is logged.
				assert!(String::from_utf8_lossy(&output.stderr).contains("GPU opened"));
			}
		}
	}
}

#[test]
fn a_datanet_export_is_checked_then_attributed() {
	let dir = dir("export");
	let (n, m, d) = (40, 3, 8);
	let (items, labels, _, _) = inputs(&dir, n, m, d);
	let rows: Vec<(ContributionLeaf<[u8; 32]>, Vec<i8>)> = items
		.chunks_exact(d)
		.zip(&labels)
		.enumerate()
		.map(|(i, (e, &label))| {
			let leaf = ContributionLeaf {
				id: 1000 - i as u64 * 3,
				contributor: [i as u8; 32],
				content_hash: [1; 32],
				embedding_hash: embedding_hash(e),
				label,
			};
			(leaf, e.to_vec())
		})
		.collect();
	let export = DatanetExport::write(&dir.join("dn"), 7, 2, d as u32, rows).unwrap();
	let base = [
		"--queries",
		"queries.npy",
		"--query-labels",
		"qlabels.npy",
		"--method",
		"knn-shapley",
		"--k",
		"3",
	];
	let out = run(worker()
		.arg("--datanet")
		.arg(&export)
		.args(base)
		.args(["--device", "cpu", "--out", "v.npy", "--summary", "s.json"])
		.current_dir(&dir));
	let s: serde_json::Value =
		serde_json::from_slice(&std::fs::read(dir.join("s.json")).unwrap()).unwrap();
	assert_eq!(s["datanet"]["datanet"], 7);
	assert_eq!(read_values(&dir.join("v.npy")).len(), n);
	assert!(String::from_utf8_lossy(&out.stderr).contains("checked against its root"));

	// A tampered embedding file is refused, with the reason, and nothing is written.
	let mut tampered = npy::read_i8_matrix(&export.join("embeddings.npy")).unwrap().1;
	tampered[0] = tampered[0].wrapping_add(1);
	npy::write_i8_matrix(&export.join("embeddings.npy"), d, &tampered).unwrap();
	let out = worker()
		.arg("--datanet")
		.arg(&export)
		.args(base)
		.args(["--device", "cpu", "--out", "v2.npy", "--summary", "s2.json"])
		.current_dir(&dir)
		.output()
		.unwrap();
	assert!(!out.status.success());
	assert!(String::from_utf8_lossy(&out.stderr).contains("does not hash to item"));
	assert!(!dir.join("v2.npy").exists());
}

#[test]
fn no_adapter_is_a_clear_error() {
	let dir = dir("noadapter");
	inputs(&dir, 10, 1, 4);
	// A backend this platform does not have leaves wgpu with no adapter at all.
	let out = worker()
		.env("WGPU_BACKEND", if cfg!(target_os = "macos") { "dx12" } else { "metal" })
		.args([
			"--items",
			"items.npy",
			"--queries",
			"queries.npy",
			"--method",
			"similarity",
			"--k",
			"2",
		])
		.args(["--device", "gpu", "--out", "v.npy", "--summary", "s.json"])
		.current_dir(&dir)
		.output()
		.unwrap();
	assert!(!out.status.success());
	let stderr = String::from_utf8_lossy(&out.stderr);
	assert!(stderr.contains("no GPU adapter found") && stderr.contains("--device cpu"), "{stderr}");
}

#[test]
fn knn_shapley_without_labels_is_refused() {
	let dir = dir("nolabels");
	inputs(&dir, 10, 1, 4);
	let out = worker()
		.args([
			"--items",
			"items.npy",
			"--queries",
			"queries.npy",
			"--method",
			"knn-shapley",
			"--k",
			"2",
		])
		.args(["--device", "cpu", "--out", "v.npy", "--summary", "s.json"])
		.current_dir(&dir)
		.output()
		.unwrap();
	assert!(!out.status.success());
	assert!(String::from_utf8_lossy(&out.stderr).contains("needs item labels"));
}
