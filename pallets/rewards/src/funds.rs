//! Every currency operation of the pallet. Fees move into the pallet's account when an
//! inference is recorded and out of it when a claim is paid; settlement itself only credits.

use crate::{pallet::*, BalanceOf};
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{Inspect, Mutate},
		tokens::Preservation,
	},
};
use sp_runtime::traits::{AccountIdConversion, Zero};

/// The account that holds escrows and claimable balances.
pub(crate) fn account<T: Config>() -> T::AccountId {
	T::PalletId::get().into_account_truncating()
}

/// Gives the pallet's account its existential deposit, if it lacks it.
pub(crate) fn endow_account<T: Config>() {
	let who = account::<T>();
	let ed = T::Currency::minimum_balance();
	let has = T::Currency::balance(&who);
	if has < ed {
		let _ = T::Currency::mint_into(&who, ed - has);
	}
}

/// Moves a fee from `payer` into the pallet's account.
pub(crate) fn escrow<T: Config>(payer: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
	if amount.is_zero() {
		return Ok(());
	}
	T::Currency::transfer(payer, &account::<T>(), amount, Preservation::Preserve)
		.map(|_| ())
		.map_err(|_| Error::<T>::InsufficientBalance.into())
}

/// Pays `amount` out of the pallet's account to `who`.
pub(crate) fn pay<T: Config>(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
	T::Currency::transfer(&account::<T>(), who, amount, Preservation::Preserve)
		.map(|_| ())
		.map_err(|_| Error::<T>::CannotPay.into())
}

/// What the pallet's account holds.
#[cfg(any(feature = "try-runtime", test))]
pub(crate) fn held<T: Config>() -> BalanceOf<T> {
	T::Currency::balance(&account::<T>())
}
