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

/// What [`Config::MaxPaid`] contributors of one job were credited.
pub type ContributorPayoutsOf<T> =
	BoundedVec<(<T as frame_system::Config>::AccountId, BalanceOf<T>), <T as Config>::MaxPaid>;

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
	/// To the contributors of the paid entries, by positive value times reputation factor.
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
	/// Charged on top of the token fee for every inference; goes to the treasury at settlement
	/// and back to the payer if attribution fails.
	pub platform_fee: Balance,
	/// An inference's jobs must be final within this many blocks of it, or the fee is refunded.
	pub job_window: BlockNumber,
	/// How many of the nearest entries a KNN-Shapley job pays; similarity jobs pay their `k`.
	pub knn_paid: u32,
}

/// A job's share of an inference fee, held in the pallet's account until the job ends.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct Escrow<T: Config> {
	/// Who paid; refunded if the job fails.
	pub payer: T::AccountId,
	/// The inference it pays for.
	pub inference: InferenceId,
	/// The model used.
	pub model: ModelId,
	/// The model's owner when the inference was recorded; receives the owner's share.
	pub owner: T::AccountId,
	/// The Datanet version the job ranks.
	pub datanet: u32,
	/// The version.
	pub version: u32,
	/// This job's part of the token fee, split by [`Shares`].
	pub fee: BalanceOf<T>,
	/// This job's part of the platform fee, all to the treasury.
	pub platform: BalanceOf<T>,
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

/// How one job's fee was paid out.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct Payout<T: Config> {
	/// The inference it paid for.
	pub inference: InferenceId,
	/// The model used.
	pub model: ModelId,
	/// The Datanet version the job ranked.
	pub datanet: u32,
	/// The version.
	pub version: u32,
	/// The contributors credited, in the order of their first paid entry.
	pub contributors: ContributorPayoutsOf<T>,
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
