//! Slashing takes a fraction of a held bond to the treasury and leaves the rest on hold.

use crate::{mock::*, Event, SlashHeld};
use frame_support::traits::fungible::{Inspect, InspectHold, MutateHold};
use sp_runtime::Perbill;

#[test]
fn slash_takes_the_fraction_to_the_treasury() {
	build_and_execute(|| {
		assert!(Balances::hold(&TestHold::Bond, &ALICE, 200).is_ok());
		let issuance = Balances::total_issuance();
		let taken = Reputation::slash_held(&TestHold::Bond, &ALICE, Perbill::from_percent(25), 200);
		assert_eq!(taken, 50);
		assert_eq!(Balances::balance_on_hold(&TestHold::Bond, &ALICE), 150);
		assert_eq!(Balances::balance(&TREASURY), ED + 50);
		assert_eq!(Balances::total_issuance(), issuance, "moved, not burned");
		assert_eq!(
			events(),
			vec![Event::Slashed { who: ALICE, reason: TestHold::Bond, amount: 50 }]
		);
	});
}

#[test]
fn zero_fraction_slashes_nothing_and_emits_nothing() {
	build_and_execute(|| {
		assert!(Balances::hold(&TestHold::Bond, &ALICE, 200).is_ok());
		assert_eq!(Reputation::slash_held(&TestHold::Bond, &ALICE, Perbill::zero(), 200), 0);
		assert_eq!(Balances::balance_on_hold(&TestHold::Bond, &ALICE), 200);
		assert!(events().is_empty());
	});
}

#[test]
fn full_fraction_takes_the_whole_bond() {
	build_and_execute(|| {
		assert!(Balances::hold(&TestHold::Bond, &BOB, 300).is_ok());
		assert_eq!(Reputation::slash_held(&TestHold::Bond, &BOB, Perbill::one(), 300), 300);
		assert_eq!(Balances::balance_on_hold(&TestHold::Bond, &BOB), 0);
		assert_eq!(Balances::balance(&BOB), 700);
	});
}
