//! Challenges: every kind upheld against a wrong result and rejected against the right one,
//! inputs that do not hold up, the slashing arithmetic, and what happens to the job.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};
use openledger_primitives::attribution::{
	check::Fault, pack, rank, similarity_value, top_entries, witness::Witness, Entry, Method,
};

const KNN: Method = Method::KnnShapley { k: 3, t: 1_000 };
/// KNN-Shapley over the 8 nearest of the 12 items.
const KNN_T: Method = Method::KnnShapley { k: 3, t: 8 };
const SIM: Method = Method::Similarity { k: 4 };

/// A job whose assigned workers `[a, b, c]` revealed: `a` the list `bad` (with `paid` if given,
/// else its first entries), `b` and `c` the honest result. `d` is registered but not assigned.
struct Dispute {
	w: World,
	job: JobId,
	a: AccountId,
	b: AccountId,
	c: AccountId,
	d: AccountId,
	bad: Vec<Entry>,
	bad_result: Hash,
	honest_result: Hash,
}

fn dispute(method: Method, seed: u64, corrupt: impl FnOnce(&World, &mut Vec<Entry>)) -> Dispute {
	register(4);
	let w = World::publish(1, seed, 12, 8, method, 3);
	let job = open(&w, 1);
	let [a, b, c] = assigned(job)[..] else { panic!("three workers") };
	let d = (1..=4).find(|x| ![a, b, c].contains(x)).unwrap();
	let mut bad = w.entries.clone();
	corrupt(&w, &mut bad);
	assert_ne!(bad, w.entries, "the corruption changes the result");
	commit(&w, job, a, &bad);
	commit(&w, job, b, &w.entries);
	commit(&w, job, c, &w.entries);
	run_to(7);
	let bad_result = reveal(&w, job, a, &bad);
	let honest_result = reveal(&w, job, b, &w.entries);
	reveal(&w, job, c, &w.entries);
	Dispute { w, job, a, b, c, d, bad, bad_result, honest_result }
}

fn treasury() -> Balance {
	free(TREASURY)
}

/// Corrupts a worker's entries.
type Corrupt = fn(&World, &mut Vec<Entry>);

/// Each corruption, the fault its witness proves, and the method it needs.
fn corruptions() -> Vec<(Fault, Method, Corrupt)> {
	vec![
		(Fault::RankMismatch, KNN, |_, e| e[5].rank += 1),
		(Fault::IndexOutOfRange, KNN, |_, e| e[5].index = 50),
		(Fault::WrongDistance, KNN, |_, e| e[5].distance += 1),
		(Fault::RepeatedIndex, KNN, |_, e| e[5] = Entry { rank: 5, ..e[4] }),
		(Fault::OutOfOrder, KNN, |_, e| {
			e.swap(5, 6);
			e[5].rank = 5;
			e[6].rank = 6;
		}),
		(Fault::WrongKnnLast, KNN, |_, e| e[11].value += 1),
		(Fault::WrongKnnStep, KNN, |_, e| e[5].value += 1),
		(Fault::WrongSimilarity, SIM, |_, e| e[2].value += 1),
		(Fault::MissingNear, KNN_T, |w, e| {
			// The sixth nearest left out for the ninth, every value recomputed to match.
			let items: Vec<u32> = w.embeddings.iter().flat_map(|x| pack(x)).collect();
			let ranked = rank(&items, &pack(&w.query));
			let mut top = ranked[..8].to_vec();
			top.remove(5);
			top.push(ranked[8]);
			let matches = |i: u32| w.items.item(i).is_some_and(|l| l.label == w.query_label);
			*e = top_entries(KNN_T, &top, matches);
		}),
		(Fault::UnpaidBeatsPaid, SIM, |w, e| {
			// The second to fifth nearest, valued correctly: the nearest is left out.
			let items: Vec<u32> = w.embeddings.iter().flat_map(|x| pack(x)).collect();
			let ranked = rank(&items, &pack(&w.query));
			*e = ranked[1..5]
				.iter()
				.enumerate()
				.map(|(r, &(distance, index))| Entry {
					rank: r as u32,
					index,
					distance,
					value: similarity_value(distance),
				})
				.collect();
		}),
	]
}

