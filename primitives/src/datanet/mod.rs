//! Datanets as the runtime and the workers both see them.
//!
//! A contribution is a file of many items and a version covers every item of every file
//! accepted up to it: [`file`] holds the leaves, the trees and the two-level item proofs
//! (specified in docs/datanets.md). This module holds what other pallets read of a version.

pub mod file;

use crate::merkle::Hash;
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

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
	/// The root of the version's file tree.
	pub root: Hash,
	/// Files in the version: the file tree's leaf count.
	pub file_count: u32,
	/// Items in the version: the sum of its files' item counts.
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
	fn publish(version: file::VersionCommitment, dimension: u32, num_labels: u32) -> (u32, u32);
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

impl VersionInfo {
	/// What the version commits to, for item proofs.
	pub fn commitment(&self) -> file::VersionCommitment {
		file::VersionCommitment {
			root: self.root,
			file_count: self.file_count,
			item_count: self.item_count,
		}
	}
}
