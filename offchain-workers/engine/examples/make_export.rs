//! Writes a synthetic Datanet export for the scale benchmarks, one stored file at a time, and a
//! matching batch of queries:
//!
//! `cargo run --release -p openledger-engine --example make_export -- DIR N d [M] [FILE_ITEMS]`
//!
//! DIR/export holds `version.json` and ceil(N / FILE_ITEMS) stored files (FILE_ITEMS defaults to
//! 2^20, the largest file a Datanet accepts); DIR/q.npy and DIR/ql.npy hold M queries (default
//! 64) and their labels. Embeddings are uniform int8, labels uniform in 0..10, all from a fixed
//! seed, as in bench.py. Memory stays within one file, whatever N is.

use openledger_engine::{export::ExportWriter, npy};
use openledger_primitives::datanet::file::StoredFile;
use std::path::PathBuf;

const LABELS: u32 = 10;

/// SplitMix64: reproducible inputs without an RNG crate.
struct SplitMix(u64);

impl SplitMix {
	fn next(&mut self) -> u64 {
		self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
		let mut z = self.0;
		z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
		z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
		z ^ (z >> 31)
	}

	fn bytes(&mut self, count: usize) -> Vec<i8> {
		let mut out = Vec::with_capacity(count + 8);
		while out.len() < count {
			out.extend(self.next().to_le_bytes().map(|b| b as i8));
		}
		out.truncate(count);
		out
	}
}

fn main() -> anyhow::Result<()> {
	let args: Vec<String> = std::env::args().skip(1).collect();
	let usage = "make_export DIR N d [M] [FILE_ITEMS]";
	let dir = PathBuf::from(args.first().ok_or_else(|| anyhow::anyhow!(usage))?);
	let num = |i: usize, default: Option<usize>| -> anyhow::Result<usize> {
		match args.get(i) {
			Some(a) => Ok(a.parse()?),
			None => default.ok_or_else(|| anyhow::anyhow!(usage)),
		}
	};
	let (n, d, m, per_file) =
		(num(1, None)?, num(2, None)?, num(3, Some(64))?, num(4, Some(1 << 20))?);
	anyhow::ensure!(per_file > 0 && d > 0 && n > 0, "N, d and FILE_ITEMS must be positive");
	let mut rng = SplitMix(7);
	let mut writer = ExportWriter::create(&dir.join("export"), 1, 1, d as u32, LABELS)?;
	let started = std::time::Instant::now();
	for (file, start) in (0..n).step_by(per_file).enumerate() {
		let count = per_file.min(n - start);
		let labels = (0..count).map(|_| (rng.next() % LABELS as u64) as u32).collect();
		let stored = StoredFile { dimension: d as u32, labels, embeddings: rng.bytes(count * d) };
		let mut contributor = [0u8; 32];
		contributor[..8].copy_from_slice(&(file as u64 % 100).to_le_bytes());
		writer.push(file as u64, contributor, &stored)?;
		eprintln!("file {file}: {count} items ({:.1} s)", started.elapsed().as_secs_f64());
	}
	writer.finish()?;
	npy::write_i8_matrix(&dir.join("q.npy"), d, &rng.bytes(m * d))?;
	let query_labels: Vec<u32> = (0..m).map(|_| (rng.next() % LABELS as u64) as u32).collect();
	npy::write_u32(&dir.join("ql.npy"), &query_labels)?;
	eprintln!("wrote {n} items of dimension {d} and {m} queries to {}", dir.display());
	Ok(())
}
