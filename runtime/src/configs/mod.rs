//! `Config` of every pallet in the runtime except XCM's (in `xcm_config`).

pub mod xcm_config;

use crate::governance::{ParametersOrigin, WorkersOrigin};
use crate::{
	currency::{deposit, EXISTENTIAL_DEPOSIT, MICROOPEN, MILLIOPEN, OPEN},
	AccountId, Attribution, Aura, Balance, Balances, Block, BlockNumber, CollatorSelection,
	Datanets, Hash, MessageQueue, Models, Nonce, PalletInfo, ParachainSystem, Reputation, Rewards,
	Runtime, RuntimeCall, RuntimeEvent, RuntimeFreezeReason, RuntimeHoldReason, RuntimeOrigin,
	RuntimeTask, Session, SessionKeys, System, WeightToFee, XcmpQueue, AVERAGE_ON_INITIALIZE_RATIO,
	BLOCK_PROCESSING_VELOCITY, DAYS, HOURS, MAXIMUM_BLOCK_WEIGHT, MINUTES, NORMAL_DISPATCH_RATIO,
	RELAY_CHAIN_SLOT_DURATION_MILLIS, SLOT_DURATION, UNINCLUDED_SEGMENT_CAPACITY, VERSION,
};
use cumulus_pallet_parachain_system::RelayNumberMonotonicallyIncreases;
use cumulus_primitives_core::{AggregateMessageOrigin, ParaId};
use frame_support::{
	derive_impl,
	dispatch::DispatchClass,
	parameter_types,
	traits::{
		tokens::imbalance::ResolveTo, ConstBool, ConstU32, ConstU64, ConstU8, TransformOrigin,
		VariantCountOf,
	},
	weights::{ConstantMultiplier, Weight},
	PalletId,
};
use frame_system::{
	limits::{BlockLength, BlockWeights},
	EnsureRoot,
};
use pallet_xcm::{EnsureXcm, IsVoiceOfBody};
use parachains_common::message_queue::{NarrowOriginToSibling, ParaIdToSibling};
use polkadot_runtime_common::{xcm_sender::NoPriceForMessageDelivery, BlockHashCount};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::{traits::AccountIdConversion, Perbill};
use sp_version::RuntimeVersion;
use xcm::latest::prelude::BodyId;

pub use frame_support::weights::constants::{
	BlockExecutionWeight, ExtrinsicBaseWeight, RocksDbWeight,
};

parameter_types! {
	pub const Version: RuntimeVersion = VERSION;

	// Each class of extrinsic gets its share of the block; operational ones may use the reserve.
	pub RuntimeBlockLength: BlockLength = BlockLength::builder()
		.max_length(5 * 1024 * 1024)
		.modify_max_length_for_class(DispatchClass::Normal, |max| *max = NORMAL_DISPATCH_RATIO * *max)
		.build();
	pub RuntimeBlockWeights: BlockWeights = BlockWeights::builder()
		.base_block(BlockExecutionWeight::get())
		.for_class(DispatchClass::all(), |weights| {
			weights.base_extrinsic = ExtrinsicBaseWeight::get();
		})
		.for_class(DispatchClass::Normal, |weights| {
			weights.max_total = Some(NORMAL_DISPATCH_RATIO * MAXIMUM_BLOCK_WEIGHT);
		})
		.for_class(DispatchClass::Operational, |weights| {
			weights.max_total = Some(MAXIMUM_BLOCK_WEIGHT);
			weights.reserved = Some(
				MAXIMUM_BLOCK_WEIGHT - NORMAL_DISPATCH_RATIO * MAXIMUM_BLOCK_WEIGHT
			);
		})
		.avg_block_initialization(AVERAGE_ON_INITIALIZE_RATIO)
		.build_or_panic();
	// Generic Substrate address prefix (42): polkadot.js shows the familiar 5... addresses until
	// the chain registers a prefix of its own.
	pub const SS58Prefix: u16 = 42;
}

