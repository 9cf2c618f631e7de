//! How other pallets use reputation: report outcomes, read reward factors, slash held bonds.
//! They go through these traits and never write this pallet's storage.

use crate::types::{Outcome, Role};
use sp_runtime::{FixedU64, Perbill};

/// Reputation as other pallets see it.
pub trait ReputationReporter<AccountId> {
	/// Records `outcome` for `who` in `role` and returns the new reward factor (see
	/// [`crate::types::reward_factor`]: 0.5 to 1.5).
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
