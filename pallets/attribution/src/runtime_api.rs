//! The runtime API clients use to read workers, open jobs and final results.

use crate::types::JobId;
use codec::Codec;

sp_api::decl_runtime_apis! {
	/// Reads of the attribution pallet. The runtime fills in its own types for `Worker`, `Job`
	/// and `FinalResult` (`pallet_attribution::{Worker<Balance, BlockNumber>, Job<Runtime>,
	/// FinalResult<Runtime>}`).
	pub trait AttributionApi<AccountId, Worker, Job, FinalResult>
	where
		AccountId: Codec,
		Worker: Codec,
		Job: Codec,
		FinalResult: Codec,
	{
		/// A registered worker, active or unbonding.
		fn worker(who: AccountId) -> Option<Worker>;
		/// A job that is not final yet: its phase, windows and assigned workers.
		fn job(id: JobId) -> Option<Job>;
		/// A final result, while it is among the newest `MaxFinalized`.
		fn final_result(id: JobId) -> Option<FinalResult>;
	}
}
