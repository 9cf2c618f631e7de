//! Benchmarks of the attribution pallet's calls and hook paths, each at its worst case: a full
//! active set, `MaxAssigned` workers behind a result, `MaxPaid` paid entries, and Merkle proofs
//! as deep as `MaxJobItems` items make them.
//!
//! Challenges are benchmarked upheld against the job's candidate with no other result standing,
//! the most expensive path: every supporter is slashed and a new round is drawn. Their proofs
//! are built without building the trees: siblings are made up, and the roots the job records are
//! computed from them with `merkle::root_from_proof`.

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

/// What a benchmark's job is made of.
struct Case<T: Config> {
	method: Method,
	item_count: u32,
	dimension: u32,
	version_root: Hash,
	query: Vec<i8>,
	commitment: Hash,
	paid: Vec<Entry>,
	witness: WitnessOf<T>,
}

/// The latest deadline a job opened at `now` may have: its disputes must end inside the
/// unbonding period.
fn latest_deadline<T: Config>(now: BlockNumberFor<T>) -> BlockNumberFor<T> {
	let p = Pallet::<T>::params();
	now.saturating_add(p.unbonding_period)
		.saturating_sub(Pallet::<T>::dispute_span(T::MaxJobItems::get(), &p))
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
		top: case.paid.len() as u32,
		query_hash: embedding_hash(&case.query),
		query_label: 1,
		deadline: latest_deadline::<T>(now),
	};
	let payer = funded::<T>("payer", 0);
	let id = Pallet::<T>::do_open_job(&payer, spec).expect("job opens");
	let result = Pallet::<T>::result_hash(&case.commitment, &case.paid);
	let mut job = Jobs::<T>::get(id).expect("just opened");
	job.assigned = supporters.clone().try_into().expect("MaxAssigned fits");
	for w in &supporters {
		RevealOf::<T>::insert(id, w, result);
	}
	Results::<T>::insert(
		id,
		result,
		Revealed::<T> {
			commitment: case.commitment,
			paid: case.paid.clone().try_into().expect("MaxPaid fits"),
			supporters: job.assigned.clone(),
			first_seen: 0,
			refuted_by: None,
		},
	);
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

/// KNN-Shapley over `MaxJobItems` items, paying `MaxPaid`; `witness` built by `make` from the
/// item count, the committed count, the paid list and the query, returning the commitment and
/// version root it needs.
fn knn_case<T: Config>(
	d: u32,
	make: impl FnOnce(u32, u32, &mut Vec<Entry>, &[i8]) -> (WitnessOf<T>, Hash, Hash),
) -> Case<T> {
	let n = T::MaxJobItems::get();
	let c = KNN.committed_count(n);
	let query = embedding(d, 1);
	let mut paid: Vec<Entry> = (0..T::MaxPaid::get().min(c))
		.map(|rank| Entry { rank, index: rank, distance: rank, value: 0 })
		.collect();
	let (witness, commitment, version_root) = make(n, c, &mut paid, &query);
	Case {
		method: KNN,
		item_count: n,
		dimension: d,
		version_root,
		query,
		commitment,
		paid,
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

/// A job in its reveal window with `p` paid entries, `worker` assigned and committed,
/// `MaxAssigned - 1` other results already revealed and `worker`'s result already refuted;
/// returns what `worker` reveals.
fn reveal_setup<T: Config>(p: u32) -> (JobId, T::AccountId, Hash, Vec<Entry>, [u8; 32]) {
	let all = workers::<T>(T::MaxAssigned::get());
	let n = T::MaxJobItems::get().max(p);
	let (datanet, version) = T::BenchmarkHelper::publish(commitment([1; 32], n, n), 4, 3);
	let now = frame_system::Pallet::<T>::block_number();
	let spec = JobSpec {
		datanet,
		version,
		method: KNN,
		top: p,
		query_hash: [2; 32],
		query_label: 0,
		deadline: latest_deadline::<T>(now),
	};
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
				commitment: h,
				paid: Default::default(),
				supporters: vec![other.clone()].try_into().expect("fits"),
				first_seen: i as u32 - 1,
				refuted_by: None,
			},
		);
	}
	let paid: Vec<Entry> =
		(0..p).map(|rank| Entry { rank, index: rank, distance: rank, value: -1 }).collect();
	let commitment = [9; 32];
	let salt = [3; 32];
	// The worst case: the result was already refuted, so revealing it also slashes.
	let challenger = funded::<T>("challenger", 0);
	Results::<T>::insert(
		id,
		Pallet::<T>::result_hash(&commitment, &paid),
		Revealed::<T> {
			commitment,
			paid: paid.clone().try_into().expect("MaxPaid fits"),
			supporters: Default::default(),
			first_seen: 0,
			refuted_by: Some(challenger),
		},
	);
	let hash = Pallet::<T>::commit_hash(id, &worker, &commitment, &paid, &salt);
	Commits::<T>::insert(id, &worker, hash);
	frame_system::Pallet::<T>::set_block_number(commit_end.saturating_add(One::one()));
	(id, worker, commitment, paid, salt)
}

