//! Times `Gpu::rank` on one synthetic job: `cargo run --release -p openledger-engine --example gpu_timing [N d M K]`
//! (default 100000 256 64 10), for KNN-Shapley and similarity, with both distance kernels.

use openledger_engine::gpu::{Gpu, GpuOptions};
use openledger_engine::{Embeddings, Inputs};
use openledger_primitives::attribution::{Method, DEFAULT_TOP};
use std::time::Instant;

fn main() -> anyhow::Result<()> {
	let args: Vec<u64> = std::env::args().skip(1).map(|a| a.parse()).collect::<Result<_, _>>()?;
	let arg = |i: usize, default: u64| args.get(i).copied().unwrap_or(default);
	let (n, d, m, k) =
		(arg(0, 100_000) as usize, arg(1, 256) as u32, arg(2, 64) as usize, arg(3, 10) as u32);
	// SplitMix64: reproducible inputs without an RNG crate.
	let mut state = 42u64;
	let mut next = move || {
		state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
		let mut z = state;
		z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
		z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
		z ^ (z >> 31)
	};
	let items = Embeddings::from_i8(
		d,
		&(0..n * d as usize).map(|_| next() as u8 as i8).collect::<Vec<_>>(),
	)?;
	let queries = Embeddings::from_i8(
		d,
		&(0..m * d as usize).map(|_| next() as u8 as i8).collect::<Vec<_>>(),
	)?;
	let labels: Vec<u32> = (0..n).map(|_| (next() % 10) as u32).collect();
	let query_labels: Vec<u32> = (0..m).map(|_| (next() % 10) as u32).collect();
	for portable_distance in [false, true] {
		let gpu = Gpu::with_options(GpuOptions { portable_distance, ..Default::default() })?;
		for method in [Method::KnnShapley { k, t: DEFAULT_TOP }, Method::Similarity { k }] {
			let started = Instant::now();
			let inputs = Inputs::new(&items, Some(&labels), &queries, Some(&query_labels));
			let rankings = gpu.rank(method, inputs, &|_| {})?;
			println!(
				"{} dot4={} {method:?} N={n} d={d} M={m}: {:.2?} ({} entries)",
				gpu.adapter_name(),
				gpu.uses_dot4(),
				started.elapsed(),
				rankings.iter().map(|r| r.len()).sum::<usize>()
			);
		}
	}
	Ok(())
}
