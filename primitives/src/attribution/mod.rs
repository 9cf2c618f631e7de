//! Proof of Attribution: the integer definitions every implementation computes bit for bit.
//!
//! `docs/attribution.md` is the specification; this module is its executable form, and the
//! worker's CPU and GPU paths are tested against it. It is `no_std` and float-free because the
//! runtime links it to recompute a disputed entry ([`check`]).
//!
//! - Embeddings are `int8` vectors of dimension `d`, a multiple of 4 in `4..=1024`, stored packed
//!   four to a `u32` (element `4w + j` is byte `j`, little endian, of word `w`).
//! - The distance between a query and an item is the exact squared L2 distance, a `u32`
//!   (at most `1024 * 255^2 < 2^27`).
//! - Items are ranked by `(distance, item index)`, nearest first; the index breaks ties.
//! - A [`Method`] turns the ranking into fixed-point values ([`knn_values`], [`similarity_value`]).
//! - A result commits to its ranked [`Entry`]s with the binary Merkle tree of [`crate::merkle`]
//!   ([`commitment`]).
//! - [`check`] proves a result wrong from one or two of its entries; [`witness`] finds such a
//!   proof for a wrong result from all its entries, and [`search`] from as few openings of them
//!   as it can.

pub mod batch;
pub mod check;
pub mod search;
pub mod witness;

use crate::merkle::{self, Hash};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// The largest embedding dimension. Keeps a distance below 2^27 and a challenge's input small.
pub const MAX_DIMENSION: u32 = 1024;
/// The most items one job ranks. Item indices and ranks fit a `u32` with room to spare, and a
/// `(distance, index)` key fits 51 bits.
pub const MAX_ITEMS: u32 = 1 << 24;
/// The most entries a KNN-Shapley result may commit to (`T`): 2^16. A result then costs at
/// most `2 * 2^16` hashes per query, the runtime allows at most
/// [`max_openings`](search::max_openings)`(2^16) = 34` openings of it, a worker's bounded
/// top-`T` of 64 queries holds 4 MiB of keys, and the truncation moves no value by more than
/// `2^-16` (docs/attribution.md, "The T nearest").
pub const MAX_TOP: u32 = 1 << 16;
/// The `T` the tools use unless told otherwise: 1,024. No value moves by more than `1/1,024`
/// of the 1.0 a KNN-Shapley value is scaled to, about 1% of the nearest item's `1/K` at
/// `K = 10`, and a result costs 2,048 hashes a query whatever the Datanet's size.
pub const DEFAULT_TOP: u32 = 1 << 10;
/// Fixed-point scale of KNN-Shapley values: a value `v` stands for `v / 2^30`.
pub const KNN_SCALE: i64 = 1 << 30;
/// Numerator of the similarity value `floor(2^46 / (distance + 1))`.
pub const SIMILARITY_SCALE: u64 = 1 << 46;

/// How a ranking becomes values.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum Method {
	/// Exact KNN-Shapley of a `k`-nearest-neighbour classifier (Jia et al., PVLDB 2019) over
	/// the query's `T = min(t, N)` nearest items: the Shapley value of the K-NN game restricted
	/// to them. Only those `T` entries are committed; every other item's value is 0. Over all
	/// `N` items each of them would be shifted by one common amount in `(-1/t, 0]`, and every
	/// other item's value lies in `(-1/t, 1/t)` (docs/attribution.md, "The T nearest").
	KnnShapley {
		/// The classifier's `K`.
		k: u32,
		/// How many of the nearest items are valued and committed: `k <= t <= MAX_TOP`.
		t: u32,
	},
	/// The `k` nearest items, each valued by its integer similarity to the query. Only those
	/// `min(k, N)` entries are committed.
	Similarity {
		/// How many items are valued.
		k: u32,
	},
}

impl Method {
	/// The method's `k`.
	pub fn k(&self) -> u32 {
		match self {
			Method::KnnShapley { k, .. } | Method::Similarity { k } => *k,
		}
	}

	/// How many ranked entries a result over `items` items commits to: the nearest
	/// `min(t, items)` for KNN-Shapley, `min(k, items)` for similarity.
	pub fn committed_count(&self, items: u32) -> u32 {
		match self {
			Method::KnnShapley { t, .. } => items.min(*t),
			Method::Similarity { k } => items.min(*k),
		}
	}

	/// Checks `k` and `t` against the limits of the spec: `k >= 1`, and `k <= t <= MAX_TOP`
	/// for KNN-Shapley.
	pub fn validate(&self) -> Result<(), ShapeError> {
		match *self {
			_ if self.k() == 0 => Err(ShapeError::ZeroK),
			Method::KnnShapley { k, t } if t < k || t > MAX_TOP => Err(ShapeError::Top(t)),
			_ => Ok(()),
		}
	}

