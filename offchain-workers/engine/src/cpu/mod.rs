//! The CPU path: distances with the fastest [`Kernel`] this CPU has, the nearest `T` (KNN-Shapley)
//! or `k` (similarity) of each query kept in a bounded [`Nearest`], all on rayon's thread pool.
//!
//! Each thread takes a contiguous share of the items and keeps each query's nearest of its own.
//! It compares a block of items with every batch of 64 queries while the block is in cache, two
//! items at a time, and offers an item to a query only if its distance is within that query's
//! bound, which after the first few thousand items almost none is: the time goes to the
//! distances. The threads' nearest merge at the end.

mod kernel;

pub use kernel::{Kernel, Queries};

use crate::{
	stream::{InMemory, ItemSource, Nearest},
	Embeddings, Inputs, Ranking, Result,
};
use openledger_primitives::attribution::{key, Method};
use rayon::prelude::*;

#[cfg(target_endian = "big")]
compile_error!("the CPU path reads packed embeddings as bytes, which needs a little-endian target");

/// Items compared with every batch of queries while they are in cache (256 KiB at d = 256).
const ITEM_CHUNK: usize = 1024;
/// Queries whose distances are computed together: each item is read once per batch.
const QUERY_BATCH: usize = 64;

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
		let (_, query_labels) = crate::check::check_inputs(method, inputs)?;
		let mut source = InMemory::new(inputs.items, inputs.labels);
		self.rank_source(method, &mut source, inputs.queries, query_labels, progress)
	}

	/// Ranks every query against the items `source` yields, a chunk at a time: each query keeps
	/// its nearest `min(t, N)` (KNN-Shapley) or `min(k, N)` (similarity) in a bounded [`Nearest`], so
	/// no more than one chunk of items is held, whatever `N` is. `query_labels` (one per query)
	/// is needed for KNN-Shapley, with a labelled source.
	///
	/// Each of rayon's threads takes a contiguous share of every chunk and keeps its own
	/// nearest per query ([`Lane`]); they merge at the end, exactly, since ranking keys are distinct.
	pub fn rank_source(
		&self,
		method: Method,
		source: &mut dyn ItemSource,
		queries: &Embeddings,
		query_labels: &[u32],
		progress: &dyn Fn(usize),
	) -> Result<Vec<Ranking>> {
		crate::check::check_queries(method, source, queries, Some(query_labels))?;
		let n = source.len();
		let m = queries.len();
		let d = queries.dimension() as usize;
		let keep = method.committed_count(n as u32) as usize;
		let query_bytes: &[u8] = bytemuck::cast_slice(queries.packed());
		let batches = query_bytes
			.chunks(QUERY_BATCH * d)
			.map(|rows| Queries::new(self.kernel, d, bytemuck::cast_slice(rows)))
			.collect::<Result<Vec<_>>>()?;
		let ctx = Context {
			batches: &batches,
			d,
			query_labels: method.needs_labels().then_some(query_labels),
		};
		let threads = rayon::current_num_threads().max(1);
		let mut lanes: Vec<Lane> = (0..threads).map(|_| Lane::new(m, keep)).collect();
		let mut done = 0usize;
		source.for_each_chunk(&mut |chunk| {
			let rows = chunk.items.len();
			let share = rows.div_ceil(threads);
			let items: &[u8] = bytemuck::cast_slice(chunk.items.values());
			lanes.par_iter_mut().enumerate().for_each(|(l, lane)| {
				let range = (l * share).min(rows)..((l + 1) * share).min(rows);
				lane.rank(&ctx, items, chunk.first, chunk.labels, range);
			});
			done += rows;
			progress(m * done / n.max(1));
			Ok(())
		})?;
		let mut lanes = lanes.into_iter();
		let mut nearest = lanes.next().map(|lane| lane.nearest).unwrap_or_default();
		for lane in lanes {
			for (near, other) in nearest.iter_mut().zip(lane.nearest) {
				near.merge(other);
			}
		}
		Ok(nearest.into_par_iter().map(|near| near.into_ranking(method)).collect())
	}
}

