//! A runtime with balances and models, published versions from a table, and helpers.

use crate as pallet_models;
use crate::*;
use core::cell::RefCell;
use frame_support::{assert_ok, derive_impl, parameter_types, traits::ConstU32};
use openledger_primitives::{
	attribution::Method,
	datanet::{VersionInfo, VersionSource},
};
use sp_runtime::{BuildStorage, Permill};
use std::collections::BTreeMap;

pub type AccountId = u64;
pub type Balance = u128;
type Block = frame_system::mocking::MockBlock<Test>;

pub const OWNER: AccountId = 1;
pub const OTHER: AccountId = 2;
pub const POOR: AccountId = 3;
pub const ED: Balance = 10;
pub const DEPOSIT: Balance = 500;
pub const START: Balance = 10_000;
/// Datanet 1 version 1 is labelled; Datanet 2 version 1 is not.
pub const LABELLED: (u32, u32) = (1, 1);
pub const UNLABELLED: (u32, u32) = (2, 1);

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Models: pallet_models,
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

thread_local! {
	static VERSIONS: RefCell<BTreeMap<(u32, u32), VersionInfo>> = const { RefCell::new(BTreeMap::new()) };
}

/// Versions from a table the tests fill.
pub struct MockVersions;
impl VersionSource for MockVersions {
	fn version_info(datanet: u32, version: u32) -> Option<VersionInfo> {
		VERSIONS.with(|v| v.borrow().get(&(datanet, version)).copied())
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl openledger_primitives::datanet::VersionPublisher for MockVersions {
	fn publish(
		version: openledger_primitives::datanet::file::VersionCommitment,
		dimension: u32,
		num_labels: u32,
	) -> (u32, u32) {
		let (root, file_count, item_count) = (version.root, version.file_count, version.item_count);
		let datanet = VERSIONS.with(|v| v.borrow().len() as u32 + 1000);
		let info = VersionInfo { root, file_count, item_count, dimension, num_labels };
		VERSIONS.with(|v| v.borrow_mut().insert((datanet, 1), info));
		(datanet, 1)
	}
}

parameter_types! {
	pub ModelParams: Params<Balance> = Params { registration_deposit: DEPOSIT };
}

impl pallet_models::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Versions = MockVersions;
	type AdminOrigin = frame_system::EnsureRoot<AccountId>;
	type DefaultParams = ModelParams;
	type MaxNameLen = ConstU32<16>;
	type MaxTrainedOn = ConstU32<3>;
	type MaxCheckpoints = ConstU32<4>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockVersions;
	type WeightInfo = ();
}

/// `OWNER` and `OTHER` start with 10,000, `POOR` with 100; versions `LABELLED` and
/// `UNLABELLED` are published.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![(OWNER, START), (OTHER, START), (POOR, 100)],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		VERSIONS.with(|v| {
			let mut v = v.borrow_mut();
			v.clear();
			v.insert(
				LABELLED,
				VersionInfo {
					root: [1; 32],
					file_count: 2,
					item_count: 10,
					dimension: 8,
					num_labels: 3,
				},
			);
			v.insert(
				UNLABELLED,
				VersionInfo {
					root: [2; 32],
					file_count: 2,
					item_count: 10,
					dimension: 8,
					num_labels: 0,
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
		Models::do_try_state().expect("models invariants hold after the test");
	});
}

pub fn name(s: &[u8]) -> NameOf<Test> {
	s.to_vec().try_into().expect("fits")
}

pub fn versions(list: &[(u32, u32)]) -> TrainedOnOf<Test> {
	list.to_vec().try_into().expect("fits")
}

pub fn fees() -> FeeRates<Balance> {
	FeeRates { input_per_1k: 3, output_per_1k: 7 }
}

pub fn checkpoint(n: u8, score: u32) -> Checkpoint<u64> {
	Checkpoint { hash: [n; 32], validation_score: Permill::from_parts(score), recorded_at: 0 }
}

pub fn checkpoints(list: &[Checkpoint<u64>]) -> CheckpointsOf<Test> {
	list.to_vec().try_into().expect("fits")
}

pub const KNN: Method = Method::KnnShapley { k: 5, t: 1_024 };

/// Registers a KNN-Shapley model of `OWNER` on `LABELLED` with one checkpoint; returns its id.
pub fn register() -> ModelId {
	let id = NextModelId::<Test>::get();
	assert_ok!(Models::register_model(
		RuntimeOrigin::signed(OWNER),
		name(b"llama-cats"),
		[9; 32],
		[8; 32],
		AdapterKind::Lora,
		KNN,
		versions(&[LABELLED]),
		fees(),
		checkpoints(&[checkpoint(1, 800_000)]),
	));
	id
}

pub fn events() -> Vec<pallet_models::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Models(e) => Some(e),
			_ => None,
		})
		.collect()
}
