//! # OpenLedger appchain runtime
//!
//! A Cumulus parachain runtime whose native token is **OPEN** (18 decimals, the same as the OPEN
//! ERC-20 on Ethereum). It carries what every parachain needs (parachain system, aura collators,
//! XCM) plus balances, fees, utility and multisig; on-chain governance (referenda with conviction
//! voting, a council that can only pause, the treasury; no sudo); and our own pallets (Datanets,
//! reputation, attribution, models, rewards).
//!
//! Layout: `configs/` holds one `Config` impl per pallet family, `governance/` the governance
//! pallets' configs, origins and tracks, `apis.rs` the runtime APIs that
//! the node and polkadot.js call, `genesis_config_presets.rs` the `development` and
//! `local_testnet` presets the node turns into chain specs.

#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime` expands to a deep type; the default limit is too low for it.
#![recursion_limit = "256"]

// The wasm blob built by `build.rs`; the node embeds it in its chain specs.
#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

// Before `apis`: `define_benchmarks!` makes the macros `apis` calls.
#[cfg(feature = "runtime-benchmarks")]
#[macro_use]
mod benchmarks;
mod apis;
pub mod configs;
pub use configs::ConsensusHook;
pub mod genesis_config_presets;
pub mod governance;

#[cfg(test)]
mod tests;

use alloc::{borrow::Cow, vec::Vec};
use smallvec::smallvec;
use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiSignature,
};
use sp_version::RuntimeVersion;

use frame_support::weights::{
	constants::WEIGHT_REF_TIME_PER_SECOND, Weight, WeightToFeeCoefficient, WeightToFeeCoefficients,
	WeightToFeePolynomial,
};
pub use genesis_config_presets::PARACHAIN_ID;
pub use sp_consensus_aura::sr25519::AuthorityId as AuraId;
pub use sp_runtime::{MultiAddress as Address, Perbill, Permill};

/// Signature scheme of extrinsics: sr25519, ed25519 or ecdsa, as polkadot.js signs them.
pub type Signature = MultiSignature;

/// An account on chain: the 32-byte public key (or its hash, for ecdsa) behind a `Signature`.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;

/// An amount of OPEN in its smallest unit (10^-18 OPEN). u128 holds the whole L1 supply
/// (10^9 OPEN = 10^27 units) with ten orders of magnitude to spare.
pub type Balance = u128;

/// Transaction count of an account.
pub type Nonce = u32;

/// Block hash.
pub type Hash = sp_core::H256;

/// Block number: u32 lasts 800 years at 6 s blocks.
pub type BlockNumber = u32;

/// Block header.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;

/// Block as this runtime sees it.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;

/// Signed block, for RPC.
pub type SignedBlock = generic::SignedBlock<Block>;

/// Block id.
pub type BlockId = generic::BlockId<Block>;

/// What each transaction is checked against. `StorageWeightReclaim` wraps the rest so that the
/// unused part of a transaction's proof-size weight is given back to the block.
pub type TxExtension = cumulus_pallet_weight_reclaim::StorageWeightReclaim<
	Runtime,
	(
		frame_system::AuthorizeCall<Runtime>,
		frame_system::CheckNonZeroSender<Runtime>,
		frame_system::CheckSpecVersion<Runtime>,
		frame_system::CheckTxVersion<Runtime>,
		frame_system::CheckGenesis<Runtime>,
		frame_system::CheckEra<Runtime>,
		frame_system::CheckNonce<Runtime>,
		frame_system::CheckWeight<Runtime>,
		pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
		frame_metadata_hash_extension::CheckMetadataHash<Runtime>,
	),
>;

/// Extrinsic as it arrives from outside.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address<AccountId, ()>, RuntimeCall, Signature, TxExtension>;

/// Storage migrations run on the next runtime upgrade: attribution's disputes, one per
/// requester and result (each runs once, guarded by its pallet's storage version).
/// Rewards first: the attribution upgrade fails every open job, and rewards refunds each from
/// its escrow, which must already have its new layout.
pub type Migrations = (
	pallet_rewards::migrations::MigrateV0ToV1<Runtime>,
	pallet_attribution::migrations::MigrateV0ToV1<Runtime>,
	pallet_attribution::migrations::MigrateV2ToV3<Runtime>,
);

/// Dispatches calls to the pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

