//! A binary Merkle tree over blake2-256.
//!
//! - A leaf is hashed as `blake2_256(0x00 ‖ data)` and an inner node as
//!   `blake2_256(0x01 ‖ left ‖ right)`. The prefixes keep a leaf from ever being read as a node
//!   (second preimages), so a proof cannot pass off an inner node as an item.
//! - Levels are built left to right. When a level has an odd number of nodes its last node is
//!   carried up unchanged, not paired with itself: duplicating it would give two different leaf
//!   lists the same root (the flaw of Bitcoin's tree, CVE-2012-2459).
//! - The root of no leaves is 32 zero bytes; the root of one leaf is that leaf's hash.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// A 32-byte blake2-256 digest.
pub type Hash = [u8; 32];

/// Prefix of a hashed leaf.
pub const LEAF_PREFIX: u8 = 0x00;
/// Prefix of a hashed inner node.
pub const NODE_PREFIX: u8 = 0x01;
/// The root of an empty tree.
pub const EMPTY_ROOT: Hash = [0u8; 32];

/// The hash of a leaf whose encoded content is `data`.
pub fn hash_leaf(data: &[u8]) -> Hash {
	let mut buf = Vec::with_capacity(1 + data.len());
	buf.push(LEAF_PREFIX);
	buf.extend_from_slice(data);
	sp_crypto_hashing::blake2_256(&buf)
}

/// The hash of an inner node from its two children.
pub fn hash_node(left: &Hash, right: &Hash) -> Hash {
	let mut buf = [0u8; 65];
	buf[0] = NODE_PREFIX;
	buf[1..33].copy_from_slice(left);
	buf[33..].copy_from_slice(right);
	sp_crypto_hashing::blake2_256(&buf)
}

/// The next level up: pairs hashed, an odd last node carried up unchanged.
fn next_level(level: &[Hash]) -> Vec<Hash> {
	level
		.chunks(2)
		.map(|pair| match pair {
			[left, right] => hash_node(left, right),
			[single] => *single,
			_ => unreachable!("chunks(2) yields one or two items"),
		})
		.collect()
}

/// The root over leaf hashes (already hashed with [`hash_leaf`]), in the order given.
pub fn root(leaves: &[Hash]) -> Hash {
	if leaves.is_empty() {
		return EMPTY_ROOT;
	}
	let mut level = leaves.to_vec();
	while level.len() > 1 {
		level = next_level(&level);
	}
	level[0]
}

/// A proof that one leaf sits at `leaf_index` of a tree of `leaf_count` leaves.
///
/// `siblings` runs from the leaf's level up to the root and skips the levels where the node on
/// the path was carried up without a sibling.
///
/// The root commits to the leaves, not to their number: a proof for the last leaf of an odd
/// level can also pass with a smaller `leaf_count` and another `leaf_index`. A verifier that
/// cares about the position must take the leaf count from a source it trusts (a version's
/// `item_count`), as [`crate::datanet::file::ItemProof::verify`] does.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct MerkleProof {
	/// Position of the leaf, counting from 0.
	pub leaf_index: u32,
	/// Number of leaves in the tree.
	pub leaf_count: u32,
	/// Sibling hashes, bottom up.
	pub siblings: Vec<Hash>,
}

impl MaxEncodedLen for MerkleProof {
	fn max_encoded_len() -> usize {
		// A tree of at most 2^32 leaves has at most 32 levels below the root.
		4 + 4 + codec::Compact(32u32).encoded_size() + 32 * 32
	}
}

/// The proof for the leaf at `index`, or `None` if there is no such leaf.
pub fn proof(leaves: &[Hash], index: usize) -> Option<MerkleProof> {
	if index >= leaves.len() {
		return None;
	}
	let leaf_count = u32::try_from(leaves.len()).ok()?;
	let mut siblings = Vec::new();
	let mut level = leaves.to_vec();
	let mut i = index;
	while level.len() > 1 {
		let sibling = i ^ 1;
		if sibling < level.len() {
			siblings.push(level[sibling]);
		}
		level = next_level(&level);
		i /= 2;
	}
	Some(MerkleProof { leaf_index: index as u32, leaf_count, siblings })
}

