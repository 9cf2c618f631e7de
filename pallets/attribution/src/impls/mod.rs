//! The logic behind the calls and the block hook, and the invariants, by domain:
//!
//! - this module: parameters, the commit and result hashes, reputation reports;
//! - [`workers`]: registering, unbonding, admission and the reputation-weighted draw;
//! - [`jobs`]: opening jobs, rounds, commits and reveals, the tally, finality and the agenda the
//!   block hook works through;
//! - [`challenges`]: single-entry challenges, refutation and slashing;
//! - [`openings`]: requests for withheld entries, answers and expiry (disputes);
//! - [`try_state`]: the invariants.

mod challenges;
mod jobs;
mod openings;
mod try_state;
mod workers;

use crate::{pallet::*, types::*};
use codec::Encode;
use frame_support::pallet_prelude::*;
use frame_system::pallet_prelude::BlockNumberFor;
use openledger_primitives::attribution::{
	batch::{search::max_batch_openings, BatchInvalid, MAX_BATCH},
	check::Invalid,
};
use openledger_traits::{Outcome, ReputationReporter, Role};
use sp_runtime::{
	traits::{Saturating, Zero},
	FixedPointNumber, FixedU64,
};

impl<T: Config> Pallet<T> {
	/// The parameters in force.
	pub fn params() -> ParamsOf<T> {
		CurrentParams::<T>::get().unwrap_or_else(T::DefaultParams::get)
	}

	/// Blocks from the start of a round to the end of an optimistic window after it, plus the
	/// two transition blocks: a job's deadline must leave this much room for a round.
	pub(crate) fn round_length(p: &ParamsOf<T>) -> BlockNumberFor<T> {
		p.commit_window
			.saturating_add(p.reveal_window)
			.saturating_add(p.optimistic_challenge_window)
			.saturating_add(2u32.into())
	}

	/// The most openings one requester may ask of one result of a job of `queries` queries,
	/// `committed` entries each and `slots` credit slots: `max_batch_openings`.
	pub fn max_requests(queries: u32, committed: u32, slots: u32) -> u32 {
		max_batch_openings(queries, committed, slots)
	}

	/// How long the disputes of such a job can run past its deadline, at most: a requester
	/// asks at most [`Pallet::max_requests`] times, each request is answered or expires within
	/// `opening_window`, and each answer gives it `opening_window` of grace; plus the block
	/// that expires the last request and the one that ends the job.
	pub fn dispute_span(
		queries: u32,
		committed: u32,
		slots: u32,
		p: &ParamsOf<T>,
	) -> BlockNumberFor<T> {
		let steps = Self::max_requests(queries, committed, slots).saturating_mul(2);
		p.opening_window.saturating_mul(steps.into()).saturating_add(2u32.into())
	}

	/// The longest dispute any job may have: `MAX_BATCH` queries of `MaxJobItems` entries
	/// each (more than any method commits to), `MaxPaid` slots each.
	pub(crate) fn longest_dispute(p: &ParamsOf<T>) -> BlockNumberFor<T> {
		let slots = MAX_BATCH.saturating_mul(T::MaxPaid::get());
		Self::dispute_span(MAX_BATCH, T::MaxJobItems::get(), slots, p)
	}

	pub(crate) fn check_params(p: &ParamsOf<T>) -> DispatchResult {
		let largest = Self::longest_dispute(p);
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
	/// `(b"openledger/attribution/commit", job, worker, queries, credits, totals, salt)`. The
	/// worker's account is inside, so a copied commitment cannot be revealed by the copier.
	pub fn commit_hash(
		job: JobId,
		worker: &T::AccountId,
		queries: &Hash,
		credits: &Hash,
		totals: &[(T::AccountId, u128)],
		salt: &[u8; 32],
	) -> Hash {
		let preimage =
			(b"openledger/attribution/commit", job, worker, queries, credits, totals, salt);
		sp_crypto_hashing::blake2_256(&preimage.encode())
	}

	/// A result's identity: blake2-256 of the SCALE encoding of `(queries, credits, totals)`.
	/// Reveals of the same result by different workers agree exactly when these are equal.
	pub fn result_hash(queries: &Hash, credits: &Hash, totals: &[(T::AccountId, u128)]) -> Hash {
		sp_crypto_hashing::blake2_256(&(queries, credits, totals).encode())
	}

	/// Puts `params` in force if they are consistent; both origins' calls end here.
	pub(crate) fn do_set_params(params: ParamsOf<T>) -> DispatchResult {
		Self::check_params(&params)?;
		CurrentParams::<T>::put(&params);
		Self::deposit_event(Event::ParamsSet { params });
		Ok(())
	}

	/// Reports outcomes to reputation and refreshes the draw weights of those still active,
	/// with one read and one write of the active set.
	pub(crate) fn report_all(outcomes: &[(T::AccountId, Outcome)]) {
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
}

pub(crate) type ParamsOf<T> = Params<BalanceOf<T>, BlockNumberFor<T>>;

/// A reputation reward factor (0.5 to 1.5) as a draw weight in millionths, never zero.
pub(crate) fn draw_weight(factor: FixedU64) -> u32 {
	let millionths = factor.into_inner() / (FixedU64::DIV / 1_000_000);
	u32::try_from(millionths).unwrap_or(u32::MAX).max(1)
}

pub(crate) fn invalid_error<T: Config>(invalid: BatchInvalid) -> Error<T> {
	match invalid {
		BatchInvalid::Check(invalid) => check_error::<T>(invalid),
		BatchInvalid::QueryProof => Error::<T>::BadQueryProof,
		BatchInvalid::InferenceProof => Error::<T>::BadInferenceProof,
		BatchInvalid::SlotProof => Error::<T>::BadSlotProof,
		BatchInvalid::Mismatched => Error::<T>::Mismatched,
		BatchInvalid::NotAdjacent => Error::<T>::NotAdjacent,
		BatchInvalid::EmptySlot => Error::<T>::EmptySlot,
		BatchInvalid::NotPaid => Error::<T>::NotPaid,
		BatchInvalid::PaidEntries => Error::<T>::BadPaidEntries,
		BatchInvalid::NotLast => Error::<T>::NotRunEnd,
		BatchInvalid::NoSuchTotal => Error::<T>::NoSuchTotal,
	}
}

fn check_error<T: Config>(invalid: Invalid) -> Error<T> {
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
		Invalid::NotFirst => Error::<T>::NotFirst,
	}
}
