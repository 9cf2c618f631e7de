//! The batch checks against liars, and the batch tree, file and arithmetic by hand.
use super::super::{check::paid_count, commitment, pack, reference_entries, tests::Rng};
use super::search::{Opening, Position};
use super::*;
use crate::datanet::file::{ItemLeaf, VersionItems};
use proptest::prelude::*;

type Account = [u8; 32];
/// The slots on either side of a gap between slots.
type Gap = (Option<ProvenSlot<Account>>, Option<ProvenSlot<Account>>);

fn hex(h: &Hash) -> alloc::string::String {
	h.iter().map(|b| alloc::format!("{b:02x}")).collect()
}

#[test]
fn known_batch_root_and_leaves() {
	// Pinned from an independent implementation (Python's hashlib.blake2b, digest_size=32,
	// struct.pack) of the leaf and sum-node rules.
	let inferences: Vec<Inference> = (0..3u8)
		.map(|i| Inference {
			input_tokens: 10 + i as u32,
			output_tokens: 20 * i as u32,
			query_hash: [i; 32],
			label: i as u32,
		})
		.collect();
	let c = BatchTree::new(&inferences).unwrap().commitment();
	assert_eq!(hex(&c.root), "6bc1da2e87a0ade7da698090ca79ff0b9c3253f19b62a9ada268bdb6fc0fc7e7");
	assert_eq!((c.count, c.tokens), (3, Tokens { input: 33, output: 60 }));
	let record = QueryRecord { root: [7; 32], paid_sum: 12345 };
	assert_eq!(
		hex(&record.leaf_hash()),
		"c9119daedcdf3f26af0fcae2db64dcf3598cb1d97f5f13efc2070213c5833455"
	);
	let slot: Slot<Account> =
		Some(Credit { contributor: [9; 32], query: 2, rank: 3, amount: 5, cumulative: 8 });
	assert_eq!(
		hex(&slot_hash(&slot)),
		"4ff169246ee56cf28c46d8ebfdccd3a1601456d955d21ef8f05729a21fc69158"
	);
	assert_eq!(
		hex(&slot_hash::<Account>(&None)),
		"9ee6dfb61a2fb903df487c401663825643bb825d41695e63df8af6162ab145a6"
	);
}

#[test]
fn batch_proofs_bind_the_leaf_the_position_and_the_totals() {
	let mut rng = Rng(3);
	for m in [1usize, 2, 3, 7, 16, 33] {
		let inferences: Vec<Inference> = (0..m)
			.map(|_| Inference {
				input_tokens: rng.next() as u32 % 1000,
				output_tokens: rng.next() as u32 % 1000,
				query_hash: [rng.next() as u8; 32],
				label: rng.next() as u32 % 3,
			})
			.collect();
		let tree = BatchTree::new(&inferences).unwrap();
		let c = tree.commitment();
		let sum =
			inferences.iter().fold(Tokens::default(), |a, i| a.checked_add(i.tokens()).unwrap());
		assert_eq!((c.count, c.tokens), (m as u32, sum));
		for (i, inference) in inferences.iter().enumerate() {
			let proof = tree.proof(i as u32).unwrap();
			assert!(proof.verify(&c, inference));
			// Another leaf, other totals, another count or position: refused.
			let mut other = *inference;
			other.output_tokens += 1;
			assert!(!proof.verify(&c, &other));
			let totals = BatchCommitment { tokens: Tokens { input: sum.input + 1, ..sum }, ..c };
			assert!(!proof.verify(&totals, inference));
			assert!(!proof.verify(&BatchCommitment { count: c.count + 1, ..c }, inference));
			if m > 1 {
				let moved = BatchProof { leaf_index: (i as u32 + 1) % m as u32, ..proof.clone() };
				assert!(!moved.verify(&c, inference));
			}
		}
	}
	let one = Inference { input_tokens: 5, output_tokens: 6, query_hash: [1; 32], label: 0 };
	assert_eq!(BatchTree::new(&[one]).unwrap().commitment(), BatchCommitment::single(&one));
	assert!(BatchTree::new(&[]).is_none());
}