/// The root that `proof` leads to from `leaf`, or `None` if the proof's shape does not fit
/// its `leaf_index` and `leaf_count` (too few or too many siblings, or an index past the count).
/// At most 32 levels, whatever the proof holds.
pub fn root_from_proof(leaf: &Hash, proof: &MerkleProof) -> Option<Hash> {
	if proof.leaf_index >= proof.leaf_count {
		return None;
	}
	let mut node = *leaf;
	let mut index = proof.leaf_index;
	let mut count = proof.leaf_count;
	let mut siblings = proof.siblings.iter();
	while count > 1 {
		let is_right = index % 2 == 1;
		let has_sibling = is_right || index + 1 < count;
		if has_sibling {
			let sibling = siblings.next()?;
			node = if is_right { hash_node(sibling, &node) } else { hash_node(&node, sibling) };
		}
		index /= 2;
		count = count.div_ceil(2);
	}
	siblings.next().is_none().then_some(node)
}

/// Whether `proof` shows `leaf` (a hash from [`hash_leaf`]) under `root`, at `leaf_index` of
/// a tree of `leaf_count` leaves as the proof claims (see [`MerkleProof`] on trusting the count).
pub fn verify(root: &Hash, leaf: &Hash, proof: &MerkleProof) -> bool {
	root_from_proof(leaf, proof).is_some_and(|r| r == *root)
}

/// Every level of a tree, leaves first, so that inner nodes and proofs cost `O(log n)` once the
/// levels are built (`n - 1` hashes). The shape is the one [`root`] builds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Levels(Vec<Vec<Hash>>);

impl Levels {
	/// The levels over `leaves` (already hashed with [`hash_leaf`]).
	pub fn new(leaves: Vec<Hash>) -> Self {
		let mut levels = alloc::vec![leaves];
		while let Some(last) = levels.last().filter(|l| l.len() > 1) {
			let next = next_level(last);
			levels.push(next);
		}
		Levels(levels)
	}

	/// How many leaves.
	pub fn leaf_count(&self) -> usize {
		self.0[0].len()
	}

	/// The root, [`EMPTY_ROOT`] for no leaves.
	pub fn root(&self) -> Hash {
		self.0.last().and_then(|l| l.first()).copied().unwrap_or(EMPTY_ROOT)
	}

	/// The node at `index` of `level` (0 = leaves), if there is one.
	pub fn node(&self, level: u32, index: u32) -> Option<Hash> {
		self.0.get(level as usize)?.get(index as usize).copied()
	}

	/// The proof of leaf `index`, as [`proof`] builds it.
	pub fn proof(&self, index: usize) -> Option<MerkleProof> {
		if index >= self.leaf_count() {
			return None;
		}
		let mut siblings = Vec::new();
		for (depth, level) in self.0[..self.0.len() - 1].iter().enumerate() {
			if let Some(sibling) = level.get((index >> depth) ^ 1) {
				siblings.push(*sibling);
			}
		}
		Some(MerkleProof {
			leaf_index: index as u32,
			leaf_count: self.leaf_count() as u32,
			siblings,
		})
	}
}

/// How many nodes each level of a tree of `leaf_count` leaves has, leaves first.
pub fn widths(leaf_count: u32) -> Vec<u32> {
	let mut widths = alloc::vec![leaf_count];
	let mut w = leaf_count;
	while w > 1 {
		w = w.div_ceil(2);
		widths.push(w);
	}
	widths
}

/// Every node a proof determines: the nodes on the leaf's path (the leaf, each node it carries up
/// to, and the root) and their siblings, as `(level, index, hash)`; `None` if the proof's shape
/// does not fit its index and count. A challenger reads the prover's tree from these.
pub fn nodes_from_proof(leaf: &Hash, proof: &MerkleProof) -> Option<Vec<(u32, u32, Hash)>> {
	if proof.leaf_index >= proof.leaf_count {
		return None;
	}
	let mut nodes = Vec::new();
	let (mut node, mut index, mut count, mut level) =
		(*leaf, proof.leaf_index, proof.leaf_count, 0u32);
	let mut siblings = proof.siblings.iter();
	nodes.push((0, index, node));
	while count > 1 {
		let is_right = index % 2 == 1;
		if is_right || index + 1 < count {
			let sibling = siblings.next()?;
			nodes.push((level, index ^ 1, *sibling));
			node = if is_right { hash_node(sibling, &node) } else { hash_node(&node, sibling) };
		}
		index /= 2;
		count = count.div_ceil(2);
		level += 1;
		nodes.push((level, index, node));
	}
	siblings.next().is_none().then_some(nodes)
}

