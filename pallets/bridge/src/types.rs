//! What the bridge keeps: the committee, deposits being attested, withdrawals being signed.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound};
use openledger_primitives::bridge::EthAddress;
use scale_info::TypeInfo;
use sp_runtime::traits::Get;

/// A committee member: the account it attests and posts signatures with on this chain, and
/// the Ethereum address whose signatures the L1 contract counts.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Member<AccountId> {
	pub account: AccountId,
	pub signer: EthAddress,
}

/// The committee: members ascending by signer, and how many must agree.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(MaxMembers))]
pub struct Committee<AccountId: Clone + PartialEq + Eq + core::fmt::Debug, MaxMembers: Get<u32>> {
	pub members: BoundedVec<Member<AccountId>, MaxMembers>,
	pub threshold: u32,
	/// One more at each change, as the contract's epoch.
	pub epoch: u64,
}

/// An L1 deposit as a member saw it in a finalized block: the contract's
/// `Deposited(nonce, from, recipient, amount)`.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Deposit<AccountId, Balance> {
	pub nonce: u64,
	pub from: EthAddress,
	pub recipient: AccountId,
	pub amount: Balance,
}

/// A burn waiting for the committee's signatures, then for its release on L1.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(MaxMembers))]
pub struct Withdrawal<Balance: Clone + PartialEq + Eq + core::fmt::Debug, MaxMembers: Get<u32>> {
	pub recipient: EthAddress,
	pub amount: Balance,
	/// Valid signatures so far, ascending by signer: as the contract takes them.
	pub signatures: BoundedVec<(EthAddress, [u8; 65]), MaxMembers>,
}

/// The inbound rate limit: at most `max` minted per `period` blocks.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct Limits<Balance, BlockNumber> {
	pub period: BlockNumber,
	pub max: Balance,
}

/// Where the contract is: the L1 chain id and its address. Part of every digest.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct L1 {
	pub chain_id: u64,
	pub contract: EthAddress,
}