#[test]
fn batch_file_round_trips_and_refuses_bad_bytes() {
	let file = BatchFile {
		dimension: 4,
		queries: alloc::vec![(1, 2, 3), (4, 5, 6)],
		embeddings: alloc::vec![1, -2, 3, -4, 5, 6, 7, -128],
	};
	let bytes = file.encode();
	assert_eq!(bytes.len() as u64, batch_file_size(2, 4));
	assert_eq!(BatchFile::decode(&bytes), Ok(file.clone()));
	assert_eq!(file.inferences()[1].query_hash, embedding_hash(&[5, 6, 7, -128]));
	assert_eq!(
		BatchFile::decode(&bytes[..bytes.len() - 1]),
		Err(BatchFileError::WrongLength {
			expected: bytes.len() as u64,
			actual: bytes.len() as u64 - 1
		})
	);
	let mut bad = bytes.clone();
	bad[0] = b'X';
	assert_eq!(BatchFile::decode(&bad), Err(BatchFileError::NotABatch));
	assert_eq!(BatchFile::decode(&bytes[..5]), Err(BatchFileError::NotABatch));
}

#[test]
fn shares_are_exact_floors() {
	assert_eq!(share_of(1, 1), SHARE_ONE);
	assert_eq!(share_of(5, 0), 0);
	assert_eq!(share_of(1, 3), SHARE_ONE / 3);
	assert_eq!(share_of(2, 3), 2 * SHARE_ONE / 3);
	// A part above the whole counts as the whole.
	assert_eq!(share_of(7, 3), SHARE_ONE);
	// Near the top of u128: part / whole = (2^127) / (2^128 - 1), just above 1/2.
	assert_eq!(share_of(1 << 127, u128::MAX), 1 << 63);
	assert_eq!(share_of(u128::MAX - 1, u128::MAX), SHARE_ONE - 1);
	let mut rng = Rng(5);
	for _ in 0..2000 {
		let whole = (rng.next() >> (rng.next() % 64)) as u128 + 1;
		let part = rng.next() as u128 % (whole + 1);
		// Exact in u128 when the whole fits 64 bits.
		assert_eq!(share_of(part, whole), (part << 64) / whole, "{part} / {whole}");
	}
	assert_eq!(credit_amount(SHARE_ONE, 3, 4), 3 * SHARE_ONE / 4);
	assert_eq!(credit_amount(SHARE_ONE, 0, 4), 0);
	assert_eq!(credit_amount(SHARE_ONE, 3, 0), 0);
	assert_eq!(credit_amount(SHARE_ONE, -3, 4), 0);
}

#[test]
fn totals_shape_and_the_bound() {
	let (a, b, c) = ([1u8; 32], [2u8; 32], [3u8; 32]);
	assert!(totals_well_formed(&[(a, 1), (b, 2)], 2));
	assert!(!totals_well_formed(&[(a, 1), (b, 2)], 1));
	assert!(!totals_well_formed(&[(b, 1), (a, 2)], 2));
	assert!(!totals_well_formed(&[(a, 1), (a, 2)], 2));
	assert!(!totals_well_formed(&[(a, 0)], 2));
	assert!(!totals_well_formed(&[(a, SHARE_ONE), (b, 1)], 2));
	assert!(totals_well_formed::<Account>(&[], 0));
	// The largest two, the smaller account first on a tie, sorted by account.
	let runs = alloc::vec![(a, 5), (b, 9), (c, 5), ([4u8; 32], 0)];
	assert_eq!(select_totals(runs.clone(), 2), alloc::vec![(a, 5), (b, 9)]);
	assert_eq!(select_totals(runs.clone(), 9), alloc::vec![(a, 5), (b, 9), (c, 5)]);
	let revealed = select_totals(runs, 2);
	assert!(!beats_revealed(&c, 5, &revealed, 2));
	assert!(beats_revealed(&c, 6, &revealed, 2));
	assert!(beats_revealed(&[0u8; 32], 5, &revealed, 2));
	assert!(beats_revealed(&c, 1, &revealed, 3));
	assert!(!beats_revealed(&c, 0, &revealed, 3));
}