/// An append-only tree kept as its frontier: the roots of the perfect subtrees that the binary
/// digits of the leaf count split the leaves into (a Merkle mountain range's peaks), largest
/// first. It has the shape [`root`] builds, because a level's odd last node is carried up: the
/// root of `n` leaves is the peaks folded from the right, `hash_node(p1, hash_node(p2, … pk))`.
///
/// Appending a leaf costs at most `log2 n` hashes, the root at most `popcount(n) - 1`, and the
/// frontier holds at most 32 hashes whatever `n` (`n < 2^32`). This is how the Datanets pallet
/// keeps a cumulative version tree over every accepted file without reading any of them again.
#[derive(Clone, PartialEq, Eq, Debug, Default, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct Frontier {
	/// Leaves appended so far.
	pub leaf_count: u32,
	/// One peak per set bit of `leaf_count`, the largest (most significant bit) first.
	pub peaks: Vec<Hash>,
}

impl MaxEncodedLen for Frontier {
	fn max_encoded_len() -> usize {
		4 + codec::Compact(32u32).encoded_size() + 32 * 32
	}
}

impl Frontier {
	/// Appends `leaf` (a hash from [`hash_leaf`]); `None`, changing nothing, if the tree already
	/// holds `u32::MAX` leaves or the frontier does not fit its count (it was not built by
	/// `push`).
	pub fn push(&mut self, leaf: Hash) -> Option<()> {
		if self.peaks.len() != self.leaf_count.count_ones() as usize {
			return None;
		}
		let count = self.leaf_count.checked_add(1)?;
		let mut node = leaf;
		let mut carry = self.leaf_count;
		let mut peaks = core::mem::take(&mut self.peaks);
		while carry & 1 == 1 {
			// A peak of the same size sits at the right end: the new node is its right half.
			let left = peaks.pop().unwrap_or_default();
			node = hash_node(&left, &node);
			carry >>= 1;
		}
		peaks.push(node);
		self.peaks = peaks;
		self.leaf_count = count;
		Some(())
	}

