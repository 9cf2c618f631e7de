//! Commitment roots at the speed a worker needs: one leaf per item per query.
//!
//! The same tree as `openledger_primitives::merkle::root` over
//! `Entry::leaf_hash` (blake2-256, `0x00` leaf and `0x01` node prefixes, an odd node carried
//! up), but hashed with `blake2b_simd::many`, which runs four (AVX2) compressions at once.
//! Every leaf and node preimage is a single 128-byte blake2b block, so this is where a KNN-Shapley
//! run spends most of its time after ranking.

use crate::Ranking;
use blake2b_simd::{
	many::{hash_many, HashManyJob},
	Params,
};
use openledger_primitives::merkle::{Hash, LEAF_PREFIX, NODE_PREFIX};
use rayon::prelude::*;

/// blake2-256, as the chain hashes stored files, embeddings and results.
pub fn blake2_256(bytes: &[u8]) -> Hash {
	let digest = Params::new().hash_length(32).hash(bytes);
	let mut out = [0u8; 32];
	out.copy_from_slice(digest.as_bytes());
	out
}

/// Hashes per parallel task.
const CHUNK: usize = 4096;

fn hash_all<const N: usize>(params: &Params, preimages: &[[u8; N]], out: &mut [Hash]) {
	let mut jobs: Vec<HashManyJob> =
		preimages.iter().map(|p| HashManyJob::new(params, p)).collect();
	hash_many(jobs.iter_mut());
	for (o, job) in out.iter_mut().zip(&jobs) {
		o.copy_from_slice(job.to_hash().as_bytes());
	}
}

/// The commitment root of a ranking's entries.
pub fn root(ranking: &Ranking) -> Hash {
	let mut params = Params::new();
	params.hash_length(32);
	let n = ranking.len();
	if n == 0 {
		return openledger_primitives::merkle::EMPTY_ROOT;
	}
	let mut level = vec![[0u8; 32]; n];
	level.par_chunks_mut(CHUNK).enumerate().for_each(|(c, out)| {
		let preimages: Vec<[u8; 21]> = (c * CHUNK..c * CHUNK + out.len())
			.map(|r| {
				let e = ranking.entry(r);
				let mut p = [0u8; 21];
				p[0] = LEAF_PREFIX;
				p[1..5].copy_from_slice(&e.rank.to_le_bytes());
				p[5..9].copy_from_slice(&e.index.to_le_bytes());
				p[9..13].copy_from_slice(&e.distance.to_le_bytes());
				p[13..].copy_from_slice(&e.value.to_le_bytes());
				p
			})
			.collect();
		hash_all(&params, &preimages, out);
	});
	while level.len() > 1 {
		let pairs = level.len() / 2;
		let mut next = vec![[0u8; 32]; level.len().div_ceil(2)];
		next[..pairs].par_chunks_mut(CHUNK).enumerate().for_each(|(c, out)| {
			let preimages: Vec<[u8; 65]> = (c * CHUNK..c * CHUNK + out.len())
				.map(|i| {
					let mut p = [0u8; 65];
					p[0] = NODE_PREFIX;
					p[1..33].copy_from_slice(&level[2 * i]);
					p[33..].copy_from_slice(&level[2 * i + 1]);
					p
				})
				.collect();
			hash_all(&params, &preimages, out);
		});
		if level.len() % 2 == 1 {
			next[pairs] = level[level.len() - 1];
		}
		level = next;
	}
	level[0]
}

#[cfg(test)]
mod tests {
	use super::*;
	use openledger_primitives::attribution::{commitment, Entry};

	#[test]
	fn equals_the_reference_tree() {
		for n in [0usize, 1, 2, 3, 5, 4096, 4097, 9000] {
			let entries: Vec<Entry> = (0..n as u32)
				.map(|r| Entry {
					rank: r,
					index: r.wrapping_mul(7919) % 10007,
					distance: r * 3,
					value: r as i64 - 500,
				})
				.collect();
			assert_eq!(root(&Ranking::from_entries(&entries)), commitment(&entries), "n={n}");
		}
	}
}
