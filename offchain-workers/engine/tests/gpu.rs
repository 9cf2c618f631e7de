//! The GPU path against the reference, `reference_entries`, bit for bit.
//!
//! Every test needs a wgpu adapter; a software one (Mesa lavapipe) is enough and is what CI
//! installs. A missing adapter fails the test rather than skipping it, so a CI image without a
//! Vulkan driver cannot pass silently. Tests that say "dot4 when available" run the
//! `dot4I8Packed` distance kernel where the adapter's WGSL supports it and the portable one
//! otherwise; tests that force the portable kernel need nothing more.

use openledger_engine::gpu::{Gpu, GpuOptions};
use openledger_engine::{Embeddings, Error, Inputs, Ranking};
use openledger_primitives::attribution::{commitment, reference_entries, Entry, Method};
use openledger_primitives::merkle::hash_node;
use std::cell::RefCell;

/// SplitMix64, so the tests need no RNG crate and every input is reproducible.
struct Rng(u64);

impl Rng {
	fn next(&mut self) -> u64 {
		self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
		let mut z = self.0;
		z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
		z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
		z ^ (z >> 31)
	}

	/// `rows` embeddings of dimension `d`, every element drawn from `values`.
	fn embeddings(&mut self, d: u32, rows: usize, values: &[i8]) -> Embeddings {
		let v: Vec<i8> = (0..rows * d as usize)
			.map(|_| values[(self.next() % values.len() as u64) as usize])
			.collect();
		Embeddings::from_i8(d, &v).unwrap()
	}

	fn full(&mut self, d: u32, rows: usize) -> Embeddings {
		let v: Vec<i8> = (0..rows * d as usize).map(|_| self.next() as u8 as i8).collect();
		Embeddings::from_i8(d, &v).unwrap()
	}

	fn labels(&mut self, count: usize, classes: u64) -> Vec<u32> {
		(0..count).map(|_| (self.next() % classes) as u32).collect()
	}
}

const TERNARY: [i8; 3] = [-1, 0, 1];

fn open(options: GpuOptions) -> Gpu {
	match Gpu::with_options(options) {
		Ok(gpu) => gpu,
		Err(e) => panic!("these tests need a GPU adapter (lavapipe will do): {e}"),
	}
}

/// Both distance kernels: the default (dot4 when available) and the portable one.
fn both_kernels(options: GpuOptions) -> [Gpu; 2] {
	[open(options), open(GpuOptions { portable_distance: true, ..options })]
}

/// Ranks on the GPU and compares every query with the reference.
fn check(
	gpu: &Gpu,
	method: Method,
	items: &Embeddings,
	labels: &[u32],
	queries: &Embeddings,
	query_labels: &[u32],
	what: &str,
) {
	let (l, ql) =
		if method.needs_labels() { (Some(labels), Some(query_labels)) } else { (None, None) };
	let rankings = gpu.rank(method, Inputs::new(items, l, queries, ql), &|_| {}).unwrap();
	compare(gpu, method, items, labels, queries, query_labels, &rankings, None, what);
}

/// Compares every ranking (and, when given, every root) with the reference.
#[allow(clippy::too_many_arguments)]
fn compare(
	gpu: &Gpu,
	method: Method,
	items: &Embeddings,
	labels: &[u32],
	queries: &Embeddings,
	query_labels: &[u32],
	rankings: &[Ranking],
	roots: Option<&[[u8; 32]]>,
	what: &str,
) {
	assert_eq!(rankings.len(), queries.len(), "{what}");
	for (q, ranking) in rankings.iter().enumerate() {
		let label = query_labels.get(q).copied().unwrap_or(0);
		let entries = reference_entries(method, items.packed(), labels, queries.row(q), label);
		let expected = Ranking::from_entries(&entries);
		assert!(
			*ranking == expected,
			"{what}, {method:?}, query {q}, dot4 {}: {}",
			gpu.uses_dot4(),
			first_difference(ranking, &expected)
		);
		if let Some(roots) = roots {
			assert_eq!(
				roots[q],
				commitment(&entries),
				"{what}, {method:?}, query {q}: root differs"
			);
		}
	}
}

/// `(rank, GPU entry, reference entry)` of the first mismatch, for the failure message.
fn first_difference(a: &Ranking, b: &Ranking) -> String {
	if a.len() != b.len() {
		return format!("{} entries, expected {}", a.len(), b.len());
	}
	match (0..a.len()).find(|&r| a.entry(r) != b.entry(r)) {
		Some(r) => format!("rank {r}: {:?}, expected {:?}", a.entry(r), b.entry(r)),
		None => "none".into(),
	}
}

