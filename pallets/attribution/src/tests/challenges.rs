//! Challenges: every kind upheld against a wrong result and rejected against the right one,
//! inputs that do not hold up, the slashing arithmetic, and what happens to the job.

use crate::{mock::*, *};
use frame_support::{
	assert_noop, assert_ok,
	traits::{fungible::InspectHold, Get},
};
use openledger_primitives::attribution::{
	batch::{arrange, select_totals, BatchFault, BatchWitness, Credit},
	check::Fault,
	pack, rank, similarity_value, top_entries,
	witness::Witness,
	Entry, Method,
};

const KNN: Method = Method::KnnShapley { k: 3, t: 1_000 };
/// KNN-Shapley over the 8 nearest of the 12 items.
const KNN_T: Method = Method::KnnShapley { k: 3, t: 8 };
const SIM: Method = Method::Similarity { k: 4 };

/// A job whose assigned workers `[a, b, c]` revealed: `a` the result `bad`, `b` and `c` the
/// honest one. `d` is registered but not assigned.
struct Dispute {
	w: World,
	job: JobId,
	a: AccountId,
	b: AccountId,
	c: AccountId,
	d: AccountId,
	bad: Vec<Entry>,
	bad_posted: Posted,
	honest: Posted,
	bad_result: Hash,
	honest_result: Hash,
}

/// A dispute over a batch of `m` queries (one, named as a single inference, if `m` is 1) where
/// `a` lies in its result as `corrupt` makes it.
fn dispute_posted(
	method: Method,
	seed: u64,
	m: usize,
	corrupt: impl FnOnce(&World, &mut Posted),
) -> Dispute {
	register(4);
	let w = World::publish_batch(1, seed, 12, 8, method, 3, m, m == 1);
	let job = open(&w, 1);
	let [a, b, c] = assigned(job)[..] else { panic!("three workers") };
	let d = (1..=4).find(|x| ![a, b, c].contains(x)).unwrap();
	let honest = w.posted(w.rankings.clone());
	let mut bad_posted = honest.clone();
	corrupt(&w, &mut bad_posted);
	assert_ne!(bad_posted, honest, "the corruption changes the result");
	commit_posted(job, a, &bad_posted);
	commit_posted(job, b, &honest);
	commit_posted(job, c, &honest);
	run_to(7);
	let bad_result = reveal_posted(job, a, &bad_posted);
	let honest_result = reveal_posted(job, b, &honest);
	reveal_posted(job, c, &honest);
	let bad = bad_posted.rankings[0].clone();
	Dispute { w, job, a, b, c, d, bad, bad_posted, honest, bad_result, honest_result }
}

/// A dispute where `a`'s query 0 committed to a corrupted list, everything after it recomputed.
fn dispute(method: Method, seed: u64, corrupt: impl FnOnce(&World, &mut Vec<Entry>)) -> Dispute {
	dispute_posted(method, seed, 1, |w, posted| {
		let mut bad = posted.rankings[0].clone();
		corrupt(w, &mut bad);
		*posted = w.result(&bad);
	})
}

fn treasury() -> Balance {
	free(TREASURY)
}

/// Corrupts a worker's entries.
type Corrupt = fn(&World, &mut Vec<Entry>);

