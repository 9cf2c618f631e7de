//! Liars against honest workers that police every result with the worker daemon's own search
//! (`batch::search::BatchChallenger::next_move`, the function `openledger-worker run` calls),
//! not with an exhaustive challenger: liars in the minority and in a colluding majority, liars
//! that open what they are asked and liars that stay silent, and lies a bounded search would
//! miss (a committed entry below the paid ones, every value shifted by one constant, an index
//! out of range deep in the tail, items moved with values made consistent, a near item left out
//! of the `T` nearest for a farther one, values consistent), on any query of a batch, and every
//! kind of wrong figure in a batch's settlement told consistently (a paid sum, credits moved
//! between contributors, left out or paid twice, a running total, totals shifted, invented or
//! left out). No forged result is ever final, every liar that revealed is slashed, no honest
//! worker ever is, and no requester asks more than `max_requests` of a result.

use crate::{mock::*, *};
use frame_support::{assert_ok, traits::Get};
use openledger_primitives::attribution::{
	batch::{
		arrange,
		search::{BatchChallenger, BatchMove, Opening as Leaf, Position},
		select_totals, BatchSettlement, Credit,
	},
	distance, pack, top_entries,
	witness::VersionData,
	Entry, Method,
};
use proptest::prelude::*;
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug)]
enum Behaviour {
	Honest,
	/// Posts the honest list with one lie of kind `.0` at `.1` (moved by `.2`); opens what it
	/// is asked if `.3`.
	Lies(u8, usize, usize, bool),
	/// Commits nothing.
	Silent,
}

/// The liar's committed list for query `q`.
fn forge(w: &World, q: usize, kind: u8, at: usize, by: usize) -> Vec<Entry> {
	let mut e = w.rankings[q].clone();
	let label = w.batch.queries[q].2;
	let n = e.len();
	let p = at % n;
	let items = w.items.commitment().item_count;
	let consistent = |e: &mut Vec<Entry>| {
		for (r, x) in e.iter_mut().enumerate() {
			x.rank = r as u32;
		}
		if let Method::KnnShapley { .. } = w.method {
			let top: Vec<(u32, u32)> = e.iter().map(|x| (x.distance, x.index)).collect();
			*e = top_entries(w.method, &top, |i| w.items.item(i).is_some_and(|l| l.label == label));
		}
	};
	match kind % 12 {
		0 => e[p].distance += 1,
		1 => e[p].value -= 1,
		2 => e[p].rank += 1,
		// An index out of range deep in the tail.
		3 => e[n - 1 - p % n.min(3)].index = items + 3,
		4 => e[p].index = (e[p].index + 1) % items,
		// An item moved farther, values recomputed from the forged order.
		5 => {
			let moved = e.remove(p);
			e.insert((p + 1 + by % n).min(n - 1), moved);
			consistent(&mut e);
		},
		// An item moved nearer.
		6 => {
			let moved = e.remove(p);
			e.insert(p.saturating_sub(1 + by % n), moved);
			consistent(&mut e);
		},
		// Every value shifted by one constant: only the last entry's check fails.
		7 => e.iter_mut().for_each(|x| x.value += 5),
		// A hidden mismatch: a committed entry below the paid ones.
		8 => {
			let paid = w.paid_count();
			let q = (paid + p % (n - paid).max(1)).min(n - 1);
			e[q].value += 1;
		},
		// One item named twice, values recomputed.
		9 if n > 1 => {
			let q = (p + 1 + by % (n - 1)) % n;
			e[q].index = e[p].index;
			e[q].distance = e[p].distance;
			consistent(&mut e);
		},
		// A near item left out for the nearest item outside the list (a farther one with `by`
		// odd), in key order, values consistent: only the membership is wrong.
		10 => {
			let query = pack(w.batch.query(q));
			let mut outside: Vec<(u32, u32)> = (0..items)
				.filter(|i| !e.iter().any(|x| x.index == *i))
				.map(|i| (distance(&query, &pack(&w.embeddings[i as usize])), i))
				.collect();
			outside.sort_unstable();
			if outside.is_empty() {
				e[p].value += 1;
			} else {
				let mut top: Vec<(u32, u32)> = e.iter().map(|x| (x.distance, x.index)).collect();
				top.remove(p);
				top.push(outside[if by % 2 == 1 { by / 2 % outside.len() } else { 0 }]);
				e = top
					.iter()
					.map(|&(distance, index)| Entry { rank: 0, index, distance, value: 0 })
					.collect();
				consistent(&mut e);
			}
		},
		_ => {
			e.swap(p, (p + 1) % n);
			consistent(&mut e);
		},
	}
	e
}

