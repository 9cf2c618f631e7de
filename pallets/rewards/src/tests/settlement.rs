//! Splitting a final job's fee, refunding a failed one, the payout records, and settlements
//! that continue across blocks.

use crate::{mock::*, *};
use frame_support::weights::Weight;
use openledger_traits::{Outcome, ReputationReporter, Role};

const ONE: u64 = 1_000_000_000;

/// Alice three quarters of the batch, Bob one quarter.
fn totals() -> Vec<(AccountId, u128)> {
	vec![(ALICE, share(3, 4)), (BOB, share(1, 4))]
}

#[test]
fn a_final_job_splits_its_fee_by_shares_and_totals() {
	build_and_execute(|| {
		infer(KNN_MODEL, 1_500, 200);
		let pot_before = pot();
		assert_eq!(Reputation::reward_factor(&ALICE, Role::Contributor).into_inner(), ONE);
		finalize(0, &totals(), &WORKERS);

		// 590 of tokens: contributors 295, owner 118, workers 118, treasury 59; plus 5 platform.
		// The totals cover the whole batch, so the contributors share all 295:
		// Alice ⌊295 × 3 / 4⌋ = 221, Bob ⌊295 / 4⌋ = 73.
		// Workers ⌊118 / 3⌋ = 39 each. Treasury: 595 − 294 − 118 − 117 = 66.
		assert_eq!(Claimable::<Test>::get(ALICE), 221);
		assert_eq!(Claimable::<Test>::get(BOB), 73);
		assert_eq!(Claimable::<Test>::get(OWNER), 118);
		for w in WORKERS {
			assert_eq!(Claimable::<Test>::get(w), 39);
		}
		assert_eq!(Claimable::<Test>::get(TREASURY), 66);
		assert_eq!(TotalClaimable::<Test>::get(), 595);
		assert_eq!(Escrowed::<Test>::get(), 0);
		assert_eq!(pot(), pot_before, "settlement only credits");

		assert_eq!(Earnings::<Test>::get(ALICE, 1), 221);
		assert_eq!(Rewards::earnings(&BOB), vec![(1, 73)]);
		let fees = FeesOfModel::<Test>::get(KNN_MODEL);
		assert_eq!((fees.charged, fees.settled, fees.refunded, fees.to_owner), (595, 595, 0, 118));

		let payout = Payouts::<Test>::get(0).expect("kept");
		assert_eq!((payout.contributors, payout.to_contributors), (2, 294));
		assert_eq!((payout.inference, payout.inferences), (0, 1));
		assert_eq!(payout.owner, (OWNER, 118));
		assert_eq!(payout.workers.into_inner(), vec![(31, 39), (32, 39), (33, 39)]);
		assert_eq!(payout.treasury, 66);

		let ev = events();
		assert!(ev.contains(&Event::Credited {
			job: 0,
			who: ALICE,
			payee: Payee::Contributor { datanet: 1 },
			amount: 221
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
		finalize(0, &totals(), &WORKERS);
		let (a, b) = (share(3, 4) * ONE as u128, share(1, 4) * bob);
		assert_eq!(Claimable::<Test>::get(ALICE), 295 * a / (a + b));
		assert_eq!(Claimable::<Test>::get(BOB), 295 * b / (a + b));
		assert!(Claimable::<Test>::get(BOB) > 73);
	});
}

#[test]
fn what_the_totals_do_not_cover_goes_to_the_treasury() {
	build_and_execute(|| {
		infer(KNN_MODEL, 1_500, 200);
		// No contributor: the whole contributors' part is the treasury's.
		finalize(0, &[], &WORKERS);
		assert_eq!(Claimable::<Test>::get(TREASURY), 595 - 118 - 117);
		assert_eq!(Payouts::<Test>::get(0).unwrap().contributors, 0);
		// Totals covering half the batch (its other queries had no positive paid value, or
		// their contributors were past the bound): half of the 295 is shared.
		infer(KNN_MODEL, 1_500, 200);
		finalize(1, &[(ALICE, share(1, 4)), (BOB, share(1, 4))], &WORKERS);
		assert_eq!(Claimable::<Test>::get(ALICE), 73);
		assert_eq!(Claimable::<Test>::get(BOB), 73);
		assert_eq!(Claimable::<Test>::get(TREASURY), (595 - 118 - 117) + (595 - 146 - 118 - 117));
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
		finalize(5, &totals(), &WORKERS);
		fail(6);
		assert!(events().is_empty());
		assert_eq!(TotalClaimable::<Test>::get(), 0);
		assert_eq!(Escrowed::<Test>::get(), 595);
		// A job ends once: a second report changes nothing.
		finalize(0, &totals(), &WORKERS);
		let settled = TotalClaimable::<Test>::get();
		fail(0);
		finalize(0, &totals(), &WORKERS);
		assert_eq!(TotalClaimable::<Test>::get(), settled);
	});
}

#[test]
fn each_version_of_an_inference_settles_on_its_own() {
	build_and_execute(|| {
		// 1,000 input tokens at 1,000: 1,000 split 500 + 500; platform 3 + 2.
		infer(TWO_VERSION_MODEL, 1_000, 0);
		// Version (2, 1): Carol three quarters, Bob one quarter.
		finalize(1, &[(BOB, share(1, 4)), (CAROL, share(3, 4))], &WORKERS);
		// 250 to contributors: Carol 187, Bob 62 (⌊250 × 3 / 4⌋, ⌊250 / 4⌋).
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
			finalize(job, &totals(), &WORKERS);
		}
		assert!(Payouts::<Test>::get(0).is_none());
		assert!(Payouts::<Test>::get(1).is_some());
		assert!(Payouts::<Test>::get(2).is_some());
		assert_eq!(PayoutCount::<Test>::get(), 3);
	});
}

/// Eight contributors with uneven totals summing to less than the batch.
fn eight() -> Vec<(AccountId, u128)> {
	(0..8u64).map(|i| (200 + i, share(i as u128 + 1, 40))).collect()
}

#[test]
fn a_large_settlement_continues_across_blocks_and_pays_the_same() {
	// All at once, for reference.
	let reference: Vec<Balance> = {
		let mut ext = new_test_ext();
		ext.execute_with(|| {
			infer(KNN_MODEL, 5_000, 3_000);
			infer(KNN_MODEL, 2_000, 1_000);
			finalize(0, &eight(), &WORKERS);
			finalize(1, &totals(), &WORKERS);
			let mut who: Vec<AccountId> = (200..208).collect();
			who.extend([ALICE, BOB, OWNER, TREASURY, 31, 32, 33]);
			who.iter().map(Claimable::<Test>::get).collect()
		})
	};
	build_and_execute(|| {
		// Room for two totals a block, besides the hook's own cost: each job takes blocks.
		let budget = <() as WeightInfo>::settle_idle()
			.saturating_add(<() as WeightInfo>::settle_credit(2))
			.max(<() as WeightInfo>::settle_weigh(2))
			.saturating_add(<() as WeightInfo>::settle_close(3));
		set_settle_budget(budget);
		infer(KNN_MODEL, 5_000, 3_000);
		infer(KNN_MODEL, 2_000, 1_000);
		<Rewards as openledger_traits::OnJobEnd<AccountId>>::finalized(
			0,
			&PAYER,
			&eight(),
			&WORKERS,
		);
		<Rewards as openledger_traits::OnJobEnd<AccountId>>::finalized(
			1,
			&PAYER,
			&totals(),
			&WORKERS,
		);
		assert_eq!(SettleQueueBounds::<Test>::get(), (0, 2));
		let mut blocks = 0;
		let mut partial = false;
		while SettleQueueBounds::<Test>::get().0 < 2 {
			let next = System::block_number() + 1;
			System::set_block_number(next);
			let used = <Rewards as frame_support::traits::Hooks<u64>>::on_initialize(next);
			assert!(used.all_lte(budget), "{used:?} over the budget");
			Rewards::do_try_state().expect("invariants hold after every block");
			// Part of the first job's totals weighed or credited, the rest left for later.
			partial |= Settlements::<Test>::get(0).is_some_and(|s| match s.step {
				Step::Weigh { next, .. } | Step::Credit { next, .. } => next > 0 && next < 8,
			});
			blocks += 1;
			assert!(blocks < 100);
		}
		assert!(partial && blocks > 2, "{blocks} blocks, partial: {partial}");
		let mut who: Vec<AccountId> = (200..208).collect();
		who.extend([ALICE, BOB, OWNER, TREASURY, 31, 32, 33]);
		let claimable: Vec<Balance> = who.iter().map(Claimable::<Test>::get).collect();
		assert_eq!(claimable, reference, "nothing is skipped or credited twice");
		// One `Settled` per job, one credit per contributor.
		let ev = events();
		assert_eq!(ev.iter().filter(|e| matches!(e, Event::Settled { .. })).count(), 2);
		for c in 200..208u64 {
			let credits =
				ev.iter().filter(|e| matches!(e, Event::Credited { who, .. } if *who == c)).count();
			assert_eq!(credits, 1);
		}
		assert_eq!(Escrowed::<Test>::get(), 0);
	});
}

#[test]
fn the_hook_does_nothing_it_cannot_afford() {
	build_and_execute(|| {
		infer(KNN_MODEL, 1_500, 200);
		set_settle_budget(Weight::zero());
		<Rewards as openledger_traits::OnJobEnd<AccountId>>::finalized(
			0,
			&PAYER,
			&totals(),
			&WORKERS,
		);
		System::set_block_number(2);
		<Rewards as frame_support::traits::Hooks<u64>>::on_initialize(2);
		assert_eq!(TotalClaimable::<Test>::get(), 0);
		assert!(Settlements::<Test>::contains_key(0));
		assert_eq!(Escrowed::<Test>::get(), 595, "still owed, in the settlement");
	});
}
