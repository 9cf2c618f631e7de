//! Workers: registering, unbonding, withdrawing, admission and the reputation-weighted draw.

use super::draw_weight;
use crate::{funds, pallet::*, types::*};
use alloc::vec::Vec;
use codec::Encode;
use frame_support::pallet_prelude::*;
use frame_system::pallet_prelude::BlockNumberFor;
use openledger_traits::{ReputationReporter, Role};
use sp_runtime::traits::Saturating;

impl<T: Config> Pallet<T> {
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
	pub(crate) fn unbond(who: &T::AccountId, mut worker: Worker<BalanceOf<T>, BlockNumberFor<T>>) {
		let until = Self::deactivate(who, &mut worker);
		Workers::<T>::insert(who, worker);
		Self::deposit_event(Event::WorkerUnbonding { worker: who.clone(), until });
	}

	/// Takes an active worker out of the set and starts its unbonding; returns its end.
	pub(crate) fn deactivate(
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
}