#[derive_impl(frame_system::config_preludes::ParaChainDefaultConfig)]
impl frame_system::Config for Runtime {
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type Block = Block;
	type BlockHashCount = BlockHashCount;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	type DbWeight = RocksDbWeight;
	type SystemWeightInfo = frame_system::weights::SubstrateWeight<Runtime>;
	type ExtensionsWeightInfo = frame_system::SubstrateExtensionsWeight<Runtime>;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type SS58Prefix = SS58Prefix;
	type OnSetCode = cumulus_pallet_parachain_system::ParachainSetCode<Self>;
	type MaxConsumers = ConstU32<16>;
	// Calls paused by the emergency origin (see `governance`) are refused.
	type BaseCallFilter = crate::TxPause;
	type PalletInfo = PalletInfo;
	type RuntimeEvent = RuntimeEvent;
	type RuntimeOrigin = RuntimeOrigin;
	type RuntimeCall = RuntimeCall;
	type RuntimeTask = RuntimeTask;
	type SingleBlockMigrations = ();
	type MultiBlockMigrator = ();
	type PreInherents = ();
	type PostInherents = ();
	type PostTransactions = ();
}

impl cumulus_pallet_weight_reclaim::Config for Runtime {
	// The crate keeps its `SubstrateWeight` private; `()` carries the same benchmarked figure
	// (one storage-free step, 2.5 µs).
	type WeightInfo = ();
}

impl pallet_timestamp::Config for Runtime {
	type Moment = u64;
	type OnTimestampSet = Aura;
	// Aura checks the slot; the timestamp pallet needs no minimum of its own.
	type MinimumPeriod = ConstU64<0>;
	type WeightInfo = pallet_timestamp::weights::SubstrateWeight<Runtime>;
}

impl pallet_authorship::Config for Runtime {
	type FindAuthor = pallet_session::FindAccountFromAuthorIndex<Self, Aura>;
	type EventHandler = (CollatorSelection,);
}

parameter_types! {
	pub const ExistentialDeposit: Balance = EXISTENTIAL_DEPOSIT;
}

impl pallet_balances::Config for Runtime {
	type MaxLocks = ConstU32<50>;
	type Balance = Balance;
	type RuntimeEvent = RuntimeEvent;
	type DustRemoval = ();
	type ExistentialDeposit = ExistentialDeposit;
	type AccountStore = System;
	type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
	type MaxReserves = ConstU32<50>;
	type ReserveIdentifier = [u8; 8];
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type FreezeIdentifier = RuntimeFreezeReason;
	// One hold per reason: each pallet's `HoldReason` variants are counted.
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type DoneSlashHandler = ();
}

parameter_types! {
	/// Fee per byte of an extrinsic: a 150-byte transfer pays 0.00015 OPEN for its length.
	pub const TransactionByteFee: Balance = MICROOPEN;
}

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	// Fees and tips go to the collator pot, which pays the collators.
	type OnChargeTransaction = pallet_transaction_payment::FungibleAdapter<
		Balances,
		parachains_common::impls::DealWithFees<Runtime>,
	>;
	type WeightToFee = WeightToFee;
	type LengthToFee = ConstantMultiplier<Balance, TransactionByteFee>;
	type FeeMultiplierUpdate = polkadot_runtime_common::SlowAdjustingFeeUpdate<Self>;
	type OperationalFeeMultiplier = ConstU8<5>;
	type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
}

impl pallet_utility::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type PalletsOrigin = crate::OriginCaller;
	type WeightInfo = pallet_utility::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	// A multisig operation stores its call hash, the depositor and the approvals.
	pub const DepositBase: Balance = deposit(1, 88);
	// Each further signatory adds one account id.
	pub const DepositFactor: Balance = deposit(0, 32);
}

impl pallet_multisig::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type Currency = Balances;
	type DepositBase = DepositBase;
	type DepositFactor = DepositFactor;
	// Enough for any committee we plan (the bridge committee is at most 16).
	type MaxSignatories = ConstU32<100>;
	type WeightInfo = pallet_multisig::weights::SubstrateWeight<Runtime>;
	type BlockNumberProvider = System;
}

