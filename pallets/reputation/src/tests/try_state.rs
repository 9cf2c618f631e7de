//! The invariants catch a corrupted record.

use crate::{mock::*, HistoryEntry, Outcome, ReputationReporter, Role, Scores};

#[test]
fn try_state_fails_on_a_score_that_disagrees_with_its_history() {
	new_test_ext().execute_with(|| {
		Reputation::report(&ALICE, Role::Contributor, Outcome::Positive);
		assert!(Reputation::do_try_state().is_ok());
		Scores::<Test>::mutate(ALICE, Role::Contributor, |r| r.as_mut().unwrap().score = 1);
		assert!(Reputation::do_try_state().is_err());
	});
}

#[test]
fn try_state_fails_on_a_score_above_the_maximum() {
	new_test_ext().execute_with(|| {
		Reputation::report(&BOB, Role::Worker, Outcome::Positive);
		Scores::<Test>::mutate(BOB, Role::Worker, |r| {
			let r = r.as_mut().unwrap();
			r.score = 2_000_000;
			r.history[0] = HistoryEntry { at: 1, outcome: Outcome::Positive, score: 2_000_000 };
		});
		assert_eq!(Reputation::do_try_state(), Err("score above MAX_SCORE".into()));
	});
}
