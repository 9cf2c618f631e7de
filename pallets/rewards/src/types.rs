//! The pallet's types: parameters, escrows, payouts and per-model totals.

use crate::pallet::Config;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	traits::fungible, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use frame_system::pallet_prelude::BlockNumberFor;
use scale_info::TypeInfo;
use sp_runtime::Perbill;

pub use openledger_traits::JobId;
pub use openledger_traits::ModelId;

/// The currency's balance type.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// Inferences are numbered from 0 in the order they are recorded.
pub type InferenceId = u64;

/// A final result's contributor totals, at most [`Config::MaxTotals`], by account; settlement
/// turns each into its weight (total times reputation factor).
pub type TotalsOf<T> =
	BoundedVec<(<T as frame_system::Config>::AccountId, u128), <T as Config>::MaxTotals>;

/// The workers behind a final result.
pub type SupportersOf<T> =
	BoundedVec<<T as frame_system::Config>::AccountId, <T as Config>::MaxSupporters>;

/// What [`Config::MaxSupporters`] workers of one job were credited.
pub type WorkerPayoutsOf<T> = BoundedVec<
	(<T as frame_system::Config>::AccountId, BalanceOf<T>),
	<T as Config>::MaxSupporters,
>;

/// The jobs an inference opened, one per Datanet version its model was trained on.
pub type InferenceJobsOf<T> = BoundedVec<JobId, <T as Config>::MaxTrainedOn>;

/// How a settled fee is split. The four parts sum to exactly 100%.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct Shares {
	/// To the contributors, by their totals times their reputation factors
	/// (docs/attribution.md, "Batches").
	pub contributors: Perbill,
	/// To the model's owner.
	pub owner: Perbill,
	/// To the workers who revealed the final result, equally.
	pub workers: Perbill,
	/// To the treasury; it also receives every rounding remainder.
	pub treasury: Perbill,
}

impl Shares {
	/// Whether the parts sum to exactly 100%.
	pub fn is_whole(&self) -> bool {
		let parts = [self.contributors, self.owner, self.workers, self.treasury];
		parts.iter().map(|p| p.deconstruct() as u64).sum::<u64>()
			== Perbill::one().deconstruct() as u64
	}
}

/// Parameters Root (later governance) sets.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct Params<Balance, BlockNumber> {
	/// How settled fees are split.
	pub shares: Shares,
	/// Charged on top of the token fee for every inference of a batch; goes to the treasury at
	/// settlement and back to the payer if attribution fails.
	pub platform_fee: Balance,
	/// An inference's jobs must be final within this many blocks of it, or the fee is refunded.
	pub job_window: BlockNumber,
	/// How many of each query's nearest entries a KNN-Shapley job pays; similarity jobs pay
	/// their `k`.
	pub knn_paid: u32,
}

/// A job's share of a batch's fee, held in the pallet's account until the job ends.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct Escrow<T: Config> {
	/// Who paid; refunded if the job fails.
	pub payer: T::AccountId,
	/// The first inference of the batch it pays for (the batch's are numbered on from it).
	pub inference: InferenceId,
	/// The model used.
	pub model: ModelId,
	/// The model's owner when the batch was recorded; receives the owner's share.
	pub owner: T::AccountId,
	/// The Datanet version the job ranks.
	pub datanet: u32,
	/// The version.
	pub version: u32,
	/// This job's part of the token fee, split by [`Shares`].
	pub fee: BalanceOf<T>,
	/// This job's part of the platform fee, all to the treasury.
	pub platform: BalanceOf<T>,
	/// How many inferences the batch holds.
	pub inferences: u32,
}

impl<T: Config> Escrow<T> {
	/// Everything it holds.
	pub fn total(&self) -> BalanceOf<T> {
		sp_runtime::Saturating::saturating_add(self.fee, self.platform)
	}
}

/// Who a credit is for.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum Payee {
	/// A contributor of a paid entry in this Datanet.
	Contributor {
		/// The Datanet the entry is in.
		datanet: u32,
	},
	/// The model's owner.
	Owner,
	/// A worker who revealed the final result.
	Worker,
	/// The treasury: its share, the platform fee and rounding remainders.
	Treasury,
	/// The payer, refunded after the job failed.
	Refund,
}

/// Where a final job's settlement stands: it runs in the block hook, a budget of weight at a
/// time, so a result with many contributors is settled across blocks; `next` is the cursor.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum Step {
	/// Weighing totals `next..`: each becomes total times reputation factor; `amounts` and
	/// `weights` sum those before `next`.
	Weigh {
		/// The first total not weighed yet.
		next: u32,
		/// The sum of the totals weighed so far, in units of `2^-64` of the batch.
		amounts: u128,
		/// The sum of their weights.
		weights: u128,
	},
	/// Crediting contributors `next..` their part of `allotted`, in proportion to weight.
	Credit {
		/// The first contributor not credited yet.
		next: u32,
		/// What the contributors share: `floor(C × amounts / 2^64)`.
		allotted: u128,
		/// The sum of every weight.
		weights: u128,
		/// What the contributors were credited so far.
		paid: u128,
	},
}

/// A final job's settlement in progress.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct Settlement<T: Config> {
	/// The job's escrow; what is left of it is still counted in `Escrowed`.
	pub escrow: Escrow<T>,
	/// Of the escrow, what has not been credited yet.
	pub remaining: BalanceOf<T>,
	/// The contributors' share of the fee, at the shares in force when the job was final.
	pub to_contributors: BalanceOf<T>,
	/// The owner's.
	pub to_owner: BalanceOf<T>,
	/// The workers'.
	pub to_workers: BalanceOf<T>,
	/// The contributor totals, each replaced by its weight once weighed.
	pub totals: TotalsOf<T>,
	/// The workers who revealed the result.
	pub supporters: SupportersOf<T>,
	/// Where it stands.
	pub step: Step,
}

/// How one job's fee was paid out.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct Payout<T: Config> {
	/// The first inference of the batch it paid for.
	pub inference: InferenceId,
	/// How many inferences the batch held.
	pub inferences: u32,
	/// The model used.
	pub model: ModelId,
	/// The Datanet version the job ranked.
	pub datanet: u32,
	/// The version.
	pub version: u32,
	/// How many contributors were credited (each has its `Credited` event).
	pub contributors: u32,
	/// What they were credited together.
	pub to_contributors: BalanceOf<T>,
	/// The model's owner and its credit.
	pub owner: (T::AccountId, BalanceOf<T>),
	/// The workers credited, in reveal order.
	pub workers: WorkerPayoutsOf<T>,
	/// The treasury's credit: its share, the platform fee and every rounding remainder.
	pub treasury: BalanceOf<T>,
	/// When it settled.
	pub settled_at: BlockNumberFor<T>,
}

/// A model's fees so far.
#[derive(
	Clone,
	PartialEq,
	Eq,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct ModelFees<Balance> {
	/// Inferences recorded.
	pub inferences: u64,
	/// Fees charged, platform fees included.
	pub charged: Balance,
	/// Fees paid out after their jobs were final.
	pub settled: Balance,
	/// Fees refunded after their jobs failed.
	pub refunded: Balance,
	/// What the owner was credited.
	pub to_owner: Balance,
}
