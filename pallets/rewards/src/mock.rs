//! A runtime with balances, reputation and rewards; models, jobs and contributors from tables
//! the tests fill; and helpers the tests share.

use crate as pallet_rewards;
use crate::*;
use core::cell::RefCell;
use frame_support::{
	assert_ok, derive_impl, parameter_types,
	traits::{tokens::imbalance::ResolveTo, ConstU32},
	PalletId,
};
use frame_support::{
	traits::{Get, Hooks},
	weights::Weight,
};
use openledger_primitives::attribution::{batch::SHARE_ONE, Method};
use openledger_traits::{FeeRates, ModelRegistry, ModelView};
use openledger_traits::{JobOpener, JobSpec, OnJobEnd};
use sp_runtime::{BuildStorage, DispatchError, Perbill};
use std::collections::BTreeMap;

pub type AccountId = u64;
pub type Balance = u128;
type Block = frame_system::mocking::MockBlock<Test>;

pub const TREASURY: AccountId = 999;
pub const PAYER: AccountId = 100;
pub const POOR: AccountId = 101;
pub const OWNER: AccountId = 1;
pub const ED: Balance = 10;
pub const START: Balance = 1_000_000;
pub const PLATFORM_FEE: Balance = 5;
pub const WINDOW: u64 = 100;
/// The contributors of version (1, 1), by item index.
pub const ALICE: AccountId = 11;
pub const BOB: AccountId = 12;
pub const CAROL: AccountId = 13;
/// Three workers.
pub const WORKERS: [AccountId; 3] = [31, 32, 33];
/// A KNN-Shapley model (`K` = 3) on version (1, 1), 300 per 1,000 input tokens, 700 output.
pub const KNN_MODEL: ModelId = 0;
/// A similarity model (`k` = 2) on versions (1, 1) and (2, 1), 1,000 and 1,000.
pub const TWO_VERSION_MODEL: ModelId = 1;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Reputation: pallet_reputation,
		Rewards: pallet_rewards,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = sp_runtime::traits::IdentityLookup<AccountId>;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type ExistentialDeposit = frame_support::traits::ConstU128<ED>;
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

parameter_types! {
	pub const Treasury: AccountId = TREASURY;
	pub const RewardsPalletId: PalletId = PalletId(*b"ol/rewrd");
	pub ReputationParams: pallet_reputation::Params<u64> = pallet_reputation::Params {
		positive_gain: 10_000,
		negative_penalty: 50_000,
		decay: Perbill::from_percent(1),
		decay_period: 1_000,
	};
	pub RewardsParams: Params<Balance, u64> = default_params();
}

/// Contributors 50%, owner 20%, workers 20%, treasury 10%; a platform fee of 5; jobs have 100
/// blocks; KNN-Shapley pays 4 entries.
pub fn default_params() -> Params<Balance, u64> {
	Params {
		shares: Shares {
			contributors: Perbill::from_percent(50),
			owner: Perbill::from_percent(20),
			workers: Perbill::from_percent(20),
			treasury: Perbill::from_percent(10),
		},
		platform_fee: PLATFORM_FEE,
		job_window: WINDOW,
		knn_paid: 4,
	}
}

impl pallet_reputation::Config for Test {
	type RuntimeHoldReason = RuntimeHoldReason;
	type Currency = Balances;
	type OnSlash = ResolveTo<Treasury, Balances>;
	type AdminOrigin = frame_system::EnsureRoot<AccountId>;
	type DefaultParams = ReputationParams;
	type MaxHistory = ConstU32<8>;
	type WeightInfo = ();
}

thread_local! {
	static MODELS: RefCell<BTreeMap<ModelId, ModelView<AccountId, Balance>>> = const { RefCell::new(BTreeMap::new()) };
	static JOBS: RefCell<Vec<(AccountId, JobSpec<u64>)>> = const { RefCell::new(Vec::new()) };
	static JOBS_REFUSED: RefCell<bool> = const { RefCell::new(false) };
	static SETTLE_BUDGET: RefCell<Option<Weight>> = const { RefCell::new(None) };
}

