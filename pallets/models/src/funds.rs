//! Every currency operation of the pallet: the registration deposit is a hold.

use crate::{pallet::*, BalanceOf};
use frame_support::{
	pallet_prelude::*,
	traits::{fungible::MutateHold, tokens::Precision, Defensive},
};
use sp_runtime::traits::Zero;

fn reason<T: Config>() -> T::RuntimeHoldReason {
	HoldReason::RegistrationDeposit.into()
}

/// Holds a registration deposit.
pub(crate) fn hold_deposit<T: Config>(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
	if amount.is_zero() {
		return Ok(());
	}
	T::Currency::hold(&reason::<T>(), who, amount)
		.map_err(|_| Error::<T>::InsufficientBalanceForDeposit.into())
}

/// Releases a registration deposit; returns what was released.
pub(crate) fn release_deposit<T: Config>(who: &T::AccountId, amount: BalanceOf<T>) -> BalanceOf<T> {
	if amount.is_zero() {
		return Zero::zero();
	}
	T::Currency::release(&reason::<T>(), who, amount, Precision::BestEffort)
		.defensive_unwrap_or_default()
}

/// The registration deposits held from `who`.
#[cfg(any(feature = "try-runtime", test))]
pub(crate) fn deposits_held<T: Config>(who: &T::AccountId) -> BalanceOf<T> {
	use frame_support::traits::fungible::InspectHold;
	T::Currency::balance_on_hold(&reason::<T>(), who)
}