/// What every [`Lane`] reads: the prepared query batches, the dimension and, for KNN-Shapley,
/// the query labels.
struct Context<'a> {
	batches: &'a [Queries],
	d: usize,
	query_labels: Option<&'a [u32]>,
}

/// One thread's share of the ranking: every query's nearest among the items the thread saw,
/// and each one's bound (the distance of its farthest kept item, or `u32::MAX` until `T` are
/// kept), so an item is offered to a query only if it could enter.
struct Lane {
	nearest: Vec<Nearest>,
	bounds: Vec<u32>,
}

impl Lane {
	fn new(queries: usize, keep: usize) -> Self {
		Lane {
			nearest: (0..queries).map(|_| Nearest::new(keep)).collect(),
			bounds: vec![u32::MAX; queries],
		}
	}

	/// Offers the chunk's items `range` to every query. Items go in blocks of [`ITEM_CHUNK`]
	/// that stay in cache while every batch of queries is compared with them, two items at a
	/// time (the SIMD kernels load each query element once for both).
	fn rank(
		&mut self,
		ctx: &Context,
		items: &[u8],
		first: u32,
		labels: Option<&[u32]>,
		range: std::ops::Range<usize>,
	) {
		let d = ctx.d;
		let item = |i: usize| -> &[i8] { bytemuck::cast_slice(&items[i * d..(i + 1) * d]) };
		let (mut da, mut db) = ([0u32; QUERY_BATCH], [0u32; QUERY_BATCH]);
		for block in range.clone().step_by(ITEM_CHUNK) {
			let end = (block + ITEM_CHUNK).min(range.end);
			for (b, batch) in ctx.batches.iter().enumerate() {
				let (q0, len) = (b * QUERY_BATCH, batch.len());
				let mut i = block;
				while i + 1 < end {
					batch.distances2([item(i), item(i + 1)], [&mut da[..len], &mut db[..len]]);
					self.offer(ctx, q0, &da[..len], first, labels, i);
					self.offer(ctx, q0, &db[..len], first, labels, i + 1);
					i += 2;
				}
				if i < end {
					batch.distances(item(i), &mut da[..len]);
					self.offer(ctx, q0, &da[..len], first, labels, i);
				}
			}
		}
	}

	/// Offers item `i` of the chunk, at `distances` from queries `q0..`, to their nearest.
	#[inline]
	fn offer(
		&mut self,
		ctx: &Context,
		q0: usize,
		distances: &[u32],
		first: u32,
		labels: Option<&[u32]>,
		i: usize,
	) {
		let bounds = &self.bounds[q0..q0 + distances.len()];
		let close = distances.iter().zip(bounds).map(|(d, b)| d <= b);
		let hits = close.enumerate().filter(|&(_, c)| c).map(|(q, _)| q).collect::<Hits>();
		for q in hits.iter() {
			let near = &mut self.nearest[q0 + q];
			near.offer(key(distances[q], first + i as u32), || {
				let query = ctx.query_labels.and_then(|l| l.get(q0 + q));
				query.is_some() && labels.and_then(|l| l.get(i)) == query
			});
			self.bounds[q0 + q] = near.bound();
		}
	}
}

/// The queries of a batch an item could enter, as a bit set (a batch has at most 64).
struct Hits(u64);

impl FromIterator<usize> for Hits {
	fn from_iter<I: IntoIterator<Item = usize>>(iter: I) -> Self {
		Hits(iter.into_iter().fold(0u64, |bits, q| bits | 1 << q))
	}
}

impl Hits {
	fn iter(&self) -> impl Iterator<Item = usize> {
		let mut bits = self.0;
		std::iter::from_fn(move || {
			(bits != 0).then(|| {
				let q = bits.trailing_zeros() as usize;
				bits &= bits - 1;
				q
			})
		})
	}
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
