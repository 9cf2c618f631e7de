//! Opening jobs, the draw, commit and reveal windows, agreement, optimism, reopening and
//! failure.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok, traits::Hooks};
use openledger_primitives::attribution::{Entry, Method};
use openledger_traits::Queries;
use pallet_reputation::{ReputationReporter, Role};

const KNN: Method = Method::KnnShapley { k: 3, t: 1_000 };

fn score(who: AccountId) -> u32 {
	pallet_reputation::Pallet::<Test>::score(&who, Role::Worker)
}

/// The honest entries with one value changed: a result a dishonest worker might post.
fn lie(w: &World) -> Vec<Entry> {
	let mut bad = w.entries.clone();
	bad[0].value += 1;
	bad
}

#[test]
fn opening_checks_the_version_the_method_and_the_deadline() {
	build_and_execute(|| {
		let w = World::publish(7, 1, 10, 8, KNN, 4);
		let at = |deadline| w.spec(7, deadline);
		let open = |spec| Attribution::open_job(RuntimeOrigin::signed(PAYER), spec);
		assert_noop!(open(at(30)), Error::<Test>::NoWorkers);
		register(3);
		assert_noop!(open(JobSpec { version: 2, ..at(30) }), Error::<Test>::UnknownVersion);
		assert_noop!(
			open(JobSpec { method: Method::KnnShapley { k: 0, t: 5 }, ..at(30) }),
			Error::<Test>::BadShape
		);
		assert_noop!(
			open(JobSpec { method: Method::KnnShapley { k: 3, t: 2 }, ..at(30) }),
			Error::<Test>::BadShape
		);
		let mut inference = w.batch.inferences()[0];
		inference.label = 3;
		assert_noop!(
			open(JobSpec { queries: Queries::One(inference), ..at(30) }),
			Error::<Test>::BadLabel
		);
		// A batch of no queries, or of more than `MAX_BATCH`.
		let batch = |count| Queries::Batch {
			file: [1; 32],
			commitment: openledger_primitives::attribution::batch::BatchCommitment {
				root: [2; 32],
				count,
				tokens: Default::default(),
			},
		};
		assert_noop!(open(JobSpec { queries: batch(0), ..at(30) }), Error::<Test>::BadBatch);
		assert_noop!(open(JobSpec { queries: batch(1025), ..at(30) }), Error::<Test>::BadBatch);
		assert_noop!(open(JobSpec { top: 0, ..at(30) }), Error::<Test>::BadTop);
		assert_noop!(open(JobSpec { top: 9, ..at(30) }), Error::<Test>::BadTop);
		assert_noop!(
			open(JobSpec { method: Method::Similarity { k: 9 }, ..at(30) }),
			Error::<Test>::BadTop
		);
		// A round takes 22 blocks from block 1, and no job's disputes may outlive the unbonding
		// period: one query of 10 entries and 4 paid slots allow max(0 + 1 + 10, 2 + 2) = 11
		// requests, so they can run 2 * 11 * 3 + 2 = 68 blocks past the deadline.
		assert_eq!(Attribution::dispute_span(1, 10, 4, &default_params()), 68);
		assert_noop!(open(at(22)), Error::<Test>::BadDeadline);
		assert_noop!(open(at(1 + 240 - 68 + 1)), Error::<Test>::BadDeadline);
		assert_ok!(open(at(23)));
		assert_ok!(open(at(1 + 240 - 68)));
		// Similarity ignores labels and pays its k.
		assert_ok!(open(JobSpec {
			method: Method::Similarity { k: 2 },
			queries: Queries::One(inference),
			..at(30)
		}));
		assert_eq!(Jobs::<Test>::get(2).unwrap().paid_count, 2);
		assert_eq!(Jobs::<Test>::get(0).unwrap().paid_count, 4);
		assert_eq!(JobCount::<Test>::get(), 3);
	});
}

