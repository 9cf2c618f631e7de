//! A runtime with balances, reputation and attribution, Datanet versions built from real
//! embeddings, and helpers the tests share.

use crate as pallet_attribution;
use crate::*;
use codec::Encode;
use core::cell::RefCell;
use frame_support::weights::Weight;
use frame_support::{
	assert_ok, derive_impl, ord_parameter_types, parameter_types,
	traits::{tokens::imbalance::ResolveTo, ConstU32, Hooks},
};
use openledger_primitives::{
	attribution::{
		check::{paid_count, ProvenEntry, ProvenItem},
		embedding_hash, pack, reference_entries, Entry, Method,
	},
	datanet::{
		file::{ItemLeaf, VersionItems},
		VersionInfo, VersionSource,
	},
	merkle,
};
use sp_runtime::{BuildStorage, Perbill};
use std::collections::BTreeMap;

pub type AccountId = u64;
pub type Balance = u128;
type Block = frame_system::mocking::MockBlock<Test>;

pub const TREASURY: AccountId = 999;
pub const PAYER: AccountId = 100;
pub const POOR: AccountId = 101;
pub const ED: Balance = 10;
pub const STAKE: Balance = 1_000;
pub const BOND: Balance = 50;
pub const START: Balance = 10_000;
/// The only account `WorkersOrigin` admits. `AdminOrigin` is Root, so each origin is refused
/// where the other is required, which the runtime's two tracks need.
pub const WORKERS_ADMIN: AccountId = 77;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Reputation: pallet_reputation,
		Attribution: pallet_attribution,
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
	pub AttributionParams: Params<Balance, u64> = default_params();
}

ord_parameter_types! {
	pub const WorkersAdmin: AccountId = WORKERS_ADMIN;
}

/// R = 3, Q = 2; commit 5 blocks, reveal 5, agreed window 2, optimistic 10, openings 3; half a stake slashed,
/// a fifth of it to the challenger; 200 blocks of unbonding (a round, plus the longest dispute of
/// a job of `MaxJobItems`).
pub fn default_params() -> Params<Balance, u64> {
	Params {
		min_stake: STAKE,
		replication: 3,
		quorum: 2,
		commit_window: 5,
		reveal_window: 5,
		agreed_challenge_window: 2,
		optimistic_challenge_window: 10,
		opening_window: 3,
		challenge_bond: BOND,
		wrong_result_slash: Perbill::from_percent(50),
		challenger_share: Perbill::from_percent(20),
		unbonding_period: 200,
	}
}

thread_local! {
	static VERSIONS: RefCell<BTreeMap<(u32, u32), VersionInfo>> = const { RefCell::new(BTreeMap::new()) };
	static ENDED: RefCell<Vec<(JobId, Option<Vec<Entry>>)>> = const { RefCell::new(Vec::new()) };
}

/// Versions the tests publish.
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
		let datanet = VERSIONS.with(|v| v.borrow().len() as u32 + 1000);
		let info = VersionInfo {
			root: version.root,
			file_count: version.file_count,
			item_count: version.item_count,
			dimension,
			num_labels,
		};
		VERSIONS.with(|v| v.borrow_mut().insert((datanet, 1), info));
		(datanet, 1)
	}
}

/// Records how jobs ended: `Some(paid)` when final, `None` when failed.
pub struct RecordEnds;
impl OnJobEnd<AccountId> for RecordEnds {
	fn finalized_weight(_: u32, _: u32) -> Weight {
		Weight::zero()
	}
	fn failed_weight() -> Weight {
		Weight::zero()
	}
	fn finalized(job: JobId, _: &AccountId, paid: &[Entry], _: &[AccountId]) {
		ENDED.with(|e| e.borrow_mut().push((job, Some(paid.to_vec()))));
	}
	fn failed(job: JobId, _: &AccountId) {
		ENDED.with(|e| e.borrow_mut().push((job, None)));
	}
}

