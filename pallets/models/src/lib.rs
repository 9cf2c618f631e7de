//! # Models
//!
//! Models trained on Datanet versions, registered so that their paid inferences can be
//! attributed to the data they learned from. A model records its base model and adapter hashes
//! (LoRA or QLoRA), the attribution method its inferences use, the Datanet versions it was
//! trained on, its fee rates per 1,000 input and output tokens, and a training record of
//! checkpoints with validation scores that its owner appends to.
//!
//! - [`Pallet::register_model`] holds the registration deposit and checks every named version
//!   is published (through [`Config::Versions`]).
//! - [`Pallet::append_checkpoints`] extends the training record, up to
//!   [`Config::MaxCheckpoints`] in all.
//! - [`Pallet::set_fees`] changes the rates for later inferences.
//! - [`Pallet::pause`], [`Pallet::resume`] and [`Pallet::retire`]: a paused or retired model
//!   takes no paid inferences; retiring is final and releases the deposit.
//!
//! Other pallets read models through [`ModelRegistry`].

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

mod funds;
mod impls;
pub mod types;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use types::*;
pub use weights::WeightInfo;

/// Models as other pallets see them (defined in `openledger-traits`).
pub use openledger_traits::{ModelRegistry, ModelView};

// `register_model` takes a model's whole description as arguments (seven, with the origin eight,
// and nine in the call constructor FRAME generates): the lint is allowed for the pallet module,
// as polkadot-sdk's own pallets do for their larger calls.
#[allow(clippy::too_many_arguments)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{pallet_prelude::*, traits::fungible};
	use frame_system::pallet_prelude::*;
	use openledger_primitives::{attribution::Method, datanet::VersionSource};

	/// The storage layout version; bump it with a migration.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A model's registration deposit, held until it is retired.
		RegistrationDeposit,
	}

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The native currency: deposits are holds on it.
		type Currency: fungible::Mutate<Self::AccountId>
			+ fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The runtime's hold reasons.
		type RuntimeHoldReason: From<HoldReason>;

		/// Published Datanet versions.
		type Versions: VersionSource;

		/// Who may change [`Params`]; the runtime gives it the `parameters` governance track (and
		/// Root).
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The parameters in force until the first [`Pallet::set_params`].
		type DefaultParams: Get<Params<BalanceOf<Self>>>;

		/// Longest name in bytes; the model card lives off-chain.
		#[pallet::constant]
		type MaxNameLen: Get<u32>;

		/// Most Datanet versions one model names; each paid inference opens one attribution
		/// job per version, so this bounds that too.
		#[pallet::constant]
		type MaxTrainedOn: Get<u32>;

		/// Most checkpoints in a training record.
		#[pallet::constant]
		type MaxCheckpoints: Get<u32>;

		/// Publishes versions for the benchmarks to train models on.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: openledger_primitives::datanet::VersionPublisher;

		/// Weights of this pallet's calls, from its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// The id the next model gets.
	#[pallet::storage]
	pub type NextModelId<T> = StorageValue<_, ModelId, ValueQuery>;

	/// Every model ever registered, retired ones included.
	#[pallet::storage]
	pub type Models<T: Config> = StorageMap<_, Twox64Concat, ModelId, Model<T>, OptionQuery>;

	/// Each model's training record, oldest first.
	#[pallet::storage]
	pub type TrainingRecord<T: Config> =
		StorageMap<_, Twox64Concat, ModelId, CheckpointsOf<T>, ValueQuery>;

	/// The parameters in force; `None` until set, then [`Config::DefaultParams`] applies.
	#[pallet::storage]
	pub type CurrentParams<T: Config> = StorageValue<_, Params<BalanceOf<T>>, OptionQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A model was registered and its deposit held.
		ModelRegistered { model: ModelId, owner: T::AccountId, deposit: BalanceOf<T> },
		/// Checkpoints were added to a training record, which now holds `total`.
		CheckpointsAppended { model: ModelId, added: u32, total: u32 },
		/// New fee rates apply to later inferences.
		FeesSet { model: ModelId, fees: FeeRates<BalanceOf<T>> },
		/// The model takes no paid inferences until resumed.
		ModelPaused { model: ModelId },
		/// The model takes paid inferences again.
		ModelResumed { model: ModelId },
		/// The model is retired for good and its deposit released.
		ModelRetired { model: ModelId, deposit_released: BalanceOf<T> },
		/// New parameters are in force.
		ParamsSet { params: Params<BalanceOf<T>> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The name is empty.
		EmptyName,
		/// A model must name at least one Datanet version.
		NoTrainingData,
		/// A named Datanet version is not published.
		UnknownVersion,
		/// A Datanet version is named twice.
		DuplicateVersion,
		/// The method's `k` is 0.
		ZeroK,
		/// KNN-Shapley's `t` (how many nearest items are valued) is below its `k` or above
		/// `MAX_TOP` (2^16).
		BadTop,
		/// KNN-Shapley needs labels, and a named Datanet is unlabelled.
		UnlabelledDatanet,
		/// The owner cannot pay the registration deposit.
		InsufficientBalanceForDeposit,
		/// No model has this id.
		UnknownModel,
		/// Only the model's owner may do this.
		NotOwner,
		/// The model is retired.
		Retired,
		/// The model is already paused.
		AlreadyPaused,
		/// The model is not paused.
		NotPaused,
		/// No checkpoints given.
		NoCheckpoints,
		/// The training record would exceed `MaxCheckpoints`.
		TooManyCheckpoints,
		/// A counter reached its maximum.
		Overflow,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MaxNameLen::get() > 0, "names need room");
			assert!(T::MaxTrainedOn::get() > 0, "a model names at least one version");
			assert!(T::MaxCheckpoints::get() > 0, "training records need room");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers a model owned by the caller.
		///
		/// - Origin: signed; the caller becomes the owner.
		/// - Checks: a non-empty name; at least one Datanet version, each published and named
		///   once; `k > 0`; for KNN-Shapley, `k <= t <= 2^16` and labelled Datanets; free balance for the
		///   registration deposit, which is held. `checkpoints` (possibly empty) start the
		///   training record; their `recorded_at` is set to this block.
		/// - Emits [`Event::ModelRegistered`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_model(trained_on.len() as u32, checkpoints.len() as u32))]
		pub fn register_model(
			origin: OriginFor<T>,
			name: NameOf<T>,
			base_model_hash: Hash,
			adapter_hash: Hash,
			adapter_kind: AdapterKind,
			method: Method,
			trained_on: TrainedOnOf<T>,
			fees: FeeRates<BalanceOf<T>>,
			checkpoints: CheckpointsOf<T>,
		) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			let model = Self::new_model(
				owner,
				name,
				base_model_hash,
				adapter_hash,
				adapter_kind,
				method,
				trained_on,
				fees,
			)?;
			Self::do_register(model, checkpoints)
		}

		/// Appends checkpoints to a training record; `recorded_at` is set to this block.
		///
		/// - Origin: signed, the model's owner.
		/// - Checks: the model is not retired; at least one checkpoint; the record stays within
		///   `MaxCheckpoints`.
		/// - Emits [`Event::CheckpointsAppended`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::append_checkpoints(checkpoints.len() as u32))]
		pub fn append_checkpoints(
			origin: OriginFor<T>,
			model: ModelId,
			checkpoints: CheckpointsOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_append(&who, model, checkpoints)
		}

		/// Sets the fee rates; inferences already recorded keep the fee they paid.
		///
		/// - Origin: signed, the model's owner.
		/// - Checks: the model is not retired.
		/// - Emits [`Event::FeesSet`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_fees())]
		pub fn set_fees(
			origin: OriginFor<T>,
			model: ModelId,
			fees: FeeRates<BalanceOf<T>>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_fees(&who, model, fees)
		}

		/// Stops paid inferences until [`Pallet::resume`].
		///
		/// - Origin: signed, the model's owner.
		/// - Checks: the model is active.
		/// - Emits [`Event::ModelPaused`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::pause())]
		pub fn pause(origin: OriginFor<T>, model: ModelId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_status(&who, model, ModelStatus::Paused)
		}

		/// Takes paid inferences again.
		///
		/// - Origin: signed, the model's owner.
		/// - Checks: the model is paused.
		/// - Emits [`Event::ModelResumed`].
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::resume())]
		pub fn resume(origin: OriginFor<T>, model: ModelId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_status(&who, model, ModelStatus::Active)
		}

		/// Retires the model for good and releases its deposit. Its record stays readable.
		///
		/// - Origin: signed, the model's owner.
		/// - Checks: the model is not retired.
		/// - Emits [`Event::ModelRetired`].
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::retire())]
		pub fn retire(origin: OriginFor<T>, model: ModelId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_retire(&who, model)
		}

		/// Sets the registration deposit; deposits already held keep their amounts.
		///
		/// - Origin: [`Config::AdminOrigin`].
		/// - Emits [`Event::ParamsSet`].
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::set_params())]
		pub fn set_params(origin: OriginFor<T>, params: Params<BalanceOf<T>>) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			CurrentParams::<T>::put(&params);
			Self::deposit_event(Event::ParamsSet { params });
			Ok(())
		}
	}
}
