//! Score arithmetic, the traits other pallets call, and the invariants.

use crate::{
	pallet::*,
	types::{HistoryEntry, Outcome, Params, Record, Role, MAX_SCORE, NEUTRAL_SCORE},
	ReputationReporter, SlashHeld,
};
use frame_support::{
	pallet_prelude::*,
	traits::{fungible, Defensive},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
	traits::{Saturating, UniqueSaturatedInto, Zero},
	FixedU64, Perbill,
};

type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// Decay steps are capped at this many, which keeps the exponentiation short. (1 - decay)^4096
/// is below one part in a million, so the score is back at neutral, for any decay of 0.4% or
/// more; with a smaller decay a score idle for longer than 4096 periods decays as if 4096 had
/// passed.
const MAX_DECAY_STEPS: u32 = 4096;

impl<T: Config> Pallet<T> {
	/// The parameters in force.
	pub fn params() -> Params<BlockNumberFor<T>> {
		CurrentParams::<T>::get().unwrap_or_else(T::DefaultParams::get)
	}

	pub(crate) fn check_params(params: &Params<BlockNumberFor<T>>) -> DispatchResult {
		ensure!(!params.decay_period.is_zero(), Error::<T>::ZeroDecayPeriod);
		ensure!(
			params.positive_gain <= MAX_SCORE && params.negative_penalty <= MAX_SCORE,
			Error::<T>::StepTooLarge
		);
		Ok(())
	}

	/// `score` as of `now`, having decayed toward neutral since `since`.
	pub fn decayed(score: u32, since: BlockNumberFor<T>, now: BlockNumberFor<T>) -> u32 {
		let params = Self::params();
		let elapsed: u32 = now.saturating_sub(since).unique_saturated_into();
		let period: u32 = params.decay_period.unique_saturated_into();
		let steps = elapsed.checked_div(period).unwrap_or(0).min(MAX_DECAY_STEPS);
		if steps == 0 || params.decay.is_zero() {
			return score;
		}
		let keep = Perbill::one().saturating_sub(params.decay).saturating_pow(steps as usize);
		if score >= NEUTRAL_SCORE {
			NEUTRAL_SCORE.saturating_add(keep.mul_floor(score - NEUTRAL_SCORE))
		} else {
			NEUTRAL_SCORE.saturating_sub(keep.mul_floor(NEUTRAL_SCORE - score))
		}
	}

	/// The current score of `who` in `role`, decay included.
	pub fn score(who: &T::AccountId, role: Role) -> u32 {
		let now = frame_system::Pallet::<T>::block_number();
		Scores::<T>::get(who, role)
			.map(|record| Self::decayed(record.score, record.updated, now))
			.unwrap_or(NEUTRAL_SCORE)
	}

	fn apply(who: &T::AccountId, role: Role, outcome: Outcome) -> u32 {
		let now = frame_system::Pallet::<T>::block_number();
		let params = Self::params();
		let mut record = Scores::<T>::get(who, role).unwrap_or(Record {
			score: NEUTRAL_SCORE,
			updated: now,
			history: Default::default(),
		});
		let current = Self::decayed(record.score, record.updated, now);
		let score = match outcome {
			Outcome::Positive => current.saturating_add(params.positive_gain).min(MAX_SCORE),
			Outcome::Negative => current.saturating_sub(params.negative_penalty),
		};
		record.score = score;
		record.updated = now;
		let entry = HistoryEntry { at: now, outcome, score };
		if record.history.is_full() && !record.history.is_empty() {
			record.history.remove(0);
		}
		// Cannot fail: a slot was freed above; defensive in case MaxHistory is zero.
		let _ = record.history.try_push(entry).defensive_proof("room was made above");
		Scores::<T>::insert(who, role, record);
		Self::deposit_event(Event::ScoreChanged { who: who.clone(), role, outcome, score });
		score
	}

	/// Checks the invariants:
	/// - every stored score is at most [`MAX_SCORE`];
	/// - a record's history is not empty and its newest entry holds the stored score, at the
	///   block the record was last updated;
	/// - history entries are in block order;
	/// - the parameters in force pass the checks of `set_params`.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		Self::check_params(&Self::params()).map_err(|_| "parameters in force are invalid")?;
		for (_, _, record) in Scores::<T>::iter() {
			ensure!(record.score <= MAX_SCORE, "score above MAX_SCORE");
			let last = record.history.last().ok_or("record without history")?;
			ensure!(last.score == record.score, "newest history entry disagrees with the score");
			ensure!(last.at == record.updated, "newest history entry is not the last update");
			ensure!(
				record.history.windows(2).all(|w| w[0].at <= w[1].at),
				"history out of block order"
			);
		}
		Ok(())
	}
}

impl<T: Config> ReputationReporter<T::AccountId> for Pallet<T> {
	fn report(who: &T::AccountId, role: Role, outcome: Outcome) -> FixedU64 {
		crate::types::reward_factor(Self::apply(who, role, outcome))
	}

	fn reward_factor(who: &T::AccountId, role: Role) -> FixedU64 {
		crate::types::reward_factor(Self::score(who, role))
	}
}

impl<T: Config> SlashHeld<T::AccountId> for Pallet<T> {
	type Reason = T::RuntimeHoldReason;
	type Balance = BalanceOf<T>;

	fn slash_held(
		reason: &T::RuntimeHoldReason,
		who: &T::AccountId,
		fraction: Perbill,
		bond: BalanceOf<T>,
	) -> BalanceOf<T> {
		let asked = fraction.mul_floor(bond);
		if asked.is_zero() {
			return Zero::zero();
		}
		let amount = crate::funds::slash_to_treasury::<T>(reason, who, asked);
		Self::deposit_event(Event::Slashed { who: who.clone(), reason: *reason, amount });
		amount
	}
}