/// The liar's whole result: a ranking lie on one query (kinds 0 to 11) with everything after it
/// recomputed, or a lie in the settlement (kinds 12 to 19) told consistently where it can be.
fn forge_posted(w: &World, kind: u8, at: usize, by: usize) -> Posted {
	let m = w.rankings.len();
	let q = at % m;
	let kind = kind % 20;
	if kind < 12 {
		let mut rankings = w.rankings.clone();
		rankings[q] = forge(w, q, kind, at / m, by);
		return w.posted(rankings);
	}
	let mut p = w.posted(w.rankings.clone());
	let mut credits: Vec<Credit<AccountId>> = p.slots.iter().flatten().cloned().collect();
	let n = credits.len();
	let recredit = |p: &mut Posted, credits: Vec<Credit<AccountId>>| {
		let (slots, runs) = arrange(credits, p.slots.len());
		if slots.len() == p.slots.len() {
			p.slots = slots;
			let max = <Test as Config>::MaxTotals::get();
			p.totals = select_totals(runs, max).try_into().unwrap();
		}
	};
	match kind {
		12 => p.records[q].paid_sum += 1 + by as u64 % 5,
		13 if n >= 2 => {
			let (a, b) = (at % n, (at + 1 + by % (n - 1)) % n);
			let d = credits[b].amount / 2 + 1;
			credits[a].amount += d;
			credits[b].amount = credits[b].amount.saturating_sub(d);
			recredit(&mut p, credits);
		},
		14 if n >= 1 => {
			credits.remove(at % n);
			recredit(&mut p, credits);
		},
		15 if n >= 1 => {
			credits.push(credits[at % n].clone());
			recredit(&mut p, credits);
		},
		16 if n >= 1 => {
			if let Some(c) = p.slots.iter_mut().flatten().nth(at % n) {
				c.cumulative += 1;
			}
		},
		17 if p.totals.len() >= 2 => {
			let len = p.totals.len();
			let (a, b) = (at % len, (at + 1) % len);
			let d = p.totals[b].1 / 2;
			p.totals[a].1 += d;
			p.totals[b].1 -= d;
		},
		18 => {
			let ghost = (1 + by as u64 % 6, 1 + by as u128 % 1000);
			let at = p.totals.partition_point(|t| t.0 < ghost.0);
			let _ = p.totals.try_insert(at, ghost);
		},
		19 if !p.totals.is_empty() => {
			let len = p.totals.len();
			p.totals.remove(at % len);
		},
		// Nothing to lie about: fall back to a ranking lie.
		_ => {
			let mut rankings = w.rankings.clone();
			rankings[q] = forge(w, q, 1, at / m, by);
			return w.posted(rankings);
		},
	}
	p
}

/// What the supporters of `posted` send to open the leaf at `position`.
fn answer(w: &World, posted: &Posted, position: Position) -> Box<LeafOf<Test>> {
	Box::new(match position {
		Position::Query(q) => Leaf::Query(w.record(posted, q as usize)),
		Position::Entry { query, rank } => Leaf::Entry {
			record: w.record(posted, query as usize),
			entry: World::proven(&posted.rankings[query as usize], rank as usize),
		},
		Position::Slot(i) => Leaf::Slot(w.slot(posted, i as usize)),
	})
}

fn behaviour() -> impl Strategy<Value = Behaviour> {
	prop_oneof![
		2 => Just(Behaviour::Honest),
		5 => (any::<u8>(), any::<usize>(), any::<usize>(), prop::bool::weighted(0.6))
			.prop_map(|(k, p, b, answers)| Behaviour::Lies(k, p, b, answers)),
		1 => Just(Behaviour::Silent),
	]
}

