//! Multiply-add throughput of the CPU distance kernels:
//! `cargo run --release --example kernel_bench [N d M]` (default 200000 256 64).
//!
//! For every kernel this CPU runs, computes the distances from N items to M queries (one batch
//! of the CPU path's 64 queries at a time, items in pairs, as `Cpu::rank` does) on one thread
//! and on all of rayon's threads, best of 3, and prints GMAC/s (`N·M·d / time`) in all and per
//! thread. The items (N·d bytes) are read from memory once per batch of queries.

use openledger_primitives::attribution::{Method, DEFAULT_TOP};
use openledger_worker::{
	cpu::{Cpu, Kernel, Queries},
	Embeddings, Inputs,
};
use rayon::prelude::*;
use std::time::Instant;

fn main() -> anyhow::Result<()> {
	let args: Vec<usize> = std::env::args().skip(1).map(|a| a.parse()).collect::<Result<_, _>>()?;
	let arg = |i: usize, default: usize| args.get(i).copied().unwrap_or(default);
	let (n, d, m) = (arg(0, 200_000), arg(1, 256), arg(2, 64));
	let mut state = 1u64;
	let mut byte = move || {
		state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
		(state >> 56) as u8 as i8
	};
	let items: Vec<i8> = (0..n * d).map(|_| byte()).collect();
	let queries: Vec<i8> = (0..m * d).map(|_| byte()).collect();
	let threads = rayon::current_num_threads();
	println!("N = {n}, d = {d}, M = {m}: {:.2} GMAC per run", (n * m * d) as f64 / 1e9);
	for kernel in Kernel::available() {
		let batches = queries
			.chunks(64 * d)
			.map(|rows| Queries::new(kernel, d, rows))
			.collect::<Result<Vec<_>, _>>()?;
		let run = |parallel: bool| {
			let pairs = |chunk: &[i8]| {
				let mut checksum = 0u64;
				for batch in &batches {
					let (mut a, mut b) = (vec![0u32; batch.len()], vec![0u32; batch.len()]);
					for pair in chunk.chunks_exact(2 * d) {
						let (x, y) = pair.split_at(d);
						batch.distances2([x, y], [&mut a, &mut b]);
						checksum = checksum.wrapping_add(a[0] as u64 + b[batch.len() - 1] as u64);
					}
				}
				checksum
			};
			let started = Instant::now();
			let checksum: u64 = if parallel {
				items.par_chunks(2048 * d).map(pairs).sum()
			} else {
				items.chunks(2048 * d).map(pairs).sum()
			};
			(started.elapsed().as_secs_f64(), checksum)
		};
		for (label, parallel, used) in [("1 thread", false, 1), ("all threads", true, threads)] {
			let (best, checksum) =
				(0..3).map(|_| run(parallel)).fold((f64::MAX, 0), |a, b| (a.0.min(b.0), b.1));
			let gmacs = (n * m * d) as f64 / best / 1e9;
			println!(
				"{:<12} {label:<11} ({used}): {:>8.1} ms, {gmacs:>7.1} GMAC/s, {:>6.1} per thread (checksum {checksum})",
				kernel.name(),
				best * 1e3,
				gmacs / used as f64
			);
		}
	}
	// The whole CPU path on the same data (distances, the nearest kept, values), for comparison.
	let items = Embeddings::from_i8(d as u32, &items)?;
	let queries = Embeddings::from_i8(d as u32, &queries)?;
	let labels: Vec<u32> = (0..n as u32).map(|i| i % 10).collect();
	let query_labels: Vec<u32> = (0..m as u32).map(|i| i % 10).collect();
	let inputs = Inputs::new(&items, Some(&labels), &queries, Some(&query_labels));
	for method in [Method::Similarity { k: 10 }, Method::KnnShapley { k: 10, t: DEFAULT_TOP }] {
		let cpu = Cpu::default();
		let best = (0..3)
			.map(|_| {
				let started = Instant::now();
				cpu.rank(method, inputs, &|_| {}).map(|_| started.elapsed().as_secs_f64())
			})
			.try_fold(f64::MAX, |best, t| t.map(|t| best.min(t)))?;
		println!(
			"Cpu::rank {method:?}: {:.1} ms, {:.1} GMAC/s of distances",
			best * 1e3,
			(n * m * d) as f64 / best / 1e9
		);
	}
	Ok(())
}
