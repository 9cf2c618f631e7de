//! The logic behind the calls, the registry other pallets read, and the invariants.

use crate::{funds, pallet::*, types::*, ModelRegistry, ModelView};
use alloc::vec::Vec;
use frame_support::pallet_prelude::*;
use frame_system::pallet_prelude::BlockNumberFor;
use openledger_primitives::{attribution::Method, datanet::VersionSource};

impl<T: Config> Pallet<T> {
	/// The parameters in force.
	pub fn params() -> Params<BalanceOf<T>> {
		CurrentParams::<T>::get().unwrap_or_else(T::DefaultParams::get)
	}

	/// Checks a registration and builds the model; nothing is written.
	#[allow(clippy::too_many_arguments)]
	pub(crate) fn new_model(
		owner: T::AccountId,
		name: NameOf<T>,
		base_model_hash: Hash,
		adapter_hash: Hash,
		adapter_kind: AdapterKind,
		method: Method,
		trained_on: TrainedOnOf<T>,
		fees: FeeRates<BalanceOf<T>>,
	) -> Result<Model<T>, DispatchError> {
		ensure!(!name.is_empty(), Error::<T>::EmptyName);
		ensure!(!trained_on.is_empty(), Error::<T>::NoTrainingData);
		ensure!(method.k() > 0, Error::<T>::ZeroK);
		ensure!(method.validate().is_ok(), Error::<T>::BadTop);
		for (i, (datanet, version)) in trained_on.iter().enumerate() {
			ensure!(!trained_on[..i].contains(&(*datanet, *version)), Error::<T>::DuplicateVersion);
			let info =
				T::Versions::version_info(*datanet, *version).ok_or(Error::<T>::UnknownVersion)?;
			ensure!(!method.needs_labels() || info.num_labels > 0, Error::<T>::UnlabelledDatanet);
		}
		Ok(Model {
			owner,
			name,
			base_model_hash,
			adapter_hash,
			adapter_kind,
			method,
			trained_on,
			fees,
			status: ModelStatus::Active,
			deposit: Self::params().registration_deposit,
			registered_at: frame_system::Pallet::<T>::block_number(),
		})
	}

	/// Stamps checkpoints with this block.
	fn stamped(checkpoints: CheckpointsOf<T>) -> Vec<Checkpoint<BlockNumberFor<T>>> {
		let now = frame_system::Pallet::<T>::block_number();
		checkpoints.into_iter().map(|c| Checkpoint { recorded_at: now, ..c }).collect()
	}

	pub(crate) fn do_register(model: Model<T>, checkpoints: CheckpointsOf<T>) -> DispatchResult {
		let id = NextModelId::<T>::get();
		NextModelId::<T>::put(id.checked_add(1).ok_or(Error::<T>::Overflow)?);
		funds::hold_deposit::<T>(&model.owner, model.deposit)?;
		let record: CheckpointsOf<T> =
			Self::stamped(checkpoints).try_into().map_err(|_| Error::<T>::TooManyCheckpoints)?;
		TrainingRecord::<T>::insert(id, record);
		Self::deposit_event(Event::ModelRegistered {
			model: id,
			owner: model.owner.clone(),
			deposit: model.deposit,
		});
		Models::<T>::insert(id, model);
		Ok(())
	}

	/// The model, if `who` owns it and it is not retired.
	fn owned_live(who: &T::AccountId, id: ModelId) -> Result<Model<T>, DispatchError> {
		let model = Models::<T>::get(id).ok_or(Error::<T>::UnknownModel)?;
		ensure!(model.owner == *who, Error::<T>::NotOwner);
		ensure!(model.status != ModelStatus::Retired, Error::<T>::Retired);
		Ok(model)
	}

	pub(crate) fn do_append(
		who: &T::AccountId,
		id: ModelId,
		checkpoints: CheckpointsOf<T>,
	) -> DispatchResult {
		Self::owned_live(who, id)?;
		ensure!(!checkpoints.is_empty(), Error::<T>::NoCheckpoints);
		let added = checkpoints.len() as u32;
		let mut record = TrainingRecord::<T>::get(id);
		for c in Self::stamped(checkpoints) {
			record.try_push(c).map_err(|_| Error::<T>::TooManyCheckpoints)?;
		}
		let total = record.len() as u32;
		TrainingRecord::<T>::insert(id, record);
		Self::deposit_event(Event::CheckpointsAppended { model: id, added, total });
		Ok(())
	}

