//! Benchmarks of the rewards pallet's calls and of settlement, each at its worst case: a batch
//! or an inference of a model trained on `MaxTrainedOn` versions with the attribution pallet's
//! active set full; settlement steps over a result of `MaxTotals` distinct contributors (so each
//! step reads and writes the largest settlement) with `MaxSupporters` workers into a full payout
//! ring; and a claim that creates its payee's account.

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
	attribution::{batch::SHARE_ONE, Method},
	datanet::ContributedVersionPublisher,
};
use openledger_traits::JobOpener;
use openledger_traits::{FeeRates, ModelRegistry};
use sp_runtime::traits::Saturating;

fn contributors<T: Config>(n: u32) -> Vec<T::AccountId> {
	(0..n).map(|i| account("contributor", i, 0)).collect()
}

/// `n` contributor totals, by account, summing to the whole batch.
fn totals<T: Config>(n: u32) -> Vec<(T::AccountId, u128)> {
	let mut people = contributors::<T>(n);
	people.sort();
	people.into_iter().map(|who| (who, SHARE_ONE / n.max(1) as u128)).collect()
}

fn supporters<T: Config>(s: u32) -> Vec<T::AccountId> {
	(0..s).map(|i| account("supporter", i, 0)).collect()
}

/// Puts `amount` into the pallet's account as an escrow for `job`.
fn escrowed<T: Config>(job: JobId, amount: BalanceOf<T>) {
	funds::endow_account::<T>();
	let pot = Pallet::<T>::account_id();
	T::Currency::mint_into(&pot, amount).expect("minted");
	let escrow = Escrow::<T> {
		payer: account("payer", 0, 0),
		inference: 0,
		model: 0,
		owner: account("owner", 0, 0),
		datanet: 0,
		version: 0,
		fee: amount,
		platform: 0u32.into(),
		inferences: 1,
	};
	Escrows::<T>::insert(job, escrow);
	Escrowed::<T>::put(amount);
}

/// A queued settlement of job 7 with `MaxTotals` contributors and `s` supporters.
fn settling<T: Config>(s: u32) -> JobId {
	let job: JobId = 7;
	escrowed::<T>(job, T::Currency::minimum_balance().saturating_mul(1_000_000u32.into()));
	Pallet::<T>::open_settlement(job, &totals::<T>(T::MaxTotals::get()), &supporters::<T>(s));
	job
}

/// Fills the payout ring so that the next payout evicts the oldest.
fn full_ring<T: Config>() {
	let max = T::MaxPayouts::get();
	let old = JobId::MAX;
	PayoutRing::<T>::insert(0, old);
	let payout = Payout::<T> {
		inference: 0,
		inferences: 1,
		model: 0,
		datanet: 0,
		version: 0,
		contributors: 0,
		to_contributors: 0u32.into(),
		owner: (account("owner", 0, 0), 0u32.into()),
		workers: Default::default(),
		treasury: 0u32.into(),
		settled_at: 0u32.into(),
	};
	Payouts::<T>::insert(old, payout);
	PayoutCount::<T>::put(max as u64);
}

/// A model trained on `v` versions, workers ready, and a payer who can pay `count` inferences
/// of 1,000 input and 1,000 output tokens each.
fn model_and_payer<T: Config>(v: u32, count: u32) -> (ModelId, T::AccountId) {
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
	let each = fee.saturating_add(platform).saturating_mul(count.into());
	T::Currency::set_balance(&payer, each.saturating_add(ed.saturating_mul(10u32.into())));
	(model, payer)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn record_inference(v: Linear<1, { T::MaxTrainedOn::get() }>) {
		let (model, payer) = model_and_payer::<T>(v, 1);

		#[extrinsic_call]
		_(RawOrigin::Signed(payer), model, 1_000, 1_000, [3; 32], 1);

		assert_eq!(Escrows::<T>::iter().count() as u32, v);
	}

	/// A batch of `MAX_BATCH` inferences.
	#[benchmark]
	fn record_batch(v: Linear<1, { T::MaxTrainedOn::get() }>) {
		let count = openledger_primitives::attribution::batch::MAX_BATCH;
		let (model, payer) = model_and_payer::<T>(v, count);
		let tokens = 1_000 * count as u64;

		#[extrinsic_call]
		_(RawOrigin::Signed(payer), model, [4; 32], [5; 32], count, tokens, tokens);

		assert_eq!(Escrows::<T>::iter().count() as u32, v);
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

	/// A final job with `t` totals queued for settlement.
	#[benchmark]
	fn settle_open(t: Linear<0, { T::MaxTotals::get() }>) {
		let job: JobId = 7;
		escrowed::<T>(job, T::Currency::minimum_balance().saturating_mul(1_000_000u32.into()));
		let totals = totals::<T>(t);
		let supporters = supporters::<T>(T::MaxSupporters::get());

		#[block]
		{
			Pallet::<T>::open_settlement(job, &totals, &supporters);
		}

		assert!(Settlements::<T>::contains_key(job));
	}

	/// A step weighing `n` of `MaxTotals` totals, the settlement read and written back.
	#[benchmark]
	fn settle_weigh(n: Linear<0, { T::MaxTotals::get() }>) {
		let job = settling::<T>(T::MaxSupporters::get());

		#[block]
		{
			let mut s = Settlements::<T>::get(job).expect("queued");
			Pallet::<T>::weigh(&mut s, n);
			Settlements::<T>::insert(job, s);
		}

		let weighed = match Settlements::<T>::get(job).expect("queued").step {
			Step::Weigh { next, .. } => next,
			Step::Credit { .. } => T::MaxTotals::get(),
		};
		assert_eq!(weighed, n);
	}

	/// A step crediting `n` of `MaxTotals` contributors, the settlement read and written back.
	#[benchmark]
	fn settle_credit(n: Linear<0, { T::MaxTotals::get() }>) {
		let job = settling::<T>(T::MaxSupporters::get());
		let mut s = Settlements::<T>::get(job).expect("queued");
		Pallet::<T>::weigh(&mut s, T::MaxTotals::get());
		Settlements::<T>::insert(job, s);

		#[block]
		{
			let mut s = Settlements::<T>::get(job).expect("queued");
			Pallet::<T>::credit_contributors(job, &mut s, n);
			Settlements::<T>::insert(job, s);
		}

		let credited = match Settlements::<T>::get(job).expect("queued").step {
			Step::Credit { next, .. } => next,
			Step::Weigh { .. } => 0,
		};
		assert_eq!(credited, n);
	}

	/// The last step: the owner, `s` workers and the treasury credited, a payout kept in a full
	/// ring.
	#[benchmark]
	fn settle_close(s: Linear<0, { T::MaxSupporters::get() }>) {
		let job = settling::<T>(s);
		full_ring::<T>();
		let mut settlement = Settlements::<T>::get(job).expect("queued");
		Pallet::<T>::weigh(&mut settlement, T::MaxTotals::get());
		let paid = Pallet::<T>::credit_contributors(job, &mut settlement, T::MaxTotals::get());

		#[block]
		{
			Pallet::<T>::close_settlement(job, settlement, paid, T::MaxTotals::get());
		}

		assert!(Payouts::<T>::contains_key(job));
		assert!(!Settlements::<T>::contains_key(job));
	}

	/// The hook with nothing to settle.
	#[benchmark]
	fn settle_idle() {
		#[block]
		{
			Pallet::<T>::process_settlements(frame_support::weights::Weight::MAX);
		}
	}

	#[benchmark]
	fn refund() {
		let job: JobId = 7;
		escrowed::<T>(job, T::Currency::minimum_balance());

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