/// Each corruption of query 0's ranking, the single-query fault its witness proves, and the
/// method it needs.
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
		(Fault::MissingNear, SIM, |w, e| {
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

/// Corrupts a worker's batch result after its rankings.
type CorruptPosted = fn(&World, &mut Posted);

/// The credits of a posted result, sorted again after `change` and everything after them
/// recomputed to match: a lie consistent everywhere but where it was told.
fn recredit(w: &World, posted: &mut Posted, change: impl FnOnce(&mut Vec<Credit<AccountId>>)) {
	let mut credits: Vec<Credit<AccountId>> = posted.slots.iter().flatten().cloned().collect();
	change(&mut credits);
	let (slots, runs) = arrange(credits, posted.slots.len());
	assert_eq!(slots.len(), posted.slots.len(), "the credits fit their slots");
	posted.slots = slots;
	let max = <Test as Config>::MaxTotals::get();
	posted.totals = select_totals(runs, max).try_into().unwrap();
	let _ = w;
}

/// Each lie in a batch result's settlement, and the fault its witness proves.
fn settlement_lies() -> Vec<(BatchFault, CorruptPosted)> {
	vec![
		(BatchFault::WrongPaidSum, |_, p| p.records[1].paid_sum += 1),
		// One contributor's credit inflated by what another's is deflated, so the totals
		// still sum to the batch's share.
		(BatchFault::CreditMismatch, |w, p| {
			recredit(w, p, |c| {
				let d = c[1].amount / 2;
				c[0].amount += d;
				c[1].amount -= d;
			})
		}),
		(BatchFault::CreditMismatch, |w, p| recredit(w, p, |c| c[1].contributor = 999)),
		(BatchFault::MissingCredit, |w, p| {
			recredit(w, p, |c| {
				c.remove(2);
			})
		}),
		// A credit paid twice, or for a query past the batch: the totals stay the honest ones,
		// which the extra amount would push past the whole batch.
		(BatchFault::CreditOrder, |w, p| {
			let totals = p.totals.clone();
			recredit(w, p, |c| c.push(c[0].clone()));
			p.totals = totals;
		}),
		(BatchFault::CreditOutOfRange, |w, p| {
			let totals = p.totals.clone();
			recredit(w, p, |c| {
				c.push(Credit { contributor: 500, query: 9, rank: 0, amount: 1, cumulative: 0 })
			});
			p.totals = totals;
		}),
		(BatchFault::WrongCumulative, |_, p| {
			let slot = p.slots.iter_mut().flatten().next().unwrap();
			slot.cumulative += 1;
		}),
		(BatchFault::WrongTotal, |_, p| {
			let d = p.totals[1].1 / 2;
			p.totals[0].1 += d;
			p.totals[1].1 -= d;
		}),
		(BatchFault::WrongTotal, |_, p| {
			p.totals.remove(0);
		}),
		(BatchFault::TotalWithoutCredits, |_, p| {
			let ghost = (1, 1u128);
			p.totals.try_insert(0, ghost).expect("room for one more total");
		}),
	]
}

#[test]
fn every_lie_in_a_batch_settlement_is_refuted() {
	for (seed, (fault, corrupt)) in settlement_lies().into_iter().enumerate() {
		build_and_execute(|| {
			let x = dispute_posted(KNN, 100 + seed as u64, 4, corrupt);
			let job = Jobs::<Test>::get(x.job).unwrap();
			let witness = x.w.witness_posted(&job, &x.bad_posted).expect("a witness");
			assert_ok!(Attribution::challenge(
				RuntimeOrigin::signed(x.b),
				x.job,
				x.bad_result,
				Box::new(witness),
				x.w.query()
			));
			assert!(
				events().contains(&Event::ChallengeUpheld {
					job: x.job,
					result: x.bad_result,
					challenger: x.b,
					fault,
					reward: 100
				}),
				"{fault:?}: {:?}",
				events().last()
			);
			// The honest totals are final, and handed on.
			run_to(15);
			let totals = x.honest.totals.to_vec();
			assert!(ended().contains(&(x.job, Some(totals))));
		});
	}
}

#[test]
fn every_kind_of_wrong_result_is_refuted_and_its_author_slashed() {
	for (seed, (fault, method, corrupt)) in corruptions().into_iter().enumerate() {
		let fault = BatchFault::Ranking(fault);
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
		let x = dispute_posted(KNN, 40, 4, |_, p| p.records[0].paid_sum += 1);
		let w = &x.w;
		let h = &x.honest;
		let entries = &h.rankings[0];
		let n = entries.len();
		let e = |p: usize| World::proven(entries, p);
		let item = |p: usize| w.item(entries[p].index);
		let emb = |p: usize| w.embeddings[entries[p].index as usize].clone();
		let ranking = |witness| w.ranking(h, 0, witness);
		let mut witnesses: Vec<WitnessOf<Test>> = vec![
			ranking(Witness::RankMismatch { entry: e(4) }),
			ranking(Witness::WrongDistance { entry: e(4), item: item(4), embedding: emb(4) }),
			ranking(Witness::OutOfOrder { first: e(4), second: e(5) }),
			ranking(Witness::WrongKnnStep {
				entry: e(4),
				next: e(5),
				item: item(4),
				next_item: item(5),
			}),
			ranking(Witness::WrongKnnLast { entry: e(n - 1), item: item(n - 1) }),
			ranking(Witness::RepeatedIndex { a: e(4), b: e(5) }),
			ranking(Witness::IndexOutOfRange { entry: e(4) }),
			// An item at either end of the bracket is in the list, not missing from it.
			ranking(Witness::MissingNear {
				item: item(5),
				embedding: emb(5),
				before: Some(e(4)),
				after: e(5),
			}),
			ranking(Witness::MissingNear {
				item: item(0),
				embedding: emb(0),
				before: None,
				after: e(0),
			}),
			BatchWitness::WrongPaidSum {
				record: w.record(h, 0),
				paid: (0..w.paid_count()).map(e).collect(),
			},
			BatchWitness::CreditOutOfRange { slot: w.slot(h, 0) },
			BatchWitness::CreditOrder { first: w.slot(h, 0), second: w.slot(h, 1) },
			BatchWitness::WrongCumulative { before: None, slot: w.slot(h, 0) },
			BatchWitness::WrongCumulative { before: Some(w.slot(h, 0)), slot: w.slot(h, 1) },
		];
		// Every credit matches its entry, and every run's end its total.
		for (i, slot) in h.slots.iter().enumerate() {
			let Some(c) = slot else { continue };
			let q = c.query as usize;
			let entry = World::proven(&h.rankings[q], c.rank as usize);
			witnesses.push(BatchWitness::CreditMismatch {
				slot: w.slot(h, i),
				record: w.record(h, q),
				inference: w.inference(q),
				item: w.item(entry.entry.index),
				entry,
			});
			let next = h.slots.get(i + 1).map(|_| w.slot(h, i + 1));
			if next
				.as_ref()
				.is_none_or(|n| n.slot.as_ref().is_none_or(|n| n.contributor != c.contributor))
			{
				witnesses.push(BatchWitness::WrongTotal { last: w.slot(h, i), next });
			}
		}
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
		let entry = World::proven(&x.w.entries, 2);
		let witness = x.w.ranking(&x.honest, 0, Witness::WrongSimilarity { entry });
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
fn batch_challenges_whose_inputs_do_not_hold_up_are_refused() {
	build_and_execute(|| {
		let x = dispute_posted(KNN, 42, 4, |_, p| p.records[2].paid_sum += 1);
		let (w, p) = (&x.w, &x.bad_posted);
		let e = |q: usize, r: usize| World::proven(&p.rankings[q], r);
		let mut forged_record = w.record(p, 0);
		forged_record.record.paid_sum += 1;
		let mut forged_inference = w.inference(0);
		forged_inference.inference.output_tokens += 1;
		let mut forged_slot = w.slot(p, 0);
		if let Some(c) = forged_slot.slot.as_mut() {
			c.amount += 1;
		}
		let padding = p.slots.iter().position(Option::is_none).expect("padding");
		// An entry past the paid ones, in its bracket.
		let unpaid = e(0, w.paid_count());
		let cases: Vec<(WitnessOf<Test>, Error<Test>)> = vec![
			(
				BatchWitness::Ranking {
					record: w.record(p, 1),
					inference: w.inference(0),
					witness: Witness::RankMismatch { entry: e(0, 0) },
				},
				Error::Mismatched,
			),
			(
				BatchWitness::Ranking {
					record: forged_record,
					inference: w.inference(0),
					witness: Witness::RankMismatch { entry: e(0, 0) },
				},
				Error::BadQueryProof,
			),
			(
				BatchWitness::Ranking {
					record: w.record(p, 0),
					inference: forged_inference,
					witness: Witness::RankMismatch { entry: e(0, 0) },
				},
				Error::BadInferenceProof,
			),
			(w.ranking(p, 0, Witness::RankMismatch { entry: e(1, 0) }), Error::BadEntryProof),
			(
				w.ranking(p, 0, Witness::PaidMismatch { position: 0, entry: e(0, 0) }),
				Error::NoSuchPaidEntry,
			),
			(BatchWitness::CreditOutOfRange { slot: forged_slot }, Error::BadSlotProof),
			(
				BatchWitness::CreditOrder { first: w.slot(p, 0), second: w.slot(p, 2) },
				Error::NotAdjacent,
			),
			(
				BatchWitness::WrongCumulative { before: None, slot: w.slot(p, 1) },
				Error::NotAdjacent,
			),
			(BatchWitness::CreditOutOfRange { slot: w.slot(p, padding) }, Error::EmptySlot),
			(
				BatchWitness::WrongPaidSum {
					record: w.record(p, 0),
					paid: (0..w.paid_count() - 1).map(|r| e(0, r)).collect(),
				},
				Error::BadPaidEntries,
			),
			(
				BatchWitness::MissingCredit {
					record: w.record(p, 0),
					inference: w.inference(0),
					item: w.item(unpaid.entry.index),
					entry: unpaid,
					before: None,
					after: Some(w.slot(p, 0)),
				},
				Error::NotPaid,
			),
			(
				BatchWitness::TotalWithoutCredits { position: 99, before: None, after: None },
				Error::NoSuchTotal,
			),
		];
		for (witness, error) in cases {
			assert_noop!(
				Attribution::challenge(
					RuntimeOrigin::signed(x.b),
					x.job,
					x.bad_result,
					Box::new(witness),
					w.query()
				),
				error
			);
		}
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
				Box::new(w.ranking(&x.bad_posted, 0, witness)),
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
				Error::NoSuchPaidEntry,
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
				Box::new(w.ranking(&x.bad_posted, 0, good.clone())),
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