#[test]
fn every_kind_of_wrong_result_is_refuted_and_its_author_slashed() {
	for (seed, (fault, method, corrupt)) in corruptions().into_iter().enumerate() {
		build_and_execute(|| {
			let x = dispute(method, seed as u64, corrupt);
			let job = Jobs::<Test>::get(x.job).unwrap();
			let witness = x.w.witness(&job, &x.bad).expect("a wrong result has a witness");
			let treasury_before = treasury();
			let b_before = free(x.b);

			assert_ok!(Attribution::challenge(
				RuntimeOrigin::signed(x.b),
				x.job,
				x.bad_result,
				Box::new(witness),
				x.w.query()
			));

			// Half of a's 1,000 is slashed: a fifth of that, 100, to b; 400 to the treasury.
			assert!(
				events().contains(&Event::ChallengeUpheld {
					job: x.job,
					result: x.bad_result,
					challenger: x.b,
					fault,
					reward: 100
				}),
				"{fault:?}"
			);
			assert!(events().contains(&Event::WorkerSlashed {
				job: x.job,
				worker: x.a,
				amount: 500,
				deactivated: true
			}));
			assert_eq!(stake(x.a), 500);
			assert_eq!(free(x.b), b_before + 100, "the bond came back with the reward");
			assert_eq!(treasury(), treasury_before + 400);
			assert!(matches!(
				Workers::<Test>::get(x.a).unwrap().status,
				WorkerStatus::Unbonding { .. }
			));
			assert!(!ActiveWorkers::<Test>::get().iter().any(|(w, _)| *w == x.a));
			assert_eq!(Results::<Test>::get(x.job, x.bad_result).unwrap().refuted_by, Some(x.b));

			// The honest pair agrees; the refuted result does not count.
			run_to(15);
			let final_result = Finalized::<Test>::get(x.job).expect("final");
			assert_eq!(final_result.supporters.to_vec(), vec![x.b, x.c]);
			assert!(final_result.agreed);
			assert_eq!([x.b, x.c, x.d].map(stake), [STAKE; 3], "honest workers keep their stakes");
		});
	}
}

#[test]
fn a_challenge_of_the_right_result_loses_its_bond() {
	// For each kind, a witness built from the honest result: every check passes.
	build_and_execute(|| {
		let x = dispute(KNN, 40, |_, e| e[0].value += 1);
		let w = &x.w;
		let n = w.entries.len();
		let e = |p: usize| World::proven(&w.entries, p);
		let item = |p: usize| w.item(w.entries[p].index);
		let emb = |p: usize| w.embeddings[w.entries[p].index as usize].clone();
		let witnesses: Vec<Witness<AccountId>> = vec![
			Witness::RankMismatch { entry: e(4) },
			Witness::WrongDistance { entry: e(4), item: item(4), embedding: emb(4) },
			Witness::OutOfOrder { first: e(4), second: e(5) },
			Witness::WrongKnnStep { entry: e(4), next: e(5), item: item(4), next_item: item(5) },
			Witness::WrongKnnLast { entry: e(n - 1), item: item(n - 1) },
			Witness::RepeatedIndex { a: e(4), b: e(5) },
			Witness::IndexOutOfRange { entry: e(4) },
			Witness::PaidMismatch { position: 1, entry: e(1) },
			Witness::UnpaidBeatsPaid { item: item(7), embedding: emb(7) },
			// An item at either end of the bracket is in the list, not missing from it.
			Witness::MissingNear {
				item: item(5),
				embedding: emb(5),
				before: Some(e(4)),
				after: e(5),
			},
			Witness::MissingNear { item: item(0), embedding: emb(0), before: None, after: e(0) },
		];
		for (i, witness) in witnesses.into_iter().enumerate() {
			let treasury_before = treasury();
			let d_before = free(x.d);
			assert_ok!(Attribution::challenge(
				RuntimeOrigin::signed(x.d),
				x.job,
				x.honest_result,
				Box::new(witness),
				w.query()
			));
			assert_eq!(free(x.d), d_before - BOND, "witness {i}");
			assert_eq!(treasury(), treasury_before + BOND);
			assert_eq!(
				events().last(),
				Some(&Event::ChallengeRejected {
					job: x.job,
					result: x.honest_result,
					challenger: x.d,
					bond_slashed: BOND
				})
			);
		}
		assert_eq!(Results::<Test>::get(x.job, x.honest_result).unwrap().refuted_by, None);
		assert_eq!([x.b, x.c].map(stake), [STAKE; 2]);
	});
	build_and_execute(|| {
		let x = dispute(SIM, 41, |_, e| e[0].value += 1);
		let witness = Witness::WrongSimilarity { entry: World::proven(&x.w.entries, 2) };
		assert_ok!(Attribution::challenge(
			RuntimeOrigin::signed(x.d),
			x.job,
			x.honest_result,
			Box::new(witness),
			x.w.query()
		));
		assert!(matches!(events().last(), Some(Event::ChallengeRejected { .. })));
	});
}

