//! Weights for `pallet_models`. Bootstrap values until the benchmarks run; regenerate with
//! the command in `docs/BENCHMARKS.md`.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// The weight of each call of `pallet_models`.
pub trait WeightInfo {
	fn register_model(v: u32, c: u32) -> Weight;
	fn append_checkpoints(c: u32) -> Weight;
	fn set_fees() -> Weight;
	fn pause() -> Weight;
	fn resume() -> Weight;
	fn retire() -> Weight;
	fn set_params() -> Weight;
}

impl WeightInfo for () {
	fn register_model(_v: u32, _c: u32) -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn append_checkpoints(_c: u32) -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn set_fees() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn pause() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn resume() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn retire() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn set_params() -> Weight { Weight::from_parts(100_000_000, 10_000) }
}

/// Bootstrap weights for the runtime until the benchmarks run.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register_model(_v: u32, _c: u32) -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn append_checkpoints(_c: u32) -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn set_fees() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn pause() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn resume() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn retire() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn set_params() -> Weight { Weight::from_parts(100_000_000, 10_000) }
}
