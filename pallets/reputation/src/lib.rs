//! # Reputation
//!
//! A score per account and [`Role`] (contributor, curator, worker) that moves with every outcome
//! other pallets report, and slashing of held bonds as a service to those pallets.
//!
//! - Scores run from 0 to [`MAX_SCORE`] and start at [`NEUTRAL_SCORE`]. A positive outcome adds
//!   `positive_gain`, a negative one takes `negative_penalty`; both saturate at the ends.
//! - Scores decay toward neutral: every `decay_period` blocks the distance to neutral shrinks by
//!   `decay`. Decay is applied lazily, when the score is next read or reported.
//! - The last [`Config::MaxHistory`] outcomes are kept per account and role.
//! - [`ReputationReporter::report`] returns the reward weight factor, `0.5 + score / MAX_SCORE`
//!   (0.5 to 1.5, neutral 1.0), which rewards multiply shares by.
//! - [`SlashHeld::slash_held`] takes a fraction of a bond another pallet holds, sends it to the
//!   treasury through [`Config::OnSlash`] and emits [`Event::Slashed`].
//!
//! Other pallets reach this one only through [`ReputationReporter`] and [`SlashHeld`].
//! Penalty sizes and decay are [`Params`], set by [`Config::AdminOrigin`] (the `parameters`
//! governance track in the runtime) with [`Pallet::set_params`].

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

mod funds;
mod impls;
pub mod traits;
pub mod types;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use traits::{ReputationReporter, SlashHeld};
pub use types::{
	reward_factor, HistoryEntry, Outcome, Params, Record, Role, MAX_SCORE, NEUTRAL_SCORE,
};
pub use weights::WeightInfo;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::{fungible, tokens::fungible::Credit, OnUnbalanced},
	};
	use frame_system::pallet_prelude::*;

	/// The storage layout version; bump it with a migration.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The runtime's hold reasons; slashes name the hold they take from.
		type RuntimeHoldReason: Parameter + Member + MaxEncodedLen + Copy;

		/// The native currency, whose holds are slashed.
		type Currency: fungible::hold::Balanced<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// Where slashed funds go: the treasury.
		type OnSlash: OnUnbalanced<Credit<Self::AccountId, Self::Currency>>;

		/// Who may change [`Params`]; the runtime gives it the `parameters` governance track (and
		/// Root).
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The parameters in force until the first [`Pallet::set_params`].
		type DefaultParams: Get<Params<BlockNumberFor<Self>>>;

		/// How many recent outcomes are kept per account and role. Enough to show a trend in a
		/// wallet or explorer; the score itself carries the long-run memory.
		#[pallet::constant]
		type MaxHistory: Get<u32>;

		/// Weights of this pallet's calls, from its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Each account's record per role. Absent means never reported: neutral.
	#[pallet::storage]
	pub type Scores<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		Role,
		Record<BlockNumberFor<T>, T::MaxHistory>,
		OptionQuery,
	>;

	/// The parameters in force; `None` until set, then [`Config::DefaultParams`] applies.
	#[pallet::storage]
	pub type CurrentParams<T: Config> = StorageValue<_, Params<BlockNumberFor<T>>, OptionQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An outcome moved a score.
		ScoreChanged { who: T::AccountId, role: Role, outcome: Outcome, score: u32 },
		/// Part of a held bond was taken and sent to the treasury.
		Slashed {
			who: T::AccountId,
			reason: T::RuntimeHoldReason,
			amount: <T::Currency as fungible::Inspect<T::AccountId>>::Balance,
		},
		/// New parameters are in force.
		ParamsSet { params: Params<BlockNumberFor<T>> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// `decay_period` must be at least one block.
		ZeroDecayPeriod,
		/// A gain or penalty larger than the whole score range.
		StepTooLarge,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MaxHistory::get() > 0, "MaxHistory must keep at least one entry");
			assert!(
				Self::check_params(&T::DefaultParams::get()).is_ok(),
				"DefaultParams must pass the checks set_params applies"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Sets the penalty sizes and decay.
		///
		/// - Origin: [`Config::AdminOrigin`].
		/// - Checks: `decay_period` is not zero; gain and penalty are at most [`MAX_SCORE`].
		/// - Emits [`Event::ParamsSet`]. Scores already stored are not recomputed: the new decay
		///   applies from their next read.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::set_params())]
		pub fn set_params(
			origin: OriginFor<T>,
			params: Params<BlockNumberFor<T>>,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::check_params(&params)?;
			CurrentParams::<T>::put(&params);
			Self::deposit_event(Event::ParamsSet { params });
			Ok(())
		}
	}
}
