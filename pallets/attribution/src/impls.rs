//! The logic behind the calls and the block hook: workers, the draw, rounds, tallies,
//! challenges and finality, and the invariants.

use crate::{
	funds, pallet::*, traits::OnJobEnd, types::*, weights::WeightInfo, QueryOf, WitnessOf,
};
use alloc::vec::Vec;
use codec::Encode;
use frame_support::{pallet_prelude::*, traits::Defensive};
use frame_system::pallet_prelude::BlockNumberFor;
use openledger_primitives::{
	attribution::{
		check::{self, Invalid, ProvenEntry},
		check_shape,
		search::max_openings,
		witness::Witness,
		Entry,
	},
	datanet::VersionSource,
};
use pallet_reputation::{Outcome, ReputationReporter, Role};
use sp_runtime::{
	traits::{One, Saturating, Zero},
	FixedPointNumber, FixedU64,
};

type ParamsOf<T> = Params<BalanceOf<T>, BlockNumberFor<T>>;

/// A reputation reward factor (0.5 to 1.5) as a draw weight in millionths, never zero.
pub(crate) fn draw_weight(factor: FixedU64) -> u32 {
	let millionths = factor.into_inner() / (FixedU64::DIV / 1_000_000);
	u32::try_from(millionths).unwrap_or(u32::MAX).max(1)
}

fn invalid_error<T: Config>(invalid: Invalid) -> Error<T> {
	match invalid {
		Invalid::EntryProof => Error::<T>::BadEntryProof,
		Invalid::ItemProof => Error::<T>::BadItemProof,
		Invalid::WrongItem => Error::<T>::WrongItem,
		Invalid::Embedding => Error::<T>::BadEmbedding,
		Invalid::Query => Error::<T>::BadQuery,
		Invalid::NotAdjacent => Error::<T>::NotAdjacent,
		Invalid::SamePosition => Error::<T>::SamePosition,
		Invalid::NotLast => Error::<T>::NotLast,
		Invalid::WrongMethod => Error::<T>::WrongMethod,
		Invalid::NoSuchPaidEntry => Error::<T>::NoSuchPaidEntry,
		Invalid::ItemIsPaid => Error::<T>::ItemIsPaid,
	}
}

impl<T: Config> Pallet<T> {
	/// The parameters in force.
	pub fn params() -> ParamsOf<T> {
		CurrentParams::<T>::get().unwrap_or_else(T::DefaultParams::get)
	}

	/// Blocks from the start of a round to the end of an optimistic window after it, plus the
	/// two transition blocks: a job's deadline must leave this much room for a round.
	fn round_length(p: &ParamsOf<T>) -> BlockNumberFor<T> {
		p.commit_window
			.saturating_add(p.reveal_window)
			.saturating_add(p.optimistic_challenge_window)
			.saturating_add(2u32.into())
	}

	/// How long the disputes of a job of `committed` entries can run past its deadline, at
	/// most: a requester asks at most `max_openings` times, each request is answered or
	/// expires within `opening_window`, and each answer gives it `opening_window` of grace;
	/// plus the block that expires the last request and the one that ends the job.
	pub fn dispute_span(committed: u32, p: &ParamsOf<T>) -> BlockNumberFor<T> {
		let steps = max_openings(committed).saturating_mul(2);
		p.opening_window.saturating_mul(steps.into()).saturating_add(2u32.into())
	}

	pub(crate) fn check_params(p: &ParamsOf<T>) -> DispatchResult {
		let largest = Self::dispute_span(T::MaxJobItems::get(), p);
		let ok = p.replication >= 1
			&& p.replication <= T::MaxAssigned::get()
			&& p.quorum >= 1
			&& p.quorum <= p.replication
			&& !p.commit_window.is_zero()
			&& !p.reveal_window.is_zero()
			&& !p.agreed_challenge_window.is_zero()
			&& !p.optimistic_challenge_window.is_zero()
			&& !p.opening_window.is_zero()
			&& Self::round_length(p).saturating_add(largest) <= p.unbonding_period;
		ensure!(ok, Error::<T>::BadParams);
		Ok(())
	}

	/// What a worker commits to: blake2-256 of the SCALE encoding of
	/// `(b"openledger/attribution/commit", job, worker, commitment, paid, salt)`. The worker's
	/// account is inside, so a copied commitment cannot be revealed by the copier.
	pub fn commit_hash(
		job: JobId,
		worker: &T::AccountId,
		commitment: &Hash,
		paid: &[Entry],
		salt: &[u8; 32],
	) -> Hash {
		sp_crypto_hashing::blake2_256(
			&(b"openledger/attribution/commit", job, worker, commitment, paid, salt).encode(),
		)
	}

	/// A result's identity: blake2-256 of the SCALE encoding of `(commitment, paid)`. Reveals of
	/// the same result by different workers agree exactly when these are equal.
	pub fn result_hash(commitment: &Hash, paid: &[Entry]) -> Hash {
		sp_crypto_hashing::blake2_256(&(commitment, paid).encode())
	}

