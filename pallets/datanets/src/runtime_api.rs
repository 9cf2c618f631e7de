//! The runtime API clients use to read Datanets without decoding storage by hand.

use crate::types::{ContributionId, DatanetId, VersionNumber};
use alloc::vec::Vec;
use codec::Codec;
pub use openledger_primitives::{datanet::file::FileLeaf, merkle::MerkleProof};

sp_api::decl_runtime_apis! {
	/// Reads of Datanets, contributions and versions. The runtime fills in its own types for
	/// `Datanet`, `Contribution` and `Version` (`pallet_datanets::{Datanet, Contribution,
	/// Version}<Runtime>`).
	pub trait DatanetsApi<AccountId, Datanet, Contribution, Version>
	where
		AccountId: Codec,
		Datanet: Codec,
		Contribution: Codec,
		Version: Codec,
	{
		/// A Datanet, closed ones included.
		fn datanet(id: DatanetId) -> Option<Datanet>;
		/// A contribution by id.
		fn contribution(id: ContributionId) -> Option<Contribution>;
		/// A published version: its root, previous root, file and item counts among the rest.
		fn version(datanet: DatanetId, version: VersionNumber) -> Option<Version>;
		/// The ids of `who`'s contributions, from its `start`-th, at most `limit` (capped at 100).
		fn contributions_of(who: AccountId, start: u32, limit: u32) -> Vec<ContributionId>;
		/// The file leaves of `version` of `datanet` in file-tree order, from position `start`, at
		/// most `limit` (capped at 1,000): what a worker builds the version's tree from.
		fn version_files(datanet: DatanetId, version: VersionNumber, start: u32, limit: u32) -> Vec<FileLeaf<AccountId>>;
		/// The leaf of the file at `position` of `version` and its proof against the version's
		/// root (docs/datanets.md); the item's own path comes from the file's item tree.
		fn file_proof(datanet: DatanetId, version: VersionNumber, position: u32) -> Option<(FileLeaf<AccountId>, MerkleProof)>;
	}
}
