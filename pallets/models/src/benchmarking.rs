//! Benchmarks of the models pallet's calls, each at its worst case: the longest name, the most
//! versions (each looked up), a full training record.

use super::*;
use frame_benchmarking::v2::*;
use frame_support::traits::{
	fungible::{Inspect, Mutate},
	EnsureOrigin, Get,
};
use frame_system::RawOrigin;
use openledger_primitives::{attribution::Method, datanet::VersionPublisher};
use sp_runtime::{traits::Saturating, Permill};

fn owner<T: Config>() -> T::AccountId {
	let who: T::AccountId = account("owner", 0, 0);
	let plenty = Pallet::<T>::params()
		.registration_deposit
		.saturating_add(T::Currency::minimum_balance())
		.saturating_mul(10u32.into());
	T::Currency::set_balance(&who, plenty);
	who
}

fn record<T: Config>(n: u32) -> CheckpointsOf<T> {
	let c = Checkpoint {
		hash: [7; 32],
		validation_score: Permill::from_percent(90),
		recorded_at: 0u32.into(),
	};
	alloc::vec![c; n as usize].try_into().expect("within MaxCheckpoints")
}

/// A model of `owner` on one labelled version; returns its id.
fn model<T: Config>(owner: &T::AccountId) -> ModelId {
	let (datanet, version) = T::BenchmarkHelper::publish(
		openledger_primitives::datanet::file::VersionCommitment {
			root: [1; 32],
			file_count: 2,
			item_count: 10,
		},
		8,
		3,
	);
	let trained_on: TrainedOnOf<T> = alloc::vec![(datanet, version)].try_into().expect("one fits");
	let name: NameOf<T> = alloc::vec![b'm'; 1].try_into().expect("fits");
	let fees = FeeRates { input_per_1k: 1u32.into(), output_per_1k: 2u32.into() };
	let m = Pallet::<T>::new_model(
		owner.clone(),
		name,
		[0; 32],
		[0; 32],
		AdapterKind::Lora,
		Method::KnnShapley { k: 5, t: 1_024 },
		trained_on,
		fees,
	)
	.expect("valid");
	let id = NextModelId::<T>::get();
	Pallet::<T>::do_register(m, Default::default()).expect("registers");
	id
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_model(
		v: Linear<1, { T::MaxTrainedOn::get() }>,
		c: Linear<0, { T::MaxCheckpoints::get() }>,
	) {
		let who = owner::<T>();
		let trained_on: TrainedOnOf<T> = (0..v)
			.map(|_| {
				T::BenchmarkHelper::publish(
					openledger_primitives::datanet::file::VersionCommitment {
						root: [1; 32],
						file_count: 2,
						item_count: 10,
					},
					8,
					3,
				)
			})
			.collect::<alloc::vec::Vec<_>>()
			.try_into()
			.expect("within MaxTrainedOn");
		let name: NameOf<T> =
			alloc::vec![b'm'; T::MaxNameLen::get() as usize].try_into().expect("fits");
		let fees = FeeRates { input_per_1k: 1u32.into(), output_per_1k: 2u32.into() };

		#[extrinsic_call]
		_(
			RawOrigin::Signed(who),
			name,
			[0; 32],
			[0; 32],
			AdapterKind::Qlora,
			Method::KnnShapley { k: 5, t: 1_024 },
			trained_on,
			fees,
			record::<T>(c),
		);

		assert!(Models::<T>::contains_key(0));
	}

	#[benchmark]
	fn append_checkpoints(c: Linear<1, { T::MaxCheckpoints::get() }>) {
		let who = owner::<T>();
		let id = model::<T>(&who);
		TrainingRecord::<T>::insert(id, record::<T>(T::MaxCheckpoints::get() - c));

		#[extrinsic_call]
		_(RawOrigin::Signed(who), id, record::<T>(c));

		assert_eq!(TrainingRecord::<T>::get(id).len() as u32, T::MaxCheckpoints::get());
	}

	#[benchmark]
	fn set_fees() {
		let who = owner::<T>();
		let id = model::<T>(&who);
		let fees = FeeRates { input_per_1k: 5u32.into(), output_per_1k: 6u32.into() };

		#[extrinsic_call]
		_(RawOrigin::Signed(who), id, fees);

		assert_eq!(Models::<T>::get(id).map(|m| m.fees), Some(fees));
	}

	#[benchmark]
	fn pause() {
		let who = owner::<T>();
		let id = model::<T>(&who);

		#[extrinsic_call]
		_(RawOrigin::Signed(who), id);

		assert_eq!(Models::<T>::get(id).map(|m| m.status), Some(ModelStatus::Paused));
	}

	#[benchmark]
	fn resume() {
		let who = owner::<T>();
		let id = model::<T>(&who);
		Pallet::<T>::do_set_status(&who, id, ModelStatus::Paused).expect("active");

		#[extrinsic_call]
		_(RawOrigin::Signed(who), id);

		assert_eq!(Models::<T>::get(id).map(|m| m.status), Some(ModelStatus::Active));
	}

	#[benchmark]
	fn retire() {
		let who = owner::<T>();
		let id = model::<T>(&who);

		#[extrinsic_call]
		_(RawOrigin::Signed(who), id);

		assert_eq!(Models::<T>::get(id).map(|m| m.status), Some(ModelStatus::Retired));
	}

	#[benchmark]
	fn set_params() -> Result<(), BenchmarkError> {
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let params = Params { registration_deposit: 7u32.into() };

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, params.clone());

		assert_eq!(CurrentParams::<T>::get(), Some(params));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
