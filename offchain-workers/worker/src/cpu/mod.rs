//! The CPU path: distances with the fastest [`Kernel`] this CPU has, the nearest `T` (KNN-Shapley)
//! or `k` (similarity) of each query kept in a bounded heap, all on rayon's thread pool.
//!
//! Queries go in batches. For each batch the items are split into chunks across threads, and
//! each item is compared with every query of the batch while it is in cache, so the items are
//! read from memory once per batch rather than once per query.

mod kernel;

pub use kernel::{Kernel, Queries};

use crate::{
	stream::{InMemory, ItemSource, Nearest},
	Embeddings, Inputs, Ranking, Result,
};
use openledger_primitives::attribution::{key, knn_values, similarity_value, Method};
use rayon::prelude::*;

#[cfg(target_endian = "big")]
compile_error!("the CPU path reads packed embeddings as bytes, which needs a little-endian target");

/// Items handed to one thread at a time.
const ITEM_CHUNK: usize = 1024;
/// Queries whose distances are computed together: each item is read once per batch.
const QUERY_BATCH: usize = 64;
/// Items of a chunk ranked at a time: a batch's distances stay under 2^24 entries (64 MiB).
const STREAM_ROWS: usize = (1 << 24) / QUERY_BATCH;

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
	/// of queries done (in proportion to the items ranked).
	pub fn rank(
		&self,
		method: Method,
		inputs: Inputs,
		progress: &dyn Fn(usize),
	) -> Result<Vec<Ranking>> {
		let (_, query_labels) = crate::attribute::check_inputs(method, inputs)?;
		let mut source = InMemory::new(inputs.items, inputs.labels);
		self.rank_source(method, &mut source, inputs.queries, query_labels, progress)
	}

	/// Ranks every query against the items `source` yields, a chunk at a time: each query keeps
	/// its nearest `min(t, N)` (KNN-Shapley) or `min(k, N)` (similarity) in a bounded heap, so
	/// no more than one chunk of items is held, whatever `N` is. `query_labels` (one per query)
	/// is needed for KNN-Shapley, with a labelled source.
	pub fn rank_source(
		&self,
		method: Method,
		source: &mut dyn ItemSource,
		queries: &Embeddings,
		query_labels: &[u32],
		progress: &dyn Fn(usize),
	) -> Result<Vec<Ranking>> {
		crate::attribute::check_queries(method, source, queries, Some(query_labels))?;
		let n = source.len();
		let m = queries.len();
		let d = queries.dimension() as usize;
		let keep = method.committed_count(n as u32) as usize;
		let knn = method.needs_labels();
		let query_bytes: &[u8] = bytemuck::cast_slice(queries.packed());
		let batches = query_bytes
			.chunks(QUERY_BATCH * d)
			.map(|rows| Queries::new(self.kernel, d, bytemuck::cast_slice(rows)))
			.collect::<Result<Vec<_>>>()?;
		let mut nearest: Vec<Nearest> = (0..m).map(|_| Nearest::new(keep)).collect();
		let mut done = 0usize;
		source.for_each_chunk(&mut |chunk| {
			let item_bytes: &[u8] = bytemuck::cast_slice(chunk.items.packed());
			let rows = chunk.items.len();
			for start in (0..rows).step_by(STREAM_ROWS) {
				let end = (start + STREAM_ROWS).min(rows);
				let first = chunk.first + start as u32;
				let labels = chunk.labels.map(|l| &l[start..end]);
				for (b, prepared) in batches.iter().enumerate() {
					let slice = &item_bytes[start * d..end * d];
					let distances = distance_matrix(prepared, slice, d, end - start);
					let q0 = b * QUERY_BATCH;
					nearest[q0..q0 + prepared.len()]
						.par_iter_mut()
						.zip(distances.par_chunks(end - start))
						.enumerate()
						.for_each(|(q, (near, row))| {
							let query_label = query_labels.get(q0 + q).copied();
							for (i, &distance) in row.iter().enumerate() {
								near.offer(key(distance, first + i as u32), || {
									knn && labels.and_then(|l| l.get(i)).copied() == query_label
								});
							}
						});
				}
			}
			done += rows;
			progress(m * done / n.max(1));
			Ok(())
		})?;
		Ok(nearest.into_iter().map(|near| ranking(method, near.into_sorted())).collect())
	}
}

/// A query's ranking from its nearest `(key, label matches)`, nearest first.
fn ranking(method: Method, nearest: Vec<(u64, bool)>) -> Ranking {
	let index: Vec<u32> = nearest.iter().map(|&(key, _)| key as u32).collect();
	let distance: Vec<u32> = nearest.iter().map(|&(key, _)| (key >> 32) as u32).collect();
	let value = match method {
		Method::KnnShapley { k, .. } => {
			knn_values(k, &nearest.iter().map(|&(_, m)| m).collect::<Vec<_>>())
		},
		Method::Similarity { .. } => distance.iter().map(|&d| similarity_value(d)).collect(),
	};
	Ranking { index, distance, value }
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
				Method::KnnShapley { k: 1, t: 1 << 16 },
				Method::KnnShapley { k: 10, t: 10 },
				Method::KnnShapley { k: 3, t: 700 },
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