/// A Datanet version whose files belong to a few contributors, a batch over it, and the
/// honest result of a job.
struct World {
	embeddings: Vec<i8>,
	version: VersionItems<Account>,
	batch: BatchFile,
	method: Method,
	rates: Rates,
	paid: u32,
	max_totals: u32,
	rankings: Vec<Vec<Entry>>,
}

/// Everything a result commits to and reveals.
#[derive(Clone, Debug, PartialEq)]
struct Posted {
	rankings: Vec<Vec<Entry>>,
	records: Vec<QueryRecord>,
	slots: Vec<Slot<Account>>,
	totals: Vec<(Account, u128)>,
}

impl World {
	#[allow(clippy::too_many_arguments)]
	fn new(
		seed: u64,
		n: usize,
		m: usize,
		method: Method,
		top: u32,
		zero_rates: bool,
		max_totals: u32,
	) -> World {
		let mut rng = Rng(seed);
		let d = 4usize;
		let embeddings: Vec<i8> = (0..n * d).map(|_| (rng.next() % 3) as i8 - 1).collect();
		let items: Vec<ItemLeaf> = embeddings
			.chunks(d)
			.map(|e| ItemLeaf { embedding_hash: embedding_hash(e), label: (rng.next() % 2) as u32 })
			.collect();
		// Files of one to three items from four contributors, so that runs span files.
		let mut files = Vec::new();
		let mut rest = &items[..];
		while !rest.is_empty() {
			let take = (1 + rng.next() as usize % 3).min(rest.len());
			files.push(([1 + (rng.next() % 4) as u8; 32], rest[..take].to_vec()));
			rest = &rest[take..];
		}
		let version = VersionItems::from_files(files).unwrap();
		let batch = BatchFile {
			dimension: d as u32,
			queries: (0..m)
				.map(|_| {
					(1 + rng.next() as u32 % 50, rng.next() as u32 % 50, (rng.next() % 2) as u32)
				})
				.collect(),
			embeddings: (0..m * d).map(|_| (rng.next() % 3) as i8 - 1).collect(),
		};
		let rates = if zero_rates {
			Rates::default()
		} else {
			Rates { input: 1 + rng.next() as u128 % 7, output: rng.next() as u128 % 7 }
		};
		let labels: Vec<u32> = items.iter().map(|l| l.label).collect();
		let rankings = (0..m)
			.map(|q| {
				let (_, _, label) = batch.queries[q];
				reference_entries(method, &pack(&embeddings), &labels, &pack(batch.query(q)), label)
			})
			.collect();
		let paid = paid_count(method, n as u32, top);
		World { embeddings, version, batch, method, rates, paid, max_totals, rankings }
	}

	/// A world of 2 to 13 items, 1 to 5 queries, any method, `top` and bound.
	fn random(seed: u64, rng: &mut Rng) -> World {
		World::new(
			seed,
			2 + rng.next() as usize % 12,
			1 + rng.next() as usize % 5,
			methods()[rng.next() as usize % 4],
			1 + rng.next() as u32 % 4,
			false,
			1 + rng.next() as u32 % 5,
		)
	}

	fn m(&self) -> usize {
		self.batch.queries.len()
	}

	fn contributor(&self, index: u32) -> Account {
		*self.version.proof(index).unwrap().contributor()
	}

	fn inferences(&self) -> Vec<Inference> {
		self.batch.inferences()
	}

	fn commitment(&self) -> BatchCommitment {
		BatchTree::new(&self.inferences()).unwrap().commitment()
	}