#[test]
fn the_draw_is_deterministic_distinct_and_weighted_by_reputation() {
	build_and_execute(|| {
		register(6);
		let a = Attribution::draw(0, 0, 3);
		assert_eq!(a, Attribution::draw(0, 0, 3), "same seed, same workers");
		let mut sorted = a.clone().into_inner();
		sorted.sort();
		sorted.dedup();
		assert_eq!(sorted.len(), 3, "no worker twice");
		assert_eq!(Attribution::draw(0, 0, 10).len(), 4, "at most MaxAssigned");
		// Another job or round draws afresh.
		assert!((1..20).any(|job| Attribution::draw(job, 0, 3) != a));

		// Worker 1 at the top score weighs 1.5, worker 2 at the bottom 0.5: over many single
		// draws among the six, 1 is picked about three times as often as 2.
		for _ in 0..50 {
			pallet_reputation::Pallet::<Test>::report(
				&1,
				Role::Worker,
				pallet_reputation::Outcome::Positive,
			);
			pallet_reputation::Pallet::<Test>::report(
				&2,
				Role::Worker,
				pallet_reputation::Outcome::Negative,
			);
		}
		// Refresh the cached weights the way the pallet does when it reports.
		ActiveWorkers::<Test>::mutate(|set| {
			for (who, w) in set.iter_mut() {
				*w = crate::impls::draw_weight(pallet_reputation::Pallet::<Test>::reward_factor(
					who,
					Role::Worker,
				));
			}
		});
		let (mut ones, mut twos) = (0, 0);
		for job in 0..3_000 {
			match Attribution::draw(job, 0, 1)[0] {
				1 => ones += 1,
				2 => twos += 1,
				_ => {},
			}
		}
		assert!(ones > 2 * twos && ones < 4 * twos, "1 drawn {ones} times, 2 drawn {twos} times");
	});
}

#[test]
fn commits_and_reveals_keep_to_their_windows() {
	build_and_execute(|| {
		register(4);
		let w = World::publish(1, 2, 12, 8, KNN, 3);
		let job = open(&w, 1);
		let workers = assigned(job);
		assert_eq!(workers.len(), 3);
		let outsider = (1..=4).find(|a| !workers.contains(a)).unwrap();
		let (commit_end, reveal_end) = windows(job);
		assert_eq!((commit_end, reveal_end), (6, 11));
		let (a, b) = (workers[0], workers[1]);
		let honest = w.result(&w.entries);
		let (queries, credits) = honest.roots();
		let totals = honest.totals.clone();
		let reveal_as = |who, salt_of, totals: TotalsOf<Test>| {
			Attribution::reveal(
				RuntimeOrigin::signed(who),
				job,
				queries,
				credits,
				totals,
				salt(salt_of),
			)
		};

		assert_noop!(
			Attribution::commit(RuntimeOrigin::signed(outsider), job, [0; 32]),
			Error::<Test>::NotAssigned
		);
		assert_noop!(
			Attribution::commit(RuntimeOrigin::signed(a), 9, [0; 32]),
			Error::<Test>::UnknownJob
		);
		commit(&w, job, a, &w.entries);
		assert_noop!(
			Attribution::commit(RuntimeOrigin::signed(a), job, [0; 32]),
			Error::<Test>::AlreadyCommitted
		);
		// Too early to reveal.
		assert_noop!(reveal_as(a, a, totals.clone()), Error::<Test>::NotRevealPhase);
		run_to(commit_end + 1);
		assert_noop!(
			Attribution::commit(RuntimeOrigin::signed(b), job, [0; 32]),
			Error::<Test>::NotCommitPhase
		);
		assert_noop!(reveal_as(b, b, totals.clone()), Error::<Test>::NotCommitted);
		// A reveal that does not match its commit: another salt, another result, totals that
		// are not well formed.
		assert_noop!(reveal_as(a, b, totals.clone()), Error::<Test>::RevealMismatch);
		let other = w.result(&lie(&w));
		let (other_queries, other_credits) = other.roots();
		assert_noop!(
			Attribution::reveal(
				RuntimeOrigin::signed(a),
				job,
				other_queries,
				other_credits,
				other.totals.clone(),
				salt(a)
			),
			Error::<Test>::RevealMismatch
		);
		assert!(totals.len() >= 2, "two contributors paid");
		let mut swapped = totals.to_vec();
		swapped.swap(0, 1);
		assert_noop!(reveal_as(a, a, swapped.try_into().unwrap()), Error::<Test>::MalformedTotals);
		let mut zero = totals.to_vec();
		zero[0].1 = 0;
		assert_noop!(reveal_as(a, a, zero.try_into().unwrap()), Error::<Test>::MalformedTotals);
		let mut whole = totals.to_vec();
		whole[0].1 = 1 << 64;
		assert_noop!(reveal_as(a, a, whole.try_into().unwrap()), Error::<Test>::MalformedTotals);
		let result = reveal(&w, job, a, &w.entries);
		assert_eq!(result, Attribution::result_hash(&queries, &credits, &totals));
		assert_noop!(reveal_as(a, a, totals.clone()), Error::<Test>::AlreadyRevealed);
		run_to(reveal_end + 1);
		// The tally ran: the reveal window is over.
		assert!(matches!(Jobs::<Test>::get(job).unwrap().phase, Phase::Challenge { .. }));
		assert_noop!(reveal_as(a, a, totals), Error::<Test>::NotRevealPhase);
	});
}

