//! The invariants, checked by `try-runtime` and after every test.

#![cfg(any(feature = "try-runtime", test))]

use crate::{funds, pallet::*, types::*};
use alloc::vec::Vec;
use frame_support::pallet_prelude::*;
use sp_runtime::traits::{Saturating, Zero};

impl<T: Config> Pallet<T> {
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
	///   unrefuted results of open jobs, each with at least one and at most `max_requests`
	///   requests made, at a position the result has;
	/// - every revealed result's totals are well formed;
	/// - at most `MaxFinalized` final results are kept, each in its ring slot.
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
			for (hash, revealed) in Results::<T>::iter_prefix(id) {
				ensure!(
					revealed.supporters.iter().all(|w| RevealOf::<T>::contains_key(id, w)),
					TryRuntimeError::Other("supporter without a reveal")
				);
				let totals = Totals::<T>::get(id, hash);
				ensure!(
					openledger_primitives::attribution::batch::totals_well_formed(
						&totals,
						T::MaxTotals::get()
					) && totals.len() as u32 == revealed.totals,
					TryRuntimeError::Other("malformed totals")
				);
			}
			ensure!(
				Openings::<T>::iter_prefix((id,)).count() as u32 == job.disputes,
				TryRuntimeError::Other("dispute count differs")
			);
			let committed = job.spec.method.committed_count(job.item_count);
			for ((result, _), opening) in Openings::<T>::iter_prefix((id,)) {
				let revealed = Results::<T>::get(id, result)
					.filter(|r| r.refuted_by.is_none())
					.ok_or(TryRuntimeError::Other("opening of a missing or refuted result"))?;
				let view = Self::batch_job(&job, &revealed, &[]);
				let allowed = Self::max_requests(view.batch.count, committed, view.slot_count());
				ensure!(
					opening.made >= 1
						&& opening.made <= allowed
						&& view.has_position(opening.position),
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
		for (id, result, _) in Totals::<T>::iter() {
			ensure!(
				Results::<T>::contains_key(id, result),
				TryRuntimeError::Other("totals without their result")
			);
		}
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