	// ---- Workers ----

	pub(crate) fn do_register(who: T::AccountId, stake: BalanceOf<T>) -> DispatchResult {
		ensure!(!Barred::<T>::contains_key(&who), Error::<T>::Barred);
		ensure!(!Workers::<T>::contains_key(&who), Error::<T>::AlreadyRegistered);
		ensure!(stake >= Self::params().min_stake, Error::<T>::StakeTooLow);
		let mut set = ActiveWorkers::<T>::get();
		let position = set
			.binary_search_by(|(a, _)| a.cmp(&who))
			.err()
			.ok_or(Error::<T>::AlreadyRegistered)?;
		let weight = draw_weight(T::Reputation::reward_factor(&who, Role::Worker));
		set.try_insert(position, (who.clone(), weight)).map_err(|_| Error::<T>::TooManyWorkers)?;
		funds::hold_stake::<T>(&who, stake)?;
		ActiveWorkers::<T>::put(set);
		Workers::<T>::insert(&who, Worker { stake, status: WorkerStatus::Active });
		Self::deposit_event(Event::WorkerRegistered { worker: who, stake });
		Ok(())
	}

	pub(crate) fn do_unregister(who: &T::AccountId) -> DispatchResult {
		let worker = Workers::<T>::get(who).ok_or(Error::<T>::NotWorker)?;
		ensure!(worker.status == WorkerStatus::Active, Error::<T>::NotActive);
		Self::unbond(who, worker);
		Ok(())
	}

	/// Moves an active worker to unbonding and says so.
	fn unbond(who: &T::AccountId, mut worker: Worker<BalanceOf<T>, BlockNumberFor<T>>) {
		let until = Self::deactivate(who, &mut worker);
		Workers::<T>::insert(who, worker);
		Self::deposit_event(Event::WorkerUnbonding { worker: who.clone(), until });
	}

	/// Takes an active worker out of the set and starts its unbonding; returns its end.
	fn deactivate(
		who: &T::AccountId,
		worker: &mut Worker<BalanceOf<T>, BlockNumberFor<T>>,
	) -> BlockNumberFor<T> {
		ActiveWorkers::<T>::mutate(|set| set.retain(|(a, _)| a != who));
		let until = frame_system::Pallet::<T>::block_number()
			.saturating_add(Self::params().unbonding_period);
		worker.status = WorkerStatus::Unbonding { until };
		until
	}

	pub(crate) fn do_withdraw(who: &T::AccountId) -> DispatchResult {
		let worker = Workers::<T>::get(who).ok_or(Error::<T>::NotWorker)?;
		let WorkerStatus::Unbonding { until } = worker.status else {
			return Err(Error::<T>::NotUnbonding.into());
		};
		ensure!(frame_system::Pallet::<T>::block_number() >= until, Error::<T>::StillUnbonding);
		let released = funds::release_stake::<T>(who, worker.stake);
		Workers::<T>::remove(who);
		Self::deposit_event(Event::WorkerWithdrawn { worker: who.clone(), released });
		Ok(())
	}

	// ---- Governance of the worker set ----

	/// Puts `params` in force if they are consistent; both origins' calls end here.
	pub(crate) fn do_set_params(params: ParamsOf<T>) -> DispatchResult {
		Self::check_params(&params)?;
		CurrentParams::<T>::put(&params);
		Self::deposit_event(Event::ParamsSet { params });
		Ok(())
	}

	pub(crate) fn do_set_min_stake(min_stake: BalanceOf<T>) -> DispatchResult {
		Self::do_set_params(Params { min_stake, ..Self::params() })
	}

	pub(crate) fn do_remove_worker(who: &T::AccountId) -> DispatchResult {
		ensure!(!Barred::<T>::contains_key(who), Error::<T>::AlreadyBarred);
		Barred::<T>::insert(who, ());
		// An unbonding worker keeps its unbonding; only an active one has a set to leave.
		if let Some(worker) = Workers::<T>::get(who).filter(|w| w.status == WorkerStatus::Active) {
			Self::unbond(who, worker);
		}
		Self::deposit_event(Event::WorkerRemoved { who: who.clone() });
		Ok(())
	}

	pub(crate) fn do_admit_worker(who: &T::AccountId) -> DispatchResult {
		ensure!(Barred::<T>::contains_key(who), Error::<T>::NotBarred);
		Barred::<T>::remove(who);
		Self::deposit_event(Event::WorkerAdmitted { who: who.clone() });
		Ok(())
	}