parameter_types! {
	pub const ReservedXcmpWeight: Weight = MAXIMUM_BLOCK_WEIGHT.saturating_div(4);
	pub const ReservedDmpWeight: Weight = MAXIMUM_BLOCK_WEIGHT.saturating_div(4);
	pub const RelayOrigin: AggregateMessageOrigin = AggregateMessageOrigin::Parent;
}

/// Checks relay-chain state proofs and limits how far ahead of inclusion collators may build.
pub type ConsensusHook = cumulus_pallet_aura_ext::FixedVelocityConsensusHook<
	Runtime,
	RELAY_CHAIN_SLOT_DURATION_MILLIS,
	BLOCK_PROCESSING_VELOCITY,
	UNINCLUDED_SEGMENT_CAPACITY,
>;

impl cumulus_pallet_parachain_system::Config for Runtime {
	type WeightInfo = cumulus_pallet_parachain_system::weights::SubstrateWeight<Runtime>;
	type RuntimeEvent = RuntimeEvent;
	type OnSystemEvent = ();
	type SelfParaId = parachain_info::Pallet<Runtime>;
	type OutboundXcmpMessageSource = XcmpQueue;
	type DmpQueue = frame_support::traits::EnqueueWithOrigin<MessageQueue, RelayOrigin>;
	type ReservedDmpWeight = ReservedDmpWeight;
	type XcmpMessageHandler = XcmpQueue;
	type ReservedXcmpWeight = ReservedXcmpWeight;
	type CheckAssociatedRelayNumber = RelayNumberMonotonicallyIncreases;
	type ConsensusHook = ConsensusHook;
	// Build on the newest relay block: no offset.
	type RelayParentOffset = ConstU32<0>;
	type SchedulingSignatureVerifier = ();
}

impl parachain_info::Config for Runtime {}

parameter_types! {
	pub MessageQueueServiceWeight: Weight =
		Perbill::from_percent(35) * RuntimeBlockWeights::get().max_block;
}

impl pallet_message_queue::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = pallet_message_queue::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type MessageProcessor = pallet_message_queue::mock_helpers::NoopMessageProcessor<
		cumulus_primitives_core::AggregateMessageOrigin,
	>;
	#[cfg(not(feature = "runtime-benchmarks"))]
	type MessageProcessor = xcm_builder::ProcessXcmMessage<
		AggregateMessageOrigin,
		xcm_executor::XcmExecutor<xcm_config::XcmConfig>,
		RuntimeCall,
	>;
	type Size = u32;
	// The XCMP queue pallet is only ever able to handle the `Sibling(ParaId)` origin:
	type QueueChangeHandler = NarrowOriginToSibling<XcmpQueue>;
	type QueuePausedQuery = NarrowOriginToSibling<XcmpQueue>;
	type HeapSize = ConstU32<{ 103 * 1024 }>;
	type MaxStale = ConstU32<8>;
	type ServiceWeight = MessageQueueServiceWeight;
	type IdleMaxServiceWeight = ();
}

impl cumulus_pallet_aura_ext::Config for Runtime {}

impl cumulus_pallet_xcmp_queue::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type ChannelInfo = ParachainSystem;
	type VersionWrapper = ();
	// Enqueue XCMP messages from siblings for later processing.
	type XcmpQueue = TransformOrigin<MessageQueue, AggregateMessageOrigin, ParaId, ParaIdToSibling>;
	type MaxInboundSuspended = ConstU32<1_000>;
	type MaxActiveOutboundChannels = ConstU32<128>;
	type MaxPageSize = ConstU32<{ 1 << 16 }>;
	type ControllerOrigin = EnsureRoot<AccountId>;
	type ControllerOriginConverter = xcm_config::XcmOriginToTransactDispatchOrigin;
	type WeightInfo = cumulus_pallet_xcmp_queue::weights::SubstrateWeight<Runtime>;
	type PriceForSiblingDelivery = NoPriceForMessageDelivery<ParaId>;
}

