//! Ranking one query's distances by `(distance, index)`.

use super::key_of;
use std::collections::BinaryHeap;

/// Bits sorted per radix pass: 2^11 counters fit in L1.
const RADIX_BITS: u32 = 11;

/// All `(distance, index)` pairs in ranking order.
///
/// A least-significant-digit radix sort on the distance alone: it is stable and starts from
/// index order, so equal distances stay in index order, which is exactly the tie rule. Only as
/// many passes as the spread `max - min` of the distances needs (2 or 3 in practice).
pub fn by_distance_then_index(distances: &[u32]) -> Vec<(u32, u32)> {
	let min = distances.iter().copied().min().unwrap_or(0);
	let max = distances.iter().copied().max().unwrap_or(0);
	let spread_bits = 32 - (max - min).leading_zeros();
	let mut pairs: Vec<(u32, u32)> =
		distances.iter().enumerate().map(|(i, &d)| (d, i as u32)).collect();
	let mut scratch = vec![(0u32, 0u32); pairs.len()];
	let mut shift = 0;
	while shift < spread_bits {
		let digit = |d: u32| (((d - min) >> shift) & ((1 << RADIX_BITS) - 1)) as usize;
		let mut offsets = [0usize; 1 << RADIX_BITS];
		for &(d, _) in &pairs {
			offsets[digit(d)] += 1;
		}
		let mut total = 0;
		for slot in offsets.iter_mut() {
			let count = *slot;
			*slot = total;
			total += count;
		}
		for &pair in &pairs {
			let slot = &mut offsets[digit(pair.0)];
			scratch[*slot] = pair;
			*slot += 1;
		}
		std::mem::swap(&mut pairs, &mut scratch);
		shift += RADIX_BITS;
	}
	pairs
}

/// The keys of the `min(k, N)` nearest items, nearest first.
pub fn smallest_keys(distances: &[u32], k: usize) -> Vec<u64> {
	let k = k.min(distances.len());
	// A max-heap of the best k so far: most items lose one comparison against its top.
	let mut heap: BinaryHeap<u64> = BinaryHeap::with_capacity(k + 1);
	for (i, &d) in distances.iter().enumerate() {
		let key = key_of(i, d);
		if heap.len() < k {
			heap.push(key);
		} else if heap.peek().is_some_and(|&top| key < top) {
			heap.pop();
			heap.push(key);
		}
	}
	heap.into_sorted_vec()
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn radix_order_equals_a_comparison_sort() {
		let mut state = 3u64;
		for (n, range) in [(0usize, 1u64), (1, 1), (5000, 4), (5000, 1 << 27), (70_000, 1 << 12)] {
			let distances: Vec<u32> = (0..n)
				.map(|_| {
					state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
					((state >> 20) % range) as u32
				})
				.collect();
			let mut want: Vec<(u32, u32)> =
				distances.iter().enumerate().map(|(i, &d)| (d, i as u32)).collect();
			want.sort_unstable();
			assert_eq!(by_distance_then_index(&distances), want, "n={n}");
			for k in [1, 3, n + 2, usize::MAX] {
				let keys = smallest_keys(&distances, k);
				let expect: Vec<u64> =
					want.iter().take(k).map(|&(d, i)| (d as u64) << 32 | i as u64).collect();
				assert_eq!(keys, expect);
			}
		}
	}
}