	/// The honest settlement of `rankings`.
	fn posted(&self, rankings: Vec<Vec<Entry>>) -> Posted {
		let roots: Vec<(Hash, &[Entry])> =
			rankings.iter().map(|r| (commitment(r), &r[..])).collect();
		let s = settle(
			&self.inferences(),
			&roots,
			self.rates,
			self.commitment().tokens,
			self.paid,
			self.max_totals,
			|i| self.contributor(i),
		);
		Posted { rankings, records: s.records, slots: s.slots, totals: s.totals }
	}

	fn job<'a>(&self, posted: &'a Posted) -> BatchJob<'a, Account> {
		BatchJob {
			method: self.method,
			version: self.version.commitment(),
			dimension: self.batch.dimension,
			batch: self.commitment(),
			rates: self.rates,
			paid: self.paid,
			max_totals: self.max_totals,
			queries: merkle::root(
				&posted.records.iter().map(QueryRecord::leaf_hash).collect::<Vec<_>>(),
			),
			credits: merkle::root(&posted.slots.iter().map(slot_hash).collect::<Vec<_>>()),
			totals: &posted.totals,
		}
	}

	/// The query embedding a witness's check recomputes distances with.
	fn query_of(&self, witness: &BatchWitness<Account>) -> &[i8] {
		match witness {
			BatchWitness::Ranking { record, .. } => {
				self.batch.query(record.proof.leaf_index as usize)
			},
			_ => &[],
		}
	}

	fn data(&self) -> VersionData<'_, Account> {
		VersionData { items: &self.version, embeddings: &self.embeddings }
	}

	fn witness(&self, posted: &Posted) -> Option<BatchWitness<Account>> {
		let claimed = ClaimedBatch {
			rankings: &posted.rankings,
			records: &posted.records,
			slots: &posted.slots,
		};
		find_batch_witness(&self.job(posted), self.data(), &self.batch, claimed)
	}

	/// Every batch check on every input a challenger could build from the posted data:
	/// each query's single-query faults (by its own exhaustive finder), each paid sum, each
	/// slot and adjacent pair, each positive paid entry against every bracket, each run's
	/// end, and each revealed total against every bracket.
	fn all_faults(&self, posted: &Posted) -> Vec<BatchFault> {
		let job = self.job(posted);
		let tree = BatchTree::new(&self.inferences()).unwrap();
		let records =
			merkle::Levels::new(posted.records.iter().map(QueryRecord::leaf_hash).collect());
		let slot_tree = merkle::Levels::new(posted.slots.iter().map(slot_hash).collect());
		let record =
			|q: usize| ProvenQuery { record: posted.records[q], proof: records.proof(q).unwrap() };
		let inference = |q: usize| ProvenInference {
			inference: self.inferences()[q],
			proof: tree.proof(q as u32).unwrap(),
		};
		let slot = |p: usize| {
			slot_tree.proof(p).map(|proof| ProvenSlot { slot: posted.slots[p].clone(), proof })
		};
		let entry = |q: usize, r: usize| {
			let hashes: Vec<Hash> = posted.rankings[q].iter().map(Entry::leaf_hash).collect();
			Some(ProvenEntry {
				entry: *posted.rankings[q].get(r)?,
				proof: merkle::proof(&hashes, r)?,
			})
		};
		let item = |index: u32| {
			Some(ProvenItem {
				index,
				item: *self.version.item(index)?,
				proof: self.version.proof(index)?,
			})
		};
		let mut found = Vec::new();
		let mut note = |v: BatchVerdict| {
			if let Ok(Some(f)) = v {
				found.push(f)
			}
		};
		let n_slots = posted.slots.len();
		// Brackets: (before, after) for every gap, the two ends included.
		let brackets: Vec<Gap> =
			(0..=n_slots).map(|at| (at.checked_sub(1).and_then(slot), slot(at))).collect();
		for q in 0..self.m() {
			let inner = job.query_job(&self.inferences()[q], &posted.records[q]);
			if let Some(w) =
				find_witness(&inner, self.data(), self.batch.query(q), &posted.rankings[q])
			{
				note(job.ranking(&record(q), &inference(q), &w, self.batch.query(q)));
			}
			let count = (self.paid as usize).min(posted.rankings[q].len());
			let paid: Vec<ProvenEntry> = (0..count).map(|r| entry(q, r).unwrap()).collect();
			note(job.wrong_paid_sum(&record(q), &paid));
			for r in 0..count {
				let e = entry(q, r).unwrap();
				let Some(it) = item(e.entry.index) else { continue };
				for (before, after) in &brackets {
					note(job.missing_credit(
						&record(q),
						&inference(q),
						&e,
						&it,
						before.as_ref(),
						after.as_ref(),
					));
				}
			}
		}
		for p in 0..n_slots {
			let s = slot(p).unwrap();
			note(job.credit_out_of_range(&s));
			if let Some(c) = &posted.slots[p] {
				let q = c.query as usize;
				if q < self.m() {
					if let Some(e) = entry(q, c.rank as usize) {
						if let Some(it) = item(e.entry.index) {
							note(job.credit_mismatch(&s, &record(q), &inference(q), &e, &it));
						}
					}
				}
			}
			let before = p.checked_sub(1).and_then(slot);
			note(job.wrong_cumulative(before.as_ref(), &s));
			let next = slot(p + 1);
			if let Some(next) = &next {
				note(job.credit_order(&s, next));
			}
			note(job.wrong_total(&s, next.as_ref()));
		}
		for position in 0..posted.totals.len() {
			for (before, after) in &brackets {
				note(job.total_without_credits(position as u32, before.as_ref(), after.as_ref()));
			}
		}
		found
	}
}

