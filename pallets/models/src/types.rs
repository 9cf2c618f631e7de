//! The values the models pallet stores and takes.

use crate::Config;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	traits::fungible, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use frame_system::pallet_prelude::BlockNumberFor;
use openledger_primitives::attribution::Method;
use scale_info::TypeInfo;
use sp_runtime::Permill;

pub use openledger_primitives::merkle::Hash;

pub use openledger_traits::{FeeRates, ModelId};
/// The currency's balance type.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;
/// A model's name.
pub type NameOf<T> = BoundedVec<u8, <T as Config>::MaxNameLen>;
/// The Datanet versions a model was trained on, as `(datanet, version)`.
pub type TrainedOnOf<T> = BoundedVec<(u32, u32), <T as Config>::MaxTrainedOn>;
/// A batch of checkpoints to record.
pub type CheckpointsOf<T> =
	BoundedVec<Checkpoint<BlockNumberFor<T>>, <T as Config>::MaxCheckpoints>;

/// How the model was fine-tuned from its base.
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
pub enum AdapterKind {
	/// Low-rank adaptation.
	Lora,
	/// LoRA on a quantized base.
	Qlora,
}

/// One entry of a training record: a checkpoint and how it scored on validation.
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
pub struct Checkpoint<BlockNumber> {
	/// Hash of the checkpoint's weights.
	pub hash: Hash,
	/// Validation score, as a fraction (accuracy, or 1 - normalised loss: the owner says which
	/// in the model card).
	pub validation_score: Permill,
	/// The block it was recorded in; set by the chain, whatever the caller passes.
	pub recorded_at: BlockNumber,
}

/// Whether a model takes paid inferences.
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
pub enum ModelStatus {
	/// Takes inferences.
	Active,
	/// Temporarily takes none; its owner can resume it.
	Paused,
	/// For good: its deposit was released and it takes no inferences or checkpoints.
	Retired,
}

/// A registered model.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct Model<T: Config> {
	/// Who registered it; receives the owner's share of its fees.
	pub owner: T::AccountId,
	/// A short name.
	pub name: NameOf<T>,
	/// Hash of the base model's weights.
	pub base_model_hash: Hash,
	/// Hash of the adapter's weights.
	pub adapter_hash: Hash,
	/// LoRA or QLoRA.
	pub adapter_kind: AdapterKind,
	/// How its inferences are attributed: KNN-Shapley with `K` or similarity top-`k`.
	pub method: Method,
	/// The Datanet versions it was trained on.
	pub trained_on: TrainedOnOf<T>,
	/// Fee rates per 1,000 tokens.
	pub fees: FeeRates<BalanceOf<T>>,
	/// Active, paused or retired.
	pub status: ModelStatus,
	/// The registration deposit held from the owner until it is retired.
	pub deposit: BalanceOf<T>,
	/// When it was registered.
	pub registered_at: BlockNumberFor<T>,
}

/// Parameters Root (later governance) sets.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct Params<Balance> {
	/// Held from a model's owner until the model is retired: pays for its storage.
	pub registration_deposit: Balance,
}
