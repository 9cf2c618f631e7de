//! A runtime with balances, reputation and Datanets, and helpers the tests share.

use crate as pallet_datanets;
use crate::*;
use frame_support::{
	assert_ok, derive_impl, parameter_types,
	traits::{tokens::imbalance::ResolveTo, ConstU32, ConstU64},
	BoundedVec,
};
use sp_runtime::{BuildStorage, Perbill};

pub type AccountId = u64;
pub type Balance = u128;
type Block = frame_system::mocking::MockBlock<Test>;

pub const TREASURY: AccountId = 999;
pub const OWNER: AccountId = 1;
pub const ALICE: AccountId = 2;
pub const BOB: AccountId = 3;
pub const CURATOR: AccountId = 4;
pub const POOR: AccountId = 5;
pub const ED: Balance = 10;
pub const BOND: Balance = 100;
pub const DEPOSIT: Balance = 500;
pub const BLOCKS_PER_DAY: u64 = 100;
pub const REVIEW_PERIOD: u64 = 50;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Reputation: pallet_reputation,
		Datanets: pallet_datanets,
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
	pub ReputationParams: pallet_reputation::Params<u64> = pallet_reputation::Params {
		positive_gain: 10_000,
		negative_penalty: 50_000,
		decay: Perbill::from_percent(1),
		decay_period: 1_000,
	};
	pub DatanetParams: Params<Balance> = Params {
		creation_deposit: DEPOSIT,
		reject_slash: Perbill::from_percent(20),
		publish_base_fee: 50,
		publish_fee_per_kib: 2,
		bond_per_mib: 0,
	};
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

impl pallet_datanets::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Reputation = Reputation;
	type Slasher = Reputation;
	type TreasuryAccount = Treasury;
	type AdminOrigin = frame_system::EnsureRoot<AccountId>;
	type DefaultParams = DatanetParams;
	type BlocksPerDay = ConstU64<BLOCKS_PER_DAY>;
	type MaxNameLen = ConstU32<16>;
	type MaxUriLen = ConstU32<32>;
	type MaxTagLen = ConstU32<8>;
	type MaxTags = ConstU32<2>;
	type MaxCurators = ConstU32<2>;
	type MaxAllowList = ConstU32<2>;
	type MaxCurateBatch = ConstU32<4>;
	type MaxVersionItems = ConstU32<20>;
	type MaxFileItems = ConstU32<8>;
	type ReviewPeriod = ConstU64<REVIEW_PERIOD>;
	type WeightInfo = ();
}

/// Everyone but `POOR` starts with 10,000; `POOR` has 150; the treasury exists.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![
			(OWNER, 10_000),
			(ALICE, 10_000),
			(BOB, 10_000),
			(CURATOR, 10_000),
			(POOR, 150),
			(TREASURY, ED),
		],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs `test`, then checks the pallet's invariants (reputation checks its own in its tests).
pub fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Datanets::do_try_state().expect("datanets invariants hold after the test");
	});
}

pub fn bounded<S: frame_support::traits::Get<u32>>(bytes: &[u8]) -> BoundedVec<u8, S> {
	bytes.to_vec().try_into().expect("fits the bound")
}

pub fn caps() -> DailyCaps {
	DailyCaps {
		files_per_contributor: 3,
		bytes_per_contributor: 10_000,
		files_per_datanet: 5,
		bytes_per_datanet: 20_000,
	}
}

/// Creates a Datanet owned by `OWNER` with 3 labels, dimension 8 and the default caps; returns
/// its id.
pub fn create(permission: Permission) -> DatanetId {
	let id = NextDatanetId::<Test>::get();
	assert_ok!(Datanets::create_datanet(
		RuntimeOrigin::signed(OWNER),
		bounded(b"faces"),
		bounded(b"ipfs://desc"),
		vec![bounded(b"vision")].try_into().unwrap(),
		8,
		3,
		permission,
		BOND,
		caps(),
	));
	id
}

/// A distinct content hash for test item `n`.
pub fn content(n: u8) -> Hash {
	[n; 32]
}

/// How many items test file `n` holds: 1 to 4.
pub fn items_of(n: u8) -> u32 {
	(n % 4) as u32 + 1
}

/// The item root of test file `n`.
pub fn item_root_of(n: u8) -> Hash {
	[n.wrapping_add(100); 32]
}

/// The size of a file of `items` items in the mock's Datanets (dimension 8).
pub fn size_of(items: u32) -> u64 {
	openledger_primitives::datanet::file::file_size(items, 8)
}

/// Contributes file `n` (content `n`, item root `n + 100`, `items_of(n)` items of dimension 8)
/// from `who`; returns its id.
pub fn contribute(who: AccountId, datanet: DatanetId, n: u8) -> ContributionId {
	let id = NextContributionId::<Test>::get();
	assert_ok!(Datanets::contribute(
		RuntimeOrigin::signed(who),
		datanet,
		content(n),
		item_root_of(n),
		items_of(n),
		size_of(items_of(n)),
		bounded(b"ipfs://file"),
	));
	id
}

pub fn ids(list: &[ContributionId]) -> CurateBatchOf<Test> {
	list.to_vec().try_into().expect("batch fits")
}

pub fn events() -> Vec<pallet_datanets::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Datanets(e) => Some(e),
			_ => None,
		})
		.collect()
}

pub fn last_event() -> pallet_datanets::Event<Test> {
	events().pop().expect("an event was emitted")
}