fn methods() -> [Method; 4] {
	[
		Method::KnnShapley { k: 1, t: 4 },
		Method::KnnShapley { k: 2, t: 16 },
		Method::Similarity { k: 3 },
		Method::Similarity { k: 6 },
	]
}

/// The credits of a posted result, without their slots.
fn credits_of(posted: &Posted) -> Vec<Credit<Account>> {
	posted.slots.iter().flatten().cloned().collect()
}

/// `posted` with `credits` sorted into its slots and everything after them recomputed to
/// match: the lie is consistent everywhere but where it was told.
fn rearranged(w: &World, posted: &Posted, credits: Vec<Credit<Account>>) -> Option<Posted> {
	let (slots, runs) = arrange(credits, posted.slots.len());
	(slots.len() == posted.slots.len()).then(|| Posted {
		slots,
		totals: select_totals(runs, w.max_totals),
		..posted.clone()
	})
}

/// One kind of lie, told consistently where it can be.
fn corrupt(w: &World, honest: &Posted, kind: u8, pick: usize) -> Option<Posted> {
	let m = w.m();
	let q = pick % m;
	let credits = credits_of(honest);
	let c = (!credits.is_empty()).then(|| pick % credits.len().max(1));
	match kind {
		// A ranking entry's value, with everything after it recomputed from the lie.
		0 => {
			let mut rankings = honest.rankings.clone();
			let r = pick % rankings[q].len();
			rankings[q][r].value += 1 + (pick % 3) as i64;
			Some(w.posted(rankings))
		},
		// Two ranking entries swapped, recomputed.
		1 => {
			let mut rankings = honest.rankings.clone();
			if rankings[q].len() < 2 {
				return None;
			}
			let r = pick % (rankings[q].len() - 1);
			rankings[q].swap(r, r + 1);
			Some(w.posted(rankings))
		},
		// A paid sum, with the amounts computed from it.
		2 => {
			let mut posted = honest.clone();
			posted.records[q].paid_sum += 1;
			let sum = posted.records[q].paid_sum;
			let share = share_of(
				w.rates.price(w.inferences()[q].tokens()),
				w.rates.price(w.commitment().tokens),
			);
			let credits = credits
				.into_iter()
				.map(|mut x| {
					if x.query as usize == q {
						x.amount =
							credit_amount(share, honest.rankings[q][x.rank as usize].value, sum);
					}
					x
				})
				.collect();
			rearranged(w, &posted, credits)
		},
		// One credit's amount inflated: its contributor's total follows.
		3 => {
			let mut credits = credits;
			credits[c?].amount += 1 + pick as u128 % 1000;
			rearranged(w, honest, credits)
		},
		// A credit moved to another contributor.
		4 => {
			let mut credits = credits;
			let c = c?;
			credits[c].contributor = [1 + (credits[c].contributor[0] % 4); 32];
			rearranged(w, honest, credits)
		},
		// A credit left out.
		5 => {
			let mut credits = credits;
			credits.remove(c?);
			rearranged(w, honest, credits)
		},
		// A credit paid twice.
		6 => {
			let mut credits = credits;
			let c = c?;
			credits.push(credits[c].clone());
			rearranged(w, honest, credits)
		},
		// A credit for a rank that is not paid, or a query past the batch.
		7 => {
			let mut credits = credits;
			let (query, rank) =
				if pick.is_multiple_of(2) { (q as u32, w.paid) } else { (m as u32, 0) };
			credits.push(Credit { contributor: [2; 32], query, rank, amount: 5, cumulative: 0 });
			rearranged(w, honest, credits)
		},
		// A running total off by one, and the revealed total agreeing with it.
		8 => {
			let mut posted = honest.clone();
			let position =
				posted.slots.iter().position(|s| s.is_some())? + pick % credits.len().max(1);
			let who = {
				let s = posted.slots[position].as_mut()?;
				s.cumulative += 1;
				s.contributor
			};
			let last = posted
				.slots
				.iter()
				.rposition(|s| s.as_ref().is_some_and(|s| s.contributor == who))?;
			if last == position {
				if let Ok(at) = posted.totals.binary_search_by(|t| t.0.cmp(&who)) {
					posted.totals[at].1 += 1;
				}
			}
			Some(posted)
		},
		// A revealed total inflated.
		9 => {
			let mut posted = honest.clone();
			let at = pick % posted.totals.len().max(1);
			posted.totals.get_mut(at)?.1 += 1 + pick as u128 % 1000;
			Some(posted)
		},
		// A revealed total left out.
		10 => {
			let mut posted = honest.clone();
			let at = pick % posted.totals.len().max(1);
			(at < posted.totals.len()).then(|| posted.totals.remove(at))?;
			Some(posted)
		},
		// A contributor with no credit revealed.
		11 => {
			let mut posted = honest.clone();
			let ghost = [1 + (pick % 6) as u8; 32];
			if posted.totals.iter().any(|t| t.0 == ghost)
				|| credits.iter().any(|c| c.contributor == ghost)
			{
				return None;
			}
			posted.totals.push((ghost, 1 + pick as u128 % 100));
			posted.totals.sort();
			Some(posted)
		},
		// Past the bound, a weaker contributor revealed instead of a stronger one.
		12 => {
			let mut posted = honest.clone();
			let (_, runs) = arrange(credits, honest.slots.len());
			let left: Vec<_> =
				runs.iter().filter(|r| r.1 > 0 && !posted.totals.contains(r)).collect();
			let weakest = left.iter().min_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))?;
			let at = pick % posted.totals.len().max(1);
			posted.totals.get(at)?;
			posted.totals[at] = **weakest;
			posted.totals.sort();
			Some(posted)
		},
		// Two credits' amounts swapped between contributors, totals following.
		_ => {
			let mut credits = credits;
			let (a, b) = (c?, (c? + 1) % credits.len());
			if credits[a].amount == credits[b].amount {
				return None;
			}
			let (x, y) = (credits[a].amount, credits[b].amount);
			credits[a].amount = y;
			credits[b].amount = x;
			rearranged(w, honest, credits)
		},
	}
}

