//! The CPU path: distances with the fastest [`Kernel`] this CPU has, ranking with a radix sort
//! (KNN-Shapley) or a bounded heap (similarity top-k), all on rayon's thread pool.
//!
//! Queries go in batches. For each batch the items are split into chunks across threads, and
//! each item is compared with every query of the batch while it is in cache, so the items are
//! read from memory once per batch rather than once per query.

mod kernel;
mod sort;

pub use kernel::{Kernel, Queries};

use crate::{Inputs, Ranking, Result};
use openledger_primitives::attribution::{key, knn_values, similarity_value, Method};
use rayon::prelude::*;

#[cfg(target_endian = "big")]
compile_error!("the CPU path reads packed embeddings as bytes, which needs a little-endian target");

/// Items handed to one thread at a time.
const ITEM_CHUNK: usize = 1024;
/// The distance matrix of a batch is kept under this many entries (256 MiB).
const MAX_BATCH_DISTANCES: usize = 1 << 26;

/// The CPU engine with its chosen kernel.
#[derive(Clone, Copy, Debug)]
pub struct Cpu {
	kernel: Kernel,
}

impl Default for Cpu {
	fn default() -> Self {
		Cpu { kernel: Kernel::detect() }
	}
}

impl Cpu {
	/// The engine with a given kernel, refused if this CPU lacks it.
	pub fn with_kernel(kernel: Kernel) -> Result<Self> {
		Ok(Cpu { kernel: kernel.ensure_available()? })
	}

	/// The kernel in use.
	pub fn kernel(&self) -> Kernel {
		self.kernel
	}

	/// Ranks every query, as `openledger_primitives::attribution::reference_entries` defines.
	/// `labels` and `query_labels` are needed for KNN-Shapley. Calls `progress` with the number
	/// of queries done after each batch.
	pub fn rank(
		&self,
		method: Method,
		inputs: Inputs,
		progress: &dyn Fn(usize),
	) -> Result<Vec<Ranking>> {
		let (labels, query_labels) = crate::attribute::check_inputs(method, inputs)?;
		let Inputs { items, queries, .. } = inputs;
		let n = items.len();
		let d = items.dimension() as usize;
		let item_bytes: &[u8] = bytemuck::cast_slice(items.packed());
		let query_bytes: &[u8] = bytemuck::cast_slice(queries.packed());
		let batch = (MAX_BATCH_DISTANCES / n).clamp(1, 64);
		let mut rankings = Vec::with_capacity(queries.len());
		for (b, rows) in query_bytes.chunks(batch * d).enumerate() {
			let rows: &[i8] = bytemuck::cast_slice(rows);
			let prepared = Queries::new(self.kernel, d, rows)?;
			let distances = distance_matrix(&prepared, item_bytes, d, n);
			let first = b * batch;
			let ranked: Vec<Ranking> = distances
				.par_chunks(n)
				.enumerate()
				.map(|(q, row)| match method {
					Method::KnnShapley { k } => knn(row, k, labels, query_labels[first + q]),
					Method::Similarity { k } => similarity(row, k as usize),
				})
				.collect();
			rankings.extend(ranked);
			progress(rankings.len());
		}
		Ok(rankings)
	}
}

