//! How other pallets use attribution: open jobs, and hear how they end.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use openledger_primitives::{
	attribution::{
		batch::{BatchCommitment, Inference, Rates},
		Method,
	},
	merkle::Hash,
};
use scale_info::TypeInfo;
use sp_runtime::{DispatchError, Weight};

/// Jobs are numbered from 0 in the order they are opened.
pub type JobId = u64;

/// The queries a job ranks: a batch of paid inferences, or one.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub enum Queries {
	/// One inference, whose query embedding the content store holds under its query hash. It
	/// is a batch of one: its commitment is its leaf.
	One(Inference),
	/// A batch: its file in the content store, under blake2-256 of its bytes, and the
	/// commitment the chain recorded (docs/attribution.md, "Batches").
	Batch {
		/// blake2-256 of the batch file.
		file: Hash,
		/// The batch tree's root, count and token totals.
		commitment: BatchCommitment,
	},
}

impl Queries {
	/// The batch commitment every check proves inferences against.
	pub fn commitment(&self) -> BatchCommitment {
		match self {
			Queries::One(inference) => BatchCommitment::single(inference),
			Queries::Batch { commitment, .. } => *commitment,
		}
	}
}

/// What a job asks for: the data, the method, the queries and the time it has.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct JobSpec<BlockNumber> {
	/// The Datanet whose version is ranked.
	pub datanet: u32,
	/// The published version.
	pub version: u32,
	/// KNN-Shapley with its `K` and `T`, or similarity top-`k`.
	pub method: Method,
	/// How many of the nearest entries of each query are paid (KNN-Shapley); similarity pays
	/// its `k`.
	pub top: u32,
	/// The queries.
	pub queries: Queries,
	/// The model's fee rates when the queries were recorded: each query's part of the
	/// contributors' share is its price at these rates over the batch's.
	pub rates: Rates,
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
	/// The most [`OnJobEnd::finalized`] weighs with `totals` contributor totals and
	/// `supporters` workers.
	fn finalized_weight(totals: u32, supporters: u32) -> Weight;
	/// The most [`OnJobEnd::failed`] weighs.
	fn failed_weight() -> Weight;
	/// `job`'s result is final: `totals` are its revealed contributor totals (by account, in
	/// units of `2^-64` of the batch, summing to at most 1), `supporters` the workers who
	/// revealed it.
	fn finalized(
		job: JobId,
		payer: &AccountId,
		totals: &[(AccountId, u128)],
		supporters: &[AccountId],
	);
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
	fn finalized(_: JobId, _: &AccountId, _: &[(AccountId, u128)], _: &[AccountId]) {}
	fn failed(_: JobId, _: &AccountId) {}
}
