//! From rankings to a result: committed entries, commitment roots, the paid top entries and
//! each item's value summed over the queries. Shared by both engines, so the CPU and GPU paths
//! differ only in how they rank.

use crate::{
	check::{check_inputs, check_queries},
	cpu::Cpu,
	gpu::Gpu,
	stream::ItemSource,
	Embeddings, Inputs, Ranking, Result,
};
use openledger_primitives::{
	attribution::{check::paid_count, Entry, Method},
	merkle::Hash,
};
use rayon::prelude::*;
use std::time::Instant;

pub use crate::check::MAX_QUERIES;

/// The engine that ranks.
pub enum Engine {
	/// The CPU path.
	Cpu(Cpu),
	/// The GPU path.
	Gpu {
		/// The opened adapter.
		gpu: Box<Gpu>,
		/// Whether the GPU also computes the commitment roots (`commit.wgsl`) in the same
		/// submission as the ranking. [`Engine::gpu`] chooses it unless told.
		commit_on_device: bool,
	},
}

impl Engine {
	/// The GPU path, computing the commitment roots on the device unless the adapter is a CPU
	/// itself (lavapipe, llvmpipe): emulated there, blake2b runs about twice as slow as
	/// `blake2b_simd` on the same cores (docs/BENCHMARKS.md), so [`crate::commit::root`]
	/// computes them instead. `commit_on_device` overrides the choice.
	pub fn gpu(gpu: Gpu, commit_on_device: Option<bool>) -> Self {
		let commit_on_device = commit_on_device.unwrap_or(!gpu.is_software());
		Engine::Gpu { gpu: Box::new(gpu), commit_on_device }
	}

	/// `cpu` or `gpu`.
	pub fn device(&self) -> &'static str {
		match self {
			Engine::Cpu(_) => "cpu",
			Engine::Gpu { .. } => "gpu",
		}
	}

	/// What runs the work: the CPU kernel, or the GPU adapter.
	pub fn describe(&self) -> String {
		match self {
			Engine::Cpu(cpu) => format!(
				"cpu ({} kernel, {} threads)",
				cpu.kernel().name(),
				rayon::current_num_threads()
			),
			Engine::Gpu { gpu, .. } => gpu.adapter_name(),
		}
	}

	/// Where the commitment roots are computed: `gpu` or `cpu`.
	pub fn commits_on(&self) -> &'static str {
		match self {
			Engine::Gpu { commit_on_device: true, .. } => "gpu",
			_ => "cpu",
		}
	}

	/// Ranks every query with this engine; with a GPU that commits, also returns each ranking's
	/// commitment root.
	pub fn rank(
		&self,
		method: Method,
		inputs: Inputs,
		progress: &dyn Fn(usize),
	) -> Result<(Vec<Ranking>, Option<Vec<Hash>>)> {
		match self {
			Engine::Cpu(cpu) => Ok((cpu.rank(method, inputs, progress)?, None)),
			Engine::Gpu { gpu, commit_on_device: false } => {
				Ok((gpu.rank(method, inputs, progress)?, None))
			},
			Engine::Gpu { gpu, commit_on_device: true } => {
				let (rankings, roots) = gpu.rank_and_commit(method, inputs, progress)?;
				Ok((rankings, Some(roots)))
			},
		}
	}

	/// [`Engine::rank`] over the items `source` yields, a chunk at a time
	/// ([`Cpu::rank_source`], [`Gpu::rank_source`]); a GPU that commits on the device hashes
	/// each merged ranking there ([`Gpu::commit`]).
	pub fn rank_source(
		&self,
		method: Method,
		source: &mut dyn ItemSource,
		queries: &Embeddings,
		query_labels: &[u32],
		progress: &dyn Fn(usize),
	) -> Result<(Vec<Ranking>, Option<Vec<Hash>>)> {
		match self {
			Engine::Cpu(cpu) => {
				Ok((cpu.rank_source(method, source, queries, query_labels, progress)?, None))
			},
			Engine::Gpu { gpu, commit_on_device } => {
				let rankings = gpu.rank_source(method, source, queries, query_labels, progress)?;
				let roots = commit_on_device
					.then(|| rankings.iter().map(|r| gpu.commit(r)).collect::<Result<Vec<_>>>())
					.transpose()?;
				Ok((rankings, roots))
			},
		}
	}
}

/// One query's result as a worker posts it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct QueryResult {
	/// The commitment root over every committed entry.
	pub root: Hash,
	/// How many entries it commits to.
	pub leaf_count: u32,
	/// The paid top entries, ranks `0..P`.
	pub top: Vec<Entry>,
}

