//! A random mix of honest, lying, colluding and silent workers, with honest workers watching
//! every reveal: no result a challenge could refute is ever final, no honest worker is ever
//! slashed, and every revealed lie is.

use crate::{mock::*, *};
use frame_support::assert_ok;
use openledger_primitives::attribution::{Entry, Method};
use proptest::prelude::*;

#[derive(Clone, Copy, Debug)]
enum Behaviour {
	Honest,
	/// Posts the honest list with one corruption of the given kind at the given position.
	Lies(u8, usize),
	/// Commits nothing.
	Silent,
}

fn corrupt(w: &World, entries: &mut [Entry], kind: u8, position: usize) {
	let n = entries.len();
	let p = position % n;
	match kind % 6 {
		0 => entries[p].distance += 1,
		1 => entries[p].value -= 1,
		2 => entries[p].rank += 1,
		3 => entries[p].index = w.leaves.len() as u32 + 3,
		4 => entries[p].index = (entries[p].index + 1) % w.leaves.len() as u32,
		_ => {
			entries.swap(p, (p + 1) % n);
			entries[p].rank = p as u32;
			entries[(p + 1) % n].rank = ((p + 1) % n) as u32;
		},
	}
}

fn entries_of(w: &World, b: Behaviour) -> Option<Vec<Entry>> {
	match b {
		Behaviour::Honest => Some(w.entries.clone()),
		Behaviour::Lies(kind, position) => {
			let mut e = w.entries.clone();
			corrupt(w, &mut e, kind, position);
			Some(e)
		},
		Behaviour::Silent => None,
	}
}

fn behaviour() -> impl Strategy<Value = Behaviour> {
	prop_oneof![
		3 => Just(Behaviour::Honest),
		3 => (any::<u8>(), any::<usize>()).prop_map(|(k, p)| Behaviour::Lies(k, p)),
		1 => Just(Behaviour::Silent),
	]
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(64))]

	#[test]
	fn honest_watchers_keep_every_final_result_right(
		behaviours in prop::collection::vec(behaviour(), 6),
		collude in any::<bool>(),
		similarity in any::<bool>(),
		seed in any::<u64>(),
	) {
		// Colluding liars all post the first liar's corruption, so they can reach the quorum.
		let mut behaviours = behaviours;
		if collude {
			if let Some(first) = behaviours.iter().copied().find(|b| matches!(b, Behaviour::Lies(..))) {
				for b in behaviours.iter_mut() {
					if matches!(b, Behaviour::Lies(..)) {
						*b = first;
					}
				}
			}
		}
		// Worker 6 always watches honestly, so somebody can challenge.
		behaviours[5] = Behaviour::Honest;
		let of = |who: AccountId| behaviours[who as usize - 1];
		let method = if similarity { Method::Similarity { k: 4 } } else { Method::KnnShapley { k: 3 } };
		new_test_ext().execute_with(|| -> Result<(), TestCaseError> {
			register(6);
			let w = World::publish(1, seed, 10, 8, method, 3);
			let honest = w.result(&w.entries);
			let job = open(&w, 1);
			let mut liars_revealed = Vec::new();
			while Jobs::<Test>::contains_key(job) {
				let round = Jobs::<Test>::get(job).unwrap();
				let (commit_end, reveal_end) = windows(job);
				let mut revealing = Vec::new();
				for who in round.assigned.iter().copied() {
					if let Some(entries) = entries_of(&w, of(who)) {
						commit(&w, job, who, &entries);
						revealing.push((who, entries));
					}
				}
				run_to(commit_end + 1);
				// A lie that breaks the paid list's ranks is refused at reveal: that liar is silent.
				revealing.retain(|(who, entries)| {
					let (commitment, paid) = w.result(entries);
					Attribution::reveal(RuntimeOrigin::signed(*who), job, commitment, paid, salt(*who)).is_ok()
				});
				for (who, entries) in &revealing {
					if w.result(entries) != honest {
						liars_revealed.push(*who);
					}
				}
				// Every honest active worker checks every standing result and challenges the
				// wrong ones with the witness it finds.
				let open_job = Jobs::<Test>::get(job).unwrap();
				for (_, entries) in &revealing {
					let (commitment, paid) = w.result(entries);
					let result = Attribution::result_hash(&commitment, &paid);
					let Some(revealed) = Results::<Test>::get(job, result) else { continue };
					if revealed.refuted_by.is_some() {
						continue;
					}
					let Some(witness) = w.witness(&open_job, entries) else { continue };
					let challenger = (1..=6).find(|c| {
						matches!(of(*c), Behaviour::Honest) &&
							!revealed.supporters.contains(c) &&
							Workers::<Test>::get(c).is_some_and(|x| x.status == WorkerStatus::Active)
					});
					let challenger = challenger.expect("worker 6 is honest, active and never lies");
					assert_ok!(Attribution::challenge(
						RuntimeOrigin::signed(challenger), job, result, Box::new(witness), w.query()
					));
				}
				run_to(reveal_end + 1);
				// Through the challenge phase to the end of the job or of the round.
				while let Some(Phase::Challenge { challenge_end, .. }) = Jobs::<Test>::get(job).map(|j| j.phase) {
					run_to(challenge_end + 1);
				}
			}
			if let Some(final_result) = Finalized::<Test>::get(job) {
				prop_assert_eq!((final_result.commitment, final_result.paid), honest);
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
