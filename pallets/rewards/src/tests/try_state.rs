//! The invariants catch corrupted state.

use crate::{mock::*, *};
use frame_support::traits::fungible::Mutate;

fn state() {
	infer(KNN_MODEL, 1_500, 200);
	infer(KNN_MODEL, 1_500, 200);
	finalize(0, &[(ALICE, share(1, 2))], &WORKERS);
	assert!(Rewards::do_try_state().is_ok());
}

#[test]
fn a_wrong_escrow_total_is_caught() {
	new_test_ext().execute_with(|| {
		state();
		Escrowed::<Test>::mutate(|e| *e += 1);
		assert!(Rewards::do_try_state().is_err());
	});
}

#[test]
fn a_claim_outside_the_total_is_caught() {
	new_test_ext().execute_with(|| {
		state();
		Claimable::<Test>::insert(77, 5);
		assert!(Rewards::do_try_state().is_err());
	});
}

#[test]
fn a_pallet_account_short_of_what_it_owes_is_caught() {
	new_test_ext().execute_with(|| {
		state();
		let pot = Rewards::account_id();
		Balances::set_balance(&pot, pot_owed() - 1);
		assert!(Rewards::do_try_state().is_err());
	});
}

fn pot_owed() -> Balance {
	ED + Escrowed::<Test>::get() + TotalClaimable::<Test>::get()
}