parameter_types! {
	/// Sessions last 6 hours on a live network; collators rotate at session boundaries.
	pub const Period: u32 = 6 * HOURS;
	pub const Offset: u32 = 0;
	/// Setting session keys holds this much, so that keys cannot be spammed into storage.
	pub const SessionKeyDeposit: Balance = deposit(1, 64);
}

impl pallet_session::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type ValidatorId = <Self as frame_system::Config>::AccountId;
	// A collator is identified by its account id.
	type ValidatorIdOf = pallet_collator_selection::IdentityCollator;
	type ShouldEndSession = pallet_session::PeriodicSessions<Period, Offset>;
	type NextSessionRotation = pallet_session::PeriodicSessions<Period, Offset>;
	type SessionManager = CollatorSelection;
	// Essentially just Aura, but let's be pedantic.
	type SessionHandler = <SessionKeys as sp_runtime::traits::OpaqueKeys>::KeyTypeIdProviders;
	type Keys = SessionKeys;
	type DisablingStrategy = ();
	type WeightInfo = pallet_session::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type KeyDeposit = SessionKeyDeposit;
}

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	type DisabledValidators = ();
	// At least the largest collator set: `MaxInvulnerables` + `MaxCandidates` = 120.
	type MaxAuthorities = ConstU32<128>;
	// Async backing lets a collator build on a block of its own slot.
	type AllowMultipleBlocksPerSlot = ConstBool<true>;
	type SlotDuration = ConstU64<SLOT_DURATION>;
}

parameter_types! {
	pub const PotId: PalletId = PalletId(*b"PotStake");
	// The relay chain's executive body may change the collator set, as may root.
	pub const StakingAdminBodyId: BodyId = BodyId::Defense;
}

/// Who may change the collator set: root, or the relay chain's staking admin body.
pub type CollatorSelectionUpdateOrigin = frame_support::traits::EitherOfDiverse<
	EnsureRoot<AccountId>,
	EnsureXcm<IsVoiceOfBody<xcm_config::RelayLocation, StakingAdminBodyId>>,
>;

impl pallet_collator_selection::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type UpdateOrigin = CollatorSelectionUpdateOrigin;
	type PotId = PotId;
	type MaxCandidates = ConstU32<100>;
	type MinEligibleCollators = ConstU32<1>;
	type MaxInvulnerables = ConstU32<20>;
	// A candidate that authors nothing for a whole session is removed at the next one.
	type KickThreshold = Period;
	type ValidatorId = <Self as frame_system::Config>::AccountId;
	type ValidatorIdOf = pallet_collator_selection::IdentityCollator;
	type ValidatorRegistration = Session;
	type WeightInfo = pallet_collator_selection::weights::SubstrateWeight<Runtime>;
}

// ---- Our pallets: Datanets, reputation and attribution ----

parameter_types! {
	/// The treasury's pallet id (see `governance`).
	pub const TreasuryPalletId: PalletId = PalletId(*b"py/trsry");
	/// Receives slashes and publishing fees.
	pub TreasuryAccount: AccountId = TreasuryPalletId::get().into_account_truncating();

	/// A score moves 0.5% of its range up per good outcome and 2.5% down per bad one: a bad
	/// contribution costs five good ones. 1% of the distance to neutral is forgotten per day.
	pub ReputationParams: pallet_reputation::Params<BlockNumber> = pallet_reputation::Params {
		positive_gain: 5_000,
		negative_penalty: 25_000,
		decay: Perbill::from_percent(1),
		decay_period: DAYS,
	};

	/// A Datanet costs 10 OPEN of deposit, returned on close; a rejected file loses 10% of its
	/// bond; a file's bond is its Datanet's per-file bond plus 0.01 OPEN per started MiB; a
	/// version costs 1 OPEN plus 0.001 OPEN per KiB added (10 MB, a day's cap in OpenLedger's
	/// docs, costs about 11 OPEN).
	pub DatanetParams: pallet_datanets::Params<Balance> = pallet_datanets::Params {
		creation_deposit: 10 * OPEN,
		reject_slash: Perbill::from_percent(10),
		bond_per_mib: 10 * MILLIOPEN,
		publish_base_fee: OPEN,
		publish_fee_per_kib: MILLIOPEN,
	};
}

