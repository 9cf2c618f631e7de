//! On-chain governance: OpenGov referenda voted with conviction by holders of OPEN, on the
//! tracks in [`tracks`]; a council that can only pause calls; the treasury; and the origins
//! that our pallets accept for their parameters. `docs/governance.md` describes them.

pub mod origins;
pub mod tracks;

use crate::{
	configs::{RuntimeBlockWeights, TreasuryAccount, TreasuryPalletId},
	currency::{deposit, OPEN},
	AccountId, Balance, Balances, BlockNumber, OriginCaller, Preimage, Referenda, Runtime,
	RuntimeCall, RuntimeEvent, RuntimeHoldReason, RuntimeOrigin, Scheduler, System, Treasury, DAYS,
};
use frame_support::{
	parameter_types,
	traits::{
		fungible::HoldConsideration,
		tokens::{pay::PayFromAccount, UnityAssetBalanceConversion},
		ConstU32, Contains, EitherOf, EitherOfDiverse, EqualPrivilegeOnly, LinearStoragePrice,
	},
	weights::Weight,
};
use frame_system::{EnsureRoot, EnsureRootWithSuccess, EnsureSigned, EnsureWithSuccess};
use sp_runtime::{traits::IdentityLookup, Perbill};

/// The council's collective instance.
pub type CouncilCollective = pallet_collective::Instance1;

/// Two thirds of the council.
pub type CouncilTwoThirds =
	pallet_collective::EnsureProportionAtLeast<AccountId, CouncilCollective, 2, 3>;

/// Who sets our pallets' parameters: a referendum on the `parameters` track, or on `root`.
pub type ParametersOrigin = EitherOfDiverse<EnsureRoot<AccountId>, origins::Parameters>;

/// Who admits and removes workers and sets their minimum stake: the `workers` track, or `root`.
pub type WorkersOrigin = EitherOfDiverse<EnsureRoot<AccountId>, origins::Workers>;

/// Who pauses and unpauses calls: the `emergency` track, two thirds of the council, or `root`.
/// Nothing else accepts the emergency origin or the council, so neither can move funds.
pub type EmergencyOrigin = EitherOfDiverse<
	EnsureRoot<AccountId>,
	EitherOfDiverse<origins::EmergencyHalt, CouncilTwoThirds>,
>;

parameter_types! {
	/// A preimage holds 1 OPEN plus 0.001 OPEN per byte until it is removed.
	pub const PreimageBaseDeposit: Balance = OPEN;
	pub const PreimageByteDeposit: Balance = deposit(0, 10);
	pub const PreimageHoldReason: RuntimeHoldReason =
		RuntimeHoldReason::Preimage(pallet_preimage::HoldReason::Preimage);
}

impl pallet_preimage::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = pallet_preimage::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type ManagerOrigin = EnsureRoot<AccountId>;
	type Consideration = HoldConsideration<
		AccountId,
		Balances,
		PreimageHoldReason,
		LinearStoragePrice<PreimageBaseDeposit, PreimageByteDeposit, Balance>,
	>;
}

parameter_types! {
	/// Enacted calls may use 80% of a block.
	pub MaximumSchedulerWeight: Weight = Perbill::from_percent(80) * RuntimeBlockWeights::get().max_block;
}

impl pallet_scheduler::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeOrigin = RuntimeOrigin;
	type PalletsOrigin = OriginCaller;
	type RuntimeCall = RuntimeCall;
	type MaximumWeight = MaximumSchedulerWeight;
	// Only referenda (through the trait, not this origin) and Root schedule.
	type ScheduleOrigin = EnsureRoot<AccountId>;
	type OriginPrivilegeCmp = EqualPrivilegeOnly;
	type MaxScheduledPerBlock = ConstU32<50>;
	type WeightInfo = pallet_scheduler::weights::SubstrateWeight<Runtime>;
	type Preimages = Preimage;
	type BlockNumberProvider = System;
}

parameter_types! {
	/// A motion lasts three days.
	pub const CouncilMotionDuration: BlockNumber = 3 * DAYS;
	pub MaxCouncilProposalWeight: Weight = Perbill::from_percent(50) * RuntimeBlockWeights::get().max_block;
}

impl pallet_collective::Config<CouncilCollective> for Runtime {
	type RuntimeOrigin = RuntimeOrigin;
	type Proposal = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type MotionDuration = CouncilMotionDuration;
	type MaxProposals = ConstU32<100>;
	type MaxMembers = ConstU32<32>;
	type DefaultVote = pallet_collective::PrimeDefaultVote;
	type WeightInfo = pallet_collective::weights::SubstrateWeight<Runtime>;
	// Members come from `CouncilMembership`, changed by Root.
	type SetMembersOrigin = EnsureRoot<AccountId>;
	type MaxProposalWeight = MaxCouncilProposalWeight;
	type DisapproveOrigin = EnsureRoot<AccountId>;
	type KillOrigin = EnsureRoot<AccountId>;
	// Members are few and chosen by Root: proposing needs no deposit.
	type Consideration = ();
}

