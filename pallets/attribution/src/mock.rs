//! A runtime with balances, reputation and attribution, Datanet versions built from real
//! embeddings, and helpers the tests share.

use crate as pallet_attribution;
use crate::*;
use codec::Encode;
use core::cell::RefCell;
use frame_support::{
	assert_ok, derive_impl, ord_parameter_types, parameter_types,
	traits::{tokens::imbalance::ResolveTo, ConstU32, Hooks},
};
use frame_support::{traits::Get, weights::Weight};
use openledger_primitives::{
	attribution::{
		batch::{
			find_batch_witness, settle, BatchFile, BatchJob, BatchTree, BatchWitness, ClaimedBatch,
			ProvenInference, ProvenQuery, ProvenSlot, QueryRecord, Rates, Slot,
		},
		check::{paid_count, ProvenEntry, ProvenItem},
		commitment, embedding_hash, pack, reference_entries,
		witness::Witness,
		Entry, Method,
	},
	datanet::{
		file::{ItemLeaf, VersionItems},
		VersionInfo, VersionSource,
	},
	merkle,
};
use openledger_traits::Queries;
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
/// a fifth of it to the challenger; 240 blocks of unbonding (a round, 22 blocks, plus the longest
/// dispute of a batch of `MAX_BATCH` queries of `MaxJobItems` entries, 200 blocks).
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
		unbonding_period: 240,
	}
}

