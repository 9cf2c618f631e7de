//! The runtime API clients use to read Datanets without decoding storage by hand.

use crate::types::{ContributionId, DatanetId, VersionNumber};
use alloc::vec::Vec;
use codec::Codec;
pub use openledger_primitives::merkle::MerkleProof;

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
		/// A published version: its root, previous root and item count among the rest.
		fn version(datanet: DatanetId, version: VersionNumber) -> Option<Version>;
		/// The ids of `who`'s contributions, from its `start`-th, at most `limit` (capped at 100).
		fn contributions_of(who: AccountId, start: u32, limit: u32) -> Vec<ContributionId>;
		/// The Merkle proof that contribution `id` is in `version` of `datanet`.
		fn version_proof(datanet: DatanetId, version: VersionNumber, id: ContributionId) -> Option<MerkleProof>;
	}
}