/// Models from a table.
pub struct MockModels;
impl ModelRegistry<AccountId, Balance> for MockModels {
	fn active_model(id: ModelId) -> Option<ModelView<AccountId, Balance>> {
		MODELS.with(|m| m.borrow().get(&id).cloned())
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn register_for_benchmarks(
		owner: &AccountId,
		method: Method,
		trained_on: Vec<(u32, u32)>,
		fees: FeeRates<Balance>,
	) -> ModelId {
		MODELS.with(|m| {
			let mut m = m.borrow_mut();
			let id = m.len() as ModelId + 100;
			m.insert(id, ModelView { owner: *owner, method, trained_on, fees });
			id
		})
	}
}

/// Records the jobs asked for; numbers them from 0. Refuses them all while
/// [`refuse_jobs`] is set, as the attribution pallet does without workers.
pub struct MockJobs;
impl JobOpener<AccountId, u64> for MockJobs {
	fn open_job(payer: &AccountId, spec: JobSpec<u64>) -> Result<JobId, DispatchError> {
		if JOBS_REFUSED.with(|r| *r.borrow()) {
			return Err(DispatchError::Other("NoWorkers"));
		}
		JOBS.with(|j| {
			let mut j = j.borrow_mut();
			j.push((*payer, spec));
			Ok(j.len() as JobId - 1)
		})
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn prepare_workers() {}
}

/// Publishes nothing: the mock's jobs open on any version.
#[cfg(feature = "runtime-benchmarks")]
pub struct MockPublisher;
#[cfg(feature = "runtime-benchmarks")]
impl openledger_primitives::datanet::ContributedVersionPublisher<AccountId> for MockPublisher {
	fn publish_contributed(_: &[AccountId], _: u32, _: u32) -> (u32, u32) {
		(1, 1)
	}
}

/// The settlement hook's budget: unlimited unless a test sets one ([`set_settle_budget`]).
pub struct SettleBudget;
impl Get<Weight> for SettleBudget {
	fn get() -> Weight {
		SETTLE_BUDGET.with(|b| *b.borrow()).unwrap_or(Weight::MAX)
	}
}

pub fn set_settle_budget(budget: Weight) {
	SETTLE_BUDGET.with(|b| *b.borrow_mut() = Some(budget));
}

impl pallet_rewards::Config for Test {
	type Currency = Balances;
	type Models = MockModels;
	type Jobs = MockJobs;
	type Reputation = Reputation;
	type PalletId = RewardsPalletId;
	type TreasuryAccount = Treasury;
	type AdminOrigin = frame_system::EnsureRoot<AccountId>;
	type DefaultParams = RewardsParams;
	type MaxPaid = ConstU32<8>;
	type MaxTotals = ConstU32<8>;
	type SettleWeight = SettleBudget;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockPublisher;
	type MaxSupporters = ConstU32<4>;
	type MaxTrainedOn = ConstU32<3>;
	type MaxPayouts = ConstU32<2>;
	type WeightInfo = ();
}

/// `PAYER` has 1,000,000 and `POOR` 100; the models `KNN_MODEL` and `TWO_VERSION_MODEL` of
/// `OWNER` take inferences.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![(PAYER, START), (POOR, 100)],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_rewards::GenesisConfig::<Test>::default().assimilate_storage(&mut storage).unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		JOBS.with(|j| j.borrow_mut().clear());
		JOBS_REFUSED.with(|r| *r.borrow_mut() = false);
		SETTLE_BUDGET.with(|b| *b.borrow_mut() = None);
		MODELS.with(|m| {
			let mut m = m.borrow_mut();
			m.clear();
			m.insert(
				KNN_MODEL,
				ModelView {
					owner: OWNER,
					method: Method::KnnShapley { k: 3, t: 1_000 },
					trained_on: vec![(1, 1)],
					fees: FeeRates { input_per_1k: 300, output_per_1k: 700 },
				},
			);
			m.insert(
				TWO_VERSION_MODEL,
				ModelView {
					owner: OWNER,
					method: Method::Similarity { k: 2 },
					trained_on: vec![(1, 1), (2, 1)],
					fees: FeeRates { input_per_1k: 1_000, output_per_1k: 1_000 },
				},
			);
		});
	});
	ext
}

/// Runs `test`, then checks the pallet's invariants.
pub fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Rewards::do_try_state().expect("rewards invariants hold after the test");
	});
}

pub fn jobs() -> Vec<(AccountId, JobSpec<u64>)> {
	JOBS.with(|j| j.borrow().clone())
}

pub fn refuse_jobs(refuse: bool) {
	JOBS_REFUSED.with(|r| *r.borrow_mut() = refuse);
}

pub fn pause_model(id: ModelId) {
	MODELS.with(|m| m.borrow_mut().remove(&id));
}

pub fn set_model_fees(id: ModelId, fees: FeeRates<Balance>) {
	MODELS.with(|m| m.borrow_mut().get_mut(&id).expect("model").fees = fees);
}

/// Records an inference of `model` by `PAYER`; returns the jobs it opened.
pub fn infer(model: ModelId, input: u32, output: u32) -> Vec<JobId> {
	let before = jobs().len();
	assert_ok!(Rewards::record_inference(
		RuntimeOrigin::signed(PAYER),
		model,
		input,
		output,
		[7; 32],
		1
	));
	(before as JobId..jobs().len() as JobId).collect()
}

/// `numerator / denominator` of a batch, in the units of a contributor total (`2^-64`).
pub fn share(numerator: u128, denominator: u128) -> u128 {
	SHARE_ONE * numerator / denominator
}

/// Ends `job` as the attribution pallet would: final with `totals` revealed by `supporters`;
/// then the hook settles it, within its budget, in as many blocks as it takes.
pub fn finalize(job: JobId, totals: &[(AccountId, u128)], supporters: &[AccountId]) {
	<Rewards as OnJobEnd<AccountId>>::finalized(job, &PAYER, totals, supporters);
	settle();
}

/// Runs the settlement hook block by block until nothing is queued (at most 1,000 blocks).
pub fn settle() {
	for _ in 0..1_000 {
		let (head, tail) = SettleQueueBounds::<Test>::get();
		if head == tail {
			return;
		}
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Rewards::on_initialize(next);
		Rewards::do_try_state().expect("invariants hold after every block");
	}
	panic!("settlement did not end");
}

/// Ends `job` as failed.
pub fn fail(job: JobId) {
	<Rewards as OnJobEnd<AccountId>>::failed(job, &PAYER);
}

pub fn balance(who: AccountId) -> Balance {
	Balances::free_balance(who)
}

pub fn pot() -> Balance {
	Balances::free_balance(Rewards::account_id())
}

pub fn events() -> Vec<pallet_rewards::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Rewards(e) => Some(e),
			_ => None,
		})
		.collect()
}