	/// Whether the method compares item labels with the query's label.
	pub fn needs_labels(&self) -> bool {
		matches!(self, Method::KnnShapley { .. })
	}
}

/// What is wrong with the shape of a job's inputs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ShapeError {
	/// `d` is 0, not a multiple of 4, or above [`MAX_DIMENSION`].
	Dimension(u32),
	/// No items, or more than [`MAX_ITEMS`].
	ItemCount(u64),
	/// `k` is 0.
	ZeroK,
	/// KNN-Shapley's `t` is below its `k` or above [`MAX_TOP`].
	Top(u32),
	/// A buffer's length does not match the declared shape.
	Length {
		/// Elements expected.
		expected: u64,
		/// Elements given.
		got: u64,
	},
}

/// Checks `d`, `n` and `k` against the limits of the spec.
pub fn check_shape(dimension: u32, items: u64, k: u32) -> Result<(), ShapeError> {
	if dimension == 0 || !dimension.is_multiple_of(4) || dimension > MAX_DIMENSION {
		return Err(ShapeError::Dimension(dimension));
	}
	if items == 0 || items > MAX_ITEMS as u64 {
		return Err(ShapeError::ItemCount(items));
	}
	if k == 0 {
		return Err(ShapeError::ZeroK);
	}
	Ok(())
}

/// Packs an `int8` embedding four to a word. `embedding.len()` must be a multiple of 4.
pub fn pack(embedding: &[i8]) -> Vec<u32> {
	embedding
		.chunks_exact(4)
		.map(|c| u32::from_le_bytes([c[0] as u8, c[1] as u8, c[2] as u8, c[3] as u8]))
		.collect()
}

/// The hash an item's leaf in a Datanet version records for its embedding: blake2-256 of the
/// `d` bytes of the `int8` vector (two's complement), in element order.
pub fn embedding_hash(embedding: &[i8]) -> Hash {
	let bytes: Vec<u8> = embedding.iter().map(|&x| x as u8).collect();
	sp_crypto_hashing::blake2_256(&bytes)
}

/// The squared L2 distance between two packed embeddings of the same dimension.
pub fn distance(a: &[u32], b: &[u32]) -> u32 {
	let mut sum = 0u32;
	for (&x, &y) in a.iter().zip(b) {
		for shift in [0u32, 8, 16, 24] {
			let diff = ((x >> shift) as u8 as i8) as i32 - ((y >> shift) as u8 as i8) as i32;
			// |diff| <= 255 and d <= 1024, so the sum stays below 2^27.
			sum += (diff * diff) as u32;
		}
	}
	sum
}

/// The ranking key: entries are ordered by distance, then by item index.
pub fn key(distance: u32, index: u32) -> u64 {
	((distance as u64) << 32) | index as u64
}

/// `floor(KNN_SCALE / max(k, position))`: the weight of a label change at 1-based `position`.
///
/// It is `(1/K) * min(K, p) / p` of Jia et al.'s recursion, which equals `1 / max(K, p)`.
pub fn knn_weight(k: u32, position: u32) -> i64 {
	KNN_SCALE / (k.max(position).max(1) as i64)
}

/// The value at the last committed rank `T - 1`: `match * floor(KNN_SCALE / T)`.
pub fn knn_last(committed: u32, matches: bool) -> i64 {
	if matches {
		KNN_SCALE / (committed.max(1) as i64)
	} else {
		0
	}
}

/// The value at `rank` from the value at `rank + 1`:
/// `v[r] = v[r+1] + (m[r] - m[r+1]) * floor(KNN_SCALE / max(K, r + 1))`.
pub fn knn_step(k: u32, rank: u32, next_value: i64, matches: bool, next_matches: bool) -> i64 {
	let change = matches as i64 - next_matches as i64;
	next_value + change * knn_weight(k, rank.saturating_add(1))
}

/// KNN-Shapley values in rank order, from whether each committed item's label matches the
/// query's: `matches` holds the `T` nearest, and the values are those of the game over them.
///
/// Every value lies in `[-KNN_SCALE, 3/2 * KNN_SCALE]` (docs/attribution.md), so it also fits
/// an `i32`, which the GPU kernel relies on.
pub fn knn_values(k: u32, matches: &[bool]) -> Vec<i64> {
	let n = matches.len();
	let mut values = alloc::vec![0i64; n];
	if n == 0 {
		return values;
	}
	values[n - 1] = knn_last(n as u32, matches[n - 1]);
	for r in (0..n - 1).rev() {
		values[r] = knn_step(k, r as u32, values[r + 1], matches[r], matches[r + 1]);
	}
	values
}

