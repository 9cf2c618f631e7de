//! The runtime API clients use to price inferences and read earnings and payouts.

use crate::types::{JobId, ModelFees, ModelId};
use alloc::vec::Vec;
use codec::Codec;

sp_api::decl_runtime_apis! {
	/// Reads of the rewards pallet. The runtime fills in its own `Payout`
	/// (`pallet_rewards::Payout<Runtime>`).
	pub trait RewardsApi<AccountId, Balance, Payout>
	where
		AccountId: Codec,
		Balance: Codec,
		Payout: Codec,
	{
		/// What an inference of `model` with these token counts costs now, platform fee
		/// included; `None` if the model takes no paid inferences or the fee overflows.
		fn quote(model: ModelId, input_tokens: u32, output_tokens: u32) -> Option<Balance>;
		/// What `who` may claim now.
		fn claimable(who: AccountId) -> Balance;
		/// What `who` has been credited as a contributor, per Datanet, ever.
		fn earnings(who: AccountId) -> Vec<(u32, Balance)>;
		/// A model's fees so far.
		fn model_fees(model: ModelId) -> ModelFees<Balance>;
		/// How a job's fee was paid out, while it is among the newest `MaxPayouts`.
		fn payout(job: JobId) -> Option<Payout>;
	}
}