#[test]
fn a_batch_of_one_splits_its_share_by_value() {
	let w = World::new(9, 12, 1, Method::Similarity { k: 4 }, 4, false, 64);
	let p = w.posted(w.rankings.clone());
	let total: u128 = p.totals.iter().map(|t| t.1).sum();
	// The whole share, less one unit of rounding per credit.
	assert!(total <= SHARE_ONE && total + 4 >= SHARE_ONE, "{total}");
	for c in credits_of(&p) {
		let v = w.rankings[0][c.rank as usize].value as u128;
		assert_eq!(c.amount, SHARE_ONE * v / p.records[0].paid_sum as u128);
	}
	assert!(w.all_faults(&p).is_empty());
}

/// Every kind of lie is actually told (not assumed away) often enough to mean something,
/// and each one told is caught.
#[test]
fn every_kind_of_lie_is_told_and_caught() {
	let mut told = [0u32; 14];
	for seed in 0..400u64 {
		let mut rng = Rng(seed);
		let w = World::random(seed, &mut rng);
		let honest = w.posted(w.rankings.clone());
		for kind in 0..14u8 {
			let pick = rng.next() as usize;
			let Some(lie) = corrupt(&w, &honest, kind, pick).filter(|l| *l != honest) else {
				continue;
			};
			told[kind as usize] += 1;
			let witness = w.witness(&lie).expect("a witness");
			let verdict = witness.check(&w.job(&lie), w.query_of(&witness));
			assert!(matches!(verdict, Ok(Some(_))), "kind {kind} seed {seed}: {verdict:?}");
		}
	}
	assert!(told.iter().all(|&t| t >= 40), "lies told per kind: {told:?}");
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(300))]

	/// The honest result passes every check, and no witness is found against it.
	#[test]
	fn the_honest_batch_result_passes_every_check(
		seed in any::<u64>(), n in 1usize..12, m in 1usize..5, method in 0usize..4,
		top in 1u32..5, zero in any::<bool>(), max_totals in 1u32..6,
	) {
		let w = World::new(seed, n, m, methods()[method], top, zero && seed % 5 == 0, max_totals);
		let honest = w.posted(w.rankings.clone());
		prop_assert!(totals_well_formed(&honest.totals, max_totals));
		prop_assert_eq!(w.all_faults(&honest), Vec::<BatchFault>::new());
		prop_assert_eq!(w.witness(&honest), None);
	}

	/// Every kind of wrong figure, told consistently everywhere else, is caught by some
	/// check on some input, and the challenger's finder proves one of those faults.
	#[test]
	fn every_batch_lie_has_a_witness(
		seed in any::<u64>(), n in 1usize..12, m in 1usize..5, method in 0usize..4,
		top in 1u32..5, max_totals in 1u32..6, kind in 0u8..14, pick in any::<usize>(),
	) {
		let w = World::new(seed, n, m, methods()[method], top, false, max_totals);
		let honest = w.posted(w.rankings.clone());
		let lie = corrupt(&w, &honest, kind, pick);
		prop_assume!(lie.as_ref().is_some_and(|l| *l != honest));
		let lie = lie.unwrap();
		let faults = w.all_faults(&lie);
		prop_assert!(!faults.is_empty(), "kind {} undetected", kind);
		let witness = w.witness(&lie);
		prop_assert!(witness.is_some(), "kind {}: no witness for {:?}", kind, faults);
		let witness = witness.unwrap();
		let verdict = witness.check(&w.job(&lie), w.query_of(&witness));
		prop_assert!(
			matches!(verdict, Ok(Some(f)) if faults.contains(&f)),
			"kind {}: {:?} of {:?}", kind, verdict, faults
		);
	}
}