/// The similarity value of an entry at `distance`: `floor(2^46 / (distance + 1))`.
pub fn similarity_value(distance: u32) -> i64 {
	(SIMILARITY_SCALE / (distance as u64 + 1)) as i64
}

/// One ranked entry of a result, the leaf of its commitment.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct Entry {
	/// Position in the ranking, from 0 (nearest).
	pub rank: u32,
	/// The item's index in the Datanet version (its leaf index there).
	pub index: u32,
	/// Squared L2 distance from the query.
	pub distance: u32,
	/// Fixed-point value.
	pub value: i64,
}

impl Entry {
	/// The entry's ranking key.
	pub fn key(&self) -> u64 {
		key(self.distance, self.index)
	}

	/// The leaf hash: [`merkle::hash_leaf`] of the SCALE encoding, 20 bytes
	/// (`rank`, `index`, `distance` as `u32` LE, `value` as `i64` LE).
	///
	/// Built on the stack: a worker hashes one leaf per item per query.
	pub fn leaf_hash(&self) -> Hash {
		let mut preimage = [0u8; 21];
		preimage[0] = merkle::LEAF_PREFIX;
		preimage[1..5].copy_from_slice(&self.rank.to_le_bytes());
		preimage[5..9].copy_from_slice(&self.index.to_le_bytes());
		preimage[9..13].copy_from_slice(&self.distance.to_le_bytes());
		preimage[13..].copy_from_slice(&self.value.to_le_bytes());
		sp_crypto_hashing::blake2_256(&preimage)
	}
}

/// The commitment of a result: the Merkle root over its entries' leaves in rank order.
pub fn commitment(entries: &[Entry]) -> Hash {
	let leaves: Vec<Hash> = entries.iter().map(Entry::leaf_hash).collect();
	merkle::root(&leaves)
}

/// `(distance, index)` of every item, sorted by the ranking key. `items` holds `n` packed
/// embeddings of `query.len()` words each.
pub fn rank(items: &[u32], query: &[u32]) -> Vec<(u32, u32)> {
	let words = query.len().max(1);
	let mut ranked: Vec<(u32, u32)> = items
		.chunks_exact(words)
		.enumerate()
		.map(|(i, item)| (distance(query, item), i as u32))
		.collect();
	ranked.sort_unstable();
	ranked
}

/// The reference result of one query: every committed entry in rank order.
///
/// `labels` is needed (one per item) for KNN-Shapley only. This is the definition the fast
/// paths are tested against; it sorts all items and so is `O(N d + N log N)`.
/// [`top_entries`] gives the same from the `T` nearest alone.
pub fn reference_entries(
	method: Method,
	items: &[u32],
	labels: &[u32],
	query: &[u32],
	query_label: u32,
) -> Vec<Entry> {
	let mut ranked = rank(items, query);
	ranked.truncate(method.committed_count(ranked.len() as u32) as usize);
	top_entries(method, &ranked, |i| labels.get(i as usize) == Some(&query_label))
}

/// A result's committed entries from its committed `(distance, index)` pairs, nearest first:
/// the `min(t, N)` (KNN-Shapley) or `min(k, N)` (similarity) nearest items, and whether an
/// item's label matches the query's. `O(T)`: the values need nothing beyond the `T` nearest.
pub fn top_entries(
	method: Method,
	top: &[(u32, u32)],
	label_matches: impl Fn(u32) -> bool,
) -> Vec<Entry> {
	let values = match method {
		Method::KnnShapley { k, .. } => {
			let matches: Vec<bool> = top.iter().map(|&(_, i)| label_matches(i)).collect();
			knn_values(k, &matches)
		},
		Method::Similarity { .. } => top.iter().map(|&(d, _)| similarity_value(d)).collect(),
	};
	top.iter()
		.zip(values)
		.enumerate()
		.map(|(r, (&(distance, index), value))| Entry { rank: r as u32, index, distance, value })
		.collect()
}

#[cfg(test)]
mod tests {
	use super::*;

	/// A small deterministic generator (SplitMix64) so the tests need no RNG crate.
	pub(crate) struct Rng(pub u64);
	impl Rng {
		pub fn next(&mut self) -> u64 {
			self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
			let mut z = self.0;
			z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
			z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
			z ^ (z >> 31)
		}
	}