thread_local! {
	static VERSIONS: RefCell<BTreeMap<(u32, u32), VersionInfo>> = const { RefCell::new(BTreeMap::new()) };
	static HOOK_BUDGET: RefCell<Option<Weight>> = const { RefCell::new(None) };
	static ENDED: RefCell<Vec<Ended>> = const { RefCell::new(Vec::new()) };
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

/// Records how jobs ended: `Some(totals)` when final, `None` when failed.
pub struct RecordEnds;
impl OnJobEnd<AccountId> for RecordEnds {
	fn finalized_weight(_: u32, _: u32) -> Weight {
		Weight::zero()
	}
	fn failed_weight() -> Weight {
		Weight::zero()
	}
	fn finalized(job: JobId, _: &AccountId, totals: &[(AccountId, u128)], _: &[AccountId]) {
		ENDED.with(|e| e.borrow_mut().push((job, Some(totals.to_vec()))));
	}
	fn failed(job: JobId, _: &AccountId) {
		ENDED.with(|e| e.borrow_mut().push((job, None)));
	}
}

/// How a job ended: its totals when final, none when failed.
pub type Ended = (JobId, Option<Vec<(AccountId, u128)>>);

pub fn ended() -> Vec<Ended> {
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
	type MaxTotals = ConstU32<6>;
	type HookWeight = HookBudget;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockVersions;
	type WeightInfo = ();
}

/// The block hook's budget: room for four transitions at their worst unless a test sets
/// another ([`set_hook_budget`]).
pub struct HookBudget;
impl Get<Weight> for HookBudget {
	fn get() -> Weight {
		HOOK_BUDGET
			.with(|b| *b.borrow())
			.unwrap_or_else(|| Attribution::transition_bound().saturating_mul(4))
	}
}

pub fn set_hook_budget(budget: Weight) {
	HOOK_BUDGET.with(|b| *b.borrow_mut() = Some(budget));
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
		HOOK_BUDGET.with(|b| *b.borrow_mut() = None);
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

/// A Datanet version with real int8 embeddings, a batch of queries (one, unless published as
/// a batch), and the honest result of a job over them: what a worker and a challenger hold
/// off-chain.
pub struct World {
	pub embeddings: Vec<Vec<i8>>,
	pub items: VersionItems<AccountId>,
	/// Query 0's embedding and label.
	pub query: Vec<i8>,
	pub query_label: u32,
	pub method: Method,
	pub top: u32,
	/// Query 0's honest committed entries.
	pub entries: Vec<Entry>,
	/// Every query: tokens, labels and embeddings.
	pub batch: BatchFile,
	/// Every query's honest committed entries.
	pub rankings: Vec<Vec<Entry>>,
	pub rates: Rates,
	/// Whether the job names one inference (`Queries::One`) rather than a batch file.
	pub single: bool,
}

/// Everything a result commits to and reveals.
#[derive(Clone, Debug, PartialEq)]
pub struct Posted {
	pub rankings: Vec<Vec<Entry>>,
	pub records: Vec<QueryRecord>,
	pub slots: Vec<Slot<AccountId>>,
	pub totals: TotalsOf<Test>,
}

impl Posted {
	pub fn roots(&self) -> (Hash, Hash) {
		let records: Vec<Hash> = self.records.iter().map(QueryRecord::leaf_hash).collect();
		let slots: Vec<Hash> =
			self.slots.iter().map(openledger_primitives::attribution::batch::slot_hash).collect();
		(merkle::root(&records), merkle::root(&slots))
	}

	/// The result's hash.
	pub fn hash(&self) -> Hash {
		let (queries, credits) = self.roots();
		Attribution::result_hash(&queries, &credits, &self.totals)
	}
}

impl World {
	/// `n` items of dimension `d` with 3 labels, from a seed; published as version 1 of Datanet
	/// `datanet`; one query.
	pub fn publish(datanet: u32, seed: u64, n: usize, d: usize, method: Method, top: u32) -> World {
		Self::publish_batch(datanet, seed, n, d, method, top, 1, true)
	}

	/// The same with `m` queries, named as a batch file unless `single`.
	#[allow(clippy::too_many_arguments)]
	pub fn publish_batch(
		datanet: u32,
		seed: u64,
		n: usize,
		d: usize,
		method: Method,
		top: u32,
		m: usize,
		single: bool,
	) -> World {
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
		let queries: Vec<Vec<i8>> =
			(0..m).map(|_| (0..d).map(|_| (next() % 7) as i8 - 3).collect()).collect();
		// Query 0 has label 1, the rest any.
		let labels: Vec<u32> = (0..m).map(|q| if q == 0 { 1 } else { next() % 3 }).collect();
		let batch = BatchFile {
			dimension: d as u32,
			queries: (0..m).map(|q| (10 + next() % 90, next() % 50, labels[q])).collect(),
			embeddings: queries.concat(),
		};
		let packed: Vec<u32> = embeddings.iter().flat_map(|e| pack(e)).collect();
		let item_labels: Vec<u32> = leaves.iter().map(|l| l.label).collect();
		let rankings: Vec<Vec<Entry>> = (0..m)
			.map(|q| {
				reference_entries(method, &packed, &item_labels, &pack(&queries[q]), labels[q])
			})
			.collect();
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
		World {
			embeddings,
			items,
			query: queries[0].clone(),
			query_label: labels[0],
			method,
			top,
			entries: rankings[0].clone(),
			batch,
			rankings,
			rates: Rates { input: 3, output: 5 },
			single,
		}
	}

	/// The queries as a job names them.
	pub fn queries(&self) -> Queries {
		let inferences = self.batch.inferences();
		if self.single {
			Queries::One(inferences[0])
		} else {
			let commitment = BatchTree::new(&inferences).expect("queries").commitment();
			let file = sp_crypto_hashing::blake2_256(&self.batch.encode());
			Queries::Batch { file, commitment }
		}
	}

	/// The spec of a job over this version with `deadline`.
	pub fn spec(&self, datanet: u32, deadline: u64) -> JobSpec<u64> {
		JobSpec {
			datanet,
			version: 1,
			method: self.method,
			top: self.top,
			queries: self.queries(),
			rates: self.rates,
			deadline,
		}
	}

	pub fn paid_count(&self) -> usize {
		paid_count(self.method, self.items.commitment().item_count, self.top) as usize
	}

	/// The settlement every other part of a result follows from `rankings`, honestly.
	pub fn posted(&self, rankings: Vec<Vec<Entry>>) -> Posted {
		let roots: Vec<(Hash, &[Entry])> =
			rankings.iter().map(|r| (commitment(r), &r[..])).collect();
		let s = settle(
			&self.batch.inferences(),
			&roots,
			self.rates,
			self.queries().commitment().tokens,
			self.paid_count() as u32,
			<Test as Config>::MaxTotals::get(),
			// A liar's entry may name no item; its credit goes to nobody in particular.
			|i| self.items.proof(i).map_or(0, |p| *p.contributor()),
		);
		let totals = s.totals.try_into().expect("at most MaxTotals");
		Posted { rankings, records: s.records, slots: s.slots, totals }
	}

	/// The result of a worker whose query 0 committed list is `entries`, every other query
	/// honest, and everything after the rankings computed from them.
	pub fn result(&self, entries: &[Entry]) -> Posted {
		let mut rankings = self.rankings.clone();
		rankings[0] = entries.to_vec();
		self.posted(rankings)
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

	/// The checks' view of `job` and a posted result.
	pub fn view<'a>(&self, job: &Job<Test>, posted: &'a Posted) -> BatchJob<'a, AccountId> {
		let (queries, credits) = posted.roots();
		BatchJob {
			method: job.spec.method,
			version: self.items.commitment(),
			dimension: job.dimension,
			batch: job.spec.queries.commitment(),
			rates: job.spec.rates,
			paid: job.paid_count,
			max_totals: <Test as Config>::MaxTotals::get(),
			queries,
			credits,
			totals: &posted.totals,
		}
	}

	/// The witness a challenger finds against a worker that posted `posted`.
	pub fn witness_posted(&self, job: &Job<Test>, posted: &Posted) -> Option<WitnessOf<Test>> {
		let flat: Vec<i8> = self.embeddings.concat();
		let version = openledger_primitives::attribution::witness::VersionData {
			items: &self.items,
			embeddings: &flat,
		};
		let claimed = ClaimedBatch {
			rankings: &posted.rankings,
			records: &posted.records,
			slots: &posted.slots,
		};
		find_batch_witness(&self.view(job, posted), version, &self.batch, claimed)
	}

	/// Query `q`'s record in `posted`, with its proof.
	pub fn record(&self, posted: &Posted, q: usize) -> ProvenQuery {
		let leaves: Vec<Hash> = posted.records.iter().map(QueryRecord::leaf_hash).collect();
		ProvenQuery { record: posted.records[q], proof: merkle::proof(&leaves, q).unwrap() }
	}

	/// Inference `q` of the batch, with its proof.
	pub fn inference(&self, q: usize) -> ProvenInference {
		let inferences = self.batch.inferences();
		let tree = BatchTree::new(&inferences).expect("queries");
		ProvenInference { inference: inferences[q], proof: tree.proof(q as u32).unwrap() }
	}

	/// A single-query witness against query `q` of `posted`, as a batch challenge.
	pub fn ranking(
		&self,
		posted: &Posted,
		q: usize,
		witness: Witness<AccountId>,
	) -> WitnessOf<Test> {
		BatchWitness::Ranking {
			record: self.record(posted, q),
			inference: self.inference(q),
			witness,
		}
	}

	/// Slot `i` of `posted`, with its proof.
	pub fn slot(&self, posted: &Posted, i: usize) -> ProvenSlot<AccountId> {
		let leaves: Vec<Hash> =
			posted.slots.iter().map(openledger_primitives::attribution::batch::slot_hash).collect();
		ProvenSlot { slot: posted.slots[i].clone(), proof: merkle::proof(&leaves, i).unwrap() }
	}

	/// The witness a challenger finds against a worker whose query 0 committed to `claimed`.
	pub fn witness(&self, job: &Job<Test>, claimed: &[Entry]) -> Option<WitnessOf<Test>> {
		self.witness_posted(job, &self.result(claimed))
	}
}

/// The salt worker `who` uses in tests.
pub fn salt(who: AccountId) -> [u8; 32] {
	sp_crypto_hashing::blake2_256(&who.encode())
}

/// `who` commits to `posted`.
pub fn commit_posted(job: JobId, who: AccountId, posted: &Posted) {
	let (queries, credits) = posted.roots();
	let hash = Attribution::commit_hash(job, &who, &queries, &credits, &posted.totals, &salt(who));
	assert_ok!(Attribution::commit(RuntimeOrigin::signed(who), job, hash));
}

/// `who` reveals `posted`, which it committed to; returns the result's hash.
pub fn reveal_posted(job: JobId, who: AccountId, posted: &Posted) -> Hash {
	let (queries, credits) = posted.roots();
	assert_ok!(Attribution::reveal(
		RuntimeOrigin::signed(who),
		job,
		queries,
		credits,
		posted.totals.clone(),
		salt(who)
	));
	posted.hash()
}

/// `who` commits to the result whose query 0 committed list is `entries`.
pub fn commit(w: &World, job: JobId, who: AccountId, entries: &[Entry]) {
	commit_posted(job, who, &w.result(entries));
}

/// `who` reveals the result it committed to; returns the result's hash.
pub fn reveal(w: &World, job: JobId, who: AccountId, entries: &[Entry]) -> Hash {
	reveal_posted(job, who, &w.result(entries))
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
