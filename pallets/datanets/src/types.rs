//! What a Datanet, a contribution and a version look like in storage and in calls.

use crate::Config;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	traits::fungible::Inspect, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use frame_system::pallet_prelude::BlockNumberFor;
use scale_info::TypeInfo;
use sp_runtime::Perbill;

pub use openledger_primitives::merkle::{Frontier, Hash};

/// A Datanet's id, assigned in order from 0.
pub type DatanetId = u32;
/// A contribution's (a file's) id, assigned in order from 0 across all Datanets.
pub type ContributionId = u64;
/// A version's number within its Datanet, from 1.
pub type VersionNumber = u32;

pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
pub type NameOf<T> = BoundedVec<u8, <T as Config>::MaxNameLen>;
pub type UriOf<T> = BoundedVec<u8, <T as Config>::MaxUriLen>;
pub type TagOf<T> = BoundedVec<u8, <T as Config>::MaxTagLen>;
pub type TagsOf<T> = BoundedVec<TagOf<T>, <T as Config>::MaxTags>;
pub type CurateBatchOf<T> = BoundedVec<ContributionId, <T as Config>::MaxCurateBatch>;

/// The largest embedding dimension, from the attribution rules: int8 vectors of at most 1024.
pub const MAX_EMBEDDING_DIM: u16 = 1024;

/// Who may contribute.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum Permission {
	/// Anyone with the bond.
	Open,
	/// Only accounts the owner put on the allow-list.
	AllowList,
}

/// Upload limits per UTC-free "day" of `BlocksPerDay` blocks.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct DailyCaps {
	/// Files one account may contribute to this Datanet per day.
	pub files_per_contributor: u32,
	/// Declared bytes one account may contribute to this Datanet per day.
	pub bytes_per_contributor: u64,
	/// Files the Datanet takes per day from everyone.
	pub files_per_datanet: u32,
	/// Declared bytes the Datanet takes per day from everyone.
	pub bytes_per_datanet: u64,
}

/// Whether a Datanet takes contributions.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum DatanetStatus {
	/// Takes contributions.
	Open,
	/// Closed by its owner: frozen, its versions stay readable.
	Closed,
}

/// A Datanet.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct Datanet<T: Config> {
	/// The creator; pays and gets back the creation deposit.
	pub owner: T::AccountId,
	/// A short human-readable name.
	pub name: NameOf<T>,
	/// Where the full description lives.
	pub description_uri: UriOf<T>,
	/// Search tags.
	pub tags: TagsOf<T>,
	/// Dimension of the int8 embeddings; fixed at creation.
	pub embedding_dim: u16,
	/// Size of the label space, labels `0..num_labels`; 0 means unlabelled (label must be 0).
	/// Fixed at creation.
	pub num_labels: u32,
	/// Who may contribute.
	pub permission: Permission,
	/// The bond each file holds until it is curated, on top of `Params::bond_per_mib` for
	/// every started MiB of it.
	pub bond: BalanceOf<T>,
	/// Daily upload limits.
	pub caps: DailyCaps,
	/// The creation deposit held from the owner.
	pub deposit: BalanceOf<T>,
	/// Open or closed.
	pub status: DatanetStatus,
	/// When it was created.
	pub created_at: BlockNumberFor<T>,
	/// Number of curators, not counting the owner.
	pub curator_count: u32,
	/// Number of accounts on the allow-list.
	pub allow_list_count: u32,
	/// Contributions waiting for a verdict.
	pub pending: u32,
	/// The newest version, 0 before the first.
	pub latest_version: VersionNumber,
	/// The newest version's root, zero before the first.
	pub latest_root: Hash,
}

/// Where a contribution stands.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum ContributionStatus {
	/// Waiting for a curator; its bond is held.
	Pending,
	/// Accepted: its bond was released and it was appended to the Datanet's file tree; it is
	/// in every version published since.
	Accepted,
	/// Rejected; part of its bond was slashed, the rest released.
	Rejected,
	/// Withdrawn by its contributor after nobody curated it in time; its bond was released.
	Withdrawn,
}