/// Types the node needs without knowing the runtime's extrinsic format.
pub mod opaque {
	use super::*;
	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;
	use sp_runtime::{generic, traits::BlakeTwo256};

	/// Opaque block header.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Opaque block id.
	pub type BlockId = generic::BlockId<Block>;
	/// Opaque block hash.
	pub type Hash = <BlakeTwo256 as sp_runtime::traits::Hash>::Output;
}

impl_opaque_keys! {
	/// Session keys of a collator: only aura, for now.
	pub struct SessionKeys {
		pub aura: Aura,
	}
}

#[cfg(not(feature = "increment-spec-version"))]
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: Cow::Borrowed("openledger"),
	impl_name: Cow::Borrowed("openledger"),
	authoring_version: 1,
	spec_version: 6,
	impl_version: 0,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 1,
	system_version: 1,
};

/// The same runtime one `spec_version` on (see `increment-spec-version` in Cargo.toml): what the
/// upgrade network test enacts through governance. Keep the two in step.
#[cfg(feature = "increment-spec-version")]
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: Cow::Borrowed("openledger"),
	impl_name: Cow::Borrowed("openledger"),
	authoring_version: 1,
	spec_version: 7,
	impl_version: 0,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 1,
	system_version: 1,
};

/// Units of OPEN. 18 decimals, as the OPEN ERC-20, so that a bridged amount is the same integer
/// on both sides.
pub mod currency {
	use super::Balance;

	/// Decimals of OPEN.
	pub const DECIMALS: u8 = 18;
	/// Ticker shown by wallets.
	pub const SYMBOL: &str = "OPEN";
	/// One OPEN.
	pub const OPEN: Balance = 1_000_000_000_000_000_000;
	/// 10^-3 OPEN.
	pub const MILLIOPEN: Balance = OPEN / 1_000;
	/// 10^-6 OPEN.
	pub const MICROOPEN: Balance = MILLIOPEN / 1_000;

	/// The existential deposit: 0.01 OPEN.
	///
	/// Every account costs every collator a trie entry (~100 bytes with its proof) for as long as
	/// it lives; the deposit is what makes creating millions of them cost real money (a million
	/// dust accounts would lock 10,000 OPEN) while staying far below what a contributor's bond or
	/// a single reward pays, so nobody is locked out by it. It matches the order of what
	/// Polkadot's system parachains ask (0.1 DOT on Asset Hub, a few cents of value) with OPEN's
	/// lower unit price in mind. Rewards smaller than this are accrued, not transferred.
	pub const EXISTENTIAL_DEPOSIT: Balance = OPEN / 100;

	/// Deposit for storing `items` entries of `bytes` bytes in total, as used by multisig.
	pub const fn deposit(items: u32, bytes: u32) -> Balance {
		items as Balance * 20 * MILLIOPEN + (bytes as Balance) * 100 * MICROOPEN
	}
}

/// Maps weight to a fee in OPEN: the base weight of one extrinsic costs 0.1 milli-OPEN, and the
/// fee grows linearly with ref-time. Proof size is not charged separately (length is).
pub struct WeightToFee;
impl WeightToFeePolynomial for WeightToFee {
	type Balance = Balance;
	fn polynomial() -> WeightToFeeCoefficients<Self::Balance> {
		let p = currency::MILLIOPEN / 10;
		let q = Balance::from(configs::ExtrinsicBaseWeight::get().ref_time());
		smallvec![WeightToFeeCoefficient {
			degree: 1,
			negative: false,
			coeff_frac: Perbill::from_rational(p % q, q),
			coeff_integer: p / q,
		}]
	}
}

/// Target block time. Collators build one block per 6 s relay slot.
pub const MILLISECS_PER_BLOCK: u64 = 6000;
/// Aura slot: equal to the block time.
pub const SLOT_DURATION: u64 = MILLISECS_PER_BLOCK;

/// Block counts of common durations.
pub const MINUTES: BlockNumber = 60_000 / (MILLISECS_PER_BLOCK as BlockNumber);
/// Blocks in an hour.
pub const HOURS: BlockNumber = MINUTES * 60;
/// Blocks in a day.
pub const DAYS: BlockNumber = HOURS * 24;

