//! The values the reputation pallet stores and hands out.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::BoundedVec;
use scale_info::TypeInfo;
use sp_runtime::{FixedU64, Perbill};

/// Highest possible score.
pub const MAX_SCORE: u32 = 1_000_000;
/// The score of an account nothing has been reported about, and where decay leads back to.
pub const NEUTRAL_SCORE: u32 = MAX_SCORE / 2;

pub use openledger_traits::{Outcome, Role};

/// One entry of an account's recent history.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct HistoryEntry<BlockNumber> {
	/// When it was reported.
	pub at: BlockNumber,
	/// What was reported.
	pub outcome: Outcome,
	/// The score right after it.
	pub score: u32,
}

/// An account's standing in one role.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
#[scale_info(skip_type_params(MaxHistory))]
pub struct Record<BlockNumber, MaxHistory: frame_support::traits::Get<u32>> {
	/// The score in `0..=MAX_SCORE` as of `updated`, before any decay since.
	pub score: u32,
	/// The block of the last report.
	pub updated: BlockNumber,
	/// The most recent reports, oldest first; the oldest is dropped when full.
	pub history: BoundedVec<HistoryEntry<BlockNumber>, MaxHistory>,
}

/// Parameters Root (later governance) sets.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct Params<BlockNumber> {
	/// Score points a positive outcome adds.
	pub positive_gain: u32,
	/// Score points a negative outcome takes away.
	pub negative_penalty: u32,
	/// The share of the distance to `NEUTRAL_SCORE` that is forgotten every `decay_period`.
	pub decay: Perbill,
	/// Blocks per decay step; never zero.
	pub decay_period: BlockNumber,
}

/// The reward weight factor of a score: `0.5 + score / MAX_SCORE`, so it runs from 0.5 (score 0)
/// through 1.0 (neutral) to 1.5 (the maximum). Rewards multiply a share by it.
pub fn reward_factor(score: u32) -> FixedU64 {
	let score = score.min(MAX_SCORE) as u128;
	FixedU64::from_rational(MAX_SCORE as u128 / 2 + score, MAX_SCORE as u128)
}
