//! Requests to open a committed entry: answered, unanswered, and refused.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};
use openledger_primitives::attribution::{Entry, Method};

const KNN: Method = Method::KnnShapley { k: 3 };

fn bond_held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&RuntimeHoldReason::Attribution(HoldReason::ChallengeBond), &who)
}

/// Worker `a` alone reveals a list with a wrong distance at position 5 and keeps the list to
/// itself; `d` is an active worker that was not assigned. Returns `(world, job, a, d, bad, result)`.
fn withheld() -> (World, JobId, AccountId, AccountId, Vec<Entry>, Hash) {
	register(4);
	let w = World::publish(1, 90, 12, 8, KNN, 3);
	let job = open(&w, 1);
	let a = assigned(job)[0];
	let d = (1..=4).find(|x| !assigned(job).contains(x)).unwrap();
	let mut bad = w.entries.clone();
	bad[5].distance += 1;
	commit(&w, job, a, &bad);
	run_to(7);
	let result = reveal(&w, job, a, &bad);
	(w, job, a, d, bad, result)
}

#[test]
fn an_opened_entry_can_then_be_challenged() {
	build_and_execute(|| {
		let (w, job, a, d, bad, result) = withheld();
		assert_ok!(Attribution::request_opening(RuntimeOrigin::signed(d), job, result, 5));
		assert_eq!(bond_held(d), BOND);
		assert!(events().contains(&Event::OpeningRequested { job, result, requester: d, position: 5, due: 10 }));
		let opened = World::proven(&bad, 5);
		assert_ok!(Attribution::open_entry(RuntimeOrigin::signed(a), job, result, opened.clone()));
		assert_eq!(bond_held(d), 0, "the bond comes back once the entry is opened");
		assert!(events().contains(&Event::EntryOpened { job, result, entry: opened.entry, proof: opened.proof.clone() }));
		// With the opened entry, the challenge needs nothing the liar kept.
		let item = w.item(opened.entry.index);
		let embedding = w.embeddings[opened.entry.index as usize].clone();
		let witness = openledger_primitives::attribution::witness::Witness::WrongDistance { entry: opened, item, embedding };
		assert_ok!(Attribution::challenge(RuntimeOrigin::signed(d), job, result, Box::new(witness), w.query()));
		assert_eq!(stake(a), STAKE / 2);
	});
}

#[test]
fn an_entry_nobody_opens_refutes_the_result() {
	build_and_execute(|| {
		let (_, job, a, d, _, result) = withheld();
		run_to(12);
		// Alone, the result is the optimistic candidate until block 22.
		run_to(21);
		assert_ok!(Attribution::request_opening(RuntimeOrigin::signed(d), job, result, 3));
		assert_noop!(Attribution::expire_opening(RuntimeOrigin::signed(PAYER), job, result), Error::<Test>::OpeningNotDue);
		// Finality is due at 23 but waits for the request, due at 24.
		run_to(24);
		assert!(!Finalized::<Test>::contains_key(job));
		assert!(matches!(Jobs::<Test>::get(job).unwrap().phase, Phase::Challenge { .. }));
		let d_before = free(d);
		run_to(25);
		assert!(events().contains(&Event::OpeningExpired { job, result, requester: d, reward: 100 }));
		assert_eq!(stake(a), STAKE / 2);
		assert_eq!(free(d), d_before + BOND + 100);
		// Nothing else stands: the job starts another round.
		assert_eq!(Jobs::<Test>::get(job).unwrap().round, 2);
	});
}

#[test]
fn anyone_can_end_an_expired_request() {
	build_and_execute(|| {
		let (_, job, a, d, _, result) = withheld();
		assert_ok!(Attribution::request_opening(RuntimeOrigin::signed(d), job, result, 0));
		run_to(11);
		assert_ok!(Attribution::expire_opening(RuntimeOrigin::signed(PAYER), job, result));
		assert_eq!(stake(a), STAKE / 2);
		assert_eq!(Results::<Test>::get(job, result).unwrap().refuted_by, Some(d));
		assert_noop!(Attribution::expire_opening(RuntimeOrigin::signed(PAYER), job, result), Error::<Test>::NoOpening);
	});
}

