//! Every currency operation of the pallet, in one place: deposits and bonds are holds, slashes go
//! through reputation's slashing service, fees are transfers to the treasury.

use crate::{pallet::*, BalanceOf};
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{Mutate, MutateHold},
		tokens::{Precision, Preservation},
		Defensive,
	},
};
use openledger_traits::SlashHeld;
use sp_runtime::{traits::Zero, Perbill};

fn bond_reason<T: Config>() -> T::RuntimeHoldReason {
	HoldReason::ContributionBond.into()
}

fn deposit_reason<T: Config>() -> T::RuntimeHoldReason {
	HoldReason::CreationDeposit.into()
}

/// Holds a Datanet's creation deposit.
pub(crate) fn hold_deposit<T: Config>(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
	if amount.is_zero() {
		return Ok(());
	}
	T::Currency::hold(&deposit_reason::<T>(), who, amount)
		.map_err(|_| Error::<T>::InsufficientBalanceForDeposit.into())
}

/// Releases a Datanet's creation deposit; returns what was released.
pub(crate) fn release_deposit<T: Config>(who: &T::AccountId, amount: BalanceOf<T>) -> BalanceOf<T> {
	T::Currency::release(&deposit_reason::<T>(), who, amount, Precision::BestEffort)
		.defensive_unwrap_or_default()
}

/// Holds a contribution's bond.
pub(crate) fn hold_bond<T: Config>(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
	if amount.is_zero() {
		return Ok(());
	}
	T::Currency::hold(&bond_reason::<T>(), who, amount)
		.map_err(|_| Error::<T>::InsufficientBalanceForBond.into())
}

/// Releases (part of) a contribution's bond; returns what was released.
pub(crate) fn release_bond<T: Config>(who: &T::AccountId, amount: BalanceOf<T>) -> BalanceOf<T> {
	if amount.is_zero() {
		return Zero::zero();
	}
	T::Currency::release(&bond_reason::<T>(), who, amount, Precision::BestEffort)
		.defensive_unwrap_or_default()
}

/// Slashes `fraction` of a held bond to the treasury; returns what was taken.
pub(crate) fn slash_bond<T: Config>(
	who: &T::AccountId,
	fraction: Perbill,
	bond: BalanceOf<T>,
) -> BalanceOf<T> {
	T::Slasher::slash_held(&bond_reason::<T>(), who, fraction, bond)
}

/// Pays a publishing fee to the treasury, keeping the payer's account alive.
pub(crate) fn pay_fee<T: Config>(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
	if amount.is_zero() {
		return Ok(());
	}
	T::Currency::transfer(who, &T::TreasuryAccount::get(), amount, Preservation::Preserve)
		.map(|_| ())
		.map_err(|_| Error::<T>::InsufficientBalanceForFee.into())
}

/// Total contribution bonds held from `who`.
#[cfg(any(feature = "try-runtime", test))]
pub(crate) fn bonds_held<T: Config>(who: &T::AccountId) -> BalanceOf<T> {
	use frame_support::traits::fungible::InspectHold;
	T::Currency::balance_on_hold(&bond_reason::<T>(), who)
}

/// Total creation deposits held from `who`.
#[cfg(any(feature = "try-runtime", test))]
pub(crate) fn deposits_held<T: Config>(who: &T::AccountId) -> BalanceOf<T> {
	use frame_support::traits::fungible::InspectHold;
	T::Currency::balance_on_hold(&deposit_reason::<T>(), who)
}
