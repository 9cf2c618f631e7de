//! The `openledger-worker` binary end to end: files in, files out, on both devices.
//!
//! Needs a wgpu adapter for the GPU runs (lavapipe where there is no GPU); no adapter features.

use openledger_engine::{
	export::{read_manifest, DatanetExport},
	npy, Embeddings,
};
use openledger_primitives::{
	attribution::{commitment, reference_entries, Entry, Method},
	datanet::file::{StoredFile, VersionFiles},
	hex::to_hex,
};
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
	for (method, name) in [
		(Method::KnnShapley { k: 4, t: 9 }, "knn-shapley"),
		(Method::Similarity { k: 6 }, "similarity"),
	] {
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
				.args(["--top", "3", "--top-t", "9", "--device", device, "--commit-on", commit_on])
				.arg("--out")
				.arg(&out)
				.arg("--summary")
				.arg(&summary)
				.arg("--entries")
				.arg(&entries)
				.current_dir(&dir));
			// The entries file opens every commitment: its rows hash to the summary's roots.
			assert!(!dir.join(format!("{name}-{device}-entries.npy.partial")).exists());
			let a = npy::read(&entries).unwrap();
			let len = method.committed_count(n as u32) as usize;
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
	// Files of 1 to 7 items, contributor = the file's position.
	let mut files = Vec::new();
	let mut start = 0;
	while start < n {
		let take = (1 + files.len() % 7).min(n - start);
		let file = StoredFile {
			dimension: d as u32,
			labels: labels[start..start + take].to_vec(),
			embeddings: items[start * d..(start + take) * d].to_vec(),
		};
		files.push((1000 - files.len() as u64 * 3, [files.len() as u8; 32], file));
		start += take;
	}
	let export = DatanetExport::write(&dir.join("dn"), 7, 2, 3, &files).unwrap();
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
	// The same values from the GPU path, which loads the export whole.
	run(worker()
		.arg("--datanet")
		.arg(&export)
		.args(base)
		.args(["--device", "gpu", "--out", "vg.npy", "--summary", "sg.json"])
		.current_dir(&dir));
	assert_eq!(read_values(&dir.join("vg.npy")), read_values(&dir.join("v.npy")));

	// The CPU reads the export one file at a time, the GPU loads it whole: both refuse what
	// does not match, with the file and the reason, and write nothing.
	let refused = |device: &str, want: &str| {
		let out = worker()
			.arg("--datanet")
			.arg(&export)
			.args(base)
			.args(["--device", device, "--out", "v2.npy", "--summary", "s2.json"])
			.current_dir(&dir)
			.output()
			.unwrap();
		let stderr = String::from_utf8_lossy(&out.stderr).to_string();
		assert!(!out.status.success() && stderr.contains(want), "{device}: {stderr}");
		assert!(!dir.join("v2.npy").exists());
	};
	let manifest = std::fs::read_to_string(export.join("version.json")).unwrap();
	let (_, mut leaves, _) = read_manifest(&export).unwrap();
	// A contributor declared a wrong item root for file 2, and the chain's root covers it: the
	// leaves check out, the file's items do not.
	leaves[2].item_root = [0xab; 32];
	let root = VersionFiles::new(leaves.clone()).unwrap().commitment().root;
	let lying = manifest
		.replace(
			&to_hex(&openledger_primitives::datanet::file::item_root(&files[2].2.items())),
			&to_hex(&[0xab; 32]),
		)
		.replace(&read_manifest(&export).unwrap().0.root, &to_hex(&root));
	std::fs::write(export.join("version.json"), lying).unwrap();
	refused("cpu", &format!("file {}", leaves[2].file));
	refused("cpu", "its items hash to");
	// A manifest whose leaves do not make the root it records.
	std::fs::write(
		export.join("version.json"),
		manifest.replacen("\"first\": 1", "\"first\": 2", 1),
	)
	.unwrap();
	refused("cpu", "do not make a version");
	// A stored file changed under its name: it no longer hashes to its content hash.
	std::fs::write(export.join("version.json"), &manifest).unwrap();
	let name = to_hex(&leaves[3].content_hash).trim_start_matches("0x").to_string();
	let mut bytes = std::fs::read(export.join(&name)).unwrap();
	bytes[15] ^= 1;
	std::fs::write(export.join(&name), &bytes).unwrap();
	refused("cpu", "does not hash to its content hash");
	refused("gpu", "does not hash to its content hash");
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

#[test]
fn audit_scores_pending_files_and_reports_each_on_one_line() {
	let dir = dir("audit");
	// The published version: two clusters, label 0 around -20 and label 1 around +20.
	let row = |c: i8, j: usize| -> Vec<i8> {
		let j = j as i8;
		vec![c + j, c - j, c, c + j % 2]
	};
	let cluster = |label: u32, c: i8, n: usize| StoredFile {
		dimension: 4,
		labels: vec![label; n],
		embeddings: (0..n).flat_map(|j| row(c, j)).collect(),
	};
	let published = vec![(1, [1; 32], cluster(0, -20, 6)), (2, [2; 32], cluster(1, 20, 6))];
	let export = DatanetExport::write(&dir.join("dn"), 3, 1, 2, &published).unwrap();
	// Pending: a clean file, and one with an item labelled 1 in the 0 cluster plus a copy of a
	// published item.
	let clean = cluster(0, -21, 3);
	let mut noisy = cluster(1, 21, 3);
	noisy.labels.push(1);
	let mut near = row(-20, 0);
	near[3] += 1;
	noisy.embeddings.extend(near);
	noisy.labels.push(0);
	noisy.embeddings.extend(row(-20, 1));
	std::fs::write(dir.join("clean.oldf"), clean.encode()).unwrap();
	std::fs::write(dir.join("noisy.oldf"), noisy.encode()).unwrap();
	std::fs::write(dir.join("broken.oldf"), b"not a file").unwrap();
	let out = run(Command::new(env!("CARGO_BIN_EXE_openledger-worker"))
		.args(["audit", "--quiet", "--k", "1", "--device", "cpu", "--datanet"])
		.arg(&export)
		.args(["--pending", "clean.oldf", "noisy.oldf", "broken.oldf", "--out", "audit.json"])
		.current_dir(&dir));
	let lines = String::from_utf8_lossy(&out.stdout).to_string();
	assert_eq!(lines.lines().count(), 3, "{lines}");
	assert!(lines.contains("clean.oldf: 3 items"), "{lines}");
	assert!(lines.contains("broken.oldf: refused: not a Datanet file"), "{lines}");
	let report: serde_json::Value =
		serde_json::from_slice(&std::fs::read(dir.join("audit.json")).unwrap()).unwrap();
	let files = report["files"].as_array().unwrap();
	assert_eq!(report["validation"], "published version");
	assert_eq!(files[1]["duplicates"][0]["item"], 4);
	assert_eq!(files[1]["duplicates"][0]["of"]["published"]["index"], 1);
	let suspects: Vec<u64> = files[1]["likely_mislabelled"]
		.as_array()
		.unwrap()
		.iter()
		.map(|s| s["item"].as_u64().unwrap())
		.collect();
	assert!(suspects.contains(&3), "{suspects:?}");
	assert!(files[1]["mean_value"].as_f64().unwrap() < files[0]["mean_value"].as_f64().unwrap());
}
