//! What a Datanet, a contribution and a version look like in storage and in calls.

use crate::Config;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	traits::fungible::Inspect, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use frame_system::pallet_prelude::BlockNumberFor;
use scale_info::TypeInfo;
use sp_runtime::Perbill;

pub use openledger_primitives::merkle::Hash;

/// A Datanet's id, assigned in order from 0.
pub type DatanetId = u32;
/// A contribution's id, assigned in order from 0 across all Datanets.
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
pub type VersionItemsOf<T> = BoundedVec<ContributionId, <T as Config>::MaxVersionItems>;

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
	/// Contributions one account may make to this Datanet per day.
	pub items_per_contributor: u32,
	/// Declared bytes one account may contribute to this Datanet per day.
	pub bytes_per_contributor: u64,
	/// Contributions the Datanet takes per day from everyone.
	pub items_per_datanet: u32,
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
	/// The bond each contribution holds until it is curated.
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
	/// Accepted; its bond was released; it is in a version once `version` is set.
	Accepted,
	/// Rejected; part of its bond was slashed, the rest released.
	Rejected,
	/// Withdrawn by its contributor after nobody curated it in time; its bond was released.
	Withdrawn,
}

/// One contribution. The data and its embedding live off-chain, addressed by hash.
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
	/// Hash of the content.
	pub content_hash: Hash,
	/// Hash of the int8 embedding: blake2-256 of its `d` bytes
	/// (`openledger_primitives::attribution::embedding_hash`, docs/attribution.md).
	pub embedding_hash: Hash,
	/// Label in the Datanet's label space.
	pub label: u32,
	/// Declared size of the content in bytes.
	pub size: u64,
	/// Where the content can be fetched.
	pub uri: UriOf<T>,
	/// The bond held for it while pending.
	pub bond: BalanceOf<T>,
	/// Pending, accepted or rejected.
	pub status: ContributionStatus,
	/// When it was made.
	pub submitted_at: BlockNumberFor<T>,
	/// The version it entered, once published.
	pub version: Option<VersionNumber>,
}

/// A published version: immutable.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct Version<T: Config> {
	/// Merkle root over the leaves of the contributions this version added (see
	/// `openledger_primitives::datanet`).
	pub root: Hash,
	/// The previous version's root; zero for version 1.
	pub prev_root: Hash,
	/// Number of contributions this version added.
	pub item_count: u32,
	/// Their declared bytes.
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
	/// Contributions that day.
	pub items: u32,
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
	/// Flat part of the publishing fee.
	pub publish_base_fee: Balance,
	/// Publishing fee per started KiB of declared content the version adds.
	pub publish_fee_per_kib: Balance,
}