#[test]
fn a_paid_list_that_differs_from_its_commitment_is_refuted() {
	build_and_execute(|| {
		register(3);
		let w = World::publish(1, 9, 12, 8, KNN, 3);
		let job = open(&w, 1);
		let [a, b, _] = assigned(job)[..] else { panic!("three workers") };
		// a commits to the honest list but pays itself a different first entry.
		let commitment = openledger_primitives::attribution::commitment(&w.entries);
		let mut paid = w.entries[..3].to_vec();
		paid[0].value += 7;
		let paid: PaidOf<Test> = paid.try_into().unwrap();
		let hash = Attribution::commit_hash(job, &a, &commitment, &paid, &salt(a));
		assert_ok!(Attribution::commit(RuntimeOrigin::signed(a), job, hash));
		run_to(7);
		assert_ok!(Attribution::reveal(
			RuntimeOrigin::signed(a),
			job,
			commitment,
			paid.clone(),
			salt(a)
		));
		let result = Attribution::result_hash(&commitment, &paid);
		let witness = Witness::PaidMismatch { position: 0, entry: World::proven(&w.entries, 0) };
		assert_ok!(Attribution::challenge(
			RuntimeOrigin::signed(b),
			job,
			result,
			Box::new(witness),
			w.query()
		));
		assert!(events()
			.iter()
			.any(|e| matches!(e, Event::ChallengeUpheld { fault: Fault::PaidMismatch, .. })));
	});
}

