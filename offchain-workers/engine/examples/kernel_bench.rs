//! Multiply-add throughput of the CPU distance kernels:
//! `cargo run --release -p openledger-engine --example kernel_bench [N d M]` (default 200000 256 64).
//!
//! For every kernel this CPU runs, computes the distances from N items to M queries (one batch
//! of the CPU path's 64 queries at a time, items in pairs, as `Cpu::rank` does) on one thread
//! and on all of rayon's threads, best of 3, and prints GMAC/s (`N·M·d / time`) in all and per
//! thread. The items (N·d bytes) are read from memory once per batch of queries. First it
//! measures this core's peak for the instructions the SIMD kernels are built on, and last it
//! times the whole `Cpu::rank` on the same data.

use openledger_engine::{
	cpu::{Cpu, Kernel, Queries},
	Embeddings, Inputs,
};
use openledger_primitives::attribution::{Method, DEFAULT_TOP};
use rayon::prelude::*;
use std::time::Instant;

/// This core's measured multiply-add peak for each instruction the kernels are built on:
/// independent accumulators (16 for AVX-512, 12 for AVX2), registers only, so nothing but the
/// instruction's throughput limits the loop. One thread, best of 3.
fn peaks() {
	#[cfg(target_arch = "x86_64")]
	{
		let kernels = Kernel::available();
		let time = |f: &dyn Fn() -> i32, macs: f64| {
			let best = (0..3)
				.map(|_| {
					let started = Instant::now();
					std::hint::black_box(f());
					started.elapsed().as_secs_f64()
				})
				.fold(f64::MAX, f64::min);
			macs / best / 1e9
		};
		const ROUNDS: usize = 20_000_000;
		if kernels.contains(&Kernel::Avx512Vnni) {
			// SAFETY: the CPU runs AVX-512 VNNI (checked above).
			let g = time(&|| unsafe { peak_vnni(ROUNDS) }, (ROUNDS * 16 * 64) as f64);
			println!("peak, vpdpbusd zmm (64 int8 MACs):  {g:>6.1} GMAC/s on one core");
		}
		if kernels.contains(&Kernel::Avx2) {
			// SAFETY: the CPU runs AVX2 (checked above).
			let g = time(&|| unsafe { peak_avx2(ROUNDS) }, (ROUNDS * 12 * 16) as f64);
			println!("peak, vpmaddwd ymm (16 int16 MACs): {g:>6.1} GMAC/s on one core");
		}
	}
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
fn peak_vnni(rounds: usize) -> i32 {
	use std::arch::x86_64::*;
	let mut acc = [_mm512_setzero_si512(); 16];
	for _ in 0..rounds {
		// Operands the compiler cannot see through, so it cannot fold the sixteen into fewer.
		let (a, b) = std::hint::black_box((_mm512_set1_epi8(3), _mm512_set1_epi8(-5)));
		for v in acc.iter_mut() {
			*v = _mm512_dpbusd_epi32(*v, a, b);
		}
	}
	acc.iter().fold(0, |s, &v| s.wrapping_add(_mm512_reduce_add_epi32(v)))
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn peak_avx2(rounds: usize) -> i32 {
	use std::arch::x86_64::*;
	// Twelve accumulators: AVX2 has sixteen registers, and the operand takes one.
	let mut acc = [_mm256_setzero_si256(); 12];
	for _ in 0..rounds {
		// As for `peak_vnni`; and each product reads its accumulator, so it is computed anew.
		let b = std::hint::black_box(_mm256_set1_epi16(-5));
		for v in acc.iter_mut() {
			*v = _mm256_add_epi32(*v, _mm256_madd_epi16(*v, b));
		}
	}
	let mut lanes = [0i32; 8];
	for v in acc {
		let mut out = [0i32; 8];
		// SAFETY: `out` is 32 bytes.
		unsafe { _mm256_storeu_si256(out.as_mut_ptr() as *mut __m256i, v) };
		lanes.iter_mut().zip(out).for_each(|(l, o)| *l = l.wrapping_add(o));
	}
	lanes.iter().fold(0, |s, &v| s.wrapping_add(v))
}

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
	peaks();
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