// Needs: an adapter. Reports what was found.
#[test]
fn opens_an_adapter() {
	let gpu = open(GpuOptions::default());
	eprintln!("adapter: {}, dot4I8Packed: {}", gpu.adapter_name(), gpu.uses_dot4());
	assert!(!gpu.adapter_name().is_empty());
	assert!(!open(GpuOptions { portable_distance: true, ..Default::default() }).uses_dot4());
}

// Needs: an adapter; dot4 when available, and the portable kernel.
// Sizes around the workgroup (256), the sort tile (1024) and the scan tile (256), one item.
#[test]
fn knn_shapley_matches_the_reference_on_awkward_sizes() {
	let mut rng = Rng(1);
	for gpu in both_kernels(GpuOptions::default()) {
		for n in [1usize, 2, 63, 65, 1000, 4097] {
			let items = rng.full(4, n);
			let labels = rng.labels(n, 3);
			let queries = rng.full(4, 3);
			let query_labels = rng.labels(3, 3);
			// t = k, a t inside the sort's tiles, and every item.
			for (k, t) in [(1u32, 1u32), (5, 300), (n as u32 + 3, 1 << 16)] {
				check(
					&gpu,
					Method::KnnShapley { k, t: t.max(k) },
					&items,
					&labels,
					&queries,
					&query_labels,
					&format!("n={n}"),
				);
			}
		}
	}
}

// Needs: an adapter; dot4 when available, and the portable kernel.
// Top-k selection (k <= 256 < N, N > 1024) with one and two compaction rounds, the full-sort
// fallback (k > 256, k >= N), and small N.
#[test]
fn similarity_matches_the_reference() {
	let mut rng = Rng(2);
	for gpu in both_kernels(GpuOptions::default()) {
		for (n, ks) in [
			(1usize, &[1u32, 4][..]),
			(63, &[1, 10, 63, 64]),
			(1000, &[3, 256, 999]),
			(4097, &[1, 7, 100, 256, 257, 5000]),
			(5000, &[200]),
		] {
			let items = rng.full(8, n);
			let queries = rng.full(8, 3);
			for &k in ks {
				check(
					&gpu,
					Method::Similarity { k },
					&items,
					&[],
					&queries,
					&[],
					&format!("n={n}"),
				);
			}
		}
	}
}

// Needs: an adapter; dot4 when available, and the portable kernel.
// Embeddings from {-1, 0, 1} with d = 4 leave few distinct distances, so the index decides
// most of the order.
#[test]
fn ties_are_ranked_by_index() {
	let mut rng = Rng(3);
	for gpu in both_kernels(GpuOptions::default()) {
		for n in [65usize, 4097] {
			let items = rng.embeddings(4, n, &TERNARY);
			let labels = rng.labels(n, 2);
			let queries = rng.embeddings(4, 4, &TERNARY);
			let query_labels = rng.labels(4, 2);
			for k in [1u32, 3] {
				check(
					&gpu,
					Method::KnnShapley { k, t: 1 << 16 },
					&items,
					&labels,
					&queries,
					&query_labels,
					"ties",
				);
			}
			for k in [1u32, 50, 300] {
				check(
					&gpu,
					Method::Similarity { k },
					&items,
					&labels,
					&queries,
					&query_labels,
					"ties",
				);
			}
		}
	}
}

// Needs: an adapter; dot4 when available, and the portable kernel.
// The largest dimension, and the largest distance (1024 * 255^2) between all-127 and
// all--128 vectors, where dot4's |q|^2 + |x|^2 - 2 q.x must stay exact.
#[test]
fn largest_dimension_and_distance() {
	let mut rng = Rng(4);
	for gpu in both_kernels(GpuOptions::default()) {
		let n = 65;
		let mut values: Vec<i8> = (0..n * 1024).map(|_| rng.next() as u8 as i8).collect();
		values[..1024].fill(127);
		values[1024..2048].fill(-128);
		let items = Embeddings::from_i8(1024, &values).unwrap();
		let labels = rng.labels(n, 4);
		let mut query_values: Vec<i8> = (0..3 * 1024).map(|_| rng.next() as u8 as i8).collect();
		query_values[..1024].fill(-128);
		query_values[1024..2048].fill(127);
		let queries = Embeddings::from_i8(1024, &query_values).unwrap();
		let query_labels = rng.labels(3, 4);
		check(
			&gpu,
			Method::KnnShapley { k: 7, t: 1_024 },
			&items,
			&labels,
			&queries,
			&query_labels,
			"d=1024",
		);
		check(
			&gpu,
			Method::Similarity { k: 5 },
			&items,
			&labels,
			&queries,
			&query_labels,
			"d=1024",
		);
		let far = gpu
			.rank(Method::Similarity { k: 65 }, Inputs::new(&items, None, &queries, None), &|_| {})
			.unwrap();
		assert_eq!(far[0].distance[64], 1024 * 255 * 255);
		assert_eq!(far[0].index[64], 0);
	}
}