	/// Reports outcomes to reputation and refreshes the draw weights of those still active,
	/// with one read and one write of the active set.
	fn report_all(outcomes: &[(T::AccountId, Outcome)]) {
		if outcomes.is_empty() {
			return;
		}
		let mut set = ActiveWorkers::<T>::get();
		for (who, outcome) in outcomes {
			let factor = T::Reputation::report(who, Role::Worker, *outcome);
			if let Ok(i) = set.binary_search_by(|(a, _)| a.cmp(who)) {
				set[i].1 = draw_weight(factor);
			}
		}
		ActiveWorkers::<T>::put(set);
	}

	// ---- The draw ----

	/// Draws up to `count` distinct workers from the active set for round `round` of `job`.
	///
	/// Each pick takes `x = u64(blake2_256(SCALE(seed, i))[0..8]) mod W`, where `W` is the total
	/// weight of the workers not yet picked, and picks the worker whose cumulative weight
	/// (in set order, sorted by account) first exceeds `x`. The seed is blake2-256 of
	/// `SCALE(b"openledger/attribution/draw", parent hash, job, round)`. Anyone can replay it
	/// from the chain; the modulo bias is below `W / 2^64`, under 2^-26 for 256 workers.
	pub fn draw(job: JobId, round: u32, count: u32) -> AssignedOf<T> {
		let parent = frame_system::Pallet::<T>::parent_hash();
		let seed = sp_crypto_hashing::blake2_256(
			&(b"openledger/attribution/draw", parent, job, round).encode(),
		);
		let mut pool: Vec<(T::AccountId, u64)> =
			ActiveWorkers::<T>::get().into_iter().map(|(a, w)| (a, w.max(1) as u64)).collect();
		let mut total: u64 = pool.iter().map(|(_, w)| *w).sum();
		let mut picked = AssignedOf::<T>::default();
		for i in 0..count {
			if pool.is_empty() || total == 0 {
				break;
			}
			let h = sp_crypto_hashing::blake2_256(&(seed, i).encode());
			let mut x =
				u64::from_le_bytes([h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]]) % total;
			let position = pool
				.iter()
				.position(|(_, w)| {
					if x < *w {
						true
					} else {
						x -= *w;
						false
					}
				})
				.unwrap_or(pool.len() - 1);
			let (who, w) = pool.remove(position);
			total = total.saturating_sub(w);
			if picked.try_push(who).is_err() {
				break;
			}
		}
		picked
	}

	// ---- Jobs and rounds ----

	pub(crate) fn do_open_job(
		payer: &T::AccountId,
		spec: JobSpec<BlockNumberFor<T>>,
	) -> Result<JobId, DispatchError> {
		let info = T::Versions::version_info(spec.datanet, spec.version)
			.ok_or(Error::<T>::UnknownVersion)?;
		check_shape(info.dimension, info.item_count as u64, spec.method.k())
			.map_err(|_| Error::<T>::BadShape)?;
		ensure!(info.item_count <= T::MaxJobItems::get(), Error::<T>::TooManyItems);
		if spec.method.needs_labels() {
			ensure!(spec.query_label < info.num_labels, Error::<T>::BadLabel);
		}
		let paid_count = check::paid_count(spec.method, info.item_count, spec.top);
		ensure!(spec.top > 0 && paid_count <= T::MaxPaid::get(), Error::<T>::BadTop);
		let p = Self::params();
		let now = frame_system::Pallet::<T>::block_number();
		// Disputes may run past the deadline; the stakes behind them must still be held then.
		let span = Self::dispute_span(spec.method.committed_count(info.item_count), &p);
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
			item_count: info.item_count,
			dimension: info.dimension,
			paid_count,
			round: 0,
			assigned: Default::default(),
			results: 0,
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
	fn start_round(id: JobId, mut job: Job<T>, now: BlockNumberFor<T>) {
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

	fn reschedule(id: JobId, job: &mut Job<T>, at: BlockNumberFor<T>) {
		Agenda::<T>::remove(job.next_transition, id);
		Agenda::<T>::insert(at, id, ());
		job.next_transition = at;
	}

	fn clear_round(id: JobId) {
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
	}

	/// Forgets a job that ended, with its agenda entry and its round.
	fn remove_job(id: JobId, job: &Job<T>) {
		Agenda::<T>::remove(job.next_transition, id);
		Jobs::<T>::remove(id);
		JobCount::<T>::mutate(|n| *n = n.saturating_sub(1));
		Self::clear_round(id);
	}

	fn fail(id: JobId, job: Job<T>, reason: FailReason) {
		Self::remove_job(id, &job);
		T::OnJobEnd::failed(id, &job.payer);
		Self::deposit_event(Event::JobFailed { job: id, reason });
	}

	/// Another round if a whole one fits before the deadline, else the job fails. Returns
	/// whether a round was drawn.
	fn reopen_or_fail(id: JobId, job: Job<T>, now: BlockNumberFor<T>) -> bool {
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
	fn best_result(id: JobId) -> Option<(Hash, Revealed<T>)> {
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
	fn choose_candidate(id: JobId, mut job: Job<T>, now: BlockNumberFor<T>, fresh: bool) -> bool {
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
	fn close(id: JobId, mut job: Job<T>, now: BlockNumberFor<T>) {
		match Self::next_check(id, now) {
			Some(at) => {
				job.phase = Phase::Closing;
				Self::reschedule(id, &mut job, at);
				Jobs::<T>::insert(id, job);
			},
			None => Self::fail(id, job, FailReason::NoResult),
		}
	}

	/// Expires every unanswered request on job `id` whose window has ended, refuting its
	/// result (which may change the candidate, reopen or end the job). Returns the weight.
	fn expire_due(id: JobId, now: BlockNumberFor<T>) -> Weight {
		let disputes: Vec<(Hash, T::AccountId, Opening<T>)> =
			Openings::<T>::iter_prefix((id,)).map(|((result, who), o)| (result, who, o)).collect();
		let mut weight = T::DbWeight::get().reads(disputes.len() as u64 + 1);
		for (result, requester, opening) in disputes {
			if opening.answered || now <= opening.due {
				continue;
			}
			// An earlier expiry may have refuted this result (and dropped its requests) or
			// ended the job.
			let Some(job) = Jobs::<T>::get(id) else { break };
			if !Openings::<T>::contains_key((id, result, &requester)) {
				continue;
			}
			Self::expire(id, job, result, &requester, opening, now);
			weight.saturating_accrue(
				T::WeightInfo::expire_opening().saturating_add(T::OnJobEnd::failed_weight()),
			);
		}
		weight
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
	fn tally(id: JobId, job: Job<T>, now: BlockNumberFor<T>) -> bool {
		let silent: Vec<(T::AccountId, Outcome)> = job
			.assigned
			.iter()
			.filter(|w| !RevealOf::<T>::contains_key(id, w))
			.map(|w| (w.clone(), Outcome::Negative))
			.collect();
		Self::report_all(&silent);
		Self::choose_candidate(id, job, now, true)
	}

	/// The end of the challenge window: the candidate is final.
	fn finalize(id: JobId, job: Job<T>, result: Hash, agreed: bool, now: BlockNumberFor<T>) {
		let Some(revealed) = Results::<T>::get(id, result).defensive() else {
			return Self::fail(id, job, FailReason::NoResult);
		};
		// Supporters did good work; revealers of another result that nobody refuted did not
		// (those of refuted results were already reported when they were slashed).
		let outcomes: Vec<(T::AccountId, Outcome)> = RevealOf::<T>::iter_prefix(id)
			.filter_map(|(worker, theirs)| {
				if theirs == result {
					Some((worker, Outcome::Positive))
				} else {
					let refuted =
						Results::<T>::get(id, theirs).map_or(true, |r| r.refuted_by.is_some());
					(!refuted).then_some((worker, Outcome::Negative))
				}
			})
			.collect();
		Self::report_all(&outcomes);
		let record = FinalResult::<T> {
			payer: job.payer.clone(),
			spec: job.spec.clone(),
			item_count: job.item_count,
			commitment: revealed.commitment,
			paid: revealed.paid.clone(),
			supporters: revealed.supporters.clone(),
			agreed,
			finalized_at: now,
		};
		Self::keep_final(id, record);
		Self::remove_job(id, &job);
		T::OnJobEnd::finalized(id, &job.payer, &revealed.paid, &revealed.supporters);
		Self::deposit_event(Event::JobFinalized {
			job: id,
			result,
			commitment: revealed.commitment,
			agreed,
		});
	}

	/// Keeps a final result, dropping the oldest beyond `MaxFinalized`.
	fn keep_final(id: JobId, record: FinalResult<T>) {
		let count = FinalizedCount::<T>::get();
		let slot = (count % T::MaxFinalized::get() as u64) as u32;
		if let Some(old) = FinalizedRing::<T>::get(slot) {
			Finalized::<T>::remove(old);
		}
		FinalizedRing::<T>::insert(slot, id);
		Finalized::<T>::insert(id, record);
		FinalizedCount::<T>::put(count.saturating_add(1));
	}

	// ---- The block hook ----

	/// Moves on the jobs due by `now`, oldest first, at most `MaxTransitionsPerBlock` of them;
	/// the rest are due again in the next block. Returns the weight used.
	pub(crate) fn process_agenda(now: BlockNumberFor<T>) -> Weight {
		let mut weight = T::WeightInfo::on_initialize_idle();
		if JobCount::<T>::get() == 0 {
			return weight;
		}
		let max = T::MaxTransitionsPerBlock::get();
		let mut cursor = AgendaCursor::<T>::get();
		let (mut moved, mut empty_steps) = (0u32, 0u32);
		// Empty blocks cost one read each; a few per transition lets a lagging cursor catch up.
		while cursor <= now && moved < max && empty_steps < max.saturating_mul(4) {
			match Agenda::<T>::iter_key_prefix(cursor).next() {
				Some(id) => {
					weight.saturating_accrue(Self::transition(id, cursor, now));
					moved += 1;
				},
				None => {
					cursor.saturating_inc();
					empty_steps += 1;
					weight.saturating_accrue(T::DbWeight::get().reads(1));
				},
			}
		}
		AgendaCursor::<T>::put(cursor);
		weight
	}

	/// Moves one job on: tally at the end of its reveal window, finality at the end of its
	/// challenge window. Returns the benchmarked weight of the path taken, with what
	/// [`Config::OnJobEnd`] may spend if the path can end the job.
	fn transition(id: JobId, due: BlockNumberFor<T>, now: BlockNumberFor<T>) -> Weight {
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
	fn settle_disputes(id: JobId, due: BlockNumberFor<T>, now: BlockNumberFor<T>) -> Weight {
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
		let (r, paid) = (job.assigned.len() as u32, job.paid_count);
		match job.phase {
			Phase::Challenge { result, agreed, .. } => {
				Self::finalize(id, job, result, agreed, now);
				let end = T::OnJobEnd::finalized_weight(paid, r).max(T::OnJobEnd::failed_weight());
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

	// ---- Commit and reveal ----

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
		commitment: Hash,
		paid: PaidOf<T>,
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
		ensure!(check::paid_well_formed(&paid, job.paid_count), Error::<T>::MalformedPaid);
		ensure!(
			Self::commit_hash(id, who, &commitment, &paid, &salt) == committed,
			Error::<T>::RevealMismatch
		);
		let result = Self::result_hash(&commitment, &paid);
		let mut revealed = match Results::<T>::get(id, result) {
			Some(r) => r,
			None => {
				let first_seen = job.results;
				let mut job = job;
				job.results = first_seen.saturating_add(1);
				Jobs::<T>::insert(id, job);
				Revealed {
					commitment,
					paid,
					supporters: Default::default(),
					first_seen,
					refuted_by: None,
				}
			},
		};
		// Supporters are distinct assigned workers, so this cannot overflow.
		revealed.supporters.try_push(who.clone()).map_err(|_| Error::<T>::Overflow)?;
		RevealOf::<T>::insert(id, who, result);
		Self::deposit_event(Event::Revealed { job: id, worker: who.clone(), result, commitment });
		// Revealing a result already proven wrong costs what its first supporters paid.
		if let Some(challenger) = revealed.refuted_by.clone() {
			Self::slash_supporters(id, &[who.clone()], &challenger);
		}
		Results::<T>::insert(id, result, revealed);
		Ok(())
	}

	// ---- Challenges ----

	/// The weight of a challenge with `witness` and a query of `d` elements.
	pub fn challenge_weight(witness: &WitnessOf<T>, d: u32) -> Weight {
		// An upheld challenge may fail the job, and whoever hears of it refunds.
		let end = T::OnJobEnd::failed_weight();
		end.saturating_add(match witness {
			Witness::RankMismatch { .. } => T::WeightInfo::challenge_rank_mismatch(),
			Witness::WrongDistance { .. } => T::WeightInfo::challenge_wrong_distance(d),
			Witness::OutOfOrder { .. } => T::WeightInfo::challenge_out_of_order(),
			Witness::WrongKnnStep { .. } => T::WeightInfo::challenge_wrong_knn_step(),
			Witness::WrongKnnLast { .. } => T::WeightInfo::challenge_wrong_knn_last(),
			Witness::WrongSimilarity { .. } => T::WeightInfo::challenge_wrong_similarity(),
			Witness::RepeatedIndex { .. } => T::WeightInfo::challenge_repeated_index(),
			Witness::IndexOutOfRange { .. } => T::WeightInfo::challenge_index_out_of_range(),
			Witness::PaidMismatch { .. } => T::WeightInfo::challenge_paid_mismatch(),
			Witness::UnpaidBeatsPaid { .. } => T::WeightInfo::challenge_unpaid_beats_paid(d),
		})
	}

	/// The checks every challenge and opening request share: `who` is an active worker, the
	/// result was revealed in the current round, is not refuted and is not `who`'s, and the
	/// job's challenge window is open, or `who`'s own dispute of the result is live (so a
	/// challenger that has started its search can finish it).
	fn challengeable(
		who: &T::AccountId,
		id: JobId,
		job: &Job<T>,
		result: Hash,
	) -> Result<Revealed<T>, DispatchError> {
		let worker = Workers::<T>::get(who).ok_or(Error::<T>::NotWorker)?;
		ensure!(worker.status == WorkerStatus::Active, Error::<T>::NotActive);
		let revealed = Results::<T>::get(id, result).ok_or(Error::<T>::UnknownResult)?;
		ensure!(revealed.refuted_by.is_none(), Error::<T>::AlreadyRefuted);
		ensure!(!revealed.supporters.contains(who), Error::<T>::OwnResult);
		let now = frame_system::Pallet::<T>::block_number();
		let open = match job.phase {
			Phase::Working { .. } => true,
			Phase::Challenge { challenge_end, .. } => now <= challenge_end,
			Phase::Closing => false,
		};
		let disputing = || Openings::<T>::get((id, result, who)).is_some_and(|o| o.live(now));
		ensure!(open || disputing(), Error::<T>::ChallengeWindowClosed);
		Ok(revealed)
	}

	/// The checks' view of a job and one of its results.
	pub(crate) fn check_job<'a>(
		job: &Job<T>,
		commitment: Hash,
		paid: &'a [Entry],
	) -> check::Job<'a> {
		check::Job {
			method: job.spec.method,
			version_root: job.version_root,
			item_count: job.item_count,
			dimension: job.dimension,
			query_hash: job.spec.query_hash,
			query_label: job.spec.query_label,
			commitment,
			paid,
		}
	}

	pub(crate) fn do_challenge(
		who: &T::AccountId,
		id: JobId,
		result: Hash,
		witness: &WitnessOf<T>,
		query: &QueryOf,
	) -> DispatchResult {
		let job = Jobs::<T>::get(id).ok_or(Error::<T>::UnknownJob)?;
		let revealed = Self::challengeable(who, id, &job, result)?;
		let verdict = witness
			.check(&Self::check_job(&job, revealed.commitment, &revealed.paid), query)
			.map_err(invalid_error::<T>)?;
		let bond = Self::params().challenge_bond;
		funds::hold_bond::<T>(who, bond)?;
		let Some(fault) = verdict else {
			let bond_slashed = funds::slash_bond::<T>(who, bond);
			Self::report_all(&[(who.clone(), Outcome::Negative)]);
			Self::deposit_event(Event::ChallengeRejected {
				job: id,
				result,
				challenger: who.clone(),
				bond_slashed,
			});
			return Ok(());
		};
		funds::release_bond::<T>(who, bond);
		let now = frame_system::Pallet::<T>::block_number();
		let reward = Self::refute(id, job, result, revealed, who, now);
		Self::deposit_event(Event::ChallengeUpheld {
			job: id,
			result,
			challenger: who.clone(),
			fault,
			reward,
		});
		Ok(())
	}

	/// Marks `result` refuted by `challenger`, slashes its supporters and, if it was the
	/// candidate, chooses another or reopens or fails the job. Returns the challenger's reward.
	fn refute(
		id: JobId,
		job: Job<T>,
		result: Hash,
		mut revealed: Revealed<T>,
		challenger: &T::AccountId,
		now: BlockNumberFor<T>,
	) -> BalanceOf<T> {
		revealed.refuted_by = Some(challenger.clone());
		let supporters = revealed.supporters.clone();
		Results::<T>::insert(id, result, revealed);
		// Its disputes are over: every requester gets back a bond still held.
		for (requester, opening) in Openings::<T>::drain_prefix((id, result)) {
			if !opening.answered {
				funds::release_bond::<T>(&requester, opening.bond);
			}
		}
		let reward = Self::slash_supporters(id, &supporters, challenger);
		Self::report_all(&[(challenger.clone(), Outcome::Positive)]);
		if matches!(job.phase, Phase::Challenge { result: candidate, .. } if candidate == result) {
			Self::choose_candidate(id, job, now, false);
		}
		reward
	}

	// ---- Openings ----

	pub(crate) fn do_request_opening(
		who: &T::AccountId,
		id: JobId,
		result: Hash,
		position: u32,
	) -> DispatchResult {
		let job = Jobs::<T>::get(id).ok_or(Error::<T>::UnknownJob)?;
		Self::challengeable(who, id, &job, result)?;
		let committed = job.spec.method.committed_count(job.item_count);
		ensure!(position < committed, Error::<T>::PositionOutOfRange);
		let previous = Openings::<T>::get((id, result, who));
		ensure!(!previous.as_ref().is_some_and(|o| !o.answered), Error::<T>::OpeningPending);
		let made = previous.map_or(0, |o| o.made);
		ensure!(made < max_openings(committed), Error::<T>::TooManyOpenings);
		let p = Self::params();
		let due = frame_system::Pallet::<T>::block_number().saturating_add(p.opening_window);
		funds::hold_bond::<T>(who, p.challenge_bond)?;
		let opening = Opening {
			position,
			due,
			bond: p.challenge_bond,
			answered: false,
			made: made.saturating_add(1),
		};
		Openings::<T>::insert((id, result, who), opening);
		Self::deposit_event(Event::OpeningRequested {
			job: id,
			result,
			requester: who.clone(),
			position,
			due,
		});
		Ok(())
	}

	pub(crate) fn do_open_entry(
		id: JobId,
		result: Hash,
		requester: &T::AccountId,
		entry: ProvenEntry,
	) -> DispatchResult {
		let job = Jobs::<T>::get(id).ok_or(Error::<T>::UnknownJob)?;
		let mut opening = Openings::<T>::get((id, result, requester))
			.filter(|o| !o.answered)
			.ok_or(Error::<T>::NoOpening)?;
		let revealed = Results::<T>::get(id, result).ok_or(Error::<T>::UnknownResult)?;
		let position = Self::check_job(&job, revealed.commitment, &revealed.paid)
			.open(&entry)
			.map_err(invalid_error::<T>)?;
		ensure!(position == opening.position, Error::<T>::WrongPosition);
		funds::release_bond::<T>(requester, opening.bond);
		// The requester's grace: time to ask for the next entry or to challenge.
		opening.answered = true;
		opening.due =
			frame_system::Pallet::<T>::block_number().saturating_add(Self::params().opening_window);
		Openings::<T>::insert((id, result, requester), opening);
		Self::deposit_event(Event::EntryOpened {
			job: id,
			result,
			entry: entry.entry,
			proof: entry.proof,
		});
		Ok(())
	}

	pub(crate) fn do_expire_opening(
		id: JobId,
		result: Hash,
		requester: &T::AccountId,
	) -> DispatchResult {
		let job = Jobs::<T>::get(id).ok_or(Error::<T>::UnknownJob)?;
		let opening = Openings::<T>::get((id, result, requester))
			.filter(|o| !o.answered)
			.ok_or(Error::<T>::NoOpening)?;
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now > opening.due, Error::<T>::OpeningNotDue);
		Self::expire(id, job, result, requester, opening, now);
		Ok(())
	}

	/// A requested opening was not made in time: the result counts as refuted, to the
	/// requester's profit.
	fn expire(
		id: JobId,
		job: Job<T>,
		result: Hash,
		requester: &T::AccountId,
		_opening: Opening<T>,
		now: BlockNumberFor<T>,
	) {
		let Some(revealed) = Results::<T>::get(id, result).defensive() else { return };
		let reward = Self::refute(id, job, result, revealed, requester, now);
		Self::deposit_event(Event::OpeningExpired {
			job: id,
			result,
			requester: requester.clone(),
			reward,
		});
	}

	/// Slashes every worker in `supporters` for a refuted result of job `id`, pays
	/// `challenger` its share and reports the supporters' negative outcomes. Returns what the
	/// challenger received.
	fn slash_supporters(
		id: JobId,
		supporters: &[T::AccountId],
		challenger: &T::AccountId,
	) -> BalanceOf<T> {
		let p = Self::params();
		let mut reward: BalanceOf<T> = Zero::zero();
		for who in supporters {
			let Some(mut worker) = Workers::<T>::get(who).defensive() else { continue };
			let (taken, paid) = funds::slash_stake::<T>(
				who,
				worker.stake,
				p.wrong_result_slash,
				challenger,
				p.challenger_share,
			);
			worker.stake = worker.stake.saturating_sub(taken);
			let deactivated = worker.status == WorkerStatus::Active && worker.stake < p.min_stake;
			if deactivated {
				let until = Self::deactivate(who, &mut worker);
				Self::deposit_event(Event::WorkerUnbonding { worker: who.clone(), until });
			}
			Workers::<T>::insert(who, worker);
			reward.saturating_accrue(paid);
			Self::deposit_event(Event::WorkerSlashed {
				job: id,
				worker: who.clone(),
				amount: taken,
				deactivated,
			});
		}
		let outcomes: Vec<(T::AccountId, Outcome)> =
			supporters.iter().map(|w| (w.clone(), Outcome::Negative)).collect();
		Self::report_all(&outcomes);
		reward
	}

	// ---- Invariants ----

	/// Checks the invariants:
	/// - every registered worker's held stake equals its recorded stake, and its held challenge
	///   bonds equal the bonds of its pending opening requests (challenges hold none between
	///   calls);
	/// - the active set is sorted, without repeats, and holds exactly the active workers;
	/// - no barred account is in the active set;
	/// - `JobCount` counts the jobs, each job has exactly one agenda entry, at its
	///   `next_transition`, not behind the agenda cursor, and every agenda entry has its job;
	/// - every open job has its assigned workers: at least one, distinct, at most
	///   `MaxAssigned`, all registered; commits, reveals and supporters come from them, and
	///   each reveal points at a result that lists its worker;
	/// - a job in its challenge phase has an unrefuted candidate; disputes exist only on
	///   unrefuted results of open jobs, each with at least one and at most `max_openings`
	///   requests made, at a position inside the commitment;
	/// - at most `MaxFinalized` final results are kept, each in its ring slot.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use sp_runtime::TryRuntimeError;
		let set = ActiveWorkers::<T>::get();
		ensure!(
			set.windows(2).all(|w| w[0].0 < w[1].0),
			TryRuntimeError::Other("active set unsorted")
		);
		let mut active = 0usize;
		for (who, worker) in Workers::<T>::iter() {
			ensure!(
				funds::stake_held::<T>(&who) == worker.stake,
				TryRuntimeError::Other("stake held differs")
			);
			let pending: BalanceOf<T> = Openings::<T>::iter()
				.filter(|((_, _, requester), o)| *requester == who && !o.answered)
				.fold(Zero::zero(), |sum, (_, o)| sum.saturating_add(o.bond));
			ensure!(
				funds::bond_held::<T>(&who) == pending,
				TryRuntimeError::Other("bond held differs from pending openings")
			);
			let in_set = set.binary_search_by(|(a, _)| a.cmp(&who)).is_ok();
			ensure!(
				in_set == (worker.status == WorkerStatus::Active),
				TryRuntimeError::Other("active set out of sync")
			);
			active += in_set as usize;
		}
		ensure!(active == set.len(), TryRuntimeError::Other("active set holds unknown workers"));
		for who in Barred::<T>::iter_keys() {
			let in_set = set.binary_search_by(|(a, _)| a.cmp(&who)).is_ok();
			ensure!(!in_set, TryRuntimeError::Other("barred account in the active set"));
		}

		let cursor = AgendaCursor::<T>::get();
		let mut jobs = 0u32;
		for (id, job) in Jobs::<T>::iter() {
			jobs += 1;
			ensure!(
				Agenda::<T>::contains_key(job.next_transition, id),
				TryRuntimeError::Other("job not on the agenda")
			);
			ensure!(
				job.next_transition >= cursor,
				TryRuntimeError::Other("job behind the agenda cursor")
			);
			let assigned = &job.assigned;
			ensure!(!assigned.is_empty(), TryRuntimeError::Other("open job without workers"));
			let mut sorted: Vec<_> = assigned.iter().collect();
			sorted.sort();
			sorted.dedup();
			ensure!(
				sorted.len() == assigned.len(),
				TryRuntimeError::Other("a worker assigned twice")
			);
			ensure!(
				assigned.iter().all(Workers::<T>::contains_key),
				TryRuntimeError::Other("assigned worker not registered")
			);
			ensure!(
				Commits::<T>::iter_key_prefix(id).all(|w| assigned.contains(&w)),
				TryRuntimeError::Other("commit from an unassigned worker")
			);
			for (worker, result) in RevealOf::<T>::iter_prefix(id) {
				let listed =
					Results::<T>::get(id, result).is_some_and(|r| r.supporters.contains(&worker));
				ensure!(
					listed && assigned.contains(&worker),
					TryRuntimeError::Other("reveal without its result")
				);
			}
			ensure!(
				Results::<T>::iter_prefix(id).count() as u32 == job.results,
				TryRuntimeError::Other("result count differs")
			);
			for (_, revealed) in Results::<T>::iter_prefix(id) {
				ensure!(
					revealed.supporters.iter().all(|w| RevealOf::<T>::contains_key(id, w)),
					TryRuntimeError::Other("supporter without a reveal")
				);
			}
			let committed = job.spec.method.committed_count(job.item_count);
			for ((result, _), opening) in Openings::<T>::iter_prefix((id,)) {
				ensure!(
					Results::<T>::get(id, result).is_some_and(|r| r.refuted_by.is_none()),
					TryRuntimeError::Other("opening requested of a missing or refuted result")
				);
				ensure!(
					opening.made >= 1
						&& opening.made <= max_openings(committed)
						&& opening.position < committed,
					TryRuntimeError::Other("a dispute beyond its bounds")
				);
			}
			if let Phase::Challenge { result, .. } = job.phase {
				let standing =
					Results::<T>::get(id, result).is_some_and(|r| r.refuted_by.is_none());
				ensure!(standing, TryRuntimeError::Other("candidate missing or refuted"));
			}
		}
		ensure!(jobs == JobCount::<T>::get(), TryRuntimeError::Other("job count differs"));
		let mut entries = 0u32;
		for (_, id, ()) in Agenda::<T>::iter() {
			entries += 1;
			ensure!(
				Jobs::<T>::contains_key(id),
				TryRuntimeError::Other("agenda entry without a job")
			);
		}
		ensure!(entries == jobs, TryRuntimeError::Other("agenda entries differ from jobs"));
		for ((id, _, _), _) in Openings::<T>::iter() {
			ensure!(
				Jobs::<T>::contains_key(id),
				TryRuntimeError::Other("opening of a job that ended")
			);
		}

		let kept = Finalized::<T>::iter_keys().count() as u64;
		let expected = FinalizedCount::<T>::get().min(T::MaxFinalized::get() as u64);
		ensure!(
			kept == expected,
			TryRuntimeError::Other("kept final results differ from the ring")
		);
		for (_, id) in FinalizedRing::<T>::iter() {
			ensure!(
				Finalized::<T>::contains_key(id),
				TryRuntimeError::Other("ring slot without its result")
			);
		}
		Ok(())
	}
}
