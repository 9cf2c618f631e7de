//! Every currency operation of the pallet, in one place: stakes and challenge bonds are holds;
//! a slash pays the challenger's share with `transfer_on_hold` and sends the rest to the
//! treasury through reputation's slashing service.

use crate::{pallet::*, BalanceOf};
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::MutateHold,
		tokens::{Fortitude, Precision, Restriction},
		Defensive, DefensiveResult,
	},
};
use openledger_traits::SlashHeld;
use sp_runtime::{traits::Zero, Perbill, Saturating};

fn stake_reason<T: Config>() -> T::RuntimeHoldReason {
	HoldReason::WorkerStake.into()
}

fn bond_reason<T: Config>() -> T::RuntimeHoldReason {
	HoldReason::ChallengeBond.into()
}

/// Holds a worker's stake.
pub(crate) fn hold_stake<T: Config>(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
	T::Currency::hold(&stake_reason::<T>(), who, amount)
		.map_err(|_| Error::<T>::InsufficientBalanceForStake.into())
}

/// Releases what is left of a worker's stake; returns what was released.
pub(crate) fn release_stake<T: Config>(who: &T::AccountId, amount: BalanceOf<T>) -> BalanceOf<T> {
	if amount.is_zero() {
		return Zero::zero();
	}
	T::Currency::release(&stake_reason::<T>(), who, amount, Precision::BestEffort)
		.defensive_unwrap_or_default()
}

/// Slashes `fraction` of `stake` from `who`: `challenger_share` of it goes to `challenger`'s
/// free balance, the rest to the treasury. Returns `(taken, paid to the challenger)`.
pub(crate) fn slash_stake<T: Config>(
	who: &T::AccountId,
	stake: BalanceOf<T>,
	fraction: Perbill,
	challenger: &T::AccountId,
	challenger_share: Perbill,
) -> (BalanceOf<T>, BalanceOf<T>) {
	let amount = fraction.mul_floor(stake);
	let reward = challenger_share.mul_floor(amount);
	let paid = if reward.is_zero() {
		Zero::zero()
	} else {
		T::Currency::transfer_on_hold(
			&stake_reason::<T>(),
			who,
			challenger,
			reward,
			Precision::BestEffort,
			Restriction::Free,
			Fortitude::Force,
		)
		.defensive_unwrap_or_default()
	};
	let rest = amount.saturating_sub(paid);
	let burned = T::Slasher::slash_held(&stake_reason::<T>(), who, Perbill::one(), rest);
	(paid.saturating_add(burned), paid)
}

/// Holds a challenge bond.
pub(crate) fn hold_bond<T: Config>(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
	if amount.is_zero() {
		return Ok(());
	}
	T::Currency::hold(&bond_reason::<T>(), who, amount)
		.map_err(|_| Error::<T>::InsufficientBalanceForBond.into())
}

/// Releases a challenge bond.
pub(crate) fn release_bond<T: Config>(who: &T::AccountId, amount: BalanceOf<T>) {
	if !amount.is_zero() {
		T::Currency::release(&bond_reason::<T>(), who, amount, Precision::BestEffort)
			.defensive_ok();
	}
}

/// Slashes a whole challenge bond to the treasury; returns what was taken.
pub(crate) fn slash_bond<T: Config>(who: &T::AccountId, amount: BalanceOf<T>) -> BalanceOf<T> {
	T::Slasher::slash_held(&bond_reason::<T>(), who, Perbill::one(), amount)
}

/// The stake held from `who`.
#[cfg(any(feature = "try-runtime", test))]
pub(crate) fn stake_held<T: Config>(who: &T::AccountId) -> BalanceOf<T> {
	use frame_support::traits::fungible::InspectHold;
	T::Currency::balance_on_hold(&stake_reason::<T>(), who)
}

/// The challenge bond held from `who`: zero between calls.
#[cfg(any(feature = "try-runtime", test))]
pub(crate) fn bond_held<T: Config>(who: &T::AccountId) -> BalanceOf<T> {
	use frame_support::traits::fungible::InspectHold;
	T::Currency::balance_on_hold(&bond_reason::<T>(), who)
}
