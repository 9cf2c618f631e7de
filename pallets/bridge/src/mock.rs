//! A runtime with balances and the bridge; a committee of five with real secp256k1 keys.

use crate as pallet_bridge;
use crate::*;
use frame_support::{
	assert_ok, derive_impl, ord_parameter_types, parameter_types, traits::ConstU32, BoundedVec,
};
use openledger_primitives::bridge::{self as eth, EthAddress};
use sp_core::{ecdsa, Pair};
use sp_runtime::BuildStorage;

pub type AccountId = u64;
pub type Balance = u128;
type Block = frame_system::mocking::MockBlock<Test>;

pub const ED: Balance = 10;
pub const USER: AccountId = 100;
pub const START: Balance = 1_000_000;
pub const EMERGENCY: AccountId = 99;
pub const MIN_BURN: Balance = 100;
pub const CONTRACT: L1 = L1 { chain_id: 1, contract: [0x11; 20] };
/// Inbound: at most this much a period of `PERIOD` blocks.
pub const LIMIT: Balance = 1_000_000;
pub const PERIOD: u64 = 10;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Bridge: pallet_bridge,
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
}

ord_parameter_types! {
	pub const Emergency: AccountId = EMERGENCY;
}
parameter_types! {
	pub const MinBurn: Balance = MIN_BURN;
}

impl Config for Test {
	type Currency = Balances;
	type Recovery = HostRecovery;
	type GovernanceOrigin = frame_system::EnsureRoot<AccountId>;
	type HaltOrigin = frame_system::EnsureSignedBy<Emergency, AccountId>;
	type MaxMembers = ConstU32<16>;
	type MinBurn = MinBurn;
	type WeightInfo = ();
}

/// A committee member's account and key.
#[derive(Clone)]
pub struct Key {
	pub account: AccountId,
	pub pair: ecdsa::Pair,
	pub signer: EthAddress,
}

impl Key {
	pub fn new(account: AccountId) -> Key {
		let pair = ecdsa::Pair::from_seed(&[account as u8; 32]);
		// The address, from a signature's recovery (as the chain sees it).
		let digest = [1u8; 32];
		let sig = Key::sign_with(&pair, &digest);
		let signer = eth::signer_of::<HostRecovery>(&sig, &digest).expect("a fresh signature");
		Key { account, pair, signer }
	}

	fn sign_with(pair: &ecdsa::Pair, digest: &[u8; 32]) -> [u8; 65] {
		let mut sig = pair.sign_prehashed(digest).0;
		sig[64] += 27;
		sig
	}

	/// A signature as the contract takes it: `r ‖ s ‖ v`, v 27 or 28, low s.
	pub fn sign(&self, digest: &[u8; 32]) -> [u8; 65] {
		Key::sign_with(&self.pair, digest)
	}

	pub fn member(&self) -> Member<AccountId> {
		Member { account: self.account, signer: self.signer }
	}
}

/// Keys for accounts `accounts`, ascending by signer.
pub fn keys(accounts: impl IntoIterator<Item = AccountId>) -> Vec<Key> {
	let mut k: Vec<Key> = accounts.into_iter().map(Key::new).collect();
	k.sort_by_key(|k| k.signer);
	k
}

pub fn members(keys: &[Key]) -> BoundedVec<Member<AccountId>, ConstU32<16>> {
	keys.iter().map(Key::member).collect::<Vec<_>>().try_into().unwrap()
}

/// The first committee: accounts 1 to 5, threshold 3.
pub fn committee() -> Vec<Key> {
	keys(1..=5)
}

pub fn deposit(nonce: u64, recipient: AccountId, amount: Balance) -> DepositOf<Test> {
	Deposit { nonce, from: [0xEE; 20], recipient, amount }
}

pub fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| if let RuntimeEvent::Bridge(e) = r.event { Some(e) } else { None })
		.collect()
}

pub fn run_to(n: u64) {
	System::set_block_number(n);
}

/// A configured bridge: committee 1..=5 (threshold 3), the contract, the limit; the user funded.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> { balances: vec![(USER, START)], ..Default::default() }
		.assimilate_storage(&mut t)
		.unwrap();
	let mut ext: sp_io::TestExternalities = t.into();
	ext.execute_with(|| {
		run_to(1);
		assert_ok!(Bridge::set_committee(RuntimeOrigin::root(), members(&committee()), 3));
		assert_ok!(Bridge::set_contract(RuntimeOrigin::root(), CONTRACT));
		assert_ok!(Bridge::set_limits(
			RuntimeOrigin::root(),
			Limits { period: PERIOD, max: LIMIT }
		));
	});
	ext
}

/// Runs `test`, then checks the pallet's invariants.
pub fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Bridge::do_try_state().expect("invariants hold");
	});
}

/// An empty bridge with a keystore, for the benchmarks (which sign with `sp_io`).
#[cfg(feature = "runtime-benchmarks")]
pub fn new_bench_ext() -> sp_io::TestExternalities {
	use sp_keystore::{testing::MemoryKeystore, KeystoreExt};
	let t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut ext: sp_io::TestExternalities = t.into();
	ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
	ext.execute_with(|| run_to(1));
	ext
}