#[test]
fn challenges_whose_inputs_do_not_hold_up_are_refused_and_change_nothing() {
	build_and_execute(|| {
		let x = dispute(KNN, 50, |_, e| e[5].distance += 1);
		let w = &x.w;
		let bad = &x.bad;
		let e = |p: usize| World::proven(bad, p);
		let item = |index: u32| w.item(index);
		let emb = |index: u32| w.embeddings[index as usize].clone();
		let i5 = bad[5].index;
		let challenge = |who, result, witness: Witness<AccountId>, query: QueryOf| {
			Attribution::challenge(
				RuntimeOrigin::signed(who),
				x.job,
				result,
				Box::new(witness),
				query,
			)
		};
		let good = Witness::WrongDistance { entry: e(5), item: item(i5), embedding: emb(i5) };

		let mut forged = e(5);
		forged.entry.value += 1;
		let mut bad_item = item(i5);
		bad_item.item.label += 1;
		let mut wrong_query = w.query.clone();
		wrong_query[0] = wrong_query[0].wrapping_add(1);
		let cases: Vec<(Witness<AccountId>, QueryOf, Error<Test>)> = vec![
			(Witness::RankMismatch { entry: forged }, w.query(), Error::BadEntryProof),
			(
				Witness::WrongDistance { entry: e(5), item: item(0), embedding: emb(0) },
				w.query(),
				Error::WrongItem,
			),
			(
				Witness::WrongDistance { entry: e(5), item: bad_item, embedding: emb(i5) },
				w.query(),
				Error::BadItemProof,
			),
			(
				Witness::WrongDistance {
					entry: e(5),
					item: item(i5),
					embedding: emb(bad[6].index),
				},
				w.query(),
				Error::BadEmbedding,
			),
			(good.clone(), wrong_query.try_into().unwrap(), Error::BadQuery),
			(good.clone(), Default::default(), Error::BadQuery),
			(Witness::OutOfOrder { first: e(2), second: e(5) }, w.query(), Error::NotAdjacent),
			(Witness::RepeatedIndex { a: e(2), b: e(2) }, w.query(), Error::SamePosition),
			(
				Witness::WrongKnnLast { entry: e(2), item: item(bad[2].index) },
				w.query(),
				Error::NotLast,
			),
			(Witness::WrongSimilarity { entry: e(2) }, w.query(), Error::WrongMethod),
			(Witness::PaidMismatch { position: 3, entry: e(3) }, w.query(), Error::NoSuchPaidEntry),
			(
				Witness::UnpaidBeatsPaid { item: item(bad[0].index), embedding: emb(bad[0].index) },
				w.query(),
				Error::ItemIsPaid,
			),
			(
				Witness::MissingNear {
					item: item(i5),
					embedding: emb(i5),
					before: None,
					after: e(5),
				},
				w.query(),
				Error::NotFirst,
			),
			(
				Witness::MissingNear {
					item: item(i5),
					embedding: emb(i5),
					before: Some(e(2)),
					after: e(5),
				},
				w.query(),
				Error::NotAdjacent,
			),
		];
		for (witness, query, error) in cases {
			assert_noop!(challenge(x.b, x.bad_result, witness, query), error);
		}
		assert_noop!(
			challenge(x.b, [9; 32], good.clone(), w.query()),
			Error::<Test>::UnknownResult
		);
		assert_noop!(
			challenge(x.a, x.bad_result, good.clone(), w.query()),
			Error::<Test>::OwnResult
		);
		assert_noop!(
			challenge(PAYER, x.bad_result, good.clone(), w.query()),
			Error::<Test>::NotWorker
		);
		assert_noop!(
			Attribution::challenge(
				RuntimeOrigin::signed(x.b),
				99,
				x.bad_result,
				Box::new(good.clone()),
				w.query()
			),
			Error::<Test>::UnknownJob
		);
		assert_ok!(Attribution::unregister_worker(RuntimeOrigin::signed(x.d)));
		assert_noop!(
			challenge(x.d, x.bad_result, good.clone(), w.query()),
			Error::<Test>::NotActive
		);
		// A worker that cannot cover the bond.
		assert_ok!(Attribution::register_worker(RuntimeOrigin::signed(POOR), STAKE));
		assert_noop!(
			challenge(POOR, x.bad_result, good.clone(), w.query()),
			Error::<Test>::InsufficientBalanceForBond
		);

		assert_ok!(challenge(x.b, x.bad_result, good.clone(), w.query()));
		assert_noop!(challenge(x.c, x.bad_result, good, w.query()), Error::<Test>::AlreadyRefuted);
	});
}

#[test]
fn the_challenge_window_closes() {
	build_and_execute(|| {
		register(3);
		let w = World::publish(1, 60, 12, 8, KNN, 3);
		let job = open(&w, 1);
		let [a, b, _] = assigned(job)[..] else { panic!("three workers") };
		let mut bad = w.entries.clone();
		bad[5].distance += 1;
		commit(&w, job, a, &bad);
		run_to(7);
		let result = reveal(&w, job, a, &bad);
		run_to(12);
		// Alone, the wrong result is the optimistic candidate until block 22.
		let Phase::Challenge { challenge_end, agreed: false, .. } =
			Jobs::<Test>::get(job).unwrap().phase
		else {
			panic!("a candidate")
		};
		assert_eq!(challenge_end, 22);
		let witness = w.witness(&Jobs::<Test>::get(job).unwrap(), &bad).unwrap();
		System::set_block_number(challenge_end + 1);
		assert_noop!(
			Attribution::challenge(
				RuntimeOrigin::signed(b),
				job,
				result,
				Box::new(witness),
				w.query()
			),
			Error::<Test>::ChallengeWindowClosed
		);
	});
}