#[test]
fn a_quorum_of_identical_reveals_finalizes_after_the_short_window() {
	build_and_execute(|| {
		register(3);
		let w = World::publish(1, 3, 12, 8, KNN, 3);
		let job = open(&w, 1);
		let [a, b, c] = assigned(job)[..] else { panic!("three workers") };
		for who in [a, b, c] {
			let entries = if who == c { lie(&w) } else { w.entries.clone() };
			commit(&w, job, who, &entries);
		}
		run_to(7);
		let honest = reveal(&w, job, a, &w.entries);
		reveal(&w, job, b, &w.entries);
		reveal(&w, job, c, &lie(&w));
		let before = [a, b, c].map(score);
		run_to(12);
		assert!(events().contains(&Event::CandidateChosen {
			job,
			result: honest,
			supporters: 2,
			agreed: true,
			challenge_end: 14
		}));
		run_to(14);
		assert!(Jobs::<Test>::contains_key(job), "still open through block 14");
		run_to(15);
		assert!(!Jobs::<Test>::contains_key(job));
		let final_result = Finalized::<Test>::get(job).expect("kept");
		assert!(final_result.agreed);
		let honest_result = w.result(&w.entries);
		assert_eq!(final_result.totals, honest_result.totals.len() as u32);
		assert_eq!(final_result.supporters.to_vec(), vec![a, b]);
		assert_eq!(final_result.finalized_at, 15);
		assert_eq!(ended(), vec![(job, Some(honest_result.totals.to_vec()))]);
		assert!(events().contains(&Event::JobFinalized {
			job,
			result: honest,
			queries: final_result.queries,
			credits: final_result.credits,
			agreed: true
		}));
		// Agreeing workers gain reputation; the one that revealed something else loses it,
		// although nobody challenged it. Stakes do not move without a challenge.
		let after = [a, b, c].map(score);
		assert!(after[0] > before[0] && after[1] > before[1] && after[2] < before[2]);
		assert!([a, b, c].iter().all(|w| stake(*w) == STAKE));
		// Nothing of the job is left but its final result.
		assert_eq!(Results::<Test>::iter_prefix(job).count(), 0);
		assert_eq!(RevealOf::<Test>::iter_prefix(job).count(), 0);
		assert_eq!(Commits::<Test>::iter_prefix(job).count(), 0);
		assert_eq!(JobCount::<Test>::get(), 0);
	});
}

#[test]
fn without_a_quorum_the_best_result_stands_after_the_optimistic_window() {
	build_and_execute(|| {
		register(3);
		let w = World::publish(1, 4, 12, 8, KNN, 3);
		let job = open(&w, 1);
		let [a, b, c] = assigned(job)[..] else { panic!("three workers") };
		commit(&w, job, a, &w.entries);
		commit(&w, job, b, &lie(&w));
		run_to(7);
		let first = reveal(&w, job, a, &w.entries);
		reveal(&w, job, b, &lie(&w));
		let silent_before = score(c);
		run_to(12);
		// One reveal each: the tie goes to the earliest; the silent worker loses reputation.
		assert!(events().contains(&Event::CandidateChosen {
			job,
			result: first,
			supporters: 1,
			agreed: false,
			challenge_end: 22
		}));
		assert!(score(c) < silent_before);
		run_to(22);
		assert!(Jobs::<Test>::contains_key(job));
		run_to(23);
		let final_result = Finalized::<Test>::get(job).expect("final");
		assert!(!final_result.agreed);
		assert_eq!(final_result.supporters.to_vec(), vec![a]);
	});
}

