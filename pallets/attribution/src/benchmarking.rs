//! Benchmarks of the attribution pallet's calls and hook paths, each at its worst case: a full
//! active set, `MaxAssigned` workers behind a result, a batch of `MAX_BATCH` queries paying
//! `MaxPaid` each, `MaxTotals` totals, and Merkle proofs as deep as `MaxJobItems` items make
//! them.
//!
//! Challenges are benchmarked upheld against the job's candidate with no other result standing,
//! the most expensive path: every supporter is slashed and a new round is drawn. Their proofs
//! are built without building the trees: siblings are made up, and the roots the job records are
//! computed from them with `merkle::root_from_proof` (and `BatchProof::root` for the batch).

use super::*;
use crate::types::*;
use alloc::{boxed::Box, vec, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::traits::{
	fungible::{Inspect, Mutate},
	EnsureOrigin, Get,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use openledger_primitives::{
	attribution::{
		batch::{
			search::{Opening as Leaf, Position},
			slot_hash, BatchCommitment, BatchProof, BatchWitness, Credit, Inference,
			ProvenInference, ProvenQuery, ProvenSlot, QueryRecord, Rates, Slot, SumNode, Tokens,
			MAX_BATCH,
		},
		check::{ProvenEntry, ProvenItem},
		distance, embedding_hash, pack,
		witness::Witness,
		Entry, Method, MAX_TOP,
	},
	datanet::{
		file::{FileLeaf, ItemLeaf, ItemProof, VersionCommitment},
		VersionPublisher,
	},
	merkle::{self, MerkleProof},
};
use openledger_traits::Queries;
use sp_runtime::traits::{One, Saturating};

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	let p = Pallet::<T>::params();
	let unit =
		p.min_stake.saturating_add(p.challenge_bond).saturating_add(T::Currency::minimum_balance());
	T::Currency::set_balance(&who, unit.saturating_mul(10u32.into()));
	who
}

/// Registers `n` workers; returns them.
fn workers<T: Config>(n: u32) -> Vec<T::AccountId> {
	(0..n)
		.map(|i| {
			let who = funded::<T>("worker", i);
			Pallet::<T>::do_register(who.clone(), Pallet::<T>::params().min_stake)
				.expect("room in the set");
			who
		})
		.collect()
}

/// A proof for leaf `index` of `count` whose sibling on the lowest level is `first` and whose
/// higher siblings are fixed per level, so two adjacent leaves can share a root.
fn proof(index: u32, count: u32, first: Hash) -> MerkleProof {
	let mut siblings = Vec::new();
	let (mut i, mut c, mut level) = (index, count, 0u8);
	while c > 1 {
		if i % 2 == 1 || i + 1 < c {
			siblings.push(if level == 0 { first } else { [level; 32] });
		}
		i /= 2;
		c = c.div_ceil(2);
		level += 1;
	}
	MerkleProof { leaf_index: index, leaf_count: count, siblings }
}

fn root(leaf: &Hash, proof: &MerkleProof) -> Hash {
	merkle::root_from_proof(leaf, proof).expect("well-formed proof")
}

/// Two adjacent committed entries at `position` and `position + 1` (`position` even) of a
/// commitment over `count`, with their proofs and the commitment.
fn entry_pair(position: u32, count: u32, a: Entry, b: Entry) -> (ProvenEntry, ProvenEntry, Hash) {
	let pa = proof(position, count, b.leaf_hash());
	let pb = proof(position + 1, count, a.leaf_hash());
	let commitment = root(&a.leaf_hash(), &pa);
	(ProvenEntry { entry: a, proof: pa }, ProvenEntry { entry: b, proof: pb }, commitment)
}

fn entry_at(position: u32, count: u32, e: Entry) -> (ProvenEntry, Hash) {
	let p = proof(position, count, [0xee; 32]);
	let commitment = root(&e.leaf_hash(), &p);
	(ProvenEntry { entry: e, proof: p }, commitment)
}

fn leaf(embedding: &[i8], label: u32) -> ItemLeaf {
	ItemLeaf { embedding_hash: embedding_hash(embedding), label }
}

/// Items per file in the benchmarks' versions: the runtime's `MaxFileItems`.
const FILE_ITEMS: u32 = 1 << 20;

/// Files in the benchmarks' versions: as many as a job may rank items, so an item proof has
/// the most levels any job's version can give it (those of the file tree and of the item tree).
fn files<T: Config>() -> u32 {
	T::MaxJobItems::get()
}

/// What the benchmarks' versions of `n` items commit to, with `root`.
fn commitment(root: Hash, n: u32, files: u32) -> VersionCommitment {
	VersionCommitment { root, file_count: files, item_count: n }
}

/// Items at version indices `index..index + items.len()` (one, or two in one file with `index`
/// even) with their two-level proofs, and the version root they prove against.
fn proven_items<T: Config>(
	index: u32,
	items: &[ItemLeaf],
) -> (Vec<ProvenItem<T::AccountId>>, Hash) {
	let offset = index % FILE_ITEMS;
	let proofs: Vec<MerkleProof> = (0..items.len())
		.map(|k| {
			let other = items.get(1 - k).map_or([0xaa; 32], |o| o.hash());
			proof(offset + k as u32, FILE_ITEMS, other)
		})
		.collect();
	let item_root = root(&items[0].hash(), &proofs[0]);
	let file = FileLeaf {
		file: 0,
		contributor: account("contributor", 0, 0),
		content_hash: [7; 32],
		item_root,
		first: index - offset,
		item_count: FILE_ITEMS,
	};
	let file_proof = proof(files::<T>() - 1, files::<T>(), [0xbb; 32]);
	let version_root = root(&file.hash(), &file_proof);
	let proven = items
		.iter()
		.zip(proofs)
		.enumerate()
		.map(|(k, (item, item_proof))| ProvenItem {
			index: index + k as u32,
			item: *item,
			proof: ItemProof { file: file.clone(), file_proof: file_proof.clone(), item_proof },
		})
		.collect();
	(proven, version_root)
}

fn embedding(d: u32, seed: i8) -> Vec<i8> {
	(0..d).map(|i| ((i as i8).wrapping_mul(31)).wrapping_add(seed)).collect()
}

/// The benchmarks' batch: `MAX_BATCH` queries; the challenged one is the last.
const M: u32 = MAX_BATCH;

/// What a benchmark's job is made of.
struct Case<T: Config> {
	method: Method,
	item_count: u32,
	dimension: u32,
	version_root: Hash,
	query: Vec<i8>,
	/// Paid entries per query.
	top: u32,
	batch: BatchCommitment,
	queries: Hash,
	credits: Hash,
	totals: Vec<(T::AccountId, u128)>,
	witness: WitnessOf<T>,
}

/// The latest deadline a job opened at `now` may have: its disputes must end inside the
/// unbonding period.
fn latest_deadline<T: Config>(now: BlockNumberFor<T>) -> BlockNumberFor<T> {
	let p = Pallet::<T>::params();
	now.saturating_add(p.unbonding_period).saturating_sub(Pallet::<T>::longest_dispute(&p))
}

/// The last query's inference (with the query's hash) and its proof with made-up siblings, and
/// the batch commitment it proves against.
fn last_inference(query: &[i8]) -> (ProvenInference, BatchCommitment) {
	let inference = Inference {
		input_tokens: 1,
		output_tokens: 1,
		query_hash: embedding_hash(query),
		label: 1,
	};
	let sibling = |level: u8| SumNode { hash: [level; 32], tokens: Tokens { input: 1, output: 1 } };
	let shape = proof(M - 1, M, [0; 32]);
	let siblings = (0..shape.siblings.len() as u8).map(sibling).collect();
	let proof = BatchProof { leaf_index: M - 1, leaf_count: M, siblings };
	let top = proof.root(&inference).expect("well-formed proof");
	let batch = BatchCommitment { root: top.hash, count: M, tokens: top.tokens };
	(ProvenInference { inference, proof }, batch)
}

/// The last query's record with made-up siblings, and the queries root it proves against.
fn last_record(record: QueryRecord) -> (ProvenQuery, Hash) {
	let proof = proof(M - 1, M, [0xcc; 32]);
	let queries = root(&record.leaf_hash(), &proof);
	(ProvenQuery { record, proof }, queries)
}

/// Slots at `position` and `position + 1` (`position` even) of a credit tree of `count`, with
/// their proofs and the credits root.
fn slot_pair<A: Clone + codec::Encode>(
	position: u32,
	count: u32,
	a: Slot<A>,
	b: Slot<A>,
) -> (ProvenSlot<A>, ProvenSlot<A>, Hash) {
	let pa = proof(position, count, slot_hash(&b));
	let pb = proof(position + 1, count, slot_hash(&a));
	let credits = root(&slot_hash(&a), &pa);
	(ProvenSlot { slot: a, proof: pa }, ProvenSlot { slot: b, proof: pb }, credits)
}

fn slot_at<A: codec::Encode>(position: u32, count: u32, slot: Slot<A>) -> (ProvenSlot<A>, Hash) {
	let p = proof(position, count, [0xdd; 32]);
	let credits = root(&slot_hash(&slot), &p);
	(ProvenSlot { slot, proof: p }, credits)
}

/// The first `leaves.len()` leaves of a tree of `count` leaves (a power of two) whose other
/// leaves all hash to `filler`, with each one's proof and the root.
fn prefix_proofs(leaves: &[Hash], count: u32, filler: Hash) -> (Vec<MerkleProof>, Hash) {
	let mut levels: Vec<Vec<Hash>> = vec![leaves.to_vec()];
	let mut fill = vec![filler];
	let mut width = count;
	while width > 1 {
		let below = levels.last().expect("a level");
		let f = *fill.last().expect("a filler");
		let next: Vec<Hash> = below
			.chunks(2)
			.map(|pair| merkle::hash_node(&pair[0], pair.get(1).unwrap_or(&f)))
			.collect();
		levels.push(next);
		fill.push(merkle::hash_node(&f, &f));
		width /= 2;
	}
	let proofs = (0..leaves.len())
		.map(|i| {
			let siblings = (0..levels.len() - 1)
				.map(|level| *levels[level].get((i >> level) ^ 1).unwrap_or(&fill[level]))
				.collect();
			MerkleProof { leaf_index: i as u32, leaf_count: count, siblings }
		})
		.collect();
	(proofs, levels.last().expect("a root")[0])
}

/// Accounts in increasing order.
fn sorted_accounts<T: Config>(n: u32) -> Vec<T::AccountId> {
	let mut all: Vec<T::AccountId> = (0..n).map(|i| account("total", i, 0)).collect();
	all.sort();
	all
}

/// The worst case of the round: `MaxWorkers` workers, a job whose candidate `case` is revealed
/// by `MaxAssigned` of them, and the last worker as the challenger. Returns the job, the
/// result's hash and the challenger.
fn challenged_job<T: Config>(case: &Case<T>) -> (JobId, Hash, T::AccountId) {
	let all = workers::<T>(T::MaxWorkers::get());
	let challenger = all.last().expect("at least one worker").clone();
	let supporters: Vec<T::AccountId> =
		all.iter().take(T::MaxAssigned::get() as usize).cloned().collect();
	assert!(!supporters.contains(&challenger), "MaxWorkers must exceed MaxAssigned");
	let (datanet, version) = T::BenchmarkHelper::publish(
		commitment(case.version_root, case.item_count, files::<T>()),
		case.dimension,
		3,
	);
	let now = frame_system::Pallet::<T>::block_number();
	let spec = JobSpec {
		datanet,
		version,
		method: case.method,
		top: case.top,
		queries: Queries::Batch { file: [7; 32], commitment: case.batch },
		rates: Rates { input: 1, output: 1 },
		deadline: latest_deadline::<T>(now),
	};
	let payer = funded::<T>("payer", 0);
	let id = Pallet::<T>::do_open_job(&payer, spec).expect("job opens");
	let result = Pallet::<T>::result_hash(&case.queries, &case.credits, &case.totals);
	let mut job = Jobs::<T>::get(id).expect("just opened");
	job.assigned = supporters.clone().try_into().expect("MaxAssigned fits");
	for w in &supporters {
		RevealOf::<T>::insert(id, w, result);
	}
	Results::<T>::insert(
		id,
		result,
		Revealed::<T> {
			queries: case.queries,
			credits: case.credits,
			totals: case.totals.len() as u32,
			supporters: job.assigned.clone(),
			first_seen: 0,
			refuted_by: None,
		},
	);
	Totals::<T>::insert(id, result, TotalsOf::<T>::try_from(case.totals.clone()).expect("fits"));
	let challenge_end = now.saturating_add(10u32.into());
	job.results = 1;
	job.phase = Phase::Challenge { result, agreed: false, challenge_end };
	Agenda::<T>::remove(job.next_transition, id);
	job.next_transition = challenge_end.saturating_add(One::one());
	Agenda::<T>::insert(job.next_transition, id, ());
	Jobs::<T>::insert(id, job);
	(id, result, challenger)
}

/// The benchmarks' KNN-Shapley: the most entries a result may commit to, so entry proofs are
/// as deep as they get.
const KNN: Method = Method::KnnShapley { k: 5, t: MAX_TOP };

/// KNN-Shapley over `MaxJobItems` items, paying `MaxPaid` a query; a check of the last query's
/// ranking, its single-query witness built by `make` from the item count, the committed count,
/// the paid count and the query, returning the ranking commitment and version root it needs.
fn knn_case<T: Config>(
	d: u32,
	make: impl FnOnce(u32, u32, u32, &[i8]) -> (Witness<T::AccountId>, Hash, Hash),
) -> Case<T> {
	let n = T::MaxJobItems::get();
	let c = KNN.committed_count(n);
	let top = T::MaxPaid::get().min(c);
	let query = embedding(d, 1);
	let (witness, commitment, version_root) = make(n, c, top, &query);
	let (record, queries) = last_record(QueryRecord { root: commitment, paid_sum: 0 });
	let (inference, batch) = last_inference(&query);
	Case {
		method: KNN,
		item_count: n,
		dimension: d,
		version_root,
		query,
		top,
		batch,
		queries,
		credits: [4; 32],
		totals: Vec::new(),
		witness: BatchWitness::Ranking { record, inference, witness },
	}
}

/// KNN-Shapley over `MaxJobItems` items, paying `top` a query; a check of the settlement,
/// built by `make` from the item count, the committed count, the slot count and the query,
/// returning the queries root, the credits root, the totals and the version root.
#[allow(clippy::type_complexity)]
fn settlement_case<T: Config>(
	top: u32,
	make: impl FnOnce(
		u32,
		u32,
		u32,
		&[i8],
		ProvenInference,
	) -> (WitnessOf<T>, Hash, Hash, Vec<(T::AccountId, u128)>, Hash),
) -> Case<T> {
	let n = T::MaxJobItems::get();
	let c = KNN.committed_count(n);
	let query = embedding(4, 1);
	let (inference, batch) = last_inference(&query);
	let (witness, queries, credits, totals, version_root) = make(n, c, M * top, &query, inference);
	Case {
		method: KNN,
		item_count: n,
		dimension: 4,
		version_root,
		query,
		top,
		batch,
		queries,
		credits,
		totals,
		witness,
	}
}

/// Sets up the job of `case`; returns what the challenge call takes.
fn prepared<T: Config>(case: Case<T>) -> (JobId, Hash, T::AccountId, Box<WitnessOf<T>>, QueryOf) {
	let (id, result, challenger) = challenged_job::<T>(&case);
	let query: QueryOf = case.query.try_into().expect("d fits");
	(id, result, challenger, Box::new(case.witness), query)
}

fn assert_upheld<T: Config>(id: JobId, result: Hash) {
	let refuted = Results::<T>::get(id, result).map_or(true, |r| r.refuted_by.is_some());
	assert!(refuted, "the challenge must be upheld");
}

/// A job spec over a version of `n` items, one query, with the latest deadline.
fn single_spec<T: Config>(n: u32, top: u32) -> JobSpec<BlockNumberFor<T>> {
	let (datanet, version) = T::BenchmarkHelper::publish(commitment([1; 32], n, n), 4, 3);
	let now = frame_system::Pallet::<T>::block_number();
	let inference = Inference { input_tokens: 1, output_tokens: 1, query_hash: [2; 32], label: 0 };
	JobSpec {
		datanet,
		version,
		method: KNN,
		top,
		queries: Queries::One(inference),
		rates: Rates { input: 1, output: 1 },
		deadline: latest_deadline::<T>(now),
	}
}

/// A job in its reveal window, `worker` assigned and committed, `MaxAssigned - 1` other results
/// already revealed and `worker`'s result (with `t` totals) already refuted; returns what
/// `worker` reveals.
fn reveal_setup<T: Config>(
	t: u32,
) -> (JobId, T::AccountId, Hash, Hash, Vec<(T::AccountId, u128)>, [u8; 32]) {
	let all = workers::<T>(T::MaxAssigned::get());
	let spec = single_spec::<T>(T::MaxJobItems::get(), 1);
	let id = Pallet::<T>::do_open_job(&funded::<T>("payer", 0), spec).expect("job opens");
	let mut job = Jobs::<T>::get(id).expect("just opened");
	job.assigned = all.clone().try_into().expect("MaxAssigned fits");
	let Phase::Working { commit_end, .. } = job.phase else { panic!("a new job works") };
	// The other workers' results and, below, the worker's own, already refuted.
	job.results = T::MaxAssigned::get();
	Jobs::<T>::insert(id, job);
	let worker = all[0].clone();
	for (i, other) in all.iter().enumerate().skip(1) {
		let h = [i as u8; 32];
		RevealOf::<T>::insert(id, other, h);
		Results::<T>::insert(
			id,
			h,
			Revealed::<T> {
				queries: h,
				credits: h,
				totals: 0,
				supporters: vec![other.clone()].try_into().expect("fits"),
				first_seen: i as u32 - 1,
				refuted_by: None,
			},
		);
	}
	let totals: Vec<(T::AccountId, u128)> =
		sorted_accounts::<T>(t).into_iter().map(|a| (a, 1)).collect();
	let (queries, credits, salt) = ([9; 32], [8; 32], [3; 32]);
	// The worst case: the result was already refuted, so revealing it also slashes.
	let challenger = funded::<T>("challenger", 0);
	Results::<T>::insert(
		id,
		Pallet::<T>::result_hash(&queries, &credits, &totals),
		Revealed::<T> {
			queries,
			credits,
			totals: t,
			supporters: Default::default(),
			first_seen: 0,
			refuted_by: Some(challenger),
		},
	);
	let hash = Pallet::<T>::commit_hash(id, &worker, &queries, &credits, &totals, &salt);
	Commits::<T>::insert(id, &worker, hash);
	frame_system::Pallet::<T>::set_block_number(commit_end.saturating_add(One::one()));
	(id, worker, queries, credits, totals, salt)
}

/// A job whose reveal window has just closed, with `r` assigned workers of whom only the
/// first revealed (the others are reported silent); `reveal` false leaves them all silent,
/// so the tally reopens the job. Returns the block at which it is due.
fn due_for_tally<T: Config>(r: u32, active: u32, reveal: bool) -> BlockNumberFor<T> {
	let all = workers::<T>(active.max(r));
	let spec = single_spec::<T>(16, 1);
	let id = Pallet::<T>::do_open_job(&funded::<T>("payer", 0), spec).expect("job opens");
	let mut job = Jobs::<T>::get(id).expect("just opened");
	job.assigned =
		all.iter().take(r as usize).cloned().collect::<Vec<_>>().try_into().expect("fits");
	if reveal {
		job.results = 1;
		let result = [5; 32];
		RevealOf::<T>::insert(id, &all[0], result);
		Results::<T>::insert(
			id,
			result,
			Revealed::<T> {
				queries: result,
				credits: result,
				totals: 0,
				supporters: vec![all[0].clone()].try_into().expect("fits"),
				first_seen: 0,
				refuted_by: None,
			},
		);
	}
	let due = job.next_transition;
	Jobs::<T>::insert(id, job);
	AgendaCursor::<T>::put(due);
	frame_system::Pallet::<T>::set_block_number(due);
	due
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_worker() {
		workers::<T>(T::MaxWorkers::get() - 1);
		let who = funded::<T>("new", 0);
		let stake = Pallet::<T>::params().min_stake;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), stake);

		assert!(Workers::<T>::contains_key(&who));
	}

	#[benchmark]
	fn unregister_worker() {
		let all = workers::<T>(T::MaxWorkers::get());
		let who = all[0].clone();

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert!(matches!(
			Workers::<T>::get(&who).map(|w| w.status),
			Some(WorkerStatus::Unbonding { .. })
		));
	}

	#[benchmark]
	fn withdraw_unbonded() {
		let who = workers::<T>(1)[0].clone();
		Pallet::<T>::do_unregister(&who).expect("active");
		let later = frame_system::Pallet::<T>::block_number()
			.saturating_add(Pallet::<T>::params().unbonding_period);
		frame_system::Pallet::<T>::set_block_number(later);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert!(!Workers::<T>::contains_key(&who));
	}

	#[benchmark]
	fn open_job(w: Linear<1, { T::MaxWorkers::get() }>) {
		workers::<T>(w);
		let mut spec = single_spec::<T>(1_000, T::MaxPaid::get());
		let (_, batch) = last_inference(&[0; 4]);
		spec.queries = Queries::Batch { file: [7; 32], commitment: batch };
		let payer = funded::<T>("payer", 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(payer), spec);

		assert!(Jobs::<T>::contains_key(0));
	}

	#[benchmark]
	fn commit() {
		let (id, worker, ..) = reveal_setup::<T>(1);
		Commits::<T>::remove(id, &worker);
		let Phase::Working { commit_end, .. } = Jobs::<T>::get(id).expect("open").phase else {
			panic!("working")
		};
		frame_system::Pallet::<T>::set_block_number(commit_end);

		#[extrinsic_call]
		_(RawOrigin::Signed(worker.clone()), id, [1; 32]);

		assert!(Commits::<T>::contains_key(id, &worker));
	}

	/// A reveal with `t` totals of a result already refuted: it slashes on the spot.
	#[benchmark]
	fn reveal(t: Linear<0, { T::MaxTotals::get() }>) {
		let (id, worker, queries, credits, totals, salt) = reveal_setup::<T>(t);
		let bounded: TotalsOf<T> = totals.try_into().expect("MaxTotals fits");

		#[extrinsic_call]
		_(RawOrigin::Signed(worker.clone()), id, queries, credits, bounded, salt);

		assert!(RevealOf::<T>::contains_key(id, &worker));
		assert!(
			Workers::<T>::get(&worker).is_some_and(|w| w.stake < Pallet::<T>::params().min_stake)
		);
	}

	#[benchmark]
	fn challenge_rank_mismatch() {
		let case = knn_case::<T>(4, |_, c, _, _| {
			let e = Entry { rank: 0, index: 0, distance: 0, value: 0 };
			let (entry, commitment) = entry_at(c - 1, c, e);
			(Witness::RankMismatch { entry }, commitment, [1; 32])
		});
		let (id, result, challenger, witness, query) = prepared::<T>(case);

		#[extrinsic_call]
		challenge(RawOrigin::Signed(challenger), id, result, witness, query);

		assert_upheld::<T>(id, result);
	}

	#[benchmark]
	fn challenge_wrong_distance(
		d: Linear<4, { openledger_primitives::attribution::MAX_DIMENSION }>,
	) {
		// The dimension in elements, a multiple of 4 as the spec requires.
		let d = d / 4 * 4;
		let case = knn_case::<T>(d, |n, c, _, query| {
			let emb = embedding(d, 5);
			let true_distance = distance(&pack(query), &pack(&emb));
			let e = Entry { rank: c - 1, index: n - 1, distance: true_distance + 1, value: 0 };
			let (entry, commitment) = entry_at(c - 1, c, e);
			let (mut items, version_root) = proven_items::<T>(n - 1, &[leaf(&emb, 0)]);
			let item = items.remove(0);
			(Witness::WrongDistance { entry, item, embedding: emb }, commitment, version_root)
		});
		let (id, result, challenger, witness, query) = prepared::<T>(case);

		#[extrinsic_call]
		challenge(RawOrigin::Signed(challenger), id, result, witness, query);

		assert_upheld::<T>(id, result);
	}

	#[benchmark]
	fn challenge_out_of_order() {
		let case = knn_case::<T>(4, |_, c, _, _| {
			let a = Entry { rank: c - 2, index: 1, distance: 9, value: 0 };
			let b = Entry { rank: c - 1, index: 0, distance: 3, value: 0 };
			let (first, second, commitment) = entry_pair(c - 2, c, a, b);
			(Witness::OutOfOrder { first, second }, commitment, [1; 32])
		});
		let (id, result, challenger, witness, query) = prepared::<T>(case);

		#[extrinsic_call]
		challenge(RawOrigin::Signed(challenger), id, result, witness, query);

		assert_upheld::<T>(id, result);
	}

	#[benchmark]
	fn challenge_wrong_knn_step() {
		let case = knn_case::<T>(4, |n, c, _, _| {
			let a = Entry { rank: c - 2, index: n - 2, distance: 3, value: 12_345 };
			let b = Entry { rank: c - 1, index: n - 1, distance: 9, value: 0 };
			let (entry, next, commitment) = entry_pair(c - 2, c, a, b);
			let (mut items, version_root) =
				proven_items::<T>(n - 2, &[leaf(&[0; 4], 1), leaf(&[1; 4], 0)]);
			let next_item = items.remove(1);
			let item = items.remove(0);
			(Witness::WrongKnnStep { entry, next, item, next_item }, commitment, version_root)
		});
		let (id, result, challenger, witness, query) = prepared::<T>(case);

		#[extrinsic_call]
		challenge(RawOrigin::Signed(challenger), id, result, witness, query);

		assert_upheld::<T>(id, result);
	}

	#[benchmark]
	fn challenge_wrong_knn_last() {
		let case = knn_case::<T>(4, |n, c, _, _| {
			let e = Entry { rank: c - 1, index: n - 1, distance: 3, value: 12_345 };
			let (entry, commitment) = entry_at(c - 1, c, e);
			let (mut items, version_root) = proven_items::<T>(n - 1, &[leaf(&[0; 4], 1)]);
			(Witness::WrongKnnLast { entry, item: items.remove(0) }, commitment, version_root)
		});
		let (id, result, challenger, witness, query) = prepared::<T>(case);

		#[extrinsic_call]
		challenge(RawOrigin::Signed(challenger), id, result, witness, query);

		assert_upheld::<T>(id, result);
	}

	#[benchmark]
	fn challenge_wrong_similarity() {
		let k = T::MaxPaid::get().min(T::MaxJobItems::get());
		let mut case = knn_case::<T>(4, |_, _, _, _| {
			let e = Entry { rank: k - 1, index: k - 1, distance: 3, value: 1 };
			let (entry, commitment) = entry_at(k - 1, k, e);
			(Witness::WrongSimilarity { entry }, commitment, [1; 32])
		});
		case.method = Method::Similarity { k };
		case.top = k;
		let (id, result, challenger, witness, query) = prepared::<T>(case);

		#[extrinsic_call]
		challenge(RawOrigin::Signed(challenger), id, result, witness, query);

		assert_upheld::<T>(id, result);
	}

	#[benchmark]
	fn challenge_repeated_index() {
		let case = knn_case::<T>(4, |_, c, _, _| {
			let a = Entry { rank: c - 2, index: 7, distance: 3, value: 0 };
			let b = Entry { rank: c - 1, index: 7, distance: 9, value: 0 };
			let (a, b, commitment) = entry_pair(c - 2, c, a, b);
			(Witness::RepeatedIndex { a, b }, commitment, [1; 32])
		});
		let (id, result, challenger, witness, query) = prepared::<T>(case);

		#[extrinsic_call]
		challenge(RawOrigin::Signed(challenger), id, result, witness, query);

		assert_upheld::<T>(id, result);
	}

	#[benchmark]
	fn challenge_index_out_of_range() {
		let case = knn_case::<T>(4, |n, c, _, _| {
			let e = Entry { rank: c - 1, index: n, distance: 3, value: 0 };
			let (entry, commitment) = entry_at(c - 1, c, e);
			(Witness::IndexOutOfRange { entry }, commitment, [1; 32])
		});
		let (id, result, challenger, witness, query) = prepared::<T>(case);

		#[extrinsic_call]
		challenge(RawOrigin::Signed(challenger), id, result, witness, query);

		assert_upheld::<T>(id, result);
	}

	/// The bracket at the deepest two positions, the left-out item (the query itself, at
	/// distance 0) at the deepest version index.
	#[benchmark]
	fn challenge_missing_near(d: Linear<4, { openledger_primitives::attribution::MAX_DIMENSION }>) {
		// The dimension in elements, a multiple of 4 as the spec requires.
		let d = d / 4 * 4;
		let case = knn_case::<T>(d, |n, c, _, query| {
			let a = Entry { rank: c - 2, index: 0, distance: 0, value: 0 };
			let b = Entry { rank: c - 1, index: 1, distance: 5, value: 0 };
			let (before, after, commitment) = entry_pair(c - 2, c, a, b);
			let (mut items, version_root) = proven_items::<T>(n - 1, &[leaf(query, 0)]);
			let item = items.remove(0);
			let witness = Witness::MissingNear {
				item,
				embedding: query.to_vec(),
				before: Some(before),
				after,
			};
			(witness, commitment, version_root)
		});
		let (id, result, challenger, witness, query) = prepared::<T>(case);

		#[extrinsic_call]
		challenge(RawOrigin::Signed(challenger), id, result, witness, query);

		assert_upheld::<T>(id, result);
	}

	/// The last query's first `p` entries, each proven, at the deepest ranking.
	#[benchmark]
	fn challenge_wrong_paid_sum(p: Linear<1, { T::MaxPaid::get() }>) {
		let case = settlement_case::<T>(p, |_, c, _, _, _| {
			let entries: Vec<Entry> =
				(0..p).map(|rank| Entry { rank, index: rank, distance: rank, value: 1 }).collect();
			let leaves: Vec<Hash> = entries.iter().map(Entry::leaf_hash).collect();
			let (proofs, ranking) = prefix_proofs(&leaves, c, [0xee; 32]);
			let paid =
				entries.into_iter().zip(proofs).map(|(entry, proof)| ProvenEntry { entry, proof });
			let (record, queries) =
				last_record(QueryRecord { root: ranking, paid_sum: p as u64 + 1 });
			let witness = BatchWitness::WrongPaidSum { record, paid: paid.collect() };
			(witness, queries, [4; 32], Vec::new(), [1; 32])
		});
		let (id, result, challenger, witness, query) = prepared::<T>(case);

		#[extrinsic_call]
		challenge(RawOrigin::Signed(challenger), id, result, witness, query);

		assert_upheld::<T>(id, result);
	}

	#[benchmark]
	fn challenge_credit_out_of_range() {
		let case = settlement_case::<T>(T::MaxPaid::get(), |_, _, s, _, _| {
			let credit = Credit {
				contributor: account("contributor", 0, 0),
				query: M,
				rank: 0,
				amount: 1,
				cumulative: 1,
			};
			let (slot, credits) = slot_at(s - 1, s, Some(credit));
			(BatchWitness::CreditOutOfRange { slot }, [4; 32], credits, Vec::new(), [1; 32])
		});
		let (id, result, challenger, witness, query) = prepared::<T>(case);

		#[extrinsic_call]
		challenge(RawOrigin::Signed(challenger), id, result, witness, query);

		assert_upheld::<T>(id, result);
	}

	/// The deepest slot, record, inference, entry and item.
	#[benchmark]
	fn challenge_credit_mismatch() {
		let top = T::MaxPaid::get();
		let case = settlement_case::<T>(top, |n, c, s, _, inference| {
			let e = Entry { rank: top - 1, index: n - 1, distance: 3, value: 1 };
			let (entry, ranking) = entry_at(top - 1, c, e);
			let (record, queries) = last_record(QueryRecord { root: ranking, paid_sum: 10 });
			let (mut items, version_root) = proven_items::<T>(n - 1, &[leaf(&[0; 4], 1)]);
			let credit = Credit {
				contributor: account("contributor", 0, 0),
				query: M - 1,
				rank: top - 1,
				amount: u128::MAX,
				cumulative: u128::MAX,
			};
			let (slot, credits) = slot_at(s - 1, s, Some(credit));
			let item = items.remove(0);
			let witness = BatchWitness::CreditMismatch { slot, record, inference, entry, item };
			(witness, queries, credits, Vec::new(), version_root)
		});
		let (id, result, challenger, witness, query) = prepared::<T>(case);

		#[extrinsic_call]
		challenge(RawOrigin::Signed(challenger), id, result, witness, query);

		assert_upheld::<T>(id, result);
	}

	#[benchmark]
	fn challenge_credit_order() {
		let case = settlement_case::<T>(T::MaxPaid::get(), |_, _, s, _, _| {
			let credit = |rank| Credit {
				contributor: account::<T::AccountId>("contributor", 0, 0),
				query: M - 1,
				rank,
				amount: 1,
				cumulative: 1,
			};
			let (first, second, credits) = slot_pair(s - 2, s, Some(credit(1)), Some(credit(0)));
			(BatchWitness::CreditOrder { first, second }, [4; 32], credits, Vec::new(), [1; 32])
		});
		let (id, result, challenger, witness, query) = prepared::<T>(case);

		#[extrinsic_call]
		challenge(RawOrigin::Signed(challenger), id, result, witness, query);

		assert_upheld::<T>(id, result);
	}

	#[benchmark]
	fn challenge_wrong_cumulative() {
		let case = settlement_case::<T>(T::MaxPaid::get(), |_, _, s, _, _| {
			let credit = |rank, cumulative| Credit {
				contributor: account::<T::AccountId>("contributor", 0, 0),
				query: M - 1,
				rank,
				amount: 1,
				cumulative,
			};
			let (before, slot, credits) =
				slot_pair(s - 2, s, Some(credit(0, 1)), Some(credit(1, 99)));
			let witness = BatchWitness::WrongCumulative { before: Some(before), slot };
			(witness, [4; 32], credits, Vec::new(), [1; 32])
		});
		let (id, result, challenger, witness, query) = prepared::<T>(case);

		#[extrinsic_call]
		challenge(RawOrigin::Signed(challenger), id, result, witness, query);

		assert_upheld::<T>(id, result);
	}

	/// The last paid entry of the last query left out between the deepest two slots.
	#[benchmark]
	fn challenge_missing_credit() {
		let top = T::MaxPaid::get();
		let case = settlement_case::<T>(top, |n, c, s, _, inference| {
			let e = Entry { rank: top - 1, index: n - 1, distance: 3, value: 1 };
			let (entry, ranking) = entry_at(top - 1, c, e);
			let (record, queries) = last_record(QueryRecord { root: ranking, paid_sum: 1 });
			let (mut items, version_root) = proven_items::<T>(n - 1, &[leaf(&[0; 4], 1)]);
			let below = Credit {
				contributor: account("contributor", 0, 0),
				query: M - 1,
				rank: top.saturating_sub(2),
				amount: 1,
				cumulative: 1,
			};
			let (before, after, credits) = slot_pair(s - 2, s, Some(below), None);
			let item = items.remove(0);
			let witness = BatchWitness::MissingCredit {
				record,
				inference,
				entry,
				item,
				before: Some(before),
				after: Some(after),
			};
			(witness, queries, credits, Vec::new(), version_root)
		});
		let (id, result, challenger, witness, query) = prepared::<T>(case);

		#[extrinsic_call]
		challenge(RawOrigin::Signed(challenger), id, result, witness, query);

		assert_upheld::<T>(id, result);
	}

	/// The last slot's contributor left out of `t` revealed totals, which it beats.
	#[benchmark]
	fn challenge_wrong_total(t: Linear<1, { T::MaxTotals::get() }>) {
		let case = settlement_case::<T>(T::MaxPaid::get(), |_, _, s, _, _| {
			let mut accounts = sorted_accounts::<T>(t + 1);
			let left_out = accounts.pop().expect("t + 1 accounts");
			let credit =
				Credit { contributor: left_out, query: M - 1, rank: 0, amount: 7, cumulative: 7 };
			let (last, credits) = slot_at(s - 1, s, Some(credit));
			let totals = accounts.into_iter().map(|a| (a, 1)).collect();
			(BatchWitness::WrongTotal { last, next: None }, [4; 32], credits, totals, [1; 32])
		});
		let (id, result, challenger, witness, query) = prepared::<T>(case);

		#[extrinsic_call]
		challenge(RawOrigin::Signed(challenger), id, result, witness, query);

		assert_upheld::<T>(id, result);
	}

	/// The first of `MaxTotals` revealed totals, with no credit below the first slot.
	#[benchmark]
	fn challenge_total_without_credits() {
		let case = settlement_case::<T>(T::MaxPaid::get(), |_, _, s, _, _| {
			let t = T::MaxTotals::get();
			let mut accounts = sorted_accounts::<T>(t + 1);
			let above = accounts.pop().expect("t + 1 accounts");
			let credit =
				Credit { contributor: above, query: M - 1, rank: 0, amount: 7, cumulative: 7 };
			let p = proof(0, s, [0xdd; 32]);
			let credits = root(&slot_hash(&Some(credit.clone())), &p);
			let after = ProvenSlot { slot: Some(credit), proof: p };
			let totals = accounts.into_iter().map(|a| (a, 1)).collect();
			let witness =
				BatchWitness::TotalWithoutCredits { position: 0, before: None, after: Some(after) };
			(witness, [4; 32], credits, totals, [1; 32])
		});
		let (id, result, challenger, witness, query) = prepared::<T>(case);

		#[extrinsic_call]
		challenge(RawOrigin::Signed(challenger), id, result, witness, query);

		assert_upheld::<T>(id, result);
	}

	#[benchmark]
	fn request_opening() {
		let c = KNN.committed_count(T::MaxJobItems::get());
		let case = knn_case::<T>(4, |_, c, _, _| {
			let (entry, commitment) =
				entry_at(c - 1, c, Entry { rank: c - 1, index: 0, distance: 0, value: 0 });
			(Witness::RankMismatch { entry }, commitment, [1; 32])
		});
		let (id, result, challenger, ..) = prepared::<T>(case);
		let position = Position::Entry { query: M - 1, rank: c - 1 };

		#[extrinsic_call]
		_(RawOrigin::Signed(challenger.clone()), id, result, position);

		assert!(Openings::<T>::contains_key((id, result, challenger)));
	}

	/// An opening of the deepest entry of the last query: its record's proof and its own.
	#[benchmark]
	fn open_leaf() {
		let c = KNN.committed_count(T::MaxJobItems::get());
		let e = Entry { rank: c - 1, index: 0, distance: 0, value: 0 };
		let (proven, commitment) = entry_at(c - 1, c, e);
		let (record, _) = last_record(QueryRecord { root: commitment, paid_sum: 0 });
		let case = knn_case::<T>(4, |_, _, _, _| {
			(Witness::RankMismatch { entry: proven.clone() }, commitment, [1; 32])
		});
		let (id, result, challenger, ..) = prepared::<T>(case);
		let position = Position::Entry { query: M - 1, rank: c - 1 };
		Pallet::<T>::do_request_opening(&challenger, id, result, position).expect("request fits");
		let leaf = Box::new(Leaf::Entry { record, entry: proven });

		#[extrinsic_call]
		_(RawOrigin::Signed(challenger.clone()), id, result, challenger.clone(), leaf);

		assert!(Openings::<T>::get((id, result, challenger)).is_some_and(|o| o.answered));
	}

	/// An unanswered request on the candidate: every supporter slashed, a new round drawn.
	#[benchmark]
	fn expire_opening() {
		let case = knn_case::<T>(4, |_, c, _, _| {
			let (entry, commitment) =
				entry_at(c - 1, c, Entry { rank: c - 1, index: 0, distance: 0, value: 0 });
			(Witness::RankMismatch { entry }, commitment, [1; 32])
		});
		let (id, result, challenger, ..) = prepared::<T>(case);
		let position = Position::Entry { query: 0, rank: 0 };
		Pallet::<T>::do_request_opening(&challenger, id, result, position).expect("request fits");
		let due = Openings::<T>::get((id, result, challenger.clone())).expect("pending").due;
		frame_system::Pallet::<T>::set_block_number(due.saturating_add(One::one()));
		let caller = funded::<T>("caller", 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), id, result, challenger);

		assert_eq!(Jobs::<T>::get(id).map(|j| j.round), Some(2));
	}

	#[benchmark]
	fn set_params() -> Result<(), BenchmarkError> {
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let params = Pallet::<T>::params();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, params.clone());

		assert_eq!(CurrentParams::<T>::get(), Some(params));
		Ok(())
	}

	#[benchmark]
	fn set_min_stake() -> Result<(), BenchmarkError> {
		let origin =
			T::WorkersOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let min_stake = Pallet::<T>::params().min_stake.saturating_add(One::one());

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, min_stake);

		assert_eq!(Pallet::<T>::params().min_stake, min_stake);
		Ok(())
	}

	/// Removing an active worker from a full set: it is barred and moves to unbonding.
	#[benchmark]
	fn remove_worker() -> Result<(), BenchmarkError> {
		let origin =
			T::WorkersOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let all = workers::<T>(T::MaxWorkers::get());
		let who = all[0].clone();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone());

		assert!(Barred::<T>::contains_key(&who));
		assert!(matches!(
			Workers::<T>::get(&who).map(|w| w.status),
			Some(WorkerStatus::Unbonding { .. })
		));
		Ok(())
	}

	#[benchmark]
	fn admit_worker() -> Result<(), BenchmarkError> {
		let origin =
			T::WorkersOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let who: T::AccountId = account("barred", 0, 0);
		Barred::<T>::insert(&who, ());

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone());

		assert!(!Barred::<T>::contains_key(&who));
		Ok(())
	}

	/// The tally of a job with `r` assigned workers, one of whom revealed: the others are
	/// reported, the result becomes the candidate.
	#[benchmark]
	fn tally(r: Linear<1, { T::MaxAssigned::get() }>) {
		let due = due_for_tally::<T>(r, r, true);

		#[block]
		{
			Pallet::<T>::process_agenda(due);
		}

		assert!(matches!(Jobs::<T>::get(0).map(|j| j.phase), Some(Phase::Challenge { .. })));
	}

	/// The tally of a job nobody revealed, with `MaxAssigned` silent workers, reopened with a
	/// draw over `w` active workers.
	#[benchmark]
	fn tally_reopen(w: Linear<1, { T::MaxWorkers::get() }>) {
		let due = due_for_tally::<T>(T::MaxAssigned::get().min(w), w, false);

		#[block]
		{
			Pallet::<T>::process_agenda(due);
		}

		assert_eq!(Jobs::<T>::get(0).map(|j| j.round), Some(2));
	}

	/// Finality of a candidate revealed by `r` workers with `MaxTotals` totals, into a full ring
	/// of kept results.
	#[benchmark]
	fn finalize(r: Linear<1, { T::MaxAssigned::get() }>) {
		let mut case = knn_case::<T>(4, |_, _, _, _| {
			let unused = Entry { rank: 0, index: 0, distance: 0, value: 0 };
			(Witness::RankMismatch { entry: entry_at(0, 1, unused).0 }, [4; 32], [1; 32])
		});
		case.item_count = T::MaxPaid::get();
		case.top = T::MaxPaid::get();
		// The most totals a result hands on.
		case.totals =
			sorted_accounts::<T>(T::MaxTotals::get()).into_iter().map(|a| (a, 1)).collect();
		let (id, result, _) = challenged_job::<T>(&case);
		let mut job = Jobs::<T>::get(id).expect("open");
		let supporters: AssignedOf<T> = job
			.assigned
			.iter()
			.take(r as usize)
			.cloned()
			.collect::<Vec<_>>()
			.try_into()
			.expect("fits");
		Results::<T>::mutate(id, result, |rev| {
			if let Some(rev) = rev {
				rev.supporters = supporters.clone();
			}
		});
		for w in job.assigned.iter().skip(r as usize) {
			RevealOf::<T>::remove(id, w);
		}
		job.assigned = supporters;
		let due = job.next_transition;
		Jobs::<T>::insert(id, job);
		// Fill the ring so that keeping this result drops the oldest.
		let max = T::MaxFinalized::get();
		FinalizedCount::<T>::put(max as u64);
		FinalizedRing::<T>::insert(0, JobId::MAX);
		AgendaCursor::<T>::put(due);
		frame_system::Pallet::<T>::set_block_number(due);

		#[block]
		{
			Pallet::<T>::process_agenda(due);
		}

		assert!(Finalized::<T>::contains_key(id));
	}

	/// The hook with nothing open.
	#[benchmark]
	fn on_initialize_idle() {
		let now = frame_system::Pallet::<T>::block_number();

		#[block]
		{
			Pallet::<T>::process_agenda(now);
		}
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
