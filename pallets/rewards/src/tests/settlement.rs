//! Splitting a final job's fee, refunding a failed one, and the payout records.

use crate::{mock::*, *};
use openledger_traits::{Outcome, ReputationReporter, Role};

const ONE: u64 = 1_000_000_000;

/// Alice's items 0 and 3 (300 and 60), Bob's item 1 (100), Carol's item 2 (-50).
fn paid() -> Vec<openledger_primitives::attribution::Entry> {
	vec![entry(0, 0, 300), entry(1, 1, 100), entry(2, 2, -50), entry(3, 3, 60)]
}

#[test]
fn a_final_job_splits_its_fee_by_shares_and_positive_value() {
	build_and_execute(|| {
		infer(KNN_MODEL, 1_500, 200);
		let pot_before = pot();
		assert_eq!(Reputation::reward_factor(&ALICE, Role::Contributor).into_inner(), ONE);
		finalize(0, &paid(), &WORKERS);

		// 590 of tokens: contributors 295, owner 118, workers 118, treasury 59; plus 5 platform.
		// Contributors by value: Alice 360, Bob 100 (Carol's is negative):
		// Alice ⌊295 × 360 / 460⌋ = 230, Bob ⌊295 × 100 / 460⌋ = 64.
		// Workers ⌊118 / 3⌋ = 39 each. Treasury: 595 − 294 − 118 − 117 = 66.
		assert_eq!(Claimable::<Test>::get(ALICE), 230);
		assert_eq!(Claimable::<Test>::get(BOB), 64);
		assert_eq!(Claimable::<Test>::get(CAROL), 0);
		assert_eq!(Claimable::<Test>::get(OWNER), 118);
		for w in WORKERS {
			assert_eq!(Claimable::<Test>::get(w), 39);
		}
		assert_eq!(Claimable::<Test>::get(TREASURY), 66);
		assert_eq!(TotalClaimable::<Test>::get(), 595);
		assert_eq!(Escrowed::<Test>::get(), 0);
		assert_eq!(pot(), pot_before, "settlement only credits");

		assert_eq!(Earnings::<Test>::get(ALICE, 1), 230);
		assert_eq!(Rewards::earnings(&BOB), vec![(1, 64)]);
		let fees = FeesOfModel::<Test>::get(KNN_MODEL);
		assert_eq!((fees.charged, fees.settled, fees.refunded, fees.to_owner), (595, 595, 0, 118));

		let payout = Payouts::<Test>::get(0).expect("kept");
		assert_eq!(payout.contributors.into_inner(), vec![(ALICE, 230), (BOB, 64)]);
		assert_eq!(payout.owner, (OWNER, 118));
		assert_eq!(payout.workers.into_inner(), vec![(31, 39), (32, 39), (33, 39)]);
		assert_eq!(payout.treasury, 66);

		let ev = events();
		assert!(ev.contains(&Event::Credited {
			job: 0,
			who: ALICE,
			payee: Payee::Contributor { datanet: 1 },
			amount: 230
		}));
		assert!(ev.contains(&Event::Credited {
			job: 0,
			who: OWNER,
			payee: Payee::Owner,
			amount: 118
		}));
		assert!(ev.contains(&Event::Credited {
			job: 0,
			who: 32,
			payee: Payee::Worker,
			amount: 39
		}));
		assert!(ev.contains(&Event::Credited {
			job: 0,
			who: TREASURY,
			payee: Payee::Treasury,
			amount: 66
		}));
		assert!(ev.contains(&Event::Settled {
			job: 0,
			inference: 0,
			total: 595,
			contributors: 294,
			owner: 118,
			workers: 117,
			treasury: 66
		}));
		let credited = ev.iter().filter(|e| matches!(e, Event::Credited { .. })).count();
		assert_eq!(
			credited, 7,
			"one event per payee: two contributors, the owner, three workers, the treasury"
		);
	});
}

#[test]
fn reputation_scales_a_contributors_part() {
	build_and_execute(|| {
		for _ in 0..20 {
			Reputation::report(&BOB, Role::Contributor, Outcome::Positive);
		}
		let bob = Reputation::reward_factor(&BOB, Role::Contributor).into_inner() as u128;
		assert!(bob > ONE as u128, "Bob's factor rose");
		infer(KNN_MODEL, 1_500, 200);
		finalize(0, &paid(), &WORKERS);
		let (a, b) = (360 * ONE as u128, 100 * bob);
		assert_eq!(Claimable::<Test>::get(ALICE), 295 * a / (a + b));
		assert_eq!(Claimable::<Test>::get(BOB), 295 * b / (a + b));
		assert!(Claimable::<Test>::get(BOB) > 64);
	});
}