	#[test]
	fn packing_is_little_endian_twos_complement() {
		assert_eq!(pack(&[1, -1, 0, -128]), vec![0x80_00_ff_01]);
	}

	#[test]
	fn distance_is_exact_at_the_extremes() {
		let a = pack(&[127i8; 1024]);
		let b = pack(&[-128i8; 1024]);
		assert_eq!(distance(&a, &b), 1024 * 255 * 255);
		assert_eq!(distance(&a, &a), 0);
		assert_eq!(distance(&pack(&[1, 2, 3, 4]), &pack(&[0, 0, 0, 0])), 30);
	}

	#[test]
	fn shape_limits() {
		assert_eq!(check_shape(6, 1, 1), Err(ShapeError::Dimension(6)));
		assert_eq!(check_shape(1028, 1, 1), Err(ShapeError::Dimension(1028)));
		assert_eq!(check_shape(4, 0, 1), Err(ShapeError::ItemCount(0)));
		assert_eq!(
			check_shape(4, MAX_ITEMS as u64 + 1, 1),
			Err(ShapeError::ItemCount(1 << 24 | 1))
		);
		assert_eq!(check_shape(4, 1, 0), Err(ShapeError::ZeroK));
		assert_eq!(check_shape(1024, MAX_ITEMS as u64, 1), Ok(()));
	}

	/// The recursion again at a 2^40 times finer scale (its own rounding is negligible), to
	/// check that each fixed-point value is within the documented rounding of the real value.
	#[test]
	fn knn_values_track_the_real_recursion() {
		let mut rng = Rng(7);
		let fine: i128 = (KNN_SCALE as i128) << 40;
		for (n, k) in [(1usize, 1u32), (2, 5), (9, 3), (200, 10), (57, 57), (40, 100), (5000, 7)] {
			let matches: Vec<bool> = (0..n).map(|_| rng.next().is_multiple_of(3)).collect();
			let values = knn_values(k, &matches);
			let mut real = vec![0i128; n];
			real[n - 1] = if matches[n - 1] { fine / n as i128 } else { 0 };
			for r in (0..n - 1).rev() {
				let change = matches[r] as i128 - matches[r + 1] as i128;
				real[r] = real[r + 1] + change * (fine / k.max(r as u32 + 1) as i128);
			}
			for r in 0..n {
				// Each of the n - r floors on the way loses less than one unit.
				let steps = (n - r) as i128;
				let diff = ((values[r] as i128) << 40) - real[r];
				assert!(diff.abs() <= steps << 40 | steps, "n={n} k={k} r={r}");
				assert!(values[r] >= -KNN_SCALE && values[r] <= KNN_SCALE * 3 / 2);
			}
		}
	}

	#[test]
	fn knn_values_small_case_by_hand() {
		// N = 3, K = 1, labels match at ranks 0 and 2.
		// v2 = S/3, v1 = v2 + (0-1) * S/2, v0 = v1 + (1-0) * S/1.
		let s = KNN_SCALE;
		assert_eq!(
			knn_values(1, &[true, false, true]),
			vec![s / 3 - s / 2 + s, s / 3 - s / 2, s / 3]
		);
	}

	#[test]
	fn similarity_value_bounds() {
		assert_eq!(similarity_value(0), 1 << 46);
		assert_eq!(similarity_value(1), 1 << 45);
		assert_eq!(similarity_value(1024 * 255 * 255), (1u64 << 46) as i64 / 66_585_601);
	}

	#[test]
	fn reference_ranks_ties_by_index() {
		let items = pack(&[1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, -1, 0, 0, 0]);
		let query = pack(&[0, 0, 0, 0]);
		let entries = reference_entries(Method::Similarity { k: 2 }, &items, &[], &query, 0);
		assert_eq!(
			entries.iter().map(|e| (e.index, e.distance)).collect::<Vec<_>>(),
			vec![(1, 0), (0, 1)]
		);
		let knn =
			reference_entries(Method::KnnShapley { k: 1, t: 9 }, &items, &[5, 5, 6, 5], &query, 5);
		assert_eq!(knn.iter().map(|e| e.index).collect::<Vec<_>>(), vec![1, 0, 2, 3]);
		assert_eq!(knn.len(), 4);
		// t = 2: the two nearest, valued as the game over them (v1 = S/2, v0 = v1 + 0).
		let top =
			reference_entries(Method::KnnShapley { k: 1, t: 2 }, &items, &[5, 5, 6, 5], &query, 5);
		assert_eq!(
			top.iter().map(|e| (e.index, e.value)).collect::<Vec<_>>(),
			vec![(1, KNN_SCALE / 2), (0, KNN_SCALE / 2)]
		);
	}