/// Share of a block that ordinary extrinsics may use; the rest is for operational ones
/// (governance, inherents).
pub const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);
/// Share of a block's weight that `on_initialize` may take.
pub const AVERAGE_ON_INITIALIZE_RATIO: Perbill = Perbill::from_percent(5);
/// Compute per block: 2 s of the relay chain's execution budget, and the PoV size limit.
pub const MAXIMUM_BLOCK_WEIGHT: Weight = Weight::from_parts(
	WEIGHT_REF_TIME_PER_SECOND.saturating_mul(2),
	cumulus_primitives_core::relay_chain::MAX_POV_SIZE as u64,
);

/// Relay chain slot length, for the consensus hook.
pub const RELAY_CHAIN_SLOT_DURATION_MILLIS: u32 = 6000;
/// Parachain blocks per relay block. One: no elastic scaling.
pub const BLOCK_PROCESSING_VELOCITY: u32 = 1;
/// Blocks that may be built before their predecessors are included (async backing).
pub const UNINCLUDED_SEGMENT_CAPACITY: u32 = 3;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	// System.
	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type ParachainSystem = cumulus_pallet_parachain_system;
	#[runtime::pallet_index(2)]
	pub type Timestamp = pallet_timestamp;
	#[runtime::pallet_index(3)]
	pub type ParachainInfo = parachain_info;
	#[runtime::pallet_index(4)]
	pub type WeightReclaim = cumulus_pallet_weight_reclaim;

	// Money.
	#[runtime::pallet_index(10)]
	pub type Balances = pallet_balances;
	#[runtime::pallet_index(11)]
	pub type TransactionPayment = pallet_transaction_payment;

	// Collators. The order matters: authorship before session, session before aura.
	#[runtime::pallet_index(20)]
	pub type Authorship = pallet_authorship;
	#[runtime::pallet_index(21)]
	pub type CollatorSelection = pallet_collator_selection;
	#[runtime::pallet_index(22)]
	pub type Session = pallet_session;
	#[runtime::pallet_index(23)]
	pub type Aura = pallet_aura;
	#[runtime::pallet_index(24)]
	pub type AuraExt = cumulus_pallet_aura_ext;

	// XCM.
	#[runtime::pallet_index(30)]
	pub type XcmpQueue = cumulus_pallet_xcmp_queue;
	#[runtime::pallet_index(31)]
	pub type PolkadotXcm = pallet_xcm;
	#[runtime::pallet_index(32)]
	pub type CumulusXcm = cumulus_pallet_xcm;
	#[runtime::pallet_index(33)]
	pub type MessageQueue = pallet_message_queue;

	// Committees and batching.
	#[runtime::pallet_index(40)]
	pub type Utility = pallet_utility;
	#[runtime::pallet_index(41)]
	pub type Multisig = pallet_multisig;

	// Governance (index 50 was sudo's until governance replaced it).
	#[runtime::pallet_index(51)]
	pub type Preimage = pallet_preimage;
	#[runtime::pallet_index(52)]
	pub type Scheduler = pallet_scheduler;
	#[runtime::pallet_index(53)]
	pub type Council = pallet_collective<Instance1>;
	#[runtime::pallet_index(54)]
	pub type CouncilMembership = pallet_membership<Instance1>;
	#[runtime::pallet_index(55)]
	pub type Referenda = pallet_referenda;
	#[runtime::pallet_index(56)]
	pub type ConvictionVoting = pallet_conviction_voting;
	#[runtime::pallet_index(57)]
	pub type Origins = governance::origins::pallet_custom_origins;
	#[runtime::pallet_index(58)]
	pub type Treasury = pallet_treasury;
	#[runtime::pallet_index(59)]
	pub type TxPause = pallet_tx_pause;

	// OpenLedger: data, attribution, rewards.
	#[runtime::pallet_index(60)]
	pub type Datanets = pallet_datanets;
	#[runtime::pallet_index(61)]
	pub type Reputation = pallet_reputation;
	#[runtime::pallet_index(62)]
	pub type Attribution = pallet_attribution;
	#[runtime::pallet_index(63)]
	pub type Models = pallet_models;
	#[runtime::pallet_index(64)]
	pub type Rewards = pallet_rewards;

	// OPEN in and out through the L1 bridge contract.
	#[runtime::pallet_index(70)]
	pub type Bridge = pallet_bridge;
}

cumulus_pallet_parachain_system::register_validate_block! {
	Runtime = Runtime,
	BlockExecutor = cumulus_pallet_aura_ext::BlockExecutor::<Runtime, Executive>,
}
