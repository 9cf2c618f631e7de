//! Requests to open a committed entry: answered, unanswered, refused, and the disputes that
//! hold a job open until they end.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};
use openledger_primitives::attribution::{
	batch::search::{Opening as Leaf, Position},
	Entry, Method,
};

/// Query 0's entry at `rank`.
fn at(rank: u32) -> Position {
	Position::Entry { query: 0, rank }
}

/// The answer that opens query 0's entry at `rank` of the result whose query 0 is `entries`.
fn leaf(w: &World, entries: &[Entry], rank: usize) -> Box<LeafOf<Test>> {
	let posted = w.result(entries);
	Box::new(Leaf::Entry { record: w.record(&posted, 0), entry: World::proven(entries, rank) })
}

const KNN: Method = Method::KnnShapley { k: 3, t: 1_000 };

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
		assert_ok!(Attribution::request_opening(RuntimeOrigin::signed(d), job, result, at(5)));
		assert_eq!(bond_held(d), BOND);
		assert!(events().contains(&Event::OpeningRequested {
			job,
			result,
			requester: d,
			position: at(5),
			due: 10
		}));
		let opened = World::proven(&bad, 5);
		assert_ok!(Attribution::open_leaf(
			RuntimeOrigin::signed(a),
			job,
			result,
			d,
			leaf(&w, &bad, 5)
		));
		assert_eq!(bond_held(d), 0, "the bond comes back once the entry is opened");
		assert!(events().contains(&Event::LeafOpened {
			job,
			result,
			requester: d,
			leaf: *leaf(&w, &bad, 5)
		}));
		// With the opened entry, the challenge needs nothing the liar kept.
		let item = w.item(opened.entry.index);
		let embedding = w.embeddings[opened.entry.index as usize].clone();
		let witness = openledger_primitives::attribution::witness::Witness::WrongDistance {
			entry: opened,
			item,
			embedding,
		};
		assert_ok!(Attribution::challenge(
			RuntimeOrigin::signed(d),
			job,
			result,
			Box::new(w.ranking(&w.result(&bad), 0, witness)),
			w.query()
		));
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
		assert_ok!(Attribution::request_opening(RuntimeOrigin::signed(d), job, result, at(3)));
		assert_noop!(
			Attribution::expire_opening(RuntimeOrigin::signed(PAYER), job, result, d),
			Error::<Test>::OpeningNotDue
		);
		// Finality is due at 23 but waits for the request, due at 24.
		run_to(24);
		assert!(!Finalized::<Test>::contains_key(job));
		assert!(matches!(Jobs::<Test>::get(job).unwrap().phase, Phase::Challenge { .. }));
		let d_before = free(d);
		run_to(25);
		assert!(events().contains(&Event::OpeningExpired {
			job,
			result,
			requester: d,
			reward: 100
		}));
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
		assert_ok!(Attribution::request_opening(RuntimeOrigin::signed(d), job, result, at(0)));
		run_to(11);
		assert_ok!(Attribution::expire_opening(RuntimeOrigin::signed(PAYER), job, result, d));
		assert_eq!(stake(a), STAKE / 2);
		assert_eq!(Results::<Test>::get(job, result).unwrap().refuted_by, Some(d));
		assert_noop!(
			Attribution::expire_opening(RuntimeOrigin::signed(PAYER), job, result, d),
			Error::<Test>::NoOpening
		);
	});
}

