//! Claiming credited balances.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok};

fn settled() {
	infer(KNN_MODEL, 1_500, 200);
	finalize(0, &[(ALICE, share(3, 4)), (BOB, share(1, 4))], &WORKERS);
}

#[test]
fn a_claim_pays_everything_credited() {
	build_and_execute(|| {
		settled();
		let owed = Claimable::<Test>::get(ALICE);
		let pot_before = pot();
		assert_ok!(Rewards::claim(RuntimeOrigin::signed(ALICE)));
		assert_eq!(balance(ALICE), owed);
		assert_eq!(pot(), pot_before - owed);
		assert_eq!(Claimable::<Test>::get(ALICE), 0);
		assert!(events().contains(&Event::Claimed { who: ALICE, amount: owed }));
		assert_noop!(Rewards::claim(RuntimeOrigin::signed(ALICE)), Error::<Test>::NothingToClaim);
	});
}

#[test]
fn anyone_may_claim_for_a_payee() {
	build_and_execute(|| {
		settled();
		let owed = Claimable::<Test>::get(OWNER);
		assert_ok!(Rewards::claim_for(RuntimeOrigin::signed(PAYER), OWNER));
		assert_eq!(balance(OWNER), owed);
		assert_ok!(Rewards::claim_for(RuntimeOrigin::signed(PAYER), TREASURY));
		assert_noop!(
			Rewards::claim_for(RuntimeOrigin::signed(PAYER), OWNER),
			Error::<Test>::NothingToClaim
		);
	});
}

#[test]
fn a_claim_below_the_existential_deposit_waits() {
	build_and_execute(|| {
		infer(KNN_MODEL, 50, 0);
		finalize(0, &[(ALICE, share(1, 1))], &WORKERS);
		// 15 of tokens: owner 3, below the existential deposit of 10, into an empty account.
		assert_eq!(Claimable::<Test>::get(OWNER), 3);
		assert_noop!(Rewards::claim(RuntimeOrigin::signed(OWNER)), Error::<Test>::CannotPay);
		assert_eq!(Claimable::<Test>::get(OWNER), 3);
		// More fees reach the existential deposit; then it pays.
		for job in 1..4 {
			infer(KNN_MODEL, 50, 0);
			finalize(job, &[(ALICE, share(1, 1))], &WORKERS);
		}
		assert_eq!(Claimable::<Test>::get(OWNER), 12);
		assert_ok!(Rewards::claim(RuntimeOrigin::signed(OWNER)));
		assert_eq!(balance(OWNER), 12);
	});
}