/// One contribution: a file of items. The file lives off-chain, addressed by its content hash
/// (docs/datanets.md gives its format); the chain keeps its item root, count and size.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct Contribution<T: Config> {
	/// The Datanet it was made to.
	pub datanet: DatanetId,
	/// Who made it.
	pub contributor: T::AccountId,
	/// blake2-256 of the stored file: its content-store address.
	pub content_hash: Hash,
	/// Root of the file's item tree (each item: its embedding's hash and its label).
	pub item_root: Hash,
	/// How many items the file holds.
	pub item_count: u32,
	/// The file's size in bytes: `openledger_primitives::datanet::file::file_size` of its item
	/// count and the Datanet's dimension.
	pub size: u64,
	/// Where the content can be fetched.
	pub uri: UriOf<T>,
	/// The bond held for it while pending.
	pub bond: BalanceOf<T>,
	/// Pending, accepted or rejected.
	pub status: ContributionStatus,
	/// When it was made.
	pub submitted_at: BlockNumberFor<T>,
	/// Where it sits in the Datanet's file tree, once accepted.
	pub placement: Option<Placement>,
}

/// A file as `contribute` declares it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct NewFile {
	/// blake2-256 of the stored file.
	pub content_hash: Hash,
	/// Root of its item tree.
	pub item_root: Hash,
	/// How many items it holds.
	pub item_count: u32,
	/// Its size in bytes.
	pub size: u64,
}

/// Where an accepted file sits: its position in the Datanet's file tree and the version index of
/// its first item.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct Placement {
	/// Position in the file tree, from 0 in acceptance order.
	pub position: u32,
	/// Version index of its first item.
	pub first: u32,
}

/// Every file a Datanet accepted, as an append-only tree: its frontier and totals. Accepting a
/// file costs `O(log files)`; publishing reads only this.
#[derive(Clone, PartialEq, Eq, Default, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct FileTree {
	/// The peaks of the file tree (`leaf_count` is the number of accepted files).
	pub frontier: Frontier,
	/// Items in all accepted files.
	pub item_count: u32,
	/// Bytes of all accepted files.
	pub bytes: u64,
}

/// A published version: immutable. It covers every file accepted before it was published.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct Version<T: Config> {
	/// Root of the file tree of every file accepted up to it (docs/datanets.md).
	pub root: Hash,
	/// The previous version's root; zero for version 1.
	pub prev_root: Hash,
	/// Files in the version: positions `0..file_count` of the file tree.
	pub file_count: u32,
	/// Items in the version.
	pub item_count: u32,
	/// Bytes of its files.
	pub bytes: u64,
	/// When it was published.
	pub published_at: BlockNumberFor<T>,
	/// Who published it and paid the fee.
	pub publisher: T::AccountId,
	/// The publishing fee paid to the treasury.
	pub fee: BalanceOf<T>,
}

/// Uploads counted against a daily cap.
#[derive(Clone, Copy, Default, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct DailyUsage {
	/// The day counted; usage of an earlier day counts as zero.
	pub day: u32,
	/// Files that day.
	pub files: u32,
	/// Declared bytes that day.
	pub bytes: u64,
}

/// A curator's decision.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum Verdict {
	/// Into the next version; the bond is released.
	Accept,
	/// Out; part of the bond is slashed to the treasury.
	Reject,
}

/// Parameters Root (later governance) sets.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct Params<Balance> {
	/// Held from a Datanet's creator until it is closed.
	pub creation_deposit: Balance,
	/// The share of a rejected contribution's bond slashed to the treasury.
	pub reject_slash: Perbill,
	/// Bond per started MiB of a file, on top of its Datanet's bond per file.
	pub bond_per_mib: Balance,
	/// Flat part of the publishing fee.
	pub publish_base_fee: Balance,
	/// Publishing fee per started KiB of files the version adds.
	pub publish_fee_per_kib: Balance,
}