/// The leaf at `position` of a posted result, with its proof: what an answering prover sends.
fn open(posted: &Posted, position: Position) -> Opening<Account> {
	let records = merkle::Levels::new(posted.records.iter().map(QueryRecord::leaf_hash).collect());
	let record = |q: u32| ProvenQuery {
		record: posted.records[q as usize],
		proof: records.proof(q as usize).unwrap(),
	};
	match position {
		Position::Query(q) => Opening::Query(record(q)),
		Position::Entry { query, rank } => {
			let ranking = &posted.rankings[query as usize];
			let hashes: Vec<Hash> = ranking.iter().map(Entry::leaf_hash).collect();
			let entry = ProvenEntry {
				entry: ranking[rank as usize],
				proof: merkle::proof(&hashes, rank as usize).unwrap(),
			};
			Opening::Entry { record: record(query), entry }
		},
		Position::Slot(i) => {
			let slots = merkle::Levels::new(posted.slots.iter().map(slot_hash).collect());
			Opening::Slot(ProvenSlot {
				slot: posted.slots[i as usize].clone(),
				proof: slots.proof(i as usize).unwrap(),
			})
		},
	}
}

/// Runs the challenger's search against `lie` with a prover that opens whatever it is asked,
/// and returns the openings it needed; panics if it gives up, asks twice or posts a witness
/// that does not hold.
fn search(w: &World, lie: &Posted) -> usize {
	let honest = w.posted(w.rankings.clone());
	let own =
		BatchSettlement { records: honest.records, slots: honest.slots, totals: honest.totals };
	let challenger =
		search::BatchChallenger::new(w.data(), &w.batch, &w.rankings, &own, w.paid).unwrap();
	let job = w.job(lie);
	let mut opened = Vec::new();
	let mut asked = alloc::collections::BTreeSet::new();
	loop {
		match challenger.next_move(&job, &opened) {
			search::BatchMove::Open(position) => {
				assert!(job.has_position(position), "{position:?} does not exist");
				assert!(asked.insert(position), "asked twice for {position:?}");
				let opening = open(lie, position);
				assert_eq!(job.open_leaf(&opening), Ok(position));
				opened.push(opening);
			},
			search::BatchMove::Challenge(witness) => {
				let verdict = witness.check(&job, w.query_of(&witness));
				assert!(matches!(verdict, Ok(Some(_))), "{verdict:?}");
				return asked.len();
			},
			search::BatchMove::Nothing => panic!("gave up after {} openings", asked.len()),
		}
	}
}