/// Wall-clock milliseconds of each stage.
#[derive(Clone, Copy, Debug, Default, serde::Serialize)]
pub struct Timings {
	/// Distances, ranking and values (and the commitment roots, where the GPU computes them).
	pub rank: f64,
	/// Leaf hashes and Merkle roots on the CPU.
	pub commit: f64,
	/// Summing values per item (and handing each group's rankings on).
	pub sum: f64,
	/// Everything after loading the inputs.
	pub total: f64,
}

/// Each item's value summed over the queries. Only items among some query's committed entries
/// have one (at most `M·T`), so only those are held: the memory does not grow with `N`.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Values {
	items: usize,
	sums: std::collections::BTreeMap<u32, i64>,
}

impl Values {
	/// No value yet for any of `items` items.
	pub fn new(items: usize) -> Self {
		Values { items, sums: Default::default() }
	}

	/// Adds `value` to item `index`'s sum.
	pub fn add(&mut self, index: u32, value: i64) {
		*self.sums.entry(index).or_default() += value;
	}

	/// How many items there are (`N`), valued or not.
	pub fn len(&self) -> usize {
		self.items
	}

	/// Whether there are no items.
	pub fn is_empty(&self) -> bool {
		self.items == 0
	}

	/// Item `index`'s sum (0 for an item no query valued).
	pub fn get(&self, index: u32) -> i64 {
		self.sums.get(&index).copied().unwrap_or(0)
	}

	/// The items that have a value, by index, with it.
	pub fn valued(&self) -> impl Iterator<Item = (u32, i64)> + '_ {
		self.sums.iter().map(|(&i, &v)| (i, v))
	}

	/// Every item's sum, in index order: `len()` values.
	pub fn to_vec(&self) -> Vec<i64> {
		self.range(0..self.items)
	}

	/// The sums of the items in `range`.
	pub fn range(&self, range: std::ops::Range<usize>) -> Vec<i64> {
		range.map(|i| self.get(i as u32)).collect()
	}
}

/// A whole run's output.
#[derive(Clone, Debug)]
pub struct Output {
	/// Each item's value summed over the queries.
	pub values: Values,
	/// Each query's result.
	pub queries: Vec<QueryResult>,
	/// Stage timings.
	pub timings: Timings,
}

/// Rankings kept in memory at once, in entries (16 bytes each): queries are ranked in groups
/// of at most this many committed entries, so memory stays bounded for any `N` and `M`.
const MAX_HELD_ENTRIES: usize = 1 << 24;

/// Runs `method` over the items for every query on `engine`. `top` is how many of the nearest
/// entries KNN-Shapley pays (similarity pays all `k` it commits). `each_group` sees every
/// group's rankings, in query order, before they are dropped (the CLI writes them out).
pub fn attribute(
	engine: &Engine,
	method: Method,
	top: u32,
	inputs: Inputs,
	progress: &dyn Fn(usize),
	each_group: &mut dyn FnMut(&[Ranking]) -> Result<()>,
) -> Result<Output> {
	attribute_in_groups(engine, method, top, inputs, MAX_HELD_ENTRIES, progress, each_group)
}

fn attribute_in_groups(
	engine: &Engine,
	method: Method,
	top: u32,
	inputs: Inputs,
	max_held_entries: usize,
	progress: &dyn Fn(usize),
	each_group: &mut dyn FnMut(&[Ranking]) -> Result<()>,
) -> Result<Output> {
	let Inputs { items, queries, query_labels, .. } = inputs;
	check_inputs(method, inputs)?;
	let mut rank = |first: usize, group: &Embeddings, labels: Option<&[u32]>| {
		let inputs = Inputs { queries: group, query_labels: labels, ..inputs };
		engine.rank(method, inputs, &|done| progress(first + done))
	};
	in_groups(
		method,
		top,
		items.len(),
		queries,
		query_labels,
		max_held_entries,
		&mut rank,
		each_group,
	)
}

