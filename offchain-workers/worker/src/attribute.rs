//! From rankings to a result: committed entries, commitment roots, the paid top entries and
//! each item's value summed over the queries. Shared by both engines, so the CPU and GPU paths
//! differ only in how they rank.

use crate::{cpu::Cpu, gpu::Gpu, Error, Inputs, Ranking, Result};
use openledger_primitives::{
	attribution::{check::paid_count, check_shape, Entry, Method},
	merkle::Hash,
};
use rayon::prelude::*;
use std::time::Instant;

/// At most this many queries per run, so that summed values cannot overflow an `i64`
/// (a similarity value is below 2^47).
pub const MAX_QUERIES: usize = 1 << 16;

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
}

/// Checks that the inputs fit together and the spec's limits; returns the labels the method
/// needs (empty slices for similarity).
pub fn check_inputs<'a>(method: Method, inputs: Inputs<'a>) -> Result<(&'a [u32], &'a [u32])> {
	let Inputs { items, labels, queries, query_labels } = inputs;
	check_shape(items.dimension(), items.len() as u64, method.k())
		.map_err(|e| Error::Shape(format!("{e:?}")))?;
	if queries.dimension() != items.dimension() {
		return Err(Error::Shape(format!(
			"queries have dimension {}, items {}",
			queries.dimension(),
			items.dimension()
		)));
	}
	if queries.is_empty() || queries.len() > MAX_QUERIES {
		return Err(Error::Shape(format!(
			"{} queries; between 1 and {MAX_QUERIES} per run",
			queries.len()
		)));
	}
	if !method.needs_labels() {
		return Ok((&[], &[]));
	}
	let (Some(labels), Some(query_labels)) = (labels, query_labels) else {
		return Err(Error::Shape("KNN-Shapley needs item labels and query labels".into()));
	};
	if labels.len() != items.len() || query_labels.len() != queries.len() {
		return Err(Error::Shape(format!(
			"{} labels for {} items, {} query labels for {} queries",
			labels.len(),
			items.len(),
			query_labels.len(),
			queries.len()
		)));
	}
	Ok((labels, query_labels))
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

/// A whole run's output.
#[derive(Clone, Debug)]
pub struct Output {
	/// Each item's value summed over the queries.
	pub values: Vec<i64>,
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
	let start = Instant::now();
	let committed_count = method.committed_count(items.len() as u32).max(1) as usize;
	let group = (max_held_entries / committed_count).clamp(1, queries.len());
	let paid = paid_count(method, items.len() as u32, top) as usize;
	let mut values = vec![0i64; items.len()];
	let mut results = Vec::with_capacity(queries.len());
	let mut timings = Timings::default();
	let ms = |a: Instant, b: Instant| (b - a).as_secs_f64() * 1e3;
	for first in (0..queries.len()).step_by(group) {
		let last = (first + group).min(queries.len());
		let t0 = Instant::now();
		let group_queries = queries.rows(first..last);
		let group = Inputs {
			queries: &group_queries,
			query_labels: query_labels.map(|l| &l[first..last]),
			..inputs
		};
		let (rankings, roots) = engine.rank(method, group, &|done| progress(first + done))?;
		let t1 = Instant::now();
		results.par_extend(rankings.par_iter().enumerate().map(|(q, ranking)| QueryResult {
			root: roots.as_ref().map_or_else(|| crate::commit::root(ranking), |roots| roots[q]),
			leaf_count: ranking.len() as u32,
			top: (0..paid.min(ranking.len())).map(|r| ranking.entry(r)).collect(),
		}));
		let t2 = Instant::now();
		for ranking in &rankings {
			for (&i, &v) in ranking.index.iter().zip(&ranking.value) {
				values[i as usize] += v;
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
	use crate::Embeddings;
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
		for method in [Method::KnnShapley { k: 3 }, Method::Similarity { k: 4 }] {
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
				assert_eq!(out.values, sums);
			}
		}
	}

	#[test]
	fn refuses_inputs_that_do_not_fit() {
		let items = Embeddings::from_i8(4, &[0; 8]).unwrap();
		let queries = Embeddings::from_i8(4, &[0; 4]).unwrap();
		let other = Embeddings::from_i8(8, &[0; 8]).unwrap();
		let knn = Method::KnnShapley { k: 1 };
		let err = |r: Result<(&[u32], &[u32])>| r.unwrap_err().to_string();
		let check = |method, labels, queries, query_labels| {
			check_inputs(method, Inputs::new(&items, labels, queries, query_labels))
		};
		assert!(err(check(knn, None, &queries, None)).contains("needs item labels"));
		assert!(err(check(knn, Some(&[1]), &queries, Some(&[1]))).contains("1 labels for 2 items"));
		assert!(err(check(knn, Some(&[1, 2]), &other, Some(&[1]))).contains("dimension 8"));
		assert!(err(check(Method::Similarity { k: 0 }, None, &queries, None)).contains("ZeroK"));
		assert!(check(Method::Similarity { k: 9 }, None, &queries, None).is_ok());
	}
}