/// Every leaf opened so far of `result` in `job`, from the events, as a daemon collects them.
fn opened(job: JobId, result: Hash) -> Vec<LeafOf<Test>> {
	events()
		.into_iter()
		.filter_map(|e| match e {
			Event::LeafOpened { job: j, result: r, leaf, .. } if j == job && r == result => {
				Some(leaf)
			},
			_ => None,
		})
		.collect()
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(128))]

	#[test]
	fn the_daemons_search_keeps_every_final_result_right(
		behaviours in prop::collection::vec(behaviour(), 6),
		collude in any::<bool>(),
		similarity in any::<bool>(),
		n in 2usize..160,
		m in 1usize..4,
		seed in any::<u64>(),
	) {
		// Colluding liars all post the first liar's lie, so they can reach the quorum.
		let mut behaviours = behaviours;
		if collude {
			if let Some(first) = behaviours.iter().copied().find(|b| matches!(b, Behaviour::Lies(..))) {
				for b in behaviours.iter_mut().filter(|b| matches!(b, Behaviour::Lies(..))) {
					*b = first;
				}
			}
		}
		// Worker 6 always watches honestly, so somebody can challenge.
		behaviours[5] = Behaviour::Honest;
		let of = |who: AccountId| behaviours[who as usize - 1];
		// KNN-Shapley over the 40 nearest, so most jobs leave items outside the commitment.
		let method = if similarity { Method::Similarity { k: 5 } } else { Method::KnnShapley { k: 3, t: 40 } };
		new_test_ext().execute_with(|| -> Result<(), TestCaseError> {
			register(6);
			let w = World::publish_batch(1, seed, n, 8, method, 3, m, m == 1);
			let honest = w.posted(w.rankings.clone());
			let flat: Vec<i8> = w.embeddings.concat();
			let own = BatchSettlement {
				records: honest.records.clone(),
				slots: honest.slots.clone(),
				totals: honest.totals.to_vec(),
			};
			let version = VersionData { items: &w.items, embeddings: &flat };
			let challenger = BatchChallenger::new(version, &w.batch, &w.rankings, &own, w.paid_count() as u32)
				.expect("a batch");
			let committed_of = |who: AccountId| match of(who) {
				Behaviour::Honest => Some(honest.clone()),
				Behaviour::Lies(kind, at, by, _) => Some(forge_posted(&w, kind, at, by)),
				Behaviour::Silent => None,
			};
			let job = open(&w, 1);
			let mut liars_revealed = Vec::new();
			let mut lists: BTreeMap<Hash, Posted> = BTreeMap::new();
			let committed = method.committed_count(n as u32);
			let bound = Attribution::max_requests(m as u32, committed, honest.slots.len() as u32);
			while Jobs::<Test>::contains_key(job) {
				let round = Jobs::<Test>::get(job).unwrap();
				let (commit_end, _) = windows(job);
				let mut revealing = Vec::new();
				for who in round.assigned.iter().copied() {
					if let Some(posted) = committed_of(who) {
						commit_posted(job, who, &posted);
						revealing.push((who, posted));
					}
				}
				run_to(commit_end + 1);
				// A lie whose totals are not well formed is refused at reveal: that liar is silent.
				for (who, posted) in &revealing {
					let (queries, credits) = posted.roots();
					let revealed = Attribution::reveal(
						RuntimeOrigin::signed(*who), job, queries, credits, posted.totals.clone(), salt(*who),
					);
					if revealed.is_ok() {
						lists.insert(posted.hash(), posted.clone());
						if posted.hash() != honest.hash() {
							liars_revealed.push(*who);
						}
					}
				}
				// Block by block until the round or the job ends: honest workers police every
				// other result with the daemon's search; supporters that answer, answer.
				while Jobs::<Test>::get(job).is_some_and(|j| j.round == round.round) {
					let now = System::block_number();
					for watcher in (1..=6u64).filter(|c| matches!(of(*c), Behaviour::Honest)) {
						if !Workers::<Test>::get(watcher).is_some_and(|x| x.status == WorkerStatus::Active) {
							continue;
						}
						for result in Results::<Test>::iter_key_prefix(job).collect::<Vec<_>>() {
							// An earlier challenge may have refuted it or ended the round.
							let Some(revealed) = Results::<Test>::get(job, result) else { continue };
							if Jobs::<Test>::get(job).map(|j| j.round) != Some(round.round) {
								break;
							}
							if revealed.refuted_by.is_some() || revealed.supporters.contains(&watcher) {
								continue;
							}
							let open_job = Jobs::<Test>::get(job).unwrap();
							let totals = Totals::<Test>::get(job, result);
							let view = Attribution::batch_job(&open_job, &revealed, &totals);
							match challenger.next_move(&view, &opened(job, result)) {
								BatchMove::Challenge(witness) => {
									let query: QueryOf = challenger.query_of(&witness).to_vec().try_into().unwrap();
									assert_ok!(Attribution::challenge(
										RuntimeOrigin::signed(watcher), job, result, witness, query
									));
								},
								BatchMove::Open(position) => {
									let mine = Openings::<Test>::get((job, result, watcher));
									let waiting = mine.as_ref().is_some_and(|o| !o.answered);
									let asked = Openings::<Test>::iter_prefix((job, result))
										.any(|(_, o)| !o.answered && o.position == position);
									if !waiting && !asked {
										assert_ok!(Attribution::request_opening(RuntimeOrigin::signed(watcher), job, result, position));
									}
								},
								BatchMove::Nothing => prop_assert_eq!(
									result, honest.hash(), "the search let a lie stand"
								),
							}
						}
					}
					for ((result, requester), o) in Openings::<Test>::iter_prefix((job,)).collect::<Vec<_>>() {
						prop_assert!(o.made <= bound, "{} requests of one result, the bound is {}", o.made, bound);
						let Some(revealed) = Results::<Test>::get(job, result) else { continue };
						let answers = revealed.supporters.iter().find(|s| !matches!(of(**s), Behaviour::Lies(_, _, _, false)));
						if let (false, Some(supporter), Some(list)) = (o.answered, answers, lists.get(&result)) {
							assert_ok!(Attribution::open_leaf(
								RuntimeOrigin::signed(*supporter), job, result, requester, answer(&w, list, o.position)
							));
						}
					}
					run_to(now + 1);
				}
			}
			if let Some(final_result) = Finalized::<Test>::get(job) {
				prop_assert_eq!((final_result.queries, final_result.credits), honest.roots());
			}
			for who in 1..=6 {
				match of(who) {
					Behaviour::Honest => prop_assert_eq!(stake(who), STAKE, "honest worker {} slashed", who),
					_ if liars_revealed.contains(&who) => prop_assert!(stake(who) < STAKE, "liar {} kept its stake", who),
					_ => {},
				}
			}
			let rejected = events().iter().any(|e| matches!(e, Event::ChallengeRejected { .. }));
			prop_assert!(!rejected, "an honest challenge was rejected");
			Attribution::do_try_state().expect("invariants hold");
			Ok(())
		})?;
	}
}