// Needs: an adapter; dot4 when available, and the portable kernel.
// N = 2500 over dispatches of at most 1000 items (the last one partial), and queries in
// batches of 2 (the last one partial): rankings must still cover all items and all queries.
#[test]
fn items_over_several_dispatches_and_queries_over_several_batches() {
	let mut rng = Rng(5);
	let options = GpuOptions {
		max_items_per_dispatch: Some(1000),
		max_queries_per_batch: Some(2),
		..Default::default()
	};
	for gpu in both_kernels(options) {
		let n = 2500;
		let items = rng.full(16, n);
		let labels = rng.labels(n, 5);
		let queries = rng.full(16, 5);
		let query_labels = rng.labels(5, 5);
		check(
			&gpu,
			Method::KnnShapley { k: 10, t: 1_024 },
			&items,
			&labels,
			&queries,
			&query_labels,
			"chunked",
		);
		check(
			&gpu,
			Method::Similarity { k: 20 },
			&items,
			&labels,
			&queries,
			&query_labels,
			"chunked",
		);
		check(
			&gpu,
			Method::Similarity { k: 2600 },
			&items,
			&labels,
			&queries,
			&query_labels,
			"chunked",
		);
		let done = RefCell::new(Vec::new());
		gpu.rank(Method::Similarity { k: 1 }, Inputs::new(&items, None, &queries, None), &|q| {
			done.borrow_mut().push(q)
		})
		.unwrap();
		assert_eq!(done.into_inner(), vec![2, 4, 5]);
	}
}

// Needs: an adapter; dot4 when available.
// N > 65536 makes the KNN-Shapley suffix scan three levels deep (N/256 tiles, then their
// tiles, then one), and the bitonic sort run global stages up to k = 2^17.
#[test]
fn knn_shapley_with_a_three_level_scan() {
	let mut rng = Rng(6);
	let gpu = open(GpuOptions::default());
	let n = 70_000;
	let items = rng.embeddings(4, n, &[-3, -1, 0, 2, 5]);
	let labels = rng.labels(n, 2);
	let queries = rng.full(4, 2);
	let query_labels = rng.labels(2, 2);
	let knn = Method::KnnShapley { k: 5, t: 1 << 16 };
	check(&gpu, knn, &items, &labels, &queries, &query_labels, "n=70000");
}

// Needs: an adapter.
#[test]
fn mismatched_shapes_are_refused() {
	let mut rng = Rng(7);
	let gpu = open(GpuOptions::default());
	let items = rng.full(4, 10);
	let queries = rng.full(4, 2);
	let knn = Method::KnnShapley { k: 3, t: 8 };
	let refused =
		|result: openledger_engine::Result<Vec<Ranking>>| matches!(result, Err(Error::Shape(_)));
	assert!(refused(gpu.rank(
		knn,
		Inputs::new(&items, Some(&[0; 9]), &queries, Some(&[0; 2])),
		&|_| {}
	)));
	assert!(refused(gpu.rank(
		knn,
		Inputs::new(&items, Some(&[0; 10]), &queries, Some(&[0; 3])),
		&|_| {}
	)));
	assert!(refused(gpu.rank(knn, Inputs::new(&items, None, &queries, Some(&[0; 2])), &|_| {})));
	assert!(refused(gpu.rank(
		Method::Similarity { k: 0 },
		Inputs::new(&items, None, &queries, None),
		&|_| {}
	)));
	let other = Embeddings::from_i8(8, &[0; 16]).unwrap();
	assert!(refused(gpu.rank(
		Method::Similarity { k: 1 },
		Inputs::new(&items, None, &other, None),
		&|_| {}
	)));
	// Labels are not needed, and ignored, for similarity.
	assert!(gpu
		.rank(
			Method::Similarity { k: 1 },
			Inputs::new(&items, Some(&[0; 3]), &queries, None),
			&|_| {}
		)
		.is_ok());
}

/// Ranks and commits on the GPU and compares every ranking and root with the reference.
fn check_roots(
	gpu: &Gpu,
	method: Method,
	items: &Embeddings,
	labels: &[u32],
	queries: &Embeddings,
	query_labels: &[u32],
	what: &str,
) {
	let (l, ql) =
		if method.needs_labels() { (Some(labels), Some(query_labels)) } else { (None, None) };
	let (rankings, roots) =
		gpu.rank_and_commit(method, Inputs::new(items, l, queries, ql), &|_| {}).unwrap();
	assert_eq!(roots.len(), queries.len(), "{what}");
	compare(gpu, method, items, labels, queries, query_labels, &rankings, Some(&roots), what);
}