impl pallet_membership::Config<pallet_membership::Instance1> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type AddOrigin = EnsureRoot<AccountId>;
	type RemoveOrigin = EnsureRoot<AccountId>;
	type SwapOrigin = EnsureRoot<AccountId>;
	type ResetOrigin = EnsureRoot<AccountId>;
	type PrimeOrigin = EnsureRoot<AccountId>;
	type MembershipInitialized = crate::Council;
	type MembershipChanged = crate::Council;
	type MaxMembers = ConstU32<32>;
	type WeightInfo = pallet_membership::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// OpenLedger's proposal threshold is 100 OPEN of voting power; submitting holds as much.
	pub const SubmissionDeposit: Balance = 100 * OPEN;
	/// A referendum nobody places a decision deposit for times out after the decision period.
	pub const UndecidingTimeout: BlockNumber = 14 * DAYS;
}

impl pallet_referenda::Config for Runtime {
	type WeightInfo = pallet_referenda::weights::SubstrateWeight<Runtime>;
	type RuntimeCall = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type Scheduler = Scheduler;
	type Currency = Balances;
	type SubmitOrigin = frame_support::traits::AsEnsureOriginWithArg<EnsureSigned<AccountId>>;
	type CancelOrigin = EnsureRoot<AccountId>;
	type KillOrigin = EnsureRoot<AccountId>;
	// Deposits of killed referenda go to the treasury.
	type Slash = Treasury;
	type Votes = Balance;
	type Tally = pallet_conviction_voting::TallyOf<Runtime>;
	type SubmissionDeposit = SubmissionDeposit;
	type MaxQueued = ConstU32<100>;
	type UndecidingTimeout = UndecidingTimeout;
	type AlarmInterval = ConstU32<1>;
	type Tracks = tracks::TracksInfo;
	type Preimages = Preimage;
	type BlockNumberProvider = System;
}

parameter_types! {
	/// The unit of conviction locks: a vote with conviction `n` locks its balance for
	/// 2^(n-1) weeks after the referendum ends (up to 32 weeks for 6x).
	pub const VoteLockingPeriod: BlockNumber = 7 * DAYS;
}

impl pallet_conviction_voting::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = pallet_conviction_voting::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type Polls = Referenda;
	// Support is measured against all OPEN not deactivated.
	type MaxTurnout =
		frame_support::traits::tokens::currency::ActiveIssuanceOf<Balances, AccountId>;
	// As many as the referenda that can be live on one track at once, five times over.
	type MaxVotes = ConstU32<512>;
	type VoteLockingPeriod = VoteLockingPeriod;
	type BlockNumberProvider = System;
	type VotingHooks = ();
}

impl origins::Config for Runtime {}

parameter_types! {
	/// The most one `treasury`-track referendum may spend; more needs `root`.
	pub const MaxTreasurerSpend: Balance = 100_000 * OPEN;
	pub const MaxBalance: Balance = Balance::MAX;
	pub const SpendPeriod: BlockNumber = 7 * DAYS;
	/// An approved spend must be paid out within 30 days.
	pub const PayoutPeriod: BlockNumber = 30 * DAYS;
}

/// Who spends from the treasury, and how much at most.
pub type TreasurySpender = EitherOf<
	EnsureRootWithSuccess<AccountId, MaxBalance>,
	EnsureWithSuccess<origins::Treasurer, AccountId, MaxTreasurerSpend>,
>;

impl pallet_treasury::Config for Runtime {
	type Currency = Balances;
	type RejectOrigin = EitherOfDiverse<EnsureRoot<AccountId>, origins::Treasurer>;
	type RuntimeEvent = RuntimeEvent;
	type SpendPeriod = SpendPeriod;
	// Nothing is burned: slashes and platform fees stay for spending.
	type Burn = ();
	type PalletId = TreasuryPalletId;
	type BurnDestination = ();
	type WeightInfo = pallet_treasury::weights::SubstrateWeight<Runtime>;
	type SpendFunds = ();
	type MaxApprovals = ConstU32<100>;
	type SpendOrigin = TreasurySpender;
	// Spends are in OPEN only.
	type AssetKind = ();
	type Beneficiary = AccountId;
	type BeneficiaryLookup = IdentityLookup<AccountId>;
	type Paymaster = PayFromAccount<Balances, TreasuryAccount>;
	type BalanceConverter = UnityAssetBalanceConversion;
	type PayoutPeriod = PayoutPeriod;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
	type BlockNumberProvider = System;
}

/// Calls that can be paused: those of our pallets, transfers, multisig, XCM and treasury
/// payouts. Governance, consensus and the system itself never are, so that a pause can always
/// be undone by the same means.
pub struct Unpausable;
impl Contains<pallet_tx_pause::RuntimeCallNameOf<Runtime>> for Unpausable {
	fn contains((pallet, _call): &pallet_tx_pause::RuntimeCallNameOf<Runtime>) -> bool {
		const PAUSABLE: [&[u8]; 10] = [
			b"Balances",
			b"Multisig",
			b"PolkadotXcm",
			b"Treasury",
			b"Datanets",
			b"Reputation",
			b"Attribution",
			b"Models",
			b"Rewards",
			b"Bridge",
		];
		!PAUSABLE.contains(&pallet.as_slice())
	}
}

impl pallet_tx_pause::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type PauseOrigin = EmergencyOrigin;
	type UnpauseOrigin = EmergencyOrigin;
	type WhitelistedCalls = Unpausable;
	type MaxNameLen = ConstU32<64>;
	type WeightInfo = pallet_tx_pause::weights::SubstrateWeight<Runtime>;
}