	pub(crate) fn do_set_fees(
		who: &T::AccountId,
		id: ModelId,
		fees: FeeRates<BalanceOf<T>>,
	) -> DispatchResult {
		let mut model = Self::owned_live(who, id)?;
		model.fees = fees;
		Models::<T>::insert(id, model);
		Self::deposit_event(Event::FeesSet { model: id, fees });
		Ok(())
	}

	pub(crate) fn do_set_status(
		who: &T::AccountId,
		id: ModelId,
		status: ModelStatus,
	) -> DispatchResult {
		let mut model = Self::owned_live(who, id)?;
		match status {
			ModelStatus::Paused => {
				ensure!(model.status == ModelStatus::Active, Error::<T>::AlreadyPaused)
			},
			_ => ensure!(model.status == ModelStatus::Paused, Error::<T>::NotPaused),
		}
		model.status = status;
		Models::<T>::insert(id, model);
		Self::deposit_event(match status {
			ModelStatus::Paused => Event::ModelPaused { model: id },
			_ => Event::ModelResumed { model: id },
		});
		Ok(())
	}

	pub(crate) fn do_retire(who: &T::AccountId, id: ModelId) -> DispatchResult {
		let mut model = Self::owned_live(who, id)?;
		let deposit_released = funds::release_deposit::<T>(&model.owner, model.deposit);
		model.status = ModelStatus::Retired;
		Models::<T>::insert(id, model);
		Self::deposit_event(Event::ModelRetired { model: id, deposit_released });
		Ok(())
	}

	/// Checks the invariants:
	/// - each owner's held registration deposits equal the deposits of its models that are
	///   not retired;
	/// - every model id is below the next id, and every training record belongs to a model.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::BTreeMap;
		use sp_runtime::{traits::Saturating, TryRuntimeError};
		let next = NextModelId::<T>::get();
		let mut owed: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		for (id, model) in Models::<T>::iter() {
			ensure!(id < next, TryRuntimeError::Other("model id not below the next id"));
			let entry = owed.entry(model.owner.clone()).or_default();
			if model.status != ModelStatus::Retired {
				*entry = entry.saturating_add(model.deposit);
			}
		}
		for (owner, amount) in owed {
			ensure!(
				funds::deposits_held::<T>(&owner) == amount,
				TryRuntimeError::Other("deposit held differs")
			);
		}
		for id in TrainingRecord::<T>::iter_keys() {
			ensure!(
				Models::<T>::contains_key(id),
				TryRuntimeError::Other("training record without its model")
			);
		}
		Ok(())
	}
}

impl<T: Config> ModelRegistry<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn active_model(id: ModelId) -> Option<ModelView<T::AccountId, BalanceOf<T>>> {
		let model = Models::<T>::get(id).filter(|m| m.status == ModelStatus::Active)?;
		Some(ModelView {
			owner: model.owner,
			method: model.method,
			trained_on: model.trained_on.into_inner(),
			fees: model.fees,
		})
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn register_for_benchmarks(
		owner: &T::AccountId,
		method: openledger_primitives::attribution::Method,
		trained_on: alloc::vec::Vec<(u32, u32)>,
		fees: FeeRates<BalanceOf<T>>,
	) -> ModelId {
		use sp_runtime::traits::Zero;
		let id = NextModelId::<T>::get();
		NextModelId::<T>::put(id.saturating_add(1));
		let model = Model::<T> {
			owner: owner.clone(),
			name: Default::default(),
			base_model_hash: [1; 32],
			adapter_hash: [2; 32],
			adapter_kind: AdapterKind::Lora,
			method,
			trained_on: TrainedOnOf::<T>::truncate_from(trained_on),
			fees,
			status: ModelStatus::Active,
			deposit: Zero::zero(),
			registered_at: frame_system::Pallet::<T>::block_number(),
		};
		Models::<T>::insert(id, model);
		id
	}
}
