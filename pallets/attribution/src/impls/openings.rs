//! Openings: requests for withheld leaves, answers, and expiry; while one is live, the job it
//! disputes stays open.

use super::invalid_error;
use crate::{funds, pallet::*, traits::OnJobEnd, types::*, weights::WeightInfo, LeafOf};
use alloc::vec::Vec;
use frame_support::{pallet_prelude::*, traits::Defensive};
use frame_system::pallet_prelude::BlockNumberFor;
use openledger_primitives::attribution::batch::search::Position;
use sp_runtime::traits::Saturating;

impl<T: Config> Pallet<T> {
	/// Expires every unanswered request on job `id` whose window has ended, refuting its
	/// result (which may change the candidate, reopen or end the job). Returns the weight.
	pub(crate) fn expire_due(id: JobId, now: BlockNumberFor<T>) -> Weight {
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

	pub(crate) fn do_request_opening(
		who: &T::AccountId,
		id: JobId,
		result: Hash,
		position: Position,
	) -> DispatchResult {
		let mut job = Jobs::<T>::get(id).ok_or(Error::<T>::UnknownJob)?;
		let revealed = Self::challengeable(who, id, &job, result)?;
		let view = Self::batch_job(&job, &revealed, &[]);
		ensure!(view.has_position(position), Error::<T>::PositionOutOfRange);
		let previous = Openings::<T>::get((id, result, who));
		ensure!(previous.as_ref().is_none_or(|o| o.answered), Error::<T>::OpeningPending);
		let made = previous.map_or(0, |o| o.made);
		let committed = job.spec.method.committed_count(job.item_count);
		let allowed = Self::max_requests(view.batch.count, committed, view.slot_count());
		ensure!(made < allowed, Error::<T>::TooManyOpenings);
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
		if made == 0 {
			job.disputes.saturating_inc();
			Jobs::<T>::insert(id, job);
		}
		Self::deposit_event(Event::OpeningRequested {
			job: id,
			result,
			requester: who.clone(),
			position,
			due,
		});
		Ok(())
	}

	pub(crate) fn do_open_leaf(
		id: JobId,
		result: Hash,
		requester: &T::AccountId,
		leaf: LeafOf<T>,
	) -> DispatchResult {
		let job = Jobs::<T>::get(id).ok_or(Error::<T>::UnknownJob)?;
		let mut opening = Openings::<T>::get((id, result, requester))
			.filter(|o| !o.answered)
			.ok_or(Error::<T>::NoOpening)?;
		let revealed = Results::<T>::get(id, result).ok_or(Error::<T>::UnknownResult)?;
		let position =
			Self::batch_job(&job, &revealed, &[]).open_leaf(&leaf).map_err(invalid_error::<T>)?;
		ensure!(position == opening.position, Error::<T>::WrongPosition);
		funds::release_bond::<T>(requester, opening.bond);
		// The requester's grace: time to ask for the next entry or to challenge.
		opening.answered = true;
		opening.due =
			frame_system::Pallet::<T>::block_number().saturating_add(Self::params().opening_window);
		Openings::<T>::insert((id, result, requester), opening);
		Self::deposit_event(Event::LeafOpened {
			job: id,
			result,
			requester: requester.clone(),
			leaf,
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
	pub(crate) fn expire(
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
}
