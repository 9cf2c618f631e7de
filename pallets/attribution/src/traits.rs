//! How other pallets use attribution: open jobs, and hear how they end.

use crate::types::{JobId, JobSpec};
use openledger_primitives::attribution::Entry;
use sp_runtime::DispatchError;

/// Opens attribution jobs; the paid-inference pallet calls it for every inference.
pub trait JobOpener<AccountId, BlockNumber> {
	/// Opens a job paid for by `payer` and assigns its workers. Fails, changing nothing, with
	/// the same errors as the `open_job` call.
	fn open_job(payer: &AccountId, spec: JobSpec<BlockNumber>) -> Result<JobId, DispatchError>;
}

/// Told when a job ends. Runs inside the block hook or call that ends it, so it must be cheap
/// and must not fail.
pub trait OnJobEnd<AccountId> {
	/// `job`'s result is final: `paid` are its paid entries, `supporters` the workers who
	/// revealed it.
	fn finalized(job: JobId, payer: &AccountId, paid: &[Entry], supporters: &[AccountId]);
	/// `job` ended without a result (its deadline passed).
	fn failed(job: JobId, payer: &AccountId);
}

impl<AccountId> OnJobEnd<AccountId> for () {
	fn finalized(_: JobId, _: &AccountId, _: &[Entry], _: &[AccountId]) {}
	fn failed(_: JobId, _: &AccountId) {}
}