/// [`attribute`] with the items read from `source` a chunk at a time (a Datanet export file by
/// file, say): each group of queries takes one pass over the source, and no more than one chunk
/// of items is held at once, on the host and on a GPU ([`Engine::rank_source`]). (It takes [`attribute`]'s arguments with its
/// `Inputs` split into the source and the queries, hence the allowed lint.)
#[allow(clippy::too_many_arguments)]
pub fn attribute_source(
	engine: &Engine,
	method: Method,
	top: u32,
	source: &mut dyn ItemSource,
	queries: &Embeddings,
	query_labels: Option<&[u32]>,
	progress: &dyn Fn(usize),
	each_group: &mut dyn FnMut(&[Ranking]) -> Result<()>,
) -> Result<Output> {
	check_queries(method, source, queries, query_labels)?;
	let n = source.len();
	let mut rank = |first: usize, group: &Embeddings, labels: Option<&[u32]>| {
		let labels = labels.unwrap_or_default();
		engine.rank_source(method, source, group, labels, &|done| progress(first + done))
	};
	in_groups(method, top, n, queries, query_labels, MAX_HELD_ENTRIES, &mut rank, each_group)
}

/// A group's rankings (and, where the GPU hashed them, their roots), from the index of its first
/// query, its queries and their labels.
type RankGroup<'a> =
	dyn FnMut(usize, &Embeddings, Option<&[u32]>) -> Result<(Vec<Ranking>, Option<Vec<Hash>>)> + 'a;

