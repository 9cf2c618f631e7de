//! Models as other pallets see them: the paid-inference pallet prices and attributes with them.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use openledger_primitives::attribution::Method;
use scale_info::TypeInfo;

/// Models are numbered from 0 in the order they are registered.
pub type ModelId = u32;

/// Fees per 1,000 tokens, in the currency's smallest unit.
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
pub struct FeeRates<Balance> {
	/// Per 1,000 input tokens.
	pub input_per_1k: Balance,
	/// Per 1,000 output tokens.
	pub output_per_1k: Balance,
}

/// The registered models.
pub trait ModelRegistry<AccountId, Balance> {
	/// The model if it takes paid inferences (active), with its owner, method, versions and
	/// fee rates.
	fn active_model(id: ModelId) -> Option<ModelView<AccountId, Balance>>;

	/// Registers an active model outright, without its deposit, for other pallets' benchmarks.
	#[cfg(feature = "runtime-benchmarks")]
	fn register_for_benchmarks(
		owner: &AccountId,
		method: Method,
		trained_on: Vec<(u32, u32)>,
		fees: FeeRates<Balance>,
	) -> ModelId;
}

/// What [`ModelRegistry`] hands out.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ModelView<AccountId, Balance> {
	/// Who receives the owner's share.
	pub owner: AccountId,
	/// The attribution method.
	pub method: Method,
	/// The Datanet versions it was trained on.
	pub trained_on: Vec<(u32, u32)>,
	/// Fee rates per 1,000 tokens.
	pub fees: FeeRates<Balance>,
}