#[test]
fn bad_requests_and_openings_are_refused() {
	build_and_execute(|| {
		let (_, job, a, d, bad, result) = withheld();
		assert_noop!(Attribution::request_opening(RuntimeOrigin::signed(d), job, result, 12), Error::<Test>::PositionOutOfRange);
		assert_noop!(Attribution::request_opening(RuntimeOrigin::signed(a), job, result, 1), Error::<Test>::OwnResult);
		assert_noop!(Attribution::request_opening(RuntimeOrigin::signed(d), job, [0; 32], 1), Error::<Test>::UnknownResult);
		assert_noop!(Attribution::open_entry(RuntimeOrigin::signed(a), job, result, World::proven(&bad, 1)), Error::<Test>::NoOpening);
		assert_ok!(Attribution::request_opening(RuntimeOrigin::signed(d), job, result, 1));
		let other = assigned(job)[1];
		assert_noop!(Attribution::request_opening(RuntimeOrigin::signed(other), job, result, 2), Error::<Test>::OpeningPending);
		assert_noop!(
			Attribution::open_entry(RuntimeOrigin::signed(a), job, result, World::proven(&bad, 2)),
			Error::<Test>::WrongPosition
		);
		let mut forged = World::proven(&bad, 1);
		forged.entry.value += 1;
		assert_noop!(Attribution::open_entry(RuntimeOrigin::signed(a), job, result, forged), Error::<Test>::BadEntryProof);
	});
	build_and_execute(|| {
		// A request whose window would outlast the job's deadline.
		register(4);
		let w = World::publish(1, 91, 12, 8, KNN, 3);
		assert_ok!(Attribution::open_job(RuntimeOrigin::signed(PAYER), w.spec(1, 23)));
		let a = assigned(0)[0];
		let d = (1..=4).find(|x| !assigned(0).contains(x)).unwrap();
		commit(&w, 0, a, &w.entries);
		run_to(11);
		let result = reveal(&w, 0, a, &w.entries);
		run_to(12);
		// The candidate's window ends at 22, the deadline is 23: no room for 3 more blocks.
		run_to(20);
		assert_noop!(Attribution::request_opening(RuntimeOrigin::signed(d), 0, result, 1), Error::<Test>::TooLate);
	});
}

#[test]
fn an_answered_request_lets_the_agreed_result_finalize() {
	build_and_execute(|| {
		register(4);
		let w = World::publish(1, 92, 12, 8, KNN, 3);
		let job = open(&w, 1);
		let [a, b, c] = assigned(job)[..] else { panic!("three workers") };
		let d = (1..=4).find(|x| ![a, b, c].contains(x)).unwrap();
		for who in [a, b] {
			commit(&w, job, who, &w.entries);
		}
		run_to(7);
		let result = reveal(&w, job, a, &w.entries);
		reveal(&w, job, b, &w.entries);
		assert_ok!(Attribution::request_opening(RuntimeOrigin::signed(d), job, result, 4));
		assert_ok!(Attribution::open_entry(RuntimeOrigin::signed(b), job, result, World::proven(&w.entries, 4)));
		run_to(15);
		assert!(Finalized::<Test>::contains_key(job));
		assert_eq!(bond_held(d), 0);
		assert_eq!([a, b].map(stake), [STAKE; 2]);
	});
}

#[test]
fn a_request_that_runs_out_before_finality_refutes_a_losing_result() {
	build_and_execute(|| {
		register(4);
		let w = World::publish(1, 93, 12, 8, KNN, 3);
		let job = open(&w, 1);
		let [a, b, c] = assigned(job)[..] else { panic!("three workers") };
		let d = (1..=4).find(|x| ![a, b, c].contains(x)).unwrap();
		let mut other = w.entries.clone();
		other[7].value += 1;
		commit(&w, job, a, &other);
		commit(&w, job, b, &w.entries);
		commit(&w, job, c, &w.entries);
		run_to(7);
		let losing = reveal(&w, job, a, &other);
		reveal(&w, job, b, &w.entries);
		reveal(&w, job, c, &w.entries);
		// d asks about the losing result at 11, due 14: unanswered at finality (15), it refutes
		// a's result first.
		run_to(11);
		assert_ok!(Attribution::request_opening(RuntimeOrigin::signed(d), job, losing, 4));
		assert_eq!(bond_held(d), BOND);
		run_to(15);
		assert!(Finalized::<Test>::contains_key(job));
		assert_eq!(bond_held(d), 0);
		assert_eq!(stake(a), STAKE / 2, "the unanswered request refuted a's result");
		assert!(events().contains(&Event::OpeningExpired { job, result: losing, requester: d, reward: 100 }));
	});
}

#[test]
fn a_request_still_running_at_finality_returns_its_bond() {
	build_and_execute(|| {
		register(4);
		let w = World::publish(1, 94, 12, 8, KNN, 3);
		let job = open(&w, 1);
		let [a, b, c] = assigned(job)[..] else { panic!("three workers") };
		let d = (1..=4).find(|x| ![a, b, c].contains(x)).unwrap();
		let mut other = w.entries.clone();
		other[7].value += 1;
		for (who, entries) in [(a, &other), (b, &w.entries), (c, &w.entries)] {
			commit(&w, job, who, entries);
		}
		run_to(7);
		let losing = reveal(&w, job, a, &other);
		reveal(&w, job, b, &w.entries);
		reveal(&w, job, c, &w.entries);
		run_to(13);
		assert_ok!(Attribution::request_opening(RuntimeOrigin::signed(d), job, losing, 4));
		run_to(15);
		assert!(Finalized::<Test>::contains_key(job));
		assert_eq!(bond_held(d), 0);
		assert_eq!(stake(a), STAKE, "not due yet when the job ended: nothing slashed");
	});
}