parameter_types! {
	/// Three workers per job, two agreeing finalize after half a minute; a round is a minute to
	/// commit and a minute to reveal; a result nobody agreed with stands after ten minutes
	/// unchallenged; a requested entry must be opened within two minutes. A wrong result costs a fifth of the stake, half of it to the challenger.
	/// Stakes unbond over a week, which is also the longest a job may run.
	pub AttributionParams: pallet_attribution::Params<Balance, BlockNumber> = pallet_attribution::Params {
		min_stake: 100 * OPEN,
		replication: 3,
		quorum: 2,
		commit_window: MINUTES,
		reveal_window: MINUTES,
		agreed_challenge_window: MINUTES / 2,
		optimistic_challenge_window: 10 * MINUTES,
		opening_window: 2 * MINUTES,
		challenge_bond: 10 * OPEN,
		wrong_result_slash: Perbill::from_percent(20),
		challenger_share: Perbill::from_percent(50),
		unbonding_period: 7 * DAYS,
	};
}

impl pallet_attribution::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Reputation = Reputation;
	type Slasher = Reputation;
	type Versions = Datanets;
	// Paid inferences settle (or refund) when their jobs end.
	type OnJobEnd = Rewards;
	type AdminOrigin = ParametersOrigin;
	type WorkersOrigin = WorkersOrigin;
	type DefaultParams = AttributionParams;
	// The draw reads the whole set every round; 256 workers keep that one read of about 12 KiB.
	type MaxWorkers = ConstU32<256>;
	type MaxAssigned = ConstU32<16>;
	// Each query pays at most 64 entries: a batch's credit tree has at most 2^16 slots.
	type MaxPaid = ConstU32<64>;
	// A reveal carries at most 512 totals of 48 bytes (24 KiB); the contributors of a batch
	// past them are not paid by it (docs/attribution.md, "Batches"). Crediting a contributor
	// costs about 0.29 ms (two writes), so 512 keep a batch of 1,024 under 1% of a single
	// inference's former weight per inference whoever it pays (docs/BENCHMARKS.md).
	type MaxTotals = ConstU32<512>;
	// The spec's own limit, so proofs are at most 24 levels deep.
	type MaxJobItems = ConstU32<{ 1 << 24 }>;
	type MaxFinalized = ConstU32<100_000>;
	// 20% of a block moves jobs on: the worst transition (a job whose 16 results are each
	// disputed by every worker, about 350 ms) fits, and an undisputed one takes about 7 ms of
	// it (docs/BENCHMARKS.md).
	type HookWeight = AttributionHookWeight;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = Datanets;
	type WeightInfo = pallet_attribution::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// A model holds 10 OPEN while it is registered: its storage (up to 64 checkpoints of 40
	/// bytes and 8 versions) is about 3 KiB.
	pub ModelParams: pallet_models::Params<Balance> = pallet_models::Params {
		registration_deposit: 10 * OPEN,
	};
}

impl pallet_models::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Versions = Datanets;
	type AdminOrigin = ParametersOrigin;
	type DefaultParams = ModelParams;
	type MaxNameLen = ConstU32<64>;
	// Each paid inference opens one attribution job per version.
	type MaxTrainedOn = ConstU32<8>;
	type MaxCheckpoints = ConstU32<64>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = Datanets;
	type WeightInfo = pallet_models::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	pub AttributionHookWeight: Weight = Perbill::from_percent(20) * MAXIMUM_BLOCK_WEIGHT;
	pub RewardsSettleWeight: Weight = Perbill::from_percent(10) * MAXIMUM_BLOCK_WEIGHT;
	pub const RewardsPalletId: PalletId = PalletId(*b"ol/rewrd");
	/// A settled fee goes 40% to the contributors, 35% to the model's owner, 15% to the workers
	/// who agreed and 10% to the treasury; each inference pays 0.01 OPEN of platform fee to the
	/// treasury. Jobs have an hour to become final: a round (two minutes) and the optimistic
	/// window (ten) several times over. KNN-Shapley pays the 16 nearest entries.
	pub RewardsParams: pallet_rewards::Params<Balance, BlockNumber> = pallet_rewards::Params {
		shares: pallet_rewards::Shares {
			contributors: Perbill::from_percent(40),
			owner: Perbill::from_percent(35),
			workers: Perbill::from_percent(15),
			treasury: Perbill::from_percent(10),
		},
		platform_fee: 10 * MILLIOPEN,
		job_window: HOURS,
		knn_paid: 16,
	};
}