pub fn ended() -> Vec<(JobId, Option<Vec<Entry>>)> {
	ENDED.with(|e| e.borrow().clone())
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

impl pallet_attribution::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Reputation = Reputation;
	type Slasher = Reputation;
	type Versions = MockVersions;
	type OnJobEnd = RecordEnds;
	type AdminOrigin = frame_system::EnsureRoot<AccountId>;
	type WorkersOrigin = frame_system::EnsureSignedBy<WorkersAdmin, AccountId>;
	type DefaultParams = AttributionParams;
	type MaxWorkers = ConstU32<8>;
	type MaxAssigned = ConstU32<4>;
	type MaxPaid = ConstU32<8>;
	type MaxJobItems = ConstU32<1024>;
	type MaxFinalized = ConstU32<3>;
	type MaxTransitionsPerBlock = ConstU32<2>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockVersions;
	type WeightInfo = ();
}

/// Accounts 1 to 8 are would-be workers with 10,000 each; `PAYER` has 10,000, `POOR` 1,020.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut balances: Vec<(AccountId, Balance)> = (1..=8).map(|a| (a, START)).collect();
	balances.extend([(PAYER, START), (POOR, STAKE + 2 * ED), (TREASURY, ED)]);
	pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		VERSIONS.with(|v| v.borrow_mut().clear());
		ENDED.with(|e| e.borrow_mut().clear());
	});
	ext
}

/// Runs `test`, then checks the pallet's invariants.
pub fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Attribution::do_try_state().expect("attribution invariants hold after the test");
	});
}

/// Advances to block `n`, running the attribution hook at each block.
pub fn run_to(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Attribution::on_initialize(next);
		Attribution::do_try_state().expect("invariants hold after every block");
	}
}

pub fn events() -> Vec<pallet_attribution::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Attribution(e) => Some(e),
			_ => None,
		})
		.collect()
}

/// Registers accounts `1..=n` with `STAKE` each.
pub fn register(n: u64) {
	for a in 1..=n {
		assert_ok!(Attribution::register_worker(RuntimeOrigin::signed(a), STAKE));
	}
}

/// A Datanet version with real int8 embeddings, a query, and the honest result of a job over
/// them: what a worker and a challenger hold off-chain.
pub struct World {
	pub embeddings: Vec<Vec<i8>>,
	pub items: VersionItems<AccountId>,
	pub query: Vec<i8>,
	pub query_label: u32,
	pub method: Method,
	pub top: u32,
	pub entries: Vec<Entry>,
}

impl World {
	/// `n` items of dimension `d` with 3 labels, from a seed; published as version 1 of Datanet
	/// `datanet`.
	pub fn publish(datanet: u32, seed: u64, n: usize, d: usize, method: Method, top: u32) -> World {
		let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
		let mut next = move || {
			state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
			(state >> 33) as u32
		};
		let embeddings: Vec<Vec<i8>> =
			(0..n).map(|_| (0..d).map(|_| (next() % 7) as i8 - 3).collect()).collect();
		let leaves: Vec<ItemLeaf> = embeddings
			.iter()
			.map(|e| ItemLeaf { embedding_hash: embedding_hash(e), label: next() % 3 })
			.collect();
		let query: Vec<i8> = (0..d).map(|_| (next() % 7) as i8 - 3).collect();
		let query_label = 1;
		let packed: Vec<u32> = embeddings.iter().flat_map(|e| pack(e)).collect();
		let labels: Vec<u32> = leaves.iter().map(|l| l.label).collect();
		let entries = reference_entries(method, &packed, &labels, &pack(&query), query_label);
		// Files of one to three items, contributor 500 + the file's position.
		let mut files = Vec::new();
		let mut rest = &leaves[..];
		while !rest.is_empty() {
			let take = (1 + next() as usize % 3).min(rest.len());
			files.push((500 + files.len() as u64, rest[..take].to_vec()));
			rest = &rest[take..];
		}
		let items = VersionItems::from_files(files).expect("files of items");
		let c = items.commitment();
		let info = VersionInfo {
			root: c.root,
			file_count: c.file_count,
			item_count: c.item_count,
			dimension: d as u32,
			num_labels: 3,
		};
		VERSIONS.with(|v| v.borrow_mut().insert((datanet, 1), info));
		World { embeddings, items, query, query_label, method, top, entries }
	}

