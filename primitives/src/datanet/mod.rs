//! The leaves of a Datanet version.
//!
//! A version's root is [`crate::merkle::root`] over one leaf per contribution accepted since
//! the previous version, **in ascending contribution id**. A leaf is [`crate::merkle::hash_leaf`]
//! of the SCALE encoding of
//!
//! | field | type | bytes |
//! | --- | --- | --- |
//! | contribution id | `u64` | 8, little endian |
//! | contributor | the chain's `AccountId` | 32 for `AccountId32`, the public key |
//! | content hash | `[u8; 32]` | 32 |
//! | embedding hash | `[u8; 32]` | 32 |
//! | label | `u32` | 4, little endian (0 when the Datanet is unlabelled) |
//!
//! so on this chain a leaf's preimage is always `0x00` followed by 108 bytes.

pub mod file;

use crate::merkle::{self, Hash, MerkleProof};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// The fields of an accepted contribution that its version commits to.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct ContributionLeaf<AccountId> {
	/// The contribution's sequential id.
	pub id: u64,
	/// Who contributed it.
	pub contributor: AccountId,
	/// Hash of the content, stored off-chain.
	pub content_hash: Hash,
	/// Hash of the int8 embedding, stored off-chain.
	pub embedding_hash: Hash,
	/// The label, an index into the Datanet's label space.
	pub label: u32,
}

impl<AccountId: Encode> ContributionLeaf<AccountId> {
	/// The leaf hash of this contribution.
	pub fn hash(&self) -> Hash {
		merkle::hash_leaf(&self.encode())
	}
}

/// What a job needs to know of a published Datanet version.
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
pub struct VersionInfo {
	/// The version's Merkle root.
	pub root: Hash,
	/// Items in the version: the root's leaf count.
	pub item_count: u32,
	/// The Datanet's embedding dimension.
	pub dimension: u32,
	/// The Datanet's label space; 0 when it is unlabelled.
	pub num_labels: u32,
}

/// Where published versions are looked up: the Datanets pallet implements it, the attribution
/// pallet reads through it, so neither depends on the other's storage.
pub trait VersionSource {
	/// Version `version` of Datanet `datanet`, if it was published.
	fn version_info(datanet: u32, version: u32) -> Option<VersionInfo>;
}

/// Publishes a version outright, for benchmarks of pallets that read versions: the Datanets
/// pallet implements it under `runtime-benchmarks`, writing the version without its items.
pub trait VersionPublisher {
	/// Publishes a version with `root` over `item_count` items, in a new Datanet of
	/// `dimension` and `num_labels`; returns `(datanet, version)`.
	fn publish(root: Hash, item_count: u32, dimension: u32, num_labels: u32) -> (u32, u32);
}

/// Who contributed a published version's items: the Datanets pallet implements it, the rewards
/// pallet pays through it.
pub trait ContributorSource<AccountId> {
	/// The contributors of the items at leaf positions `indices` of version `version` of
	/// Datanet `datanet`, in the order asked; `None` where the version has no such item.
	fn contributors(datanet: u32, version: u32, indices: &[u32]) -> Vec<Option<AccountId>>;
}

/// Publishes a version whose items have the given contributors, for benchmarks of pallets that
/// pay contributors: the Datanets pallet implements it under `runtime-benchmarks`.
pub trait ContributedVersionPublisher<AccountId> {
	/// Publishes a version of one item per entry of `contributors`, in a new Datanet of
	/// `dimension` and `num_labels`; returns `(datanet, version)`.
	fn publish_contributed(
		contributors: &[AccountId],
		dimension: u32,
		num_labels: u32,
	) -> (u32, u32);
}

/// Sorts `leaves` into version order (ascending id) and returns their hashes.
pub fn ordered_leaf_hashes<AccountId: Encode>(
	leaves: &mut [ContributionLeaf<AccountId>],
) -> Vec<Hash> {
	leaves.sort_by_key(|leaf| leaf.id);
	leaves.iter().map(ContributionLeaf::hash).collect()
}

/// The root of a version holding `leaves`, in any order.
pub fn version_root<AccountId: Encode>(leaves: &mut [ContributionLeaf<AccountId>]) -> Hash {
	merkle::root(&ordered_leaf_hashes(leaves))
}

/// Whether `proof` shows the contribution whose leaf hash is `leaf` in a version with `root`
/// and `item_count` items (both as recorded on chain).
pub fn verify_item(root: &Hash, item_count: u32, leaf: &Hash, proof: &MerkleProof) -> bool {
	proof.leaf_count == item_count && merkle::verify(root, leaf, proof)
}

/// The proof for contribution `id` in a version holding `leaves`, in any order.
pub fn version_proof<AccountId: Encode>(
	leaves: &mut [ContributionLeaf<AccountId>],
	id: u64,
) -> Option<MerkleProof> {
	let hashes = ordered_leaf_hashes(leaves);
	let index = leaves.iter().position(|leaf| leaf.id == id)?;
	merkle::proof(&hashes, index)
}

#[cfg(test)]
mod tests {
	use super::*;

	fn leaf(id: u64) -> ContributionLeaf<[u8; 32]> {
		ContributionLeaf {
			id,
			contributor: [id as u8; 32],
			content_hash: [1; 32],
			embedding_hash: [2; 32],
			label: 3,
		}
	}

	#[test]
	fn leaf_preimage_is_108_bytes_in_field_order() {
		let encoded = leaf(0x0102).encode();
		assert_eq!(encoded.len(), 108);
		assert_eq!(&encoded[..8], &0x0102u64.to_le_bytes());
		assert_eq!(&encoded[8..40], &[2u8; 32]);
		assert_eq!(&encoded[104..], &3u32.to_le_bytes());
	}

	#[test]
	fn known_version_root() {
		// Pinned from an independent implementation (Python's hashlib.blake2b) of the leaf
		// table above and the tree rules of `merkle`.
		let root = version_root(&mut vec![leaf(9), leaf(2), leaf(4)]);
		let hex: String = root.iter().map(|b| format!("{b:02x}")).collect();
		assert_eq!(hex, "b55531060a6bb1a67ab022c31fa77eb8b54d5b20b82ae37d491fda6773375165");
	}

	#[test]
	fn order_of_input_does_not_matter() {
		let mut a = vec![leaf(1), leaf(5), leaf(3)];
		let mut b = vec![leaf(5), leaf(3), leaf(1)];
		assert_eq!(version_root(&mut a), version_root(&mut b));
	}

	#[test]
	fn proof_of_each_item_verifies() {
		let mut leaves = vec![leaf(9), leaf(2), leaf(4), leaf(7)];
		let root = version_root(&mut leaves);
		for id in [2, 4, 7, 9] {
			let proof = version_proof(&mut leaves, id).unwrap();
			assert!(merkle::verify(&root, &leaf(id).hash(), &proof));
		}
		assert!(version_proof(&mut leaves, 3).is_none());
	}
}