/// The challenger's search proves every kind of lie wrong within the bound on openings, never
/// asking twice, and leaves the honest result alone without asking anything.
#[test]
fn every_batch_lie_is_found_within_the_bound() {
	let mut told = [0u32; 14];
	for seed in 0..300u64 {
		let mut rng = Rng(seed ^ 0x5eed);
		let w = World::random(seed, &mut rng);
		let honest = w.posted(w.rankings.clone());
		let m = w.m() as u32;
		let t = w.rankings[0].len() as u32;
		let slots = honest.slots.len() as u32;
		let depth = crate::attribution::search::depth;
		let bound = (depth(m) + 1 + 2 * depth(t) + 1).max(depth(slots) + 1) as usize;
		assert!(bound < search::max_batch_openings(m, t, slots) as usize);
		{
			let own = BatchSettlement {
				records: honest.records.clone(),
				slots: honest.slots.clone(),
				totals: honest.totals.clone(),
			};
			let challenger =
				search::BatchChallenger::new(w.data(), &w.batch, &w.rankings, &own, w.paid)
					.unwrap();
			assert_eq!(challenger.next_move(&w.job(&honest), &[]), search::BatchMove::Nothing);
		}
		for kind in 0..14u8 {
			let pick = rng.next() as usize;
			let Some(lie) = corrupt(&w, &honest, kind, pick).filter(|l| *l != honest) else {
				continue;
			};
			told[kind as usize] += 1;
			let openings = search(&w, &lie);
			assert!(openings <= bound, "kind {kind} seed {seed}: {openings} > {bound}");
		}
	}
	assert!(told.iter().all(|&t| t >= 30), "lies told per kind: {told:?}");
}
