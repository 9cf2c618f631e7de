//! Scores move with reports, saturate, decay toward neutral, and keep a bounded history.

use crate::{mock::*, Event, Outcome, ReputationReporter, Role, Scores, MAX_SCORE, NEUTRAL_SCORE};
use sp_runtime::FixedU64;

#[test]
fn unknown_accounts_are_neutral_with_factor_one() {
	build_and_execute(|| {
		assert_eq!(Reputation::score(&ALICE, Role::Contributor), NEUTRAL_SCORE);
		assert_eq!(Reputation::reward_factor(&ALICE, Role::Worker), FixedU64::from_u32(1));
	});
}

#[test]
fn reports_move_the_score_of_that_role_only_and_emit_events() {
	build_and_execute(|| {
		let factor = Reputation::report(&ALICE, Role::Contributor, Outcome::Positive);
		assert_eq!(Reputation::score(&ALICE, Role::Contributor), NEUTRAL_SCORE + 10_000);
		assert_eq!(factor, FixedU64::from_rational(1_010_000, 1_000_000));
		assert_eq!(Reputation::score(&ALICE, Role::Curator), NEUTRAL_SCORE);
		Reputation::report(&ALICE, Role::Contributor, Outcome::Negative);
		assert_eq!(Reputation::score(&ALICE, Role::Contributor), NEUTRAL_SCORE - 40_000);
		assert_eq!(
			events(),
			vec![
				Event::ScoreChanged {
					who: ALICE,
					role: Role::Contributor,
					outcome: Outcome::Positive,
					score: NEUTRAL_SCORE + 10_000
				},
				Event::ScoreChanged {
					who: ALICE,
					role: Role::Contributor,
					outcome: Outcome::Negative,
					score: NEUTRAL_SCORE - 40_000
				},
			]
		);
	});
}

#[test]
fn scores_saturate_at_both_ends_and_factor_stays_in_range() {
	build_and_execute(|| {
		for _ in 0..20 {
			Reputation::report(&ALICE, Role::Worker, Outcome::Negative);
		}
		assert_eq!(Reputation::score(&ALICE, Role::Worker), 0);
		assert_eq!(Reputation::reward_factor(&ALICE, Role::Worker), FixedU64::from_rational(1, 2));
		for _ in 0..200 {
			Reputation::report(&BOB, Role::Worker, Outcome::Positive);
		}
		assert_eq!(Reputation::score(&BOB, Role::Worker), MAX_SCORE);
		assert_eq!(Reputation::reward_factor(&BOB, Role::Worker), FixedU64::from_rational(3, 2));
	});
}

#[test]
fn scores_decay_toward_neutral_per_period() {
	build_and_execute(|| {
		Reputation::report(&ALICE, Role::Contributor, Outcome::Negative); // 450_000
		Reputation::report(&BOB, Role::Contributor, Outcome::Positive); // 510_000
		System::set_block_number(100); // 99 blocks: no full period yet
		assert_eq!(Reputation::score(&ALICE, Role::Contributor), 450_000);
		System::set_block_number(101); // one period: 10% of the distance forgotten
		assert_eq!(Reputation::score(&ALICE, Role::Contributor), 455_000);
		assert_eq!(Reputation::score(&BOB, Role::Contributor), 509_000);
		System::set_block_number(201); // two periods: 0.9^2 = 0.81 kept
		assert_eq!(Reputation::score(&ALICE, Role::Contributor), 459_500);
		// A report applies the decay first, then the step.
		Reputation::report(&ALICE, Role::Contributor, Outcome::Positive);
		assert_eq!(Reputation::score(&ALICE, Role::Contributor), 469_500);
		System::set_block_number(10_000_000); // far future: back at neutral
		assert_eq!(Reputation::score(&BOB, Role::Contributor), NEUTRAL_SCORE);
	});
}

#[test]
fn history_keeps_the_newest_entries() {
	build_and_execute(|| {
		for block in 1..=6u64 {
			System::set_block_number(block);
			Reputation::report(&ALICE, Role::Curator, Outcome::Positive);
		}
		let record = Scores::<Test>::get(ALICE, Role::Curator).unwrap();
		assert_eq!(record.history.len(), 4);
		let blocks: Vec<u64> = record.history.iter().map(|e| e.at).collect();
		assert_eq!(blocks, vec![3, 4, 5, 6]);
		assert_eq!(record.history.last().unwrap().score, NEUTRAL_SCORE + 60_000);
	});
}