	/// The spec of a job over this version with `deadline`.
	pub fn spec(&self, datanet: u32, deadline: u64) -> JobSpec<u64> {
		JobSpec {
			datanet,
			version: 1,
			method: self.method,
			top: self.top,
			query_hash: embedding_hash(&self.query),
			query_label: self.query_label,
			deadline,
		}
	}

	pub fn paid_count(&self) -> usize {
		paid_count(self.method, self.items.commitment().item_count, self.top) as usize
	}

	/// The commitment and paid entries of a result whose committed list is `entries`.
	pub fn result(&self, entries: &[Entry]) -> (Hash, PaidOf<Test>) {
		let paid = entries[..self.paid_count()].to_vec().try_into().expect("paid fits");
		(openledger_primitives::attribution::commitment(entries), paid)
	}

	pub fn proven(entries: &[Entry], position: usize) -> ProvenEntry {
		let hashes: Vec<Hash> = entries.iter().map(Entry::leaf_hash).collect();
		ProvenEntry { entry: entries[position], proof: merkle::proof(&hashes, position).unwrap() }
	}

	pub fn item(&self, index: u32) -> ProvenItem<AccountId> {
		ProvenItem {
			index,
			item: *self.items.item(index).expect("an item of the version"),
			proof: self.items.proof(index).expect("an item of the version"),
		}
	}

	pub fn query(&self) -> QueryOf {
		self.query.clone().try_into().unwrap()
	}

	/// The witness a challenger finds against a worker that committed to `claimed`.
	pub fn witness(&self, job: &Job<Test>, claimed: &[Entry]) -> Option<WitnessOf<Test>> {
		let (commitment, paid) = self.result(claimed);
		let check_job = Attribution::check_job(job, commitment, &paid);
		let flat: Vec<i8> = self.embeddings.concat();
		let version = openledger_primitives::attribution::witness::VersionData {
			items: &self.items,
			embeddings: &flat,
		};
		openledger_primitives::attribution::witness::find_witness(
			&check_job,
			version,
			&self.query,
			claimed,
		)
	}
}

/// The salt worker `who` uses in tests.
pub fn salt(who: AccountId) -> [u8; 32] {
	sp_crypto_hashing::blake2_256(&who.encode())
}

/// `who` commits to the result whose committed list is `entries`.
pub fn commit(w: &World, job: JobId, who: AccountId, entries: &[Entry]) {
	let (commitment, paid) = w.result(entries);
	let hash = Attribution::commit_hash(job, &who, &commitment, &paid, &salt(who));
	assert_ok!(Attribution::commit(RuntimeOrigin::signed(who), job, hash));
}

/// `who` reveals the result it committed to; returns the result's hash.
pub fn reveal(w: &World, job: JobId, who: AccountId, entries: &[Entry]) -> Hash {
	let (commitment, paid) = w.result(entries);
	assert_ok!(Attribution::reveal(
		RuntimeOrigin::signed(who),
		job,
		commitment,
		paid.clone(),
		salt(who)
	));
	Attribution::result_hash(&commitment, &paid)
}

/// The job's windows: `(commit_end, reveal_end)`.
pub fn windows(job: JobId) -> (u64, u64) {
	match Jobs::<Test>::get(job).expect("job open").phase {
		Phase::Working { commit_end, reveal_end } => (commit_end, reveal_end),
		other => panic!("not working: {other:?}"),
	}
}

pub fn assigned(job: JobId) -> Vec<AccountId> {
	Jobs::<Test>::get(job).expect("job open").assigned.into_inner()
}

/// Opens a job over `w` as `PAYER` with a deadline 60 blocks ahead; returns its id.
pub fn open(w: &World, datanet: u32) -> JobId {
	let id = NextJobId::<Test>::get();
	let deadline = System::block_number() + 60;
	assert_ok!(Attribution::open_job(RuntimeOrigin::signed(PAYER), w.spec(datanet, deadline)));
	id
}

pub fn free(who: AccountId) -> Balance {
	<Balances as frame_support::traits::fungible::Inspect<AccountId>>::balance(&who)
}

pub fn stake(who: AccountId) -> Balance {
	Workers::<Test>::get(who).map_or(0, |w| w.stake)
}