#[test]
fn without_a_positive_entry_the_contributors_part_goes_to_the_treasury() {
	build_and_execute(|| {
		infer(KNN_MODEL, 1_500, 200);
		finalize(0, &[entry(0, 0, 0), entry(1, 2, -10)], &WORKERS);
		assert_eq!(Claimable::<Test>::get(ALICE), 0);
		assert_eq!(Claimable::<Test>::get(TREASURY), 595 - 118 - 117);
		assert!(Payouts::<Test>::get(0).unwrap().contributors.is_empty());
	});
}

#[test]
fn an_entry_without_a_contributor_is_not_paid() {
	build_and_execute(|| {
		infer(KNN_MODEL, 1_500, 200);
		// Item 9 is not in the version: Bob takes only his proportion of all positive value.
		finalize(0, &[entry(0, 9, 100), entry(1, 1, 100)], &WORKERS[..1]);
		assert_eq!(Claimable::<Test>::get(BOB), 295);
		// One worker takes the whole workers' part.
		assert_eq!(Claimable::<Test>::get(31), 118);
		assert_eq!(Claimable::<Test>::get(TREASURY), 595 - 295 - 118 - 118);
	});
}

#[test]
fn a_failed_job_refunds_the_payer_in_full() {
	build_and_execute(|| {
		infer(KNN_MODEL, 1_500, 200);
		fail(0);
		assert_eq!(Claimable::<Test>::get(PAYER), 595);
		assert_eq!(Escrowed::<Test>::get(), 0);
		assert!(events().contains(&Event::Refunded {
			job: 0,
			inference: 0,
			payer: PAYER,
			amount: 595
		}));
		assert_eq!(FeesOfModel::<Test>::get(KNN_MODEL).refunded, 595);
		frame_support::assert_ok!(Rewards::claim(RuntimeOrigin::signed(PAYER)));
		assert_eq!(balance(PAYER), START);
		assert!(Payouts::<Test>::get(0).is_none());
	});
}

#[test]
fn jobs_of_other_origins_are_ignored() {
	build_and_execute(|| {
		infer(KNN_MODEL, 1_500, 200);
		System::reset_events();
		// Job 5 was not opened by an inference (a data-valuation job, say).
		finalize(5, &paid(), &WORKERS);
		fail(6);
		assert!(events().is_empty());
		assert_eq!(TotalClaimable::<Test>::get(), 0);
		assert_eq!(Escrowed::<Test>::get(), 595);
		// A job ends once: a second report changes nothing.
		finalize(0, &paid(), &WORKERS);
		let settled = TotalClaimable::<Test>::get();
		fail(0);
		finalize(0, &paid(), &WORKERS);
		assert_eq!(TotalClaimable::<Test>::get(), settled);
	});
}

#[test]
fn each_version_of_an_inference_settles_on_its_own() {
	build_and_execute(|| {
		// 1,000 input tokens at 1,000: 1,000 split 500 + 500; platform 3 + 2.
		infer(TWO_VERSION_MODEL, 1_000, 0);
		// Version (2, 1): Carol's item 0, Bob's item 1.
		finalize(1, &[entry(0, 0, 30), entry(1, 1, 10)], &WORKERS);
		// 250 to contributors: Carol 187, Bob 62 (⌊250 × 30 / 40⌋, ⌊250 × 10 / 40⌋).
		assert_eq!(Claimable::<Test>::get(CAROL), 187);
		assert_eq!(Earnings::<Test>::get(CAROL, 2), 187);
		assert_eq!(Escrowed::<Test>::get(), 503);
		fail(0);
		assert_eq!(Claimable::<Test>::get(PAYER), 503);
		assert_eq!(Escrowed::<Test>::get(), 0);
	});
}

#[test]
fn the_newest_payouts_are_kept() {
	build_and_execute(|| {
		for job in 0..3 {
			infer(KNN_MODEL, 1_000, 0);
			finalize(job, &paid(), &WORKERS);
		}
		assert!(Payouts::<Test>::get(0).is_none());
		assert!(Payouts::<Test>::get(1).is_some());
		assert!(Payouts::<Test>::get(2).is_some());
		assert_eq!(PayoutCount::<Test>::get(), 3);
	});
}