#[test]
fn refuting_the_candidate_promotes_the_next_result_or_reopens_the_job() {
	build_and_execute(|| {
		register(3);
		let w = World::publish(1, 70, 12, 8, KNN, 3);
		let job = open(&w, 1);
		let [a, b, c] = assigned(job)[..] else { panic!("three workers") };
		let mut bad = w.entries.clone();
		bad[3].value -= 1;
		commit(&w, job, a, &bad);
		commit(&w, job, b, &w.entries);
		run_to(7);
		// a reveals first, so its result wins the one-to-one tie.
		let wrong = reveal(&w, job, a, &bad);
		let right = reveal(&w, job, b, &w.entries);
		run_to(12);
		assert!(
			matches!(Jobs::<Test>::get(job).unwrap().phase, Phase::Challenge { result, .. } if result == wrong)
		);
		let witness = w.witness(&Jobs::<Test>::get(job).unwrap(), &bad).unwrap();
		run_to(15);
		assert_ok!(Attribution::challenge(
			RuntimeOrigin::signed(c),
			job,
			wrong,
			Box::new(witness),
			w.query()
		));
		// The honest result takes over with a fresh optimistic window from block 15.
		assert!(events().contains(&Event::CandidateChosen {
			job,
			result: right,
			supporters: 1,
			agreed: false,
			challenge_end: 25
		}));
		run_to(26);
		assert_eq!(Finalized::<Test>::get(job).unwrap().supporters.to_vec(), vec![b]);
	});
	build_and_execute(|| {
		register(4);
		let w = World::publish(1, 71, 12, 8, KNN, 3);
		let job = open(&w, 1);
		let [a, ..] = assigned(job)[..] else { panic!("three workers") };
		let outsider = (1..=4).find(|x| !assigned(job).contains(x)).unwrap();
		let mut bad = w.entries.clone();
		bad[3].value -= 1;
		commit(&w, job, a, &bad);
		run_to(7);
		let wrong = reveal(&w, job, a, &bad);
		run_to(12);
		let witness = w.witness(&Jobs::<Test>::get(job).unwrap(), &bad).unwrap();
		assert_ok!(Attribution::challenge(
			RuntimeOrigin::signed(outsider),
			job,
			wrong,
			Box::new(witness),
			w.query()
		));
		// Nothing else stands: a new round starts at once.
		let reopened = Jobs::<Test>::get(job).unwrap();
		assert_eq!(reopened.round, 2);
		assert_eq!(windows(job), (17, 22));
	});
}

#[test]
fn revealing_a_result_already_refuted_costs_the_same() {
	build_and_execute(|| {
		register(3);
		let w = World::publish(1, 81, 12, 8, KNN, 3);
		let job = open(&w, 1);
		let [a, b, c] = assigned(job)[..] else { panic!("three workers") };
		let mut bad = w.entries.clone();
		bad[2].distance += 1;
		commit(&w, job, a, &bad);
		commit(&w, job, c, &bad);
		run_to(7);
		let wrong = reveal(&w, job, a, &bad);
		let witness = w.witness(&Jobs::<Test>::get(job).unwrap(), &bad).unwrap();
		assert_ok!(Attribution::challenge(
			RuntimeOrigin::signed(b),
			job,
			wrong,
			Box::new(witness),
			w.query()
		));
		let b_after_first = free(b);
		// c reveals the same, already refuted, result: slashed on the spot, b paid again.
		reveal(&w, job, c, &bad);
		assert_eq!(stake(c), 500);
		assert_eq!(free(b), b_after_first + 100);
		assert!(events().contains(&Event::WorkerSlashed {
			job,
			worker: c,
			amount: 500,
			deactivated: true
		}));
		let held = Balances::balance_on_hold(
			&RuntimeHoldReason::Attribution(HoldReason::ChallengeBond),
			&b,
		);
		assert_eq!(held, 0);
	});
}