	/// The root of the leaves appended so far: [`root`] of them, [`EMPTY_ROOT`] for none.
	pub fn root(&self) -> Hash {
		let mut peaks = self.peaks.iter().rev();
		let Some(last) = peaks.next() else { return EMPTY_ROOT };
		peaks.fold(*last, |right, left| hash_node(left, &right))
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	fn leaves(n: usize) -> Vec<Hash> {
		(0..n as u32).map(|i| hash_leaf(&i.to_le_bytes())).collect()
	}

	#[test]
	fn small_trees_have_the_documented_shape() {
		assert_eq!(root(&[]), EMPTY_ROOT);
		let l = leaves(3);
		assert_eq!(root(&l[..1]), l[0]);
		assert_eq!(root(&l[..2]), hash_node(&l[0], &l[1]));
		// The third leaf is carried up, not paired with itself.
		assert_eq!(root(&l), hash_node(&hash_node(&l[0], &l[1]), &l[2]));
	}

	#[test]
	fn leaf_and_node_hashes_are_domain_separated() {
		let a = hash_leaf(b"a");
		let b = hash_leaf(b"b");
		let mut concatenated = a.to_vec();
		concatenated.extend_from_slice(&b);
		assert_ne!(hash_leaf(&concatenated), hash_node(&a, &b));
	}

	#[test]
	fn known_vector() {
		// Pinned from an independent implementation (Python's hashlib.blake2b, digest_size=32)
		// of the rules in this module's docs: leaves are hash_leaf(u32 LE 0..5).
		let expected = "bef0a601eb5a0b66561296b9f5f343fd3c04be54ecd2c4ebddbbdb6e68d418fc";
		let hex: String = root(&leaves(5)).iter().map(|b| format!("{b:02x}")).collect();
		assert_eq!(hex, expected);
	}

	#[test]
	fn proof_for_missing_leaf_is_none() {
		assert!(proof(&leaves(3), 3).is_none());
		assert!(proof(&[], 0).is_none());
	}

	#[test]
	fn forged_proofs_fail() {
		let l = leaves(6);
		let r = root(&l);
		let p = proof(&l, 4).unwrap();
		assert!(verify(&r, &l[4], &p));
		assert!(!verify(&r, &l[3], &p), "another leaf");
		let mut moved = p.clone();
		moved.leaf_index = 5;
		assert!(!verify(&r, &l[4], &moved), "another position");
		let mut extra = p.clone();
		extra.siblings.push([7u8; 32]);
		assert!(!verify(&r, &l[4], &extra), "trailing sibling");
		let mut short = p.clone();
		short.siblings.pop();
		assert!(!verify(&r, &l[4], &short), "missing sibling");
		let mut out_of_range = p;
		out_of_range.leaf_index = 6;
		assert!(!verify(&r, &l[4], &out_of_range));
	}

	#[test]
	fn the_count_is_only_as_good_as_its_source() {
		// The last leaf of three is carried up unpaired, so it also proves as the second of two.
		let l = leaves(3);
		let r = root(&l);
		let p = proof(&l, 2).unwrap();
		let claimed = MerkleProof { leaf_index: 1, leaf_count: 2, siblings: p.siblings.clone() };
		assert!(verify(&r, &l[2], &p));
		assert!(verify(&r, &l[2], &claimed), "membership holds, the position is the claim's");
		let trusted = |proof: &MerkleProof| proof.leaf_count == 3 && verify(&r, &l[2], proof);
		assert!(!trusted(&claimed));
		assert!(trusted(&p));
	}

	#[test]
	fn the_frontier_has_the_root_of_every_prefix() {
		let l = leaves(300);
		let mut frontier = Frontier::default();
		assert_eq!(frontier.root(), EMPTY_ROOT);
		for (i, leaf) in l.iter().enumerate() {
			frontier.push(*leaf).unwrap();
			assert_eq!(frontier.leaf_count as usize, i + 1);
			assert_eq!(frontier.peaks.len(), (i + 1).count_ones() as usize);
			assert_eq!(frontier.root(), root(&l[..=i]), "{} leaves", i + 1);
			assert!(frontier.encoded_size() <= Frontier::max_encoded_len());
		}
	}

	#[test]
	fn a_frontier_that_does_not_fit_its_count_is_refused() {
		let mut forged = Frontier { leaf_count: 3, peaks: alloc::vec![[1; 32]] };
		let before = forged.clone();
		assert_eq!(forged.push([2; 32]), None);
		assert_eq!(forged, before, "nothing changed");
		let mut full = Frontier { leaf_count: u32::MAX, peaks: alloc::vec![[0; 32]; 32] };
		assert_eq!(full.push([2; 32]), None);
	}

	#[test]
	fn levels_give_the_same_root_and_proofs() {
		for n in [0usize, 1, 2, 3, 5, 8, 13] {
			let l = leaves(n);
			let levels = Levels::new(l.clone());
			assert_eq!(levels.root(), root(&l));
			assert_eq!(widths(n as u32).len(), if n == 0 { 1 } else { levels.0.len() });
			for i in 0..n {
				let p = levels.proof(i).unwrap();
				assert_eq!(Some(p.clone()), proof(&l, i));
				let nodes = nodes_from_proof(&l[i], &p).unwrap();
				for (level, index, hash) in nodes {
					assert_eq!(
						levels.node(level, index),
						Some(hash),
						"n {n} leaf {i} node ({level}, {index})"
					);
				}
			}
		}
	}

	proptest! {
		#[test]
		fn every_leaf_proves_against_the_root(n in 1usize..80, pick in any::<prop::sample::Index>()) {
			let l = leaves(n);
			let r = root(&l);
			let i = pick.index(n);
			let p = proof(&l, i).unwrap();
			prop_assert!(verify(&r, &l[i], &p));
			prop_assert!(p.encoded_size() <= MerkleProof::max_encoded_len());
		}

		#[test]
		fn changing_any_leaf_changes_the_root(n in 1usize..40, pick in any::<prop::sample::Index>()) {
			let mut l = leaves(n);
			let before = root(&l);
			let i = pick.index(n);
			l[i] = hash_leaf(b"changed");
			prop_assert_ne!(before, root(&l));
		}
	}
}