	#[test]
	fn method_limits() {
		assert_eq!(Method::KnnShapley { k: 0, t: 5 }.validate(), Err(ShapeError::ZeroK));
		assert_eq!(Method::KnnShapley { k: 5, t: 4 }.validate(), Err(ShapeError::Top(4)));
		assert_eq!(
			Method::KnnShapley { k: 5, t: MAX_TOP + 1 }.validate(),
			Err(ShapeError::Top(MAX_TOP + 1))
		);
		assert_eq!(Method::KnnShapley { k: 5, t: 5 }.validate(), Ok(()));
		assert_eq!(Method::KnnShapley { k: 10, t: MAX_TOP }.validate(), Ok(()));
		assert_eq!(Method::Similarity { k: 0 }.validate(), Err(ShapeError::ZeroK));
		assert_eq!(Method::Similarity { k: 3 }.validate(), Ok(()));
		assert_eq!(Method::KnnShapley { k: 3, t: 100 }.committed_count(40), 40);
		assert_eq!(Method::KnnShapley { k: 3, t: 100 }.committed_count(4_000), 100);
	}

	/// The T nearest (docs/attribution.md, "The T nearest"): over all `N` items, the values of
	/// the `T` nearest are the truncated ones shifted by one common `delta`, with
	/// `-delta = sum_{j > T} m_j / (j (j - 1))` in `[0, 1/T - 1/N]`, and every farther value
	/// lies in `[-(1/T - 1/N), 1/(T + 1)]`: all within the fixed-point rounding of `N - T`
	/// floors.
	#[test]
	fn the_tail_shifts_the_top_by_one_bounded_amount() {
		let mut rng = Rng(11);
		for (n, k, t) in [(50usize, 3u32, 3u32), (300, 10, 10), (300, 10, 64), (5000, 5, 100)] {
			let matches: Vec<bool> = (0..n).map(|_| rng.next().is_multiple_of(2)).collect();
			let full = knn_values(k, &matches);
			let top = knn_values(k, &matches[..t as usize]);
			let delta = full[t as usize - 1] - top[t as usize - 1];
			// The steps above T are the same integers, so the shift is exactly common.
			for r in 0..t as usize {
				assert_eq!(full[r] - top[r], delta, "n={n} k={k} t={t} r={r}");
			}
			// The shift against its closed form, at a 2^20 times finer scale.
			let fine = (KNN_SCALE as i128) << 20;
			let exact: i128 = -(t as usize + 1..=n)
				.filter(|&j| matches[j - 1])
				.map(|j| fine / (j as i128 * (j as i128 - 1)))
				.sum::<i128>();
			let slack = (n as i128 - t as i128 + 2) << 20;
			assert!(((delta as i128) << 20).abs_diff(exact) as i128 <= slack, "n={n} t={t}");
			let bound = KNN_SCALE / t as i64 - KNN_SCALE / n as i64;
			let floors = (n as i64 - t as i64) + 2;
			assert!(delta <= floors && delta >= -bound - floors, "n={n} t={t}: {delta}");
			for (r, &v) in full.iter().enumerate().skip(t as usize) {
				assert!(v >= -bound - floors && v <= KNN_SCALE / (t as i64 + 1) + floors, "r={r}");
			}
		}
	}

	#[test]
	fn entry_leaf_is_20_bytes_in_field_order() {
		let e = Entry { rank: 1, index: 2, distance: 3, value: -4 };
		let bytes = e.encode();
		assert_eq!(bytes.len(), 20);
		assert_eq!(&bytes[12..], &(-4i64).to_le_bytes());
		assert_eq!(Entry::max_encoded_len(), 20);
		assert_eq!(e.leaf_hash(), merkle::hash_leaf(&bytes));
	}

	#[test]
	fn known_commitment() {
		// Pinned from an independent implementation (Python's hashlib.blake2b, digest_size=32,
		// struct.pack('<IIIq', ...)) of the leaf and tree rules.
		let entries: Vec<Entry> = (0..3u32)
			.map(|r| Entry {
				rank: r,
				index: 10 - r,
				distance: 100 * r,
				value: 1000 - 700 * r as i64,
			})
			.collect();
		let hex: String = commitment(&entries).iter().map(|b| format!("{b:02x}")).collect();
		assert_eq!(hex, KNOWN_COMMITMENT);
	}

	const KNOWN_COMMITMENT: &str =
		"bdbc13f8a726fba374c54f93e1dd00cd08e9bad84010d9a2a897aa27b6b7f55f";
}