// Needs: an adapter.
// The shader's blake2b on known vectors: the root pinned in the primitives from Python's hashlib
// (three leaves, a negative value, the odd leaf carried up), a bare leaf (one leaf is its own
// root), and the leaf of Entry { rank: 1, index: 2, distance: 3, value: -4 } under a node.
#[test]
fn commit_matches_known_vectors() {
	let gpu = open(GpuOptions::default());
	let hex = |h: [u8; 32]| h.iter().map(|b| format!("{b:02x}")).collect::<String>();
	let known: Vec<Entry> = (0..3u32)
		.map(|r| Entry { rank: r, index: 10 - r, distance: 100 * r, value: 1000 - 700 * r as i64 })
		.collect();
	assert_eq!(
		hex(gpu.commit(&Ranking::from_entries(&known)).unwrap()),
		"bdbc13f8a726fba374c54f93e1dd00cd08e9bad84010d9a2a897aa27b6b7f55f"
	);
	let first = Entry { rank: 0, index: 2, distance: 3, value: -4 };
	assert_eq!(gpu.commit(&Ranking::from_entries(&[first])).unwrap(), first.leaf_hash());
	let second = Entry { rank: 1, index: 2, distance: 3, value: -4 };
	assert_eq!(
		gpu.commit(&Ranking::from_entries(&[first, second])).unwrap(),
		hash_node(&first.leaf_hash(), &second.leaf_hash())
	);
}

// Needs: an adapter.
// Every field at every bit pattern, which no ranking produces (values above 2^46, i64::MIN,
// indices and distances with the top byte set), over trees of odd and even levels.
#[test]
fn commit_matches_the_reference_on_any_entries() {
	let mut rng = Rng(10);
	let gpu = open(GpuOptions::default());
	for n in [1usize, 2, 3, 5, 63, 64, 65, 1000, 4097] {
		let mut entries: Vec<Entry> = (0..n as u32)
			.map(|r| Entry {
				rank: r,
				index: rng.next() as u32,
				distance: rng.next() as u32,
				value: rng.next() as i64,
			})
			.collect();
		entries[0].value = i64::MIN;
		entries[n - 1].index = u32::MAX;
		assert_eq!(
			gpu.commit(&Ranking::from_entries(&entries)).unwrap(),
			commitment(&entries),
			"n={n}"
		);
	}
}

// Needs: an adapter.
// Trees with odd and even levels (1, 2, 3, 5, 63, 64, 65, 1000, 4097 leaves), KNN-Shapley
// with negative values, several queries per batch and one query per batch.
#[test]
fn knn_shapley_roots_match_the_reference() {
	let mut rng = Rng(8);
	for options in
		[GpuOptions::default(), GpuOptions { max_queries_per_batch: Some(1), ..Default::default() }]
	{
		let gpu = open(options);
		for n in [1usize, 2, 3, 5, 63, 64, 65, 1000, 4097] {
			let items = rng.full(8, n);
			let labels = rng.labels(n, 3);
			let queries = rng.full(8, 3);
			let query_labels = rng.labels(3, 3);
			for (k, t) in [(1u32, 1u32 << 16), (5, 40)] {
				let method = Method::KnnShapley { k, t };
				check_roots(
					&gpu,
					method,
					&items,
					&labels,
					&queries,
					&query_labels,
					&format!("n={n}"),
				);
			}
			if n >= 5 {
				// Negative values come from a matching item ranked just before a mismatching one.
				let (l, ql) = (Some(&labels[..]), Some(&query_labels[..]));
				let (rankings, _) = gpu
					.rank_and_commit(
						Method::KnnShapley { k: 1, t: 1 << 16 },
						Inputs::new(&items, l, &queries, ql),
						&|_| {},
					)
					.unwrap();
				assert!(
					rankings.iter().any(|r| r.value.iter().any(|&v| v < 0)),
					"n={n}: no negative value"
				);
			}
		}
	}
}

// Needs: an adapter.
// Similarity with k < N (top-k selection above 1024 items) and k > N, in batches of several
// queries and of one.
#[test]
fn similarity_roots_match_the_reference() {
	let mut rng = Rng(9);
	for options in
		[GpuOptions::default(), GpuOptions { max_queries_per_batch: Some(1), ..Default::default() }]
	{
		let gpu = open(options);
		for n in [1usize, 2, 3, 5, 63, 64, 65, 1000, 4097] {
			let items = rng.full(8, n);
			let queries = rng.full(8, 3);
			for k in [1u32, 3, 64, 100, n as u32 + 5] {
				check_roots(
					&gpu,
					Method::Similarity { k },
					&items,
					&[],
					&queries,
					&[],
					&format!("n={n}"),
				);
			}
		}
	}
}