#[test]
fn a_round_without_reveals_reopens_and_the_deadline_ends_the_job() {
	build_and_execute(|| {
		register(4);
		let w = World::publish(1, 5, 12, 8, KNN, 3);
		// Room for two rounds: the second starts at 12 and needs 22 blocks, 34 <= 40; a third
		// would start at 23 and need until 45.
		assert_ok!(Attribution::open_job(RuntimeOrigin::signed(PAYER), w.spec(1, 40)));
		let first = assigned(0);
		run_to(12);
		let job = Jobs::<Test>::get(0).expect("reopened");
		assert_eq!(job.round, 2);
		assert_eq!(windows(0), (17, 22));
		assert!(events()
			.iter()
			.any(|e| matches!(e, Event::WorkersAssigned { job: 0, round: 1, .. })));
		assert!(first.iter().all(|w| score(*w) < pallet_reputation::types::NEUTRAL_SCORE));
		run_to(23);
		assert!(!Jobs::<Test>::contains_key(0), "no room for a third round");
		assert!(events().contains(&Event::JobFailed { job: 0, reason: FailReason::NoResult }));
		assert_eq!(ended(), vec![(0, None)]);
	});
}

#[test]
fn final_results_are_kept_up_to_the_bound() {
	build_and_execute(|| {
		register(3);
		let w = World::publish(1, 6, 6, 4, KNN, 2);
		let mut jobs = Vec::new();
		for _ in 0..5 {
			let job = open(&w, 1);
			for who in assigned(job) {
				commit(&w, job, who, &w.entries);
			}
			jobs.push(job);
		}
		run_to(7);
		for &job in &jobs {
			for who in assigned(job) {
				reveal(&w, job, who, &w.entries);
			}
		}
		// Two transitions per block: five tallies and five finalizations spread over blocks.
		run_to(30);
		assert_eq!(JobCount::<Test>::get(), 0);
		assert_eq!(FinalizedCount::<Test>::get(), 5);
		// The hook takes due jobs in storage order, so read the order from the events.
		let order: Vec<JobId> = events()
			.into_iter()
			.filter_map(|e| match e {
				Event::JobFinalized { job, .. } => Some(job),
				_ => None,
			})
			.collect();
		assert_eq!(order.len(), 5);
		let kept: Vec<JobId> =
			jobs.iter().copied().filter(|j| Finalized::<Test>::contains_key(j)).collect();
		let mut newest = order[2..].to_vec();
		newest.sort();
		assert_eq!(kept, newest, "the newest three");
	});
}

#[test]
fn the_hook_moves_jobs_while_the_worst_transition_fits_its_budget() {
	build_and_execute(|| {
		register(3);
		let w = World::publish(1, 7, 6, 4, KNN, 2);
		for _ in 0..5 {
			open(&w, 1);
		}
		// Room for one transition of an undisputed job at its worst beside the idle hook: one
		// job a block.
		let idle = <() as crate::WeightInfo>::on_initialize_idle();
		let db = <<Test as frame_system::Config>::DbWeight as frame_support::traits::Get<
			frame_support::weights::RuntimeDbWeight,
		>>::get();
		let one = Attribution::transition_bound_for(0) + db.reads(1);
		let budget = idle + one;
		set_hook_budget(budget);
		let reopened =
			|| (0..5).filter(|j| Jobs::<Test>::get(j).is_some_and(|job| job.round == 2)).count();
		// All five are due at block 12 (nobody revealed): one moves per block, in order,
		// none skipped, none twice, and the hook never spends more than its budget.
		run_to(11);
		for (block, moved) in (12..=16).zip(1..) {
			System::set_block_number(block);
			let used = Attribution::on_initialize(block);
			assert!(used.all_lte(budget), "{used:?} over {budget:?}");
			assert_eq!(reopened(), moved, "block {block}");
		}
		// Twice the room, two a block.
		set_hook_budget(idle + one * 2);
		let rounds = |j: JobId| Jobs::<Test>::get(j).unwrap().round;
		let due = Jobs::<Test>::get(0).unwrap().next_transition;
		run_to(due - 1);
		System::set_block_number(due);
		Attribution::on_initialize(due);
		assert!((0..5).filter(|&j| rounds(j) == 3).count() >= 2);
	});
}