/// A job whose reveal window has just closed, with `r` assigned workers of whom only the
/// first revealed (the others are reported silent); `reveal` false leaves them all silent,
/// so the tally reopens the job. Returns the block at which it is due.
fn due_for_tally<T: Config>(r: u32, active: u32, reveal: bool) -> BlockNumberFor<T> {
	let all = workers::<T>(active.max(r));
	let (datanet, version) = T::BenchmarkHelper::publish(commitment([1; 32], 16, 16), 4, 3);
	let now = frame_system::Pallet::<T>::block_number();
	let spec = JobSpec {
		datanet,
		version,
		method: KNN,
		top: 1,
		query_hash: [2; 32],
		query_label: 0,
		deadline: latest_deadline::<T>(now),
	};
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
				commitment: result,
				paid: Default::default(),
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
		let (datanet, version) =
			T::BenchmarkHelper::publish(commitment([1; 32], 1_000, 1_000), 256, 3);
		let now = frame_system::Pallet::<T>::block_number();
		let spec = JobSpec {
			datanet,
			version,
			method: KNN,
			top: T::MaxPaid::get(),
			query_hash: [2; 32],
			query_label: 0,
			deadline: latest_deadline::<T>(now),
		};
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

	#[benchmark]
	fn reveal(p: Linear<1, { T::MaxPaid::get() }>) {
		let (id, worker, commitment, paid, salt) = reveal_setup::<T>(p);
		let bounded: PaidOf<T> = paid.try_into().expect("MaxPaid fits");

		#[extrinsic_call]
		_(RawOrigin::Signed(worker.clone()), id, commitment, bounded, salt);

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
		let mut case = knn_case::<T>(4, |_, _, paid, _| {
			let e = Entry { rank: k - 1, index: k - 1, distance: 3, value: 1 };
			paid.truncate(k as usize);
			let (entry, commitment) = entry_at(k - 1, k, e);
			(Witness::WrongSimilarity { entry }, commitment, [1; 32])
		});
		case.method = Method::Similarity { k };
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

	#[benchmark]
	fn challenge_paid_mismatch() {
		let case = knn_case::<T>(4, |_, c, paid, _| {
			let committed = Entry { value: 99, ..paid[0] };
			let (entry, commitment) = entry_at(0, c, committed);
			(Witness::PaidMismatch { position: 0, entry }, commitment, [1; 32])
		});
		let (id, result, challenger, witness, query) = prepared::<T>(case);

		#[extrinsic_call]
		challenge(RawOrigin::Signed(challenger), id, result, witness, query);

		assert_upheld::<T>(id, result);
	}

	#[benchmark]
	fn challenge_unpaid_beats_paid(
		d: Linear<4, { openledger_primitives::attribution::MAX_DIMENSION }>,
	) {
		// The dimension in elements, a multiple of 4 as the spec requires.
		let d = d / 4 * 4;
		let case = knn_case::<T>(d, |n, _, paid, query| {
			// The last paid entry is far; the left-out item is the query itself.
			if let Some(last) = paid.last_mut() {
				last.distance = u32::MAX / 2;
			}
			let (mut items, version_root) = proven_items::<T>(n - 1, &[leaf(query, 0)]);
			let item = items.remove(0);
			(Witness::UnpaidBeatsPaid { item, embedding: query.to_vec() }, [3; 32], version_root)
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

	#[benchmark]
	fn request_opening() {
		let c = KNN.committed_count(T::MaxJobItems::get());
		let case = knn_case::<T>(4, |_, c, _, _| {
			let (entry, commitment) =
				entry_at(c - 1, c, Entry { rank: c - 1, index: 0, distance: 0, value: 0 });
			(Witness::RankMismatch { entry }, commitment, [1; 32])
		});
		let (id, result, challenger, ..) = prepared::<T>(case);

		#[extrinsic_call]
		_(RawOrigin::Signed(challenger.clone()), id, result, c - 1);

		assert!(Openings::<T>::contains_key((id, result, challenger)));
	}

	/// An opening at the deepest position.
	#[benchmark]
	fn open_entry() {
		let c = KNN.committed_count(T::MaxJobItems::get());
		let e = Entry { rank: c - 1, index: 0, distance: 0, value: 0 };
		let (proven, commitment) = entry_at(c - 1, c, e);
		let case = knn_case::<T>(4, |_, _, _, _| {
			(Witness::RankMismatch { entry: proven.clone() }, commitment, [1; 32])
		});
		let (id, result, challenger, ..) = prepared::<T>(case);
		Pallet::<T>::do_request_opening(&challenger, id, result, c - 1).expect("request fits");

		#[extrinsic_call]
		_(RawOrigin::Signed(challenger.clone()), id, result, challenger.clone(), proven);

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
		Pallet::<T>::do_request_opening(&challenger, id, result, 0).expect("request fits");
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

	/// Finality of a candidate revealed by `r` workers, into a full ring of kept results.
	#[benchmark]
	fn finalize(r: Linear<1, { T::MaxAssigned::get() }>) {
		let unused = Entry { rank: 0, index: 0, distance: 0, value: 0 };
		let mut case = knn_case::<T>(4, |_, _, _, _| {
			(Witness::RankMismatch { entry: entry_at(0, 1, unused).0 }, [4; 32], [1; 32])
		});
		case.item_count = T::MaxPaid::get();
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