/// Ranks the queries in groups of at most `max_held_entries` committed entries with `rank`, and
/// turns each group into results and summed values before the next.
#[allow(clippy::too_many_arguments)]
fn in_groups(
	method: Method,
	top: u32,
	n: usize,
	queries: &Embeddings,
	query_labels: Option<&[u32]>,
	max_held_entries: usize,
	rank: &mut RankGroup,
	each_group: &mut dyn FnMut(&[Ranking]) -> Result<()>,
) -> Result<Output> {
	let start = Instant::now();
	let committed_count = method.committed_count(n as u32).max(1) as usize;
	let group = (max_held_entries / committed_count).clamp(1, queries.len());
	let paid = paid_count(method, n as u32, top) as usize;
	let mut values = Values::new(n);
	let mut results = Vec::with_capacity(queries.len());
	let mut timings = Timings::default();
	let ms = |a: Instant, b: Instant| (b - a).as_secs_f64() * 1e3;
	for first in (0..queries.len()).step_by(group) {
		let last = (first + group).min(queries.len());
		let t0 = Instant::now();
		let group_queries = queries.rows(first..last);
		let (rankings, roots) = rank(first, &group_queries, query_labels.map(|l| &l[first..last]))?;
		let t1 = Instant::now();
		results.par_extend(rankings.par_iter().enumerate().map(|(q, ranking)| QueryResult {
			root: roots.as_ref().map_or_else(|| crate::commit::root(ranking), |roots| roots[q]),
			leaf_count: ranking.len() as u32,
			top: (0..paid.min(ranking.len())).map(|r| ranking.entry(r)).collect(),
		}));
		let t2 = Instant::now();
		for ranking in &rankings {
			for (&i, &v) in ranking.index.iter().zip(&ranking.value) {
				values.add(i, v);
			}
		}
		each_group(&rankings)?;
		let t3 = Instant::now();
		timings.rank += ms(t0, t1);
		timings.commit += ms(t1, t2);
		timings.sum += ms(t2, t3);
	}
	timings.total = ms(start, Instant::now());
	Ok(Output { values, queries: results, timings })
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{stream::InMemory, Embeddings};
	use openledger_primitives::attribution::{
		commitment as reference_commitment, reference_entries,
	};

	#[test]
	fn output_matches_the_reference_definitions_in_any_grouping() {
		let d = 8;
		let raw: Vec<i8> = (0..40 * d).map(|i| ((i * 37 + 11) % 7) as i8 - 3).collect();
		let items = Embeddings::from_i8(d as u32, &raw[..30 * d]).unwrap();
		let queries = Embeddings::from_i8(d as u32, &raw[30 * d..]).unwrap();
		let labels: Vec<u32> = (0..30).map(|i| i % 4).collect();
		let qlabels: Vec<u32> = (0..10).map(|i| i % 4).collect();
		let inputs = Inputs {
			items: &items,
			labels: Some(&labels),
			queries: &queries,
			query_labels: Some(&qlabels),
		};
		let truncated = Method::KnnShapley { k: 3, t: 7 };
		for method in [Method::KnnShapley { k: 3, t: 64 }, truncated, Method::Similarity { k: 4 }] {
			// One group of all ten queries; groups of three (the last of one); one query each.
			for held in [usize::MAX, 3 * 30, 1] {
				let mut seen = Vec::new();
				let engine = Engine::Cpu(Cpu::default());
				let out =
					attribute_in_groups(&engine, method, 2, inputs, held, &|_| {}, &mut |group| {
						seen.extend_from_slice(group);
						Ok(())
					})
					.unwrap();
				let mut sums = vec![0i64; 30];
				for (q, result) in out.queries.iter().enumerate() {
					let want = reference_entries(
						method,
						items.packed(),
						&labels,
						queries.row(q),
						qlabels[q],
					);
					assert_eq!(result.root, reference_commitment(&want));
					assert_eq!(result.leaf_count as usize, want.len());
					let paid = if method.needs_labels() { 2 } else { 4 };
					assert_eq!(result.top, want[..paid].to_vec());
					assert_eq!(
						seen[q],
						Ranking::from_entries(&want),
						"query {q} handed on in order"
					);
					for e in &want {
						sums[e.index as usize] += e.value;
					}
				}
				assert_eq!((out.queries.len(), seen.len()), (10, 10));
				assert_eq!(out.values.to_vec(), sums);
			}
		}
	}

	/// The same results whether the items are in memory or arrive a few rows at a time, with
	/// the nearest spread across chunks and `T` inside, at and beyond `N`.
	#[test]
	fn streaming_the_items_gives_the_same_output() {
		let d = 8;
		let raw: Vec<i8> = (0..(97 + 6) * d).map(|i| ((i * 53 + 7) % 11) as i8 - 5).collect();
		let items = Embeddings::from_i8(d as u32, &raw[..97 * d]).unwrap();
		let queries = Embeddings::from_i8(d as u32, &raw[97 * d..]).unwrap();
		let labels: Vec<u32> = (0..97).map(|i| (i * 7 % 3) as u32).collect();
		let qlabels: Vec<u32> = (0..6).map(|i| i % 3).collect();
		let inputs = Inputs::new(&items, Some(&labels), &queries, Some(&qlabels));
		let engine = Engine::Cpu(Cpu::default());
		// The GPU path too (lavapipe will do, as for tests/gpu.rs), hashing on the device.
		let gpu = Engine::gpu(
			Gpu::new().expect("this test needs a GPU adapter (lavapipe will do)"),
			Some(true),
		);
		for method in [
			Method::KnnShapley { k: 3, t: 10 },
			Method::KnnShapley { k: 3, t: 97 },
			Method::KnnShapley { k: 2, t: 500 },
			Method::Similarity { k: 5 },
		] {
			let whole = attribute(&engine, method, 4, inputs, &|_| {}, &mut |_| Ok(())).unwrap();
			for (rows, streaming) in
				[1, 7, 96, 97, 1000].into_iter().flat_map(|rows| [(rows, &engine), (rows, &gpu)])
			{
				let mut source = InMemory::with_rows(&items, Some(&labels), rows);
				let streamed = attribute_source(
					streaming,
					method,
					4,
					&mut source,
					&queries,
					Some(&qlabels),
					&|_| {},
					&mut |_| Ok(()),
				)
				.unwrap();
				let on = streaming.device();
				assert_eq!(streamed.values, whole.values, "{method:?} rows {rows} {on}");
				assert_eq!(streamed.queries, whole.queries, "{method:?} rows {rows} {on}");
			}
		}
	}

	#[test]
	fn refuses_inputs_that_do_not_fit() {
		let items = Embeddings::from_i8(4, &[0; 8]).unwrap();
		let queries = Embeddings::from_i8(4, &[0; 4]).unwrap();
		let other = Embeddings::from_i8(8, &[0; 8]).unwrap();
		let knn = Method::KnnShapley { k: 1, t: 4 };
		let err = |r: Result<(&[u32], &[u32])>| r.unwrap_err().to_string();
		let check = |method, labels, queries, query_labels| {
			check_inputs(method, Inputs::new(&items, labels, queries, query_labels))
		};
		assert!(err(check(knn, None, &queries, None)).contains("needs item labels"));
		assert!(err(check(knn, Some(&[1]), &queries, Some(&[1]))).contains("1 labels for 2 items"));
		assert!(err(check(knn, Some(&[1, 2]), &other, Some(&[1]))).contains("dimension 8"));
		assert!(err(check(Method::Similarity { k: 0 }, None, &queries, None)).contains("ZeroK"));
		let t_below_k = Method::KnnShapley { k: 2, t: 1 };
		assert!(err(check(t_below_k, Some(&[1, 2]), &queries, Some(&[1]))).contains("Top(1)"));
		assert!(check(Method::Similarity { k: 9 }, None, &queries, None).is_ok());
	}
}