impl pallet_rewards::Config for Runtime {
	type Currency = Balances;
	type Models = Models;
	type Jobs = Attribution;
	type Reputation = Reputation;
	type PalletId = RewardsPalletId;
	type TreasuryAccount = TreasuryAccount;
	type AdminOrigin = ParametersOrigin;
	type DefaultParams = RewardsParams;
	// The attribution pallet's `MaxPaid`, `MaxTotals` and `MaxAssigned`, and the models
	// pallet's `MaxTrainedOn`.
	type MaxPaid = ConstU32<64>;
	type MaxTotals = ConstU32<512>;
	// 10% of a block settles final jobs; a large one goes on in the next block.
	type SettleWeight = RewardsSettleWeight;
	type MaxSupporters = ConstU32<16>;
	type MaxTrainedOn = ConstU32<8>;
	type MaxPayouts = ConstU32<100_000>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = Datanets;
	type WeightInfo = pallet_rewards::weights::SubstrateWeight<Runtime>;
}

impl pallet_reputation::Config for Runtime {
	type RuntimeHoldReason = RuntimeHoldReason;
	type Currency = Balances;
	type OnSlash = ResolveTo<TreasuryAccount, Balances>;
	type AdminOrigin = ParametersOrigin;
	type DefaultParams = ReputationParams;
	type MaxHistory = ConstU32<16>;
	type WeightInfo = pallet_reputation::weights::SubstrateWeight<Runtime>;
}

impl pallet_datanets::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Reputation = Reputation;
	type Slasher = Reputation;
	type TreasuryAccount = TreasuryAccount;
	type AdminOrigin = ParametersOrigin;
	type DefaultParams = DatanetParams;
	type BlocksPerDay = ConstU32<DAYS>;
	type MaxNameLen = ConstU32<64>;
	type MaxUriLen = ConstU32<256>;
	type MaxTagLen = ConstU32<32>;
	type MaxTags = ConstU32<8>;
	type MaxCurators = ConstU32<16>;
	type MaxAllowList = ConstU32<10_000>;
	type MaxCurateBatch = ConstU32<64>;
	// A Datanet's versions hold at most what one attribution job may rank (`MaxJobItems`).
	type MaxVersionItems = ConstU32<{ 1 << 24 }>;
	// 2^20 items a file: item proofs of at most 20 levels; 1 GiB at the largest dimension.
	type MaxFileItems = ConstU32<{ 1 << 20 }>;
	// A week for curators to decide before a contributor may take the bond back.
	type ReviewPeriod = ConstU32<{ 7 * DAYS }>;
	type WeightInfo = pallet_datanets::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// The smallest burn: 1 OPEN, below which the L1 release costs more in gas than it moves.
	pub const BridgeMinBurn: Balance = OPEN;
}

/// OPEN in and out through the L1 contract (docs/bridge.md). The committee mints: setting it,
/// the contract or the limits is a `root` referendum, the track with the longest periods and
/// the highest bar, because whoever names the committee can mint. Halting is the emergency
/// origin's, like pausing calls: it can stop both directions but move nothing.
impl pallet_bridge::Config for Runtime {
	type Currency = Balances;
	type Recovery = pallet_bridge::HostRecovery;
	type GovernanceOrigin = EnsureRoot<AccountId>;
	type HaltOrigin = crate::governance::EmergencyOrigin;
	// Sixteen members: attestations and signatures stay small; the contract allows 64.
	type MaxMembers = ConstU32<16>;
	type MinBurn = BridgeMinBurn;
	type WeightInfo = pallet_bridge::weights::SubstrateWeight<Runtime>;
}
