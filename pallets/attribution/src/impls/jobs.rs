//! Jobs: opening, rounds, commits and reveals, the tally, finality, and the agenda the block
//! hook works through.

use crate::{funds, pallet::*, traits::OnJobEnd, types::*, weights::WeightInfo};
use alloc::vec::Vec;
use frame_support::{pallet_prelude::*, traits::Defensive};
use frame_system::pallet_prelude::BlockNumberFor;
use openledger_primitives::{
	attribution::{
		batch::{totals_well_formed, MAX_BATCH},
		check, check_shape,
	},
	datanet::VersionSource,
};
use openledger_traits::{Outcome, Queries};
use sp_runtime::traits::{One, Saturating};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_open_job(
		payer: &T::AccountId,
		spec: JobSpec<BlockNumberFor<T>>,
	) -> Result<JobId, DispatchError> {
		let info = T::Versions::version_info(spec.datanet, spec.version)
			.ok_or(Error::<T>::UnknownVersion)?;
		check_shape(info.dimension, info.item_count as u64, spec.method.k())
			.and_then(|()| spec.method.validate())
			.map_err(|_| Error::<T>::BadShape)?;
		ensure!(info.item_count <= T::MaxJobItems::get(), Error::<T>::TooManyItems);
		let queries = spec.queries.commitment().count;
		ensure!((1..=MAX_BATCH).contains(&queries), Error::<T>::BadBatch);
		if spec.method.needs_labels() {
			// A batch's labels are in its leaves; a label outside the label space just never
			// matches, which the checks recompute the same way.
			let label = match &spec.queries {
				Queries::One(inference) => inference.label,
				Queries::Batch { .. } => 0,
			};
			ensure!(label < info.num_labels, Error::<T>::BadLabel);
		}
		let paid_count = check::paid_count(spec.method, info.item_count, spec.top);
		ensure!(spec.top > 0 && paid_count <= T::MaxPaid::get(), Error::<T>::BadTop);
		let p = Self::params();
		let now = frame_system::Pallet::<T>::block_number();
		// Disputes may run past the deadline; the stakes behind them must still be held then.
		let committed = spec.method.committed_count(info.item_count);
		let span = Self::dispute_span(queries, committed, queries * paid_count, &p);
		ensure!(
			now.saturating_add(Self::round_length(&p)) <= spec.deadline
				&& spec.deadline.saturating_add(span) <= now.saturating_add(p.unbonding_period),
			Error::<T>::BadDeadline
		);
		ensure!(ActiveWorkers::<T>::decode_len().unwrap_or(0) > 0, Error::<T>::NoWorkers);
		let id = NextJobId::<T>::get();
		NextJobId::<T>::put(id.checked_add(1).ok_or(Error::<T>::Overflow)?);
		let job = Job::<T> {
			payer: payer.clone(),
			spec,
			version_root: info.root,
			file_count: info.file_count,
			item_count: info.item_count,
			dimension: info.dimension,
			paid_count,
			round: 0,
			assigned: Default::default(),
			results: 0,
			disputes: 0,
			phase: Phase::Working { commit_end: now, reveal_end: now },
			next_transition: now,
		};
		Self::deposit_event(Event::JobOpened {
			job: id,
			payer: payer.clone(),
			datanet: job.spec.datanet,
			version: job.spec.version,
			deadline: job.spec.deadline,
		});
		if JobCount::<T>::get() == 0 {
			// Nothing is scheduled: the agenda need not be walked from where it stopped.
			AgendaCursor::<T>::put(now.saturating_add(One::one()));
		}
		JobCount::<T>::mutate(|n| n.saturating_inc());
		Self::start_round(id, job, now);
		Ok(id)
	}

	/// Starts the next round of `job`: a fresh draw, fresh windows from `now`, the previous
	/// round's commits and reveals cleared. Fails the job if nobody can be drawn.
	pub(crate) fn start_round(id: JobId, mut job: Job<T>, now: BlockNumberFor<T>) {
		let p = Self::params();
		let round = job.round;
		let assigned = Self::draw(id, round, p.replication);
		if assigned.is_empty() {
			return Self::fail(id, job, FailReason::NoWorkers);
		}
		Self::clear_round(id);
		let commit_end = now.saturating_add(p.commit_window);
		let reveal_end = commit_end.saturating_add(p.reveal_window);
		job.round = round.saturating_add(1);
		job.assigned = assigned.clone();
		job.results = 0;
		job.disputes = 0;
		job.phase = Phase::Working { commit_end, reveal_end };
		Self::reschedule(id, &mut job, reveal_end.saturating_add(One::one()));
		Jobs::<T>::insert(id, job);
		Self::deposit_event(Event::WorkersAssigned {
			job: id,
			round,
			workers: assigned,
			commit_end,
			reveal_end,
		});
	}

	pub(crate) fn reschedule(id: JobId, job: &mut Job<T>, at: BlockNumberFor<T>) {
		Agenda::<T>::remove(job.next_transition, id);
		Agenda::<T>::insert(at, id, ());
		job.next_transition = at;
	}

	pub(crate) fn clear_round(id: JobId) {
		let limit = T::MaxAssigned::get();
		// A round ends only once no dispute of it is live, or on a refuted result (whose
		// requests were settled then): an unanswered request left here is a bug, but its bond
		// still goes back.
		for ((_, requester), opening) in Openings::<T>::drain_prefix((id,)) {
			if !opening.answered {
				frame_support::defensive!("a round ended with a request unanswered");
				funds::release_bond::<T>(&requester, opening.bond);
			}
		}
		let _ = Commits::<T>::clear_prefix(id, limit, None);
		let _ = RevealOf::<T>::clear_prefix(id, limit, None);
		let _ = Results::<T>::clear_prefix(id, limit, None);
		let _ = Totals::<T>::clear_prefix(id, limit, None);
	}

	/// Forgets a job that ended, with its agenda entry and its round.
	pub(crate) fn remove_job(id: JobId, job: &Job<T>) {
		Agenda::<T>::remove(job.next_transition, id);
		Jobs::<T>::remove(id);
		JobCount::<T>::mutate(|n| *n = n.saturating_sub(1));
		Self::clear_round(id);
	}

	pub(crate) fn fail(id: JobId, job: Job<T>, reason: FailReason) {
		Self::remove_job(id, &job);
		T::OnJobEnd::failed(id, &job.payer);
		Self::deposit_event(Event::JobFailed { job: id, reason });
	}

	/// Another round if a whole one fits before the deadline, else the job fails. Returns
	/// whether a round was drawn.
	pub(crate) fn reopen_or_fail(id: JobId, job: Job<T>, now: BlockNumberFor<T>) -> bool {
		if now.saturating_add(Self::round_length(&Self::params())) <= job.spec.deadline {
			Self::start_round(id, job, now);
			true
		} else {
			Self::fail(id, job, FailReason::NoResult);
			false
		}
	}

	/// The unrefuted result of the round with the most supporters, the earliest revealed on a
	/// tie.
	pub(crate) fn best_result(id: JobId) -> Option<(Hash, Revealed<T>)> {
		Results::<T>::iter_prefix(id).filter(|(_, r)| r.refuted_by.is_none()).max_by(
			|(_, a), (_, b)| {
				a.supporters.len().cmp(&b.supporters.len()).then(b.first_seen.cmp(&a.first_seen))
			},
		)
	}

	/// Makes the round's best result the candidate, or reopens or fails the job if there is
	/// none. `fresh` is true at the tally, false when a refuted candidate is replaced (then the
	/// replacement always gets the optimistic window).
	/// Returns whether a new round was drawn instead.
	pub(crate) fn choose_candidate(
		id: JobId,
		mut job: Job<T>,
		now: BlockNumberFor<T>,
		fresh: bool,
	) -> bool {
		let Some((result, revealed)) = Self::best_result(id) else {
			return Self::reopen_or_fail(id, job, now);
		};
		let p = Self::params();
		let supporters = revealed.supporters.len() as u32;
		let agreed = fresh && supporters >= p.quorum;
		let window = if agreed { p.agreed_challenge_window } else { p.optimistic_challenge_window };
		let challenge_end = now.saturating_add(window);
		let final_at = challenge_end.saturating_add(One::one());
		if final_at > job.spec.deadline {
			Self::close(id, job, now);
			return false;
		}
		job.phase = Phase::Challenge { result, agreed, challenge_end };
		Self::reschedule(id, &mut job, final_at);
		Jobs::<T>::insert(id, job);
		Self::deposit_event(Event::CandidateChosen {
			job: id,
			result,
			supporters,
			agreed,
			challenge_end,
		});
		false
	}

	/// Fails the job once no dispute of its round is live; until then it waits in
	/// [`Phase::Closing`], so that every unanswered request still refutes its result.
	pub(crate) fn close(id: JobId, mut job: Job<T>, now: BlockNumberFor<T>) {
		match Self::next_check(id, now) {
			Some(at) => {
				job.phase = Phase::Closing;
				Self::reschedule(id, &mut job, at);
				Jobs::<T>::insert(id, job);
			},
			None => Self::fail(id, job, FailReason::NoResult),
		}
	}

	/// When the job's live disputes next need looking at: the block after the earliest `due`
	/// among unanswered requests and answered ones still in their grace (at least `now + 1`);
	/// `None` if no dispute is live.
	pub(crate) fn next_check(id: JobId, now: BlockNumberFor<T>) -> Option<BlockNumberFor<T>> {
		Openings::<T>::iter_prefix_values((id,))
			.filter(|o| o.live(now))
			.map(|o| o.due.saturating_add(One::one()).max(now.saturating_add(One::one())))
			.min()
	}

	/// The end of the reveal window: assigned workers that revealed nothing lose reputation,
	/// and the best result becomes the candidate. Returns whether a new round was drawn.
	pub(crate) fn tally(id: JobId, job: Job<T>, now: BlockNumberFor<T>) -> bool {
		let silent: Vec<(T::AccountId, Outcome)> = job
			.assigned
			.iter()
			.filter(|w| !RevealOf::<T>::contains_key(id, w))
			.map(|w| (w.clone(), Outcome::Negative))
			.collect();
		Self::report_all(&silent);
		Self::choose_candidate(id, job, now, true)
	}

	/// The end of the challenge window: the candidate is final. Returns how many totals it
	/// handed on.
	pub(crate) fn finalize(
		id: JobId,
		job: Job<T>,
		result: Hash,
		agreed: bool,
		now: BlockNumberFor<T>,
	) -> u32 {
		let Some(revealed) = Results::<T>::get(id, result).defensive() else {
			Self::fail(id, job, FailReason::NoResult);
			return 0;
		};
		// Supporters did good work; revealers of another result that nobody refuted did not
		// (those of refuted results were already reported when they were slashed).
		let outcomes: Vec<(T::AccountId, Outcome)> = RevealOf::<T>::iter_prefix(id)
			.filter_map(|(worker, theirs)| {
				if theirs == result {
					Some((worker, Outcome::Positive))
				} else {
					let refuted =
						Results::<T>::get(id, theirs).is_none_or(|r| r.refuted_by.is_some());
					(!refuted).then_some((worker, Outcome::Negative))
				}
			})
			.collect();
		Self::report_all(&outcomes);
		let record = FinalResult::<T> {
			payer: job.payer.clone(),
			spec: job.spec.clone(),
			item_count: job.item_count,
			queries: revealed.queries,
			credits: revealed.credits,
			totals: revealed.totals,
			supporters: revealed.supporters.clone(),
			agreed,
			finalized_at: now,
		};
		let totals = Totals::<T>::get(id, result);
		Self::keep_final(id, record);
		Self::remove_job(id, &job);
		T::OnJobEnd::finalized(id, &job.payer, &totals, &revealed.supporters);
		Self::deposit_event(Event::JobFinalized {
			job: id,
			result,
			queries: revealed.queries,
			credits: revealed.credits,
			agreed,
		});
		totals.len() as u32
	}

	/// Keeps a final result, dropping the oldest beyond `MaxFinalized`.
	pub(crate) fn keep_final(id: JobId, record: FinalResult<T>) {
		let count = FinalizedCount::<T>::get();
		let slot = (count % T::MaxFinalized::get() as u64) as u32;
		if let Some(old) = FinalizedRing::<T>::get(slot) {
			Finalized::<T>::remove(old);
		}
		FinalizedRing::<T>::insert(slot, id);
		Finalized::<T>::insert(id, record);
		FinalizedCount::<T>::put(count.saturating_add(1));
	}

	/// The most any transition can weigh: that of a job with `MaxAssigned` results each
	/// disputed by `MaxWorkers` requesters. `HookWeight` must hold it, so every job moves.
	pub fn transition_bound() -> Weight {
		let most = T::MaxAssigned::get().saturating_mul(T::MaxWorkers::get());
		Self::transition_bound_for(most)
	}

	/// The most one transition of a job with `disputes` disputes can weigh, whichever path it
	/// takes: every dispute read, one expiry per result (an expiry refutes its result and drops
	/// the rest of its requests), and the heavier of a tally that draws a new round and a
	/// finality that hands on `MaxTotals` totals.
	pub fn transition_bound_for(disputes: u32) -> Weight {
		let (r, workers) = (T::MaxAssigned::get(), T::MaxWorkers::get());
		let expiries = T::WeightInfo::expire_opening()
			.saturating_add(T::OnJobEnd::failed_weight())
			.saturating_mul(disputes.min(r) as u64)
			.saturating_add(T::DbWeight::get().reads(disputes as u64 + 1));
		let tally = T::WeightInfo::tally_reopen(workers)
			.max(T::WeightInfo::tally(r))
			.saturating_add(T::OnJobEnd::failed_weight());
		let end = T::OnJobEnd::finalized_weight(T::MaxTotals::get(), r)
			.max(T::OnJobEnd::failed_weight())
			.saturating_add(T::WeightInfo::finalize(r));
		expiries
			.saturating_add(tally.max(end))
			.saturating_add(T::DbWeight::get().reads_writes(1, 3))
	}

	/// Moves on the jobs due by `now`, oldest first, while the most the next one's transition
	/// can weigh ([`Pallet::transition_bound_for`] its disputes) still fits `HookWeight`; the
	/// rest are due again in the next block, and the cursor keeps the place, so no job is
	/// skipped or moved twice. Returns the weight used.
	pub(crate) fn process_agenda(now: BlockNumberFor<T>) -> Weight {
		let mut weight = T::WeightInfo::on_initialize_idle();
		if JobCount::<T>::get() == 0 {
			return weight;
		}
		let budget = T::HookWeight::get();
		let read = T::DbWeight::get().reads(1);
		let mut cursor = AgendaCursor::<T>::get();
		// Empty blocks cost one read each, within the same budget.
		while cursor <= now && weight.saturating_add(read).all_lte(budget) {
			match Agenda::<T>::iter_key_prefix(cursor).next() {
				Some(id) => {
					let disputes = Jobs::<T>::get(id).map_or(0, |j| j.disputes);
					let bound = Self::transition_bound_for(disputes).saturating_add(read);
					if !weight.saturating_add(bound).all_lte(budget) {
						break;
					}
					weight.saturating_accrue(read);
					weight.saturating_accrue(Self::transition(id, cursor, now));
				},
				None => {
					cursor.saturating_inc();
					weight.saturating_accrue(read);
				},
			}
		}
		AgendaCursor::<T>::put(cursor);
		weight
	}

	/// Moves one job on: tally at the end of its reveal window, finality at the end of its
	/// challenge window. Returns the benchmarked weight of the path taken, with what
	/// [`Config::OnJobEnd`] may spend if the path can end the job.
	pub(crate) fn transition(id: JobId, due: BlockNumberFor<T>, now: BlockNumberFor<T>) -> Weight {
		let Some(job) = Jobs::<T>::get(id).defensive() else {
			// An agenda entry without its job: drop it so the hook moves on.
			Agenda::<T>::remove(due, id);
			return T::DbWeight::get().reads_writes(1, 1);
		};
		let r = job.assigned.len() as u32;
		match job.phase {
			// A tally fails the job when no result stands and no round fits. Results whose
			// requests ran out are refuted before one is chosen (a refutation in the reveal
			// window changes no phase).
			Phase::Working { .. } => {
				let expired = Self::expire_due(id, now);
				let Some(job) = Jobs::<T>::get(id).defensive() else { return expired };
				expired.saturating_add(T::OnJobEnd::failed_weight()).saturating_add(
					if Self::tally(id, job, now) {
						T::WeightInfo::tally_reopen(T::MaxWorkers::get())
					} else {
						T::WeightInfo::tally(r)
					},
				)
			},
			Phase::Challenge { .. } | Phase::Closing => Self::settle_disputes(id, due, now),
		}
	}

	/// The end of a challenge window, or a check on a closing job: unanswered requests past
	/// their window refute their results (whichever results they are); then, while any dispute
	/// is live, the job waits for the earliest one; then it ends: the candidate is final, or
	/// the closing job fails.
	pub(crate) fn settle_disputes(
		id: JobId,
		due: BlockNumberFor<T>,
		now: BlockNumberFor<T>,
	) -> Weight {
		let weight = Self::expire_due(id, now);
		let Some(mut job) = Jobs::<T>::get(id) else { return weight };
		if job.next_transition != due {
			// A refuted candidate was replaced, with its own window, or a new round started.
			return weight;
		}
		if let Some(at) = Self::next_check(id, now) {
			Self::reschedule(id, &mut job, at);
			Jobs::<T>::insert(id, job);
			return weight.saturating_add(T::DbWeight::get().reads_writes(1, 3));
		}
		let r = job.assigned.len() as u32;
		match job.phase {
			Phase::Challenge { result, agreed, .. } => {
				let totals = Self::finalize(id, job, result, agreed, now);
				let end =
					T::OnJobEnd::finalized_weight(totals, r).max(T::OnJobEnd::failed_weight());
				weight.saturating_add(T::WeightInfo::finalize(r)).saturating_add(end)
			},
			_ => {
				Self::fail(id, job, FailReason::NoResult);
				weight
					.saturating_add(T::WeightInfo::finalize(r))
					.saturating_add(T::OnJobEnd::failed_weight())
			},
		}
	}

	pub(crate) fn do_commit(who: &T::AccountId, id: JobId, hash: Hash) -> DispatchResult {
		let job = Jobs::<T>::get(id).ok_or(Error::<T>::UnknownJob)?;
		ensure!(job.assigned.contains(who), Error::<T>::NotAssigned);
		let now = frame_system::Pallet::<T>::block_number();
		let Phase::Working { commit_end, .. } = job.phase else {
			return Err(Error::<T>::NotCommitPhase.into());
		};
		ensure!(now <= commit_end, Error::<T>::NotCommitPhase);
		ensure!(!Commits::<T>::contains_key(id, who), Error::<T>::AlreadyCommitted);
		Commits::<T>::insert(id, who, hash);
		Self::deposit_event(Event::Committed { job: id, worker: who.clone() });
		Ok(())
	}

	pub(crate) fn do_reveal(
		who: &T::AccountId,
		id: JobId,
		queries: Hash,
		credits: Hash,
		totals: TotalsOf<T>,
		salt: [u8; 32],
	) -> DispatchResult {
		let job = Jobs::<T>::get(id).ok_or(Error::<T>::UnknownJob)?;
		ensure!(job.assigned.contains(who), Error::<T>::NotAssigned);
		let now = frame_system::Pallet::<T>::block_number();
		let Phase::Working { commit_end, reveal_end } = job.phase else {
			return Err(Error::<T>::NotRevealPhase.into());
		};
		ensure!(commit_end < now && now <= reveal_end, Error::<T>::NotRevealPhase);
		let committed = Commits::<T>::get(id, who).ok_or(Error::<T>::NotCommitted)?;
		ensure!(!RevealOf::<T>::contains_key(id, who), Error::<T>::AlreadyRevealed);
		ensure!(totals_well_formed(&totals, T::MaxTotals::get()), Error::<T>::MalformedTotals);
		ensure!(
			Self::commit_hash(id, who, &queries, &credits, &totals, &salt) == committed,
			Error::<T>::RevealMismatch
		);
		let result = Self::result_hash(&queries, &credits, &totals);
		let mut revealed = match Results::<T>::get(id, result) {
			Some(r) => r,
			None => {
				let first_seen = job.results;
				let mut job = job;
				job.results = first_seen.saturating_add(1);
				Jobs::<T>::insert(id, job);
				let count = totals.len() as u32;
				Totals::<T>::insert(id, result, totals);
				Revealed {
					queries,
					credits,
					totals: count,
					supporters: Default::default(),
					first_seen,
					refuted_by: None,
				}
			},
		};
		// Supporters are distinct assigned workers, so this cannot overflow.
		revealed.supporters.try_push(who.clone()).map_err(|_| Error::<T>::Overflow)?;
		RevealOf::<T>::insert(id, who, result);
		Self::deposit_event(Event::Revealed {
			job: id,
			worker: who.clone(),
			result,
			queries,
			credits,
			totals: revealed.totals,
		});
		// Revealing a result already proven wrong costs what its first supporters paid.
		if let Some(challenger) = revealed.refuted_by.clone() {
			Self::slash_supporters(id, core::slice::from_ref(who), &challenger);
		}
		Results::<T>::insert(id, result, revealed);
		Ok(())
	}
}
