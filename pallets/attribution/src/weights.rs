//! Weights for `pallet_attribution`. Bootstrap values until the benchmarks run; regenerate with
//! the command in `docs/BENCHMARKS.md`.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// The weight of each call of `pallet_attribution`.
pub trait WeightInfo {
	fn register_worker() -> Weight;
	fn unregister_worker() -> Weight;
	fn withdraw_unbonded() -> Weight;
	fn open_job(w: u32) -> Weight;
	fn commit() -> Weight;
	fn reveal(p: u32) -> Weight;
	fn challenge_rank_mismatch() -> Weight;
	fn challenge_wrong_distance(d: u32) -> Weight;
	fn challenge_out_of_order() -> Weight;
	fn challenge_wrong_knn_step() -> Weight;
	fn challenge_wrong_knn_last() -> Weight;
	fn challenge_wrong_similarity() -> Weight;
	fn challenge_repeated_index() -> Weight;
	fn challenge_index_out_of_range() -> Weight;
	fn challenge_paid_mismatch() -> Weight;
	fn challenge_unpaid_beats_paid(d: u32) -> Weight;
	fn set_params() -> Weight;
	fn expire_opening() -> Weight;
	fn open_entry() -> Weight;
	fn request_opening() -> Weight;
	fn tally(r: u32) -> Weight;
	fn tally_reopen(w: u32) -> Weight;
	fn finalize(r: u32) -> Weight;
	fn on_initialize_idle() -> Weight;
}

impl WeightInfo for () {
	fn register_worker() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn unregister_worker() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn withdraw_unbonded() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn open_job(_w: u32) -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn commit() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn reveal(_p: u32) -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn challenge_rank_mismatch() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn challenge_wrong_distance(_d: u32) -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn challenge_out_of_order() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn challenge_wrong_knn_step() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn challenge_wrong_knn_last() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn challenge_wrong_similarity() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn challenge_repeated_index() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn challenge_index_out_of_range() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn challenge_paid_mismatch() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn challenge_unpaid_beats_paid(_d: u32) -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn set_params() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn expire_opening() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn open_entry() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn request_opening() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn tally(_r: u32) -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn tally_reopen(_w: u32) -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn finalize(_r: u32) -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn on_initialize_idle() -> Weight { Weight::from_parts(100_000_000, 10_000) }
}

/// Bootstrap weights for the runtime until the benchmarks run.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register_worker() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn unregister_worker() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn withdraw_unbonded() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn open_job(_w: u32) -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn commit() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn reveal(_p: u32) -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn challenge_rank_mismatch() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn challenge_wrong_distance(_d: u32) -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn challenge_out_of_order() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn challenge_wrong_knn_step() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn challenge_wrong_knn_last() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn challenge_wrong_similarity() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn challenge_repeated_index() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn challenge_index_out_of_range() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn challenge_paid_mismatch() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn challenge_unpaid_beats_paid(_d: u32) -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn set_params() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn expire_opening() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn open_entry() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn request_opening() -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn tally(_r: u32) -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn tally_reopen(_w: u32) -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn finalize(_r: u32) -> Weight { Weight::from_parts(100_000_000, 10_000) }
	fn on_initialize_idle() -> Weight { Weight::from_parts(100_000_000, 10_000) }
}
