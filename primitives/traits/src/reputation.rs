//! How other pallets use reputation: report outcomes, read reward factors, slash held bonds.
//! They go through these traits and never write the reputation pallet's storage.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_runtime::{FixedU64, Perbill};

/// The part an account plays; each role has its own score.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum Role {
	/// Submits data to Datanets.
	Contributor,
	/// Accepts or rejects contributions.
	Curator,
	/// Computes attribution off-chain.
	Worker,
}

/// What happened, as reported by another pallet.
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
pub enum Outcome {
	/// Good work: an accepted contribution, a correct result.
	Positive,
	/// Bad work: a rejected contribution, a wrong result.
	Negative,
}

/// Reputation as other pallets see it.
pub trait ReputationReporter<AccountId> {
	/// Records `outcome` for `who` in `role` and returns the new reward factor (0.5 to 1.5; see
	/// `pallet_reputation::types::reward_factor`).
	fn report(who: &AccountId, role: Role, outcome: Outcome) -> FixedU64;

	/// The reward factor of `who` in `role` now, decay included.
	fn reward_factor(who: &AccountId, role: Role) -> FixedU64;
}

/// Slashing as a service: a pallet that holds a bond asks for part of it to be taken.
pub trait SlashHeld<AccountId> {
	/// The runtime's hold reason.
	type Reason;
	/// The currency's balance.
	type Balance;

	/// Slashes `fraction` of `bond`, held from `who` under `reason`, sends it to the treasury and
	/// emits `Slashed`. Returns the amount actually taken, which is less than asked only if less
	/// is held. The rest of the bond stays on hold: the caller releases it.
	fn slash_held(
		reason: &Self::Reason,
		who: &AccountId,
		fraction: Perbill,
		bond: Self::Balance,
	) -> Self::Balance;
}
