//! Challenges: one check of a batch result recomputed on chain, the result refuted, its
//! supporters slashed.

use super::invalid_error;
use crate::{
	funds, pallet::*, traits::OnJobEnd, types::*, weights::WeightInfo, QueryOf, WitnessOf,
};
use alloc::vec::Vec;
use frame_support::{pallet_prelude::*, traits::Defensive};
use frame_system::pallet_prelude::BlockNumberFor;
use openledger_primitives::attribution::{
	batch::{BatchJob, BatchWitness},
	witness::Witness,
};
use openledger_traits::Outcome;
use sp_runtime::traits::{Saturating, Zero};

impl<T: Config> Pallet<T> {
	/// The weight of a challenge with `witness` and a query of `d` elements. The checks of a
	/// query's ranking are measured on a batch of `MAX_BATCH` queries, so their weights cover
	/// the record's and the inference's proofs too.
	pub fn challenge_weight(witness: &WitnessOf<T>, d: u32) -> Weight {
		// An upheld challenge may fail the job, and whoever hears of it refunds.
		let end = T::OnJobEnd::failed_weight();
		end.saturating_add(match witness {
			BatchWitness::Ranking { witness, .. } => match witness {
				Witness::RankMismatch { .. } => T::WeightInfo::challenge_rank_mismatch(),
				Witness::WrongDistance { .. } => T::WeightInfo::challenge_wrong_distance(d),
				Witness::OutOfOrder { .. } => T::WeightInfo::challenge_out_of_order(),
				Witness::WrongKnnStep { .. } => T::WeightInfo::challenge_wrong_knn_step(),
				Witness::WrongKnnLast { .. } => T::WeightInfo::challenge_wrong_knn_last(),
				Witness::WrongSimilarity { .. } => T::WeightInfo::challenge_wrong_similarity(),
				Witness::RepeatedIndex { .. } => T::WeightInfo::challenge_repeated_index(),
				Witness::IndexOutOfRange { .. } => T::WeightInfo::challenge_index_out_of_range(),
				// A batch reveals no paid entries: these are refused after the record's and
				// the inference's proofs, which `rank_mismatch` covers with an entry's more.
				Witness::PaidMismatch { .. } | Witness::UnpaidBeatsPaid { .. } => {
					T::WeightInfo::challenge_rank_mismatch()
				},
				Witness::MissingNear { .. } => T::WeightInfo::challenge_missing_near(d),
			},
			BatchWitness::WrongPaidSum { paid, .. } => {
				// Refused before any entry is hashed when there are more than `P`.
				T::WeightInfo::challenge_wrong_paid_sum(
					paid.len().min(T::MaxPaid::get() as usize) as u32
				)
			},
			BatchWitness::CreditOutOfRange { .. } => T::WeightInfo::challenge_credit_out_of_range(),
			BatchWitness::CreditMismatch { .. } => T::WeightInfo::challenge_credit_mismatch(),
			BatchWitness::CreditOrder { .. } => T::WeightInfo::challenge_credit_order(),
			BatchWitness::WrongCumulative { .. } => T::WeightInfo::challenge_wrong_cumulative(),
			BatchWitness::MissingCredit { .. } => T::WeightInfo::challenge_missing_credit(),
			BatchWitness::WrongTotal { .. } => {
				T::WeightInfo::challenge_wrong_total(T::MaxTotals::get())
			},
			BatchWitness::TotalWithoutCredits { .. } => {
				T::WeightInfo::challenge_total_without_credits()
			},
		})
	}

	/// The checks every challenge and opening request share: `who` is an active worker, the
	/// result was revealed in the current round, is not refuted and is not `who`'s, and the
	/// job's challenge window is open, or `who`'s own dispute of the result is live (so a
	/// challenger that has started its search can finish it).
	pub(crate) fn challengeable(
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

	/// The checks' view of a job and one of its results, with the result's `totals` (only the
	/// checks of the totals read them; the others may be given none).
	pub fn batch_job<'a>(
		job: &Job<T>,
		revealed: &Revealed<T>,
		totals: &'a [(T::AccountId, u128)],
	) -> BatchJob<'a, T::AccountId> {
		BatchJob {
			method: job.spec.method,
			version: openledger_primitives::datanet::file::VersionCommitment {
				root: job.version_root,
				file_count: job.file_count,
				item_count: job.item_count,
			},
			dimension: job.dimension,
			batch: job.spec.queries.commitment(),
			rates: job.spec.rates,
			paid: job.paid_count,
			max_totals: T::MaxTotals::get(),
			queries: revealed.queries,
			credits: revealed.credits,
			totals,
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
		// Only the checks of the totals read them, and they are as large as the weight allows.
		let totals = match witness {
			BatchWitness::WrongTotal { .. } | BatchWitness::TotalWithoutCredits { .. } => {
				Totals::<T>::get(id, result)
			},
			_ => Default::default(),
		};
		let view = Self::batch_job(&job, &revealed, &totals);
		let verdict = witness.check(&view, query).map_err(invalid_error::<T>)?;
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
	pub(crate) fn refute(
		id: JobId,
		mut job: Job<T>,
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
			job.disputes.saturating_dec();
			if !opening.answered {
				funds::release_bond::<T>(&requester, opening.bond);
			}
		}
		let reward = Self::slash_supporters(id, &supporters, challenger);
		Self::report_all(&[(challenger.clone(), Outcome::Positive)]);
		if matches!(job.phase, Phase::Challenge { result: candidate, .. } if candidate == result) {
			Self::choose_candidate(id, job, now, false);
		} else {
			Jobs::<T>::insert(id, job);
		}
		reward
	}

	/// Slashes every worker in `supporters` for a refuted result of job `id`, pays
	/// `challenger` its share and reports the supporters' negative outcomes. Returns what the
	/// challenger received.
	pub(crate) fn slash_supporters(
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
}
