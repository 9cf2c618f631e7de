//! Weights for `pallet_rewards`. Provisional: replaced by `scripts/bench.sh pallet_rewards`.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// The weight of each call of `pallet_rewards`.
pub trait WeightInfo {
	fn record_inference(v: u32, ) -> Weight;
	fn claim() -> Weight;
	fn set_params() -> Weight;
	fn settle(p: u32, s: u32, ) -> Weight;
	fn refund() -> Weight;
}

/// Weights measured in a runtime, with that runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn record_inference(v: u32, ) -> Weight {
		Weight::from_parts(100_000_000, 10_000)
			.saturating_add(Weight::from_parts(1_100_000_000, 20_000).saturating_mul(v.into()))
			.saturating_add(T::DbWeight::get().reads_writes(5_u64, 5_u64))
	}
	fn claim() -> Weight {
		Weight::from_parts(100_000_000, 6_000)
			.saturating_add(T::DbWeight::get().reads_writes(3_u64, 3_u64))
	}
	fn set_params() -> Weight {
		Weight::from_parts(20_000_000, 0)
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn settle(p: u32, s: u32, ) -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(Weight::from_parts(40_000_000, 6_000).saturating_mul(p.into()))
			.saturating_add(Weight::from_parts(20_000_000, 3_000).saturating_mul(s.into()))
			.saturating_add(T::DbWeight::get().reads_writes(8_u64, 8_u64))
			.saturating_add(T::DbWeight::get().reads_writes(3_u64, 3_u64).saturating_mul(p.into()))
			.saturating_add(T::DbWeight::get().reads_writes(1_u64, 1_u64).saturating_mul(s.into()))
	}
	fn refund() -> Weight {
		Weight::from_parts(60_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads_writes(4_u64, 5_u64))
	}
}

impl WeightInfo for () {
	fn record_inference(v: u32, ) -> Weight {
		Weight::from_parts(100_000_000, 10_000)
			.saturating_add(Weight::from_parts(1_100_000_000, 20_000).saturating_mul(v.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(5_u64, 5_u64))
	}
	fn claim() -> Weight {
		Weight::from_parts(100_000_000, 6_000)
			.saturating_add(RocksDbWeight::get().reads_writes(3_u64, 3_u64))
	}
	fn set_params() -> Weight {
		Weight::from_parts(20_000_000, 0)
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn settle(p: u32, s: u32, ) -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(Weight::from_parts(40_000_000, 6_000).saturating_mul(p.into()))
			.saturating_add(Weight::from_parts(20_000_000, 3_000).saturating_mul(s.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(8_u64, 8_u64))
	}
	fn refund() -> Weight {
		Weight::from_parts(60_000_000, 4_000)
			.saturating_add(RocksDbWeight::get().reads_writes(4_u64, 5_u64))
	}
}