#[test]
fn bad_requests_and_openings_are_refused() {
	build_and_execute(|| {
		let (w, job, a, d, bad, result) = withheld();
		assert_noop!(
			Attribution::request_opening(RuntimeOrigin::signed(d), job, result, at(12)),
			Error::<Test>::PositionOutOfRange
		);
		// One query, three paid slots.
		for past in [Position::Query(1), Position::Entry { query: 1, rank: 0 }, Position::Slot(3)] {
			assert_noop!(
				Attribution::request_opening(RuntimeOrigin::signed(d), job, result, past),
				Error::<Test>::PositionOutOfRange
			);
		}
		assert_noop!(
			Attribution::request_opening(RuntimeOrigin::signed(a), job, result, at(1)),
			Error::<Test>::OwnResult
		);
		assert_noop!(
			Attribution::request_opening(RuntimeOrigin::signed(d), job, [0; 32], at(1)),
			Error::<Test>::UnknownResult
		);
		assert_noop!(
			Attribution::open_leaf(RuntimeOrigin::signed(a), job, result, d, leaf(&w, &bad, 1)),
			Error::<Test>::NoOpening
		);
		assert_ok!(Attribution::request_opening(RuntimeOrigin::signed(d), job, result, at(1)));
		assert_noop!(
			Attribution::request_opening(RuntimeOrigin::signed(d), job, result, at(2)),
			Error::<Test>::OpeningPending
		);
		// Another requester has a dispute of its own, in parallel.
		let other = assigned(job)[1];
		assert_ok!(Attribution::request_opening(RuntimeOrigin::signed(other), job, result, at(2)));
		assert_noop!(
			Attribution::open_leaf(RuntimeOrigin::signed(a), job, result, d, leaf(&w, &bad, 2)),
			Error::<Test>::WrongPosition
		);
		let mut forged = World::proven(&bad, 1);
		forged.entry.value += 1;
		let record = w.record(&w.result(&bad), 0);
		let forged = Box::new(Leaf::Entry { record: record.clone(), entry: forged });
		assert_noop!(
			Attribution::open_leaf(RuntimeOrigin::signed(a), job, result, d, forged),
			Error::<Test>::BadEntryProof
		);
		let mut forged_record = record;
		forged_record.record.paid_sum += 1;
		assert_noop!(
			Attribution::open_leaf(
				RuntimeOrigin::signed(a),
				job,
				result,
				d,
				Box::new(Leaf::Query(forged_record))
			),
			Error::<Test>::BadQueryProof
		);
		assert_ok!(Attribution::open_leaf(
			RuntimeOrigin::signed(a),
			job,
			result,
			d,
			leaf(&w, &bad, 1)
		));
		assert_ok!(Attribution::open_leaf(
			RuntimeOrigin::signed(a),
			job,
			result,
			other,
			leaf(&w, &bad, 2)
		));
		assert_eq!([bond_held(d), bond_held(other)], [0, 0]);
	});
}

#[test]
fn a_requester_asks_at_most_max_openings_times() {
	build_and_execute(|| {
		let (w, job, a, d, bad, result) = withheld();
		// One query of 12 entries (a tree of depth 4) and 3 slots: 0 + 1 + (2 * 4 + 2) = 11.
		let max = Attribution::max_requests(1, 12, 3);
		assert_eq!(max, 11);
		for i in 0..max {
			let position = i % 12;
			assert_ok!(Attribution::request_opening(
				RuntimeOrigin::signed(d),
				job,
				result,
				at(position)
			));
			assert_ok!(Attribution::open_leaf(
				RuntimeOrigin::signed(a),
				job,
				result,
				d,
				leaf(&w, &bad, position as usize)
			));
		}
		assert_eq!(Openings::<Test>::get((job, result, d)).unwrap().made, max);
		assert_noop!(
			Attribution::request_opening(RuntimeOrigin::signed(d), job, result, at(0)),
			Error::<Test>::TooManyOpenings
		);
	});
}

#[test]
fn an_answer_gives_the_requester_grace_after_the_window() {
	build_and_execute(|| {
		register(4);
		let w = World::publish(1, 95, 12, 8, KNN, 3);
		let job = open(&w, 1);
		let [a, b, c] = assigned(job)[..] else { panic!("three workers") };
		let d = (1..=4).find(|x| ![a, b, c].contains(x)).unwrap();
		// a and b agree on a lie deep in the tail; c reveals the truth.
		let mut bad = w.entries.clone();
		bad[10].distance += 1;
		for (who, entries) in [(a, &bad), (b, &bad), (c, &w.entries)] {
			commit(&w, job, who, entries);
		}
		run_to(7);
		let lie = reveal(&w, job, a, &bad);
		reveal(&w, job, b, &bad);
		reveal(&w, job, c, &w.entries);
		run_to(12);
		// The lie is the agreed candidate; its window ends at 14.
		assert!(
			matches!(Jobs::<Test>::get(job).unwrap().phase, Phase::Challenge { result, agreed: true, challenge_end: 14 } if result == lie)
		);
		run_to(14);
		assert_ok!(Attribution::request_opening(RuntimeOrigin::signed(d), job, lie, at(11)));
		run_to(17);
		// Answered in the last block of the request's window: finality still waits.
		assert_ok!(Attribution::open_leaf(
			RuntimeOrigin::signed(a),
			job,
			lie,
			d,
			leaf(&w, &bad, 11)
		));
		run_to(19);
		assert!(!Finalized::<Test>::contains_key(job));
		// Past the window, only a requester in its grace may ask or challenge.
		assert_noop!(
			Attribution::request_opening(RuntimeOrigin::signed(c), job, lie, at(10)),
			Error::<Test>::ChallengeWindowClosed
		);
		let e = (1..=8).find(|x| ![a, b, c, d].contains(x)).unwrap();
		assert_ok!(Attribution::register_worker(RuntimeOrigin::signed(e), STAKE));
		assert_noop!(
			Attribution::request_opening(RuntimeOrigin::signed(e), job, lie, at(10)),
			Error::<Test>::ChallengeWindowClosed
		);
		assert_ok!(Attribution::request_opening(RuntimeOrigin::signed(d), job, lie, at(10)));
		run_to(20);
		let opened = World::proven(&bad, 10);
		assert_ok!(Attribution::open_leaf(
			RuntimeOrigin::signed(b),
			job,
			lie,
			d,
			leaf(&w, &bad, 10)
		));
		let item = w.item(opened.entry.index);
		let embedding = w.embeddings[opened.entry.index as usize].clone();
		let witness = openledger_primitives::attribution::witness::Witness::WrongDistance {
			entry: opened,
			item,
			embedding,
		};
		assert_ok!(Attribution::challenge(
			RuntimeOrigin::signed(d),
			job,
			lie,
			Box::new(w.ranking(&w.result(&bad), 0, witness)),
			w.query()
		));
		assert_eq!([stake(a), stake(b), stake(c)], [STAKE / 2, STAKE / 2, STAKE]);
		// The true result takes over with its own window, and is final after it.
		run_to(20 + default_params().optimistic_challenge_window + 1);
		let honest = w.result(&w.entries);
		assert_eq!(Finalized::<Test>::get(job).unwrap().credits, honest.roots().1);
	});
}

