//! How other pallets use attribution: open jobs, and hear how they end.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use openledger_primitives::{
	attribution::{Entry, Method},
	merkle::Hash,
};
use scale_info::TypeInfo;
use sp_runtime::{DispatchError, Weight};

/// Jobs are numbered from 0 in the order they are opened.
pub type JobId = u64;

/// What a job asks for: the data, the method, the query and the time it has.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct JobSpec<BlockNumber> {
	/// The Datanet whose version is ranked.
	pub datanet: u32,
	/// The published version.
	pub version: u32,
	/// KNN-Shapley with its `K`, or similarity top-`k`.
	pub method: Method,
	/// How many of the nearest entries are paid (KNN-Shapley); similarity pays its `k`.
	pub top: u32,
	/// blake2-256 of the query's int8 embedding.
	pub query_hash: Hash,
	/// The query's label; 0 for similarity.
	pub query_label: u32,
	/// The last block by which the job must be final; after it the job fails.
	pub deadline: BlockNumber,
}

/// Opens attribution jobs; the paid-inference pallet calls it for every inference.
pub trait JobOpener<AccountId, BlockNumber> {
	/// Opens a job paid for by `payer` and assigns its workers. Fails, changing nothing, with
	/// the same errors as the `open_job` call.
	fn open_job(payer: &AccountId, spec: JobSpec<BlockNumber>) -> Result<JobId, DispatchError>;

	/// Fills the active set with funded workers, so that other pallets' benchmarks open jobs
	/// with the draw at its most expensive.
	#[cfg(feature = "runtime-benchmarks")]
	fn prepare_workers();
}

/// Told when a job ends. Runs inside the block hook or call that ends it, so it must be cheap
/// and must not fail; the hook and calls that can end a job add the weights below to their
/// own.
pub trait OnJobEnd<AccountId> {
	/// The most [`OnJobEnd::finalized`] weighs with `paid` entries and `supporters` workers.
	fn finalized_weight(paid: u32, supporters: u32) -> Weight;
	/// The most [`OnJobEnd::failed`] weighs.
	fn failed_weight() -> Weight;
	/// `job`'s result is final: `paid` are its paid entries, `supporters` the workers who
	/// revealed it.
	fn finalized(job: JobId, payer: &AccountId, paid: &[Entry], supporters: &[AccountId]);
	/// `job` ended without a result (its deadline passed).
	fn failed(job: JobId, payer: &AccountId);
}

impl<AccountId> OnJobEnd<AccountId> for () {
	fn finalized_weight(_: u32, _: u32) -> Weight {
		Weight::zero()
	}
	fn failed_weight() -> Weight {
		Weight::zero()
	}
	fn finalized(_: JobId, _: &AccountId, _: &[Entry], _: &[AccountId]) {}
	fn failed(_: JobId, _: &AccountId) {}
}
