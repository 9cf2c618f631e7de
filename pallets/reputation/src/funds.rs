//! The pallet's one currency operation: taking part of a hold and handing it to the treasury.

use crate::pallet::Config;
use frame_support::traits::{fungible::hold::Balanced, OnUnbalanced};
use sp_runtime::traits::{Saturating, Zero};

type BalanceOf<T> = <<T as Config>::Currency as frame_support::traits::fungible::Inspect<
	<T as frame_system::Config>::AccountId,
>>::Balance;

/// Slashes up to `amount` held from `who` under `reason` into [`Config::OnSlash`]; returns what
/// was taken.
pub(crate) fn slash_to_treasury<T: Config>(
	reason: &T::RuntimeHoldReason,
	who: &T::AccountId,
	amount: BalanceOf<T>,
) -> BalanceOf<T> {
	let (credit, missing) = T::Currency::slash(reason, who, amount);
	if !missing.is_zero() {
		// The caller holds the bond it asks about; less on hold means its books are wrong.
		frame_support::defensive!("slashed less than asked: the bond was not fully held");
	}
	T::OnSlash::on_unbalanced(credit);
	amount.saturating_sub(missing)
}
