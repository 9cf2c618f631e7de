//! Benchmarks of the rewards pallet's calls and of settlement, each at its worst case: an
//! inference of a model trained on `MaxTrainedOn` versions with the attribution pallet's active
//! set full, a settlement with `MaxPaid` distinct contributors and `MaxSupporters` workers into
//! a full payout ring, and a claim that creates its payee's account.

use super::*;
use crate::types::*;
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::traits::{
	fungible::{Inspect, Mutate},
	EnsureOrigin, Get,
};
use frame_system::RawOrigin;
use openledger_primitives::{
	attribution::{Entry, Method},
	datanet::ContributedVersionPublisher,
};
use openledger_traits::JobOpener;
use openledger_traits::{FeeRates, ModelRegistry};
use sp_runtime::traits::Saturating;

fn contributors<T: Config>(n: u32) -> Vec<T::AccountId> {
	(0..n).map(|i| account("contributor", i, 0)).collect()
}

/// Puts `amount` into the pallet's account as an escrow for `job`.
fn escrowed<T: Config>(job: JobId, datanet: u32, version: u32, amount: BalanceOf<T>) {
	funds::endow_account::<T>();
	let pot = Pallet::<T>::account_id();
	T::Currency::mint_into(&pot, amount).expect("minted");
	let escrow = Escrow::<T> {
		payer: account("payer", 0, 0),
		inference: 0,
		model: 0,
		owner: account("owner", 0, 0),
		datanet,
		version,
		fee: amount,
		platform: 0u32.into(),
	};
	Escrows::<T>::insert(job, escrow);
	Escrowed::<T>::put(amount);
}

/// Fills the payout ring so that the next payout evicts the oldest.
fn full_ring<T: Config>() {
	let max = T::MaxPayouts::get();
	let old = JobId::MAX;
	PayoutRing::<T>::insert(0, old);
	let payout = Payout::<T> {
		inference: 0,
		model: 0,
		datanet: 0,
		version: 0,
		contributors: Default::default(),
		owner: (account("owner", 0, 0), 0u32.into()),
		workers: Default::default(),
		treasury: 0u32.into(),
		settled_at: 0u32.into(),
	};
	Payouts::<T>::insert(old, payout);
	PayoutCount::<T>::put(max as u64);
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn record_inference(v: Linear<1, { T::MaxTrainedOn::get() }>) {
		funds::endow_account::<T>();
		let people = contributors::<T>(16);
		let versions: Vec<(u32, u32)> =
			(0..v).map(|_| T::BenchmarkHelper::publish_contributed(&people, 8, 4)).collect();
		let owner: T::AccountId = account("owner", 0, 0);
		let ed = T::Currency::minimum_balance();
		let fees = FeeRates { input_per_1k: ed, output_per_1k: ed };
		let model = T::Models::register_for_benchmarks(
			&owner,
			Method::KnnShapley { k: 5, t: 1_024 },
			versions,
			fees,
		);
		T::Jobs::prepare_workers();
		let payer: T::AccountId = whitelisted_caller();
		let (fee, platform) = Pallet::<T>::quote(model, 1_000, 1_000).expect("priced");
		T::Currency::set_balance(
			&payer,
			fee.saturating_add(platform).saturating_add(ed.saturating_mul(10u32.into())),
		);

		#[extrinsic_call]
		_(RawOrigin::Signed(payer), model, 1_000, 1_000, [3; 32], 1);

		assert_eq!(Escrows::<T>::iter().count() as u32, v);
		assert_eq!(Escrowed::<T>::get(), fee.saturating_add(platform));
	}

	#[benchmark]
	fn claim() {
		funds::endow_account::<T>();
		let who: T::AccountId = account("claimant", 0, 0);
		let amount = T::Currency::minimum_balance().saturating_mul(10u32.into());
		T::Currency::mint_into(&Pallet::<T>::account_id(), amount).expect("minted");
		Claimable::<T>::insert(&who, amount);
		TotalClaimable::<T>::put(amount);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert_eq!(T::Currency::balance(&who), amount);
		assert!(TotalClaimable::<T>::get() == 0u32.into());
	}

	#[benchmark]
	fn set_params() -> Result<(), BenchmarkError> {
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let mut params = T::DefaultParams::get();
		params.knn_paid = 1;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, params.clone());

		assert_eq!(CurrentParams::<T>::get(), Some(params));
		Ok(())
	}

	#[benchmark]
	fn settle(p: Linear<1, { T::MaxPaid::get() }>, s: Linear<1, { T::MaxSupporters::get() }>) {
		let people = contributors::<T>(p);
		let (datanet, version) = T::BenchmarkHelper::publish_contributed(&people, 8, 4);
		let job: JobId = 7;
		escrowed::<T>(
			job,
			datanet,
			version,
			T::Currency::minimum_balance().saturating_mul(1_000_000u32.into()),
		);
		full_ring::<T>();
		let paid: Vec<Entry> = (0..p)
			.map(|i| Entry { rank: i, index: i, distance: i, value: 1_000 + i as i64 })
			.collect();
		let supporters: Vec<T::AccountId> = (0..s).map(|i| account("supporter", i, 0)).collect();

		#[block]
		{
			Pallet::<T>::settle(job, &paid, &supporters);
		}

		assert!(Payouts::<T>::get(job).is_some_and(|payout| payout.contributors.len() as u32 == p));
		assert!(Escrows::<T>::get(job).is_none());
	}

	#[benchmark]
	fn refund() {
		let job: JobId = 7;
		escrowed::<T>(job, 0, 0, T::Currency::minimum_balance());

		#[block]
		{
			Pallet::<T>::refund(job);
		}

		assert!(Escrows::<T>::get(job).is_none());
		assert_eq!(
			Claimable::<T>::get(&account::<T::AccountId>("payer", 0, 0)),
			T::Currency::minimum_balance()
		);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