/// `[queries][items]` distances: item chunks in parallel, each item against every query.
fn distance_matrix(queries: &Queries, items: &[u8], d: usize, n: usize) -> Vec<u32> {
	let m = queries.len();
	let mut matrix = vec![0u32; m * n];
	// Each task gets, for its chunk of items, the matching slice of every query's row.
	let mut rows: Vec<_> = matrix.chunks_mut(n).map(|row| row.chunks_mut(ITEM_CHUNK)).collect();
	let tasks: Vec<(usize, Vec<&mut [u32]>)> = (0..n.div_ceil(ITEM_CHUNK))
		.map(|c| (c, rows.iter_mut().filter_map(Iterator::next).collect()))
		.collect();
	tasks.into_par_iter().for_each(|(c, mut outs)| {
		let (mut first, mut second) = (vec![0u32; m], vec![0u32; m]);
		let start = c * ITEM_CHUNK;
		let end = (start + ITEM_CHUNK).min(n);
		let item = |i: usize| -> &[i8] { bytemuck::cast_slice(&items[i * d..(i + 1) * d]) };
		// Items in pairs, which the AVX2 kernel computes together.
		let mut i = start;
		while i < end {
			let pair = i + 1 < end;
			if pair {
				queries.distances2([item(i), item(i + 1)], [&mut first, &mut second]);
			} else {
				queries.distances(item(i), &mut first);
			}
			for (out, (&a, &b)) in outs.iter_mut().zip(first.iter().zip(&second)) {
				out[i - start] = a;
				if pair {
					out[i + 1 - start] = b;
				}
			}
			i += 2;
		}
	});
	matrix
}

/// Full ranking with KNN-Shapley values for one query's distances.
fn knn(distances: &[u32], k: u32, labels: &[u32], query_label: u32) -> Ranking {
	let order = sort::by_distance_then_index(distances);
	let index: Vec<u32> = order.iter().map(|&(_, i)| i).collect();
	let matches: Vec<bool> = index.iter().map(|&i| labels[i as usize] == query_label).collect();
	Ranking {
		distance: order.iter().map(|&(d, _)| d).collect(),
		value: knn_values(k, &matches),
		index,
	}
}

/// The `min(k, N)` nearest with their similarity values.
fn similarity(distances: &[u32], k: usize) -> Ranking {
	let keys = sort::smallest_keys(distances, k);
	let distance: Vec<u32> = keys.iter().map(|&key| (key >> 32) as u32).collect();
	Ranking {
		index: keys.iter().map(|&key| key as u32).collect(),
		value: distance.iter().map(|&d| similarity_value(d)).collect(),
		distance,
	}
}

/// The ranking key of item `i` at distance `d`, as the spec orders entries.
fn key_of(i: usize, d: u32) -> u64 {
	key(d, i as u32)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::Embeddings;
	use openledger_primitives::attribution::reference_entries;

	#[test]
	fn matches_the_reference_on_every_kernel() {
		let mut state = 9u64;
		let mut next = || {
			state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
			state >> 33
		};
		for (n, d, m) in [(1usize, 4usize, 1usize), (2, 8, 3), (1500, 20, 5), (3000, 4, 7)] {
			// d = 4 with values in {-1, 0, 1}: distances tie constantly.
			let spread = if d == 4 { 3 } else { 256 };
			let mut vals =
				|count| -> Vec<i8> { (0..count).map(|_| (next() % spread) as i64 as i8).collect() };
			let items = Embeddings::from_i8(d as u32, &vals(n * d)).unwrap();
			let queries = Embeddings::from_i8(d as u32, &vals(m * d)).unwrap();
			let labels: Vec<u32> = (0..n).map(|i| (i % 3) as u32).collect();
			let qlabels: Vec<u32> = (0..m).map(|i| (i % 3) as u32).collect();
			for method in [
				Method::KnnShapley { k: 1 },
				Method::KnnShapley { k: 10 },
				Method::Similarity { k: 7 },
			] {
				for kernel in Kernel::available() {
					let cpu = Cpu::with_kernel(kernel).unwrap();
					let inputs = Inputs::new(&items, Some(&labels), &queries, Some(&qlabels));
					let got = cpu.rank(method, inputs, &|_| {}).unwrap();
					for q in 0..m {
						let want = reference_entries(
							method,
							items.packed(),
							&labels,
							queries.row(q),
							qlabels[q],
						);
						assert_eq!(
							got[q],
							Ranking::from_entries(&want),
							"{kernel:?} {method:?} n={n} q={q}"
						);
					}
				}
			}
		}
	}
}