#[test]
fn a_deadline_that_passes_during_a_dispute_waits_for_it() {
	build_and_execute(|| {
		register(4);
		let w = World::publish(1, 96, 12, 8, KNN, 3);
		// Room for one round and its optimistic window, no more: a refuted candidate cannot
		// be replaced before the deadline.
		assert_ok!(Attribution::open_job(RuntimeOrigin::signed(PAYER), w.spec(1, 24)));
		let job = 0;
		let [a, b, c] = assigned(job)[..] else { panic!("three workers") };
		let d = (1..=4).find(|x| ![a, b, c].contains(x)).unwrap();
		let mut one = w.entries.clone();
		one[2].value += 1;
		let mut two = w.entries.clone();
		two[9].value -= 1;
		for (who, entries) in [(a, &one), (b, &two)] {
			commit(&w, job, who, entries);
		}
		run_to(7);
		let first = reveal(&w, job, a, &one);
		let second = reveal(&w, job, b, &two);
		// `first`, revealed first, is the optimistic candidate, final at 23.
		run_to(12);
		assert!(
			matches!(Jobs::<Test>::get(job).unwrap().phase, Phase::Challenge { result, .. } if result == first)
		);
		// d disputes both; neither liar answers.
		assert_ok!(Attribution::request_opening(RuntimeOrigin::signed(d), job, first, at(2)));
		assert_ok!(Attribution::request_opening(RuntimeOrigin::signed(d), job, second, at(9)));
		run_to(16);
		assert_ok!(Attribution::expire_opening(RuntimeOrigin::signed(PAYER), job, first, d));
		assert_eq!(stake(a), STAKE / 2);
		// `second` would be final at 27, after the deadline: the job closes, but fails only
		// once the request on `second` has been settled.
		assert_eq!(Jobs::<Test>::get(job).unwrap().phase, Phase::Closing);
		assert_eq!(stake(b), STAKE);
		run_to(17);
		assert_eq!(stake(b), STAKE / 2, "the silent liar pays even though no result can be final");
		assert!(!Jobs::<Test>::contains_key(job));
		assert!(events().contains(&Event::JobFailed { job, reason: FailReason::NoResult }));
		assert_eq!(bond_held(d), 0);
	});
}

#[test]
fn a_request_still_running_at_the_end_of_the_window_holds_the_job() {
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
		assert_ok!(Attribution::request_opening(RuntimeOrigin::signed(d), job, losing, at(4)));
		// Finality was due at 14; the request, due at 16, holds the job until it ends.
		run_to(16);
		assert!(!Finalized::<Test>::contains_key(job));
		run_to(17);
		assert!(Finalized::<Test>::contains_key(job));
		assert_eq!(bond_held(d), 0);
		assert_eq!(
			stake(a),
			STAKE / 2,
			"the unanswered request refuted a's result before the job ended"
		);
		assert!(events().contains(&Event::OpeningExpired {
			job,
			result: losing,
			requester: d,
			reward: 100
		}));
	});
}
