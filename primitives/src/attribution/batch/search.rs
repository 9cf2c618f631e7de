//! The challenger's search against a batch result: which leaf of it to ask for next, and when
//! to challenge, so that any wrong result is proven wrong in `O(log)` openings
//! (docs/attribution.md, "Finding a fault in a batch result").
//!
//! A batch result has three trees a challenger may need opened: the queries tree (`M` records),
//! each query's ranking tree (`T` entries) and the credit tree (`M × P` slots). The challenger
//! compares the result with its own honest one ([`BatchChallenger`]):
//!
//! - **Queries differ**: descend the queries tree to the *first* differing record (at most
//!   `h_M + 1` openings). If its ranking commitment differs, the single-query search
//!   ([`crate::attribution::search`]) runs on that query (at most `2 h_T + 1` more); otherwise
//!   its paid sum is wrong (`WrongPaidSum`, from the challenger's own entries).
//! - **Queries equal, credits differ**: every ranking and paid sum is the honest one, so the
//!   challenger can prove any entry, record or item itself. Each opened slot is checked alone;
//!   then descend to the *first* differing slot `i` (at most `h_S + 1` openings): the slots
//!   before it are the honest ones, so the honest credit at `i` is missing (`MissingCredit`),
//!   or the prover's repeats an earlier key (`CreditOrder`), or has the honest key and amount
//!   but another running total (`WrongCumulative`).
//! - **Both equal**: the revealed totals differ from the honest ones, and every proof comes
//!   from the challenger's own tree: `WrongTotal` or `TotalWithoutCredits`, no opening.

use super::{
	credit_amount, BatchFile, BatchInvalid, BatchJob, BatchSettlement, BatchTree, BatchWitness,
	Credit, ProvenInference, ProvenQuery, ProvenSlot, QueryRecord,
};
use crate::{
	attribution::{
		check::{ProvenEntry, ProvenItem},
		search::{depth, descend, max_openings, provable, Challenger, Descent, Move, Nodes},
		witness::VersionData,
		Entry,
	},
	merkle::{self, Levels},
};
use alloc::{boxed::Box, collections::BTreeMap, vec::Vec};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::cmp::Ordering;
use scale_info::TypeInfo;

/// A leaf of a batch result that a challenger may ask to have opened.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum Position {
	/// Query `q`'s record in the queries tree.
	Query(u32),
	/// The committed entry at `rank` of query `query`'s ranking.
	Entry {
		/// The query.
		query: u32,
		/// The rank.
		rank: u32,
	},
	/// The slot at this position of the credit tree.
	Slot(u32),
}

/// An opened leaf of a batch result with its proof: the answer to a request.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub enum Opening<AccountId> {
	/// A query record.
	Query(ProvenQuery),
	/// A ranking entry, with its query's record (which proves the ranking's commitment).
	Entry {
		/// The record.
		record: ProvenQuery,
		/// The entry, proven against the record's commitment.
		entry: ProvenEntry,
	},
	/// A slot.
	Slot(ProvenSlot<AccountId>),
}

impl<AccountId: Encode + Ord + Clone> BatchJob<'_, AccountId> {
	/// Whether the result has a leaf at `position`.
	pub fn has_position(&self, position: Position) -> bool {
		let committed = self.method.committed_count(self.version.item_count);
		match position {
			Position::Query(q) => q < self.batch.count,
			Position::Entry { query, rank } => query < self.batch.count && rank < committed,
			Position::Slot(i) => i < self.slot_count(),
		}
	}

	/// Verifies an opening against the result, as the runtime checks an answer, and returns
	/// the position it opens.
	pub fn open_leaf(&self, opening: &Opening<AccountId>) -> Result<Position, BatchInvalid> {
		match opening {
			Opening::Query(record) => Ok(Position::Query(self.open_query(record)?)),
			Opening::Entry { record, entry } => {
				let query = self.open_query(record)?;
				let rank = self.ranking_of(&record.record).open(entry)?;
				Ok(Position::Entry { query, rank })
			},
			Opening::Slot(slot) => Ok(Position::Slot(self.open_slot(slot)?)),
		}
	}
}

/// The most openings one requester may ask of one batch result: enough for the search below,
/// `max(h_M + 1 + max_openings(T), h_S + 2)` with `h` the depths of the queries tree (`count`
/// records), a ranking (`committed` entries) and the credit tree (`slots`).
pub fn max_batch_openings(count: u32, committed: u32, slots: u32) -> u32 {
	(depth(count) + 1 + max_openings(committed)).max(depth(slots) + 2)
}

/// What to do next about a batch result.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum BatchMove<AccountId> {
	/// Submit this challenge: [`BatchWitness::check`] proves a fault with it.
	Challenge(Box<BatchWitness<AccountId>>),
	/// Ask for the leaf at this position.
	Open(Position),
	/// Nothing is wrong with the result, as far as the challenger's own goes.
	Nothing,
}

/// A challenger's view of one batch job: the version, the batch and its own honest result.
pub struct BatchChallenger<'a, AccountId> {
	version: VersionData<'a, AccountId>,
	batch: &'a BatchFile,
	rankings: &'a [Vec<Entry>],
	own: &'a BatchSettlement<AccountId>,
	paid: u32,
	tree: BatchTree,
	records: Levels,
	slots: Levels,
}

/// What the openings so far tell of the prover's trees.
struct Learnt<AccountId> {
	query_nodes: Nodes,
	records: BTreeMap<u32, ProvenQuery>,
	entries: BTreeMap<u32, Vec<ProvenEntry>>,
	slot_nodes: Nodes,
	slots: BTreeMap<u32, ProvenSlot<AccountId>>,
}

impl<AccountId> Default for Learnt<AccountId> {
	fn default() -> Self {
		Learnt {
			query_nodes: Nodes::default(),
			records: BTreeMap::new(),
			entries: BTreeMap::new(),
			slot_nodes: Nodes::default(),
			slots: BTreeMap::new(),
		}
	}
}

type Found<AccountId> = Result<BatchWitness<AccountId>, BatchMove<AccountId>>;

impl<'a, AccountId: Encode + Ord + Clone> BatchChallenger<'a, AccountId> {
	/// The challenger of a job paying `paid` ranks per query, from the version, the batch file,
	/// its own rankings (every committed entry of every query) and its own settlement of them;
	/// `None` if the batch file is empty.
	pub fn new(
		version: VersionData<'a, AccountId>,
		batch: &'a BatchFile,
		rankings: &'a [Vec<Entry>],
		own: &'a BatchSettlement<AccountId>,
		paid: u32,
	) -> Option<Self> {
		let tree = BatchTree::new(&batch.inferences())?;
		let records = Levels::new(own.records.iter().map(QueryRecord::leaf_hash).collect());
		let slots = Levels::new(own.slots.iter().map(super::slot_hash).collect());
		Some(BatchChallenger { version, batch, rankings, own, paid, tree, records, slots })
	}

	/// The next move against the result `job` describes, given every leaf of it opened so far
	/// (by anyone; openings that do not verify against it are ignored).
	pub fn next_move(
		&self,
		job: &BatchJob<AccountId>,
		opened: &[Opening<AccountId>],
	) -> BatchMove<AccountId> {
		if self.tree.commitment() != job.batch
			|| self.rankings.len() != job.batch.count as usize
			|| self.own.slots.len() != job.slot_count() as usize
			|| self.paid != job.paid
		{
			return BatchMove::Nothing;
		}
		let mut learnt = Learnt::default();
		for o in opened {
			match (job.open_leaf(o), o) {
				(Ok(Position::Query(q)), Opening::Query(record))
				| (Ok(Position::Entry { query: q, .. }), Opening::Entry { record, .. }) => {
					learnt.query_nodes.learn(&record.record.leaf_hash(), &record.proof);
					learnt.records.insert(q, record.clone());
					if let Opening::Entry { entry, .. } = o {
						learnt.entries.entry(q).or_default().push(entry.clone());
					}
				},
				(Ok(Position::Slot(i)), Opening::Slot(slot)) => {
					learnt.slot_nodes.learn(&super::slot_hash(&slot.slot), &slot.proof);
					learnt.slots.insert(i, slot.clone());
				},
				_ => {},
			}
		}
		let found = if job.queries != self.records.root() {
			self.against_queries(job, &learnt)
		} else if job.credits != self.slots.root() {
			self.against_slots(job, &learnt)
		} else {
			self.against_totals(job)
		};
		match found {
			Ok(witness) if matches!(witness.check(job, self.query_of(&witness)), Ok(Some(_))) => {
				BatchMove::Challenge(Box::new(witness))
			},
			// A witness that does not hold would be a gap in the argument; never post it.
			Ok(_) => BatchMove::Nothing,
			Err(next) => next,
		}
	}

	/// The query embedding a witness's check recomputes distances with.
	pub fn query_of(&self, witness: &BatchWitness<AccountId>) -> &'a [i8] {
		match witness {
			BatchWitness::Ranking { record, .. } => {
				self.batch.query(record.proof.leaf_index as usize)
			},
			_ => &[],
		}
	}

	fn inference(&self, q: u32) -> Option<ProvenInference> {
		let inference = self.batch.inference(q as usize)?;
		Some(ProvenInference { inference, proof: self.tree.proof(q)? })
	}

	fn record(&self, q: u32) -> Option<ProvenQuery> {
		Some(ProvenQuery {
			record: *self.own.records.get(q as usize)?,
			proof: self.records.proof(q as usize)?,
		})
	}

	fn ranking_tree(&self, q: u32) -> Levels {
		Levels::new(self.rankings[q as usize].iter().map(Entry::leaf_hash).collect())
	}

	fn entry(&self, q: u32, rank: u32) -> Option<ProvenEntry> {
		let entry = *self.rankings.get(q as usize)?.get(rank as usize)?;
		Some(ProvenEntry { entry, proof: self.ranking_tree(q).proof(rank as usize)? })
	}

	fn item(&self, index: u32) -> Option<ProvenItem<AccountId>> {
		let items = self.version.items;
		Some(ProvenItem { index, item: *items.item(index)?, proof: items.proof(index)? })
	}

	fn slot(&self, position: u32) -> Option<ProvenSlot<AccountId>> {
		Some(ProvenSlot {
			slot: self.own.slots.get(position as usize)?.clone(),
			proof: self.slots.proof(position as usize)?,
		})
	}

	/// The queries differ: the first differing record, then its ranking or its paid sum.
	fn against_queries(
		&self,
		job: &BatchJob<AccountId>,
		learnt: &Learnt<AccountId>,
	) -> Found<AccountId> {
		let widths = merkle::widths(job.batch.count);
		let q = match descend(&self.records, &learnt.query_nodes, &widths, false) {
			Descent::Open(q) => return Err(BatchMove::Open(Position::Query(q))),
			Descent::Leaf(q) => q,
		};
		let theirs = learnt.records.get(&q).ok_or(BatchMove::Open(Position::Query(q)))?;
		let inference = self.inference(q).ok_or(BatchMove::Nothing)?;
		let own = self.own.records.get(q as usize).ok_or(BatchMove::Nothing)?;
		if theirs.record.root == own.root {
			// The same ranking with another paid sum: the challenger's own entries prove it.
			let count = self.paid.min(self.rankings[q as usize].len() as u32);
			let paid = (0..count).map(|r| self.entry(q, r)).collect::<Option<_>>();
			let paid = paid.ok_or(BatchMove::Nothing)?;
			return Ok(BatchWitness::WrongPaidSum { record: theirs.clone(), paid });
		}
		let reference_tree = self.ranking_tree(q);
		let challenger = Challenger {
			version: VersionData { items: self.version.items, embeddings: self.version.embeddings },
			query: self.batch.query(q as usize),
			reference: &self.rankings[q as usize],
			reference_tree: &reference_tree,
		};
		let inner = job.query_job(&inference.inference, &theirs.record);
		let opened = learnt.entries.get(&q).map_or(&[][..], |e| &e[..]);
		match challenger.next_move(&inner, opened) {
			Move::Challenge(witness) => {
				Ok(BatchWitness::Ranking { record: theirs.clone(), inference, witness: *witness })
			},
			Move::Open(rank) => Err(BatchMove::Open(Position::Entry { query: q, rank })),
			Move::Nothing => Err(BatchMove::Nothing),
		}
	}

	/// A fault of one opened slot alone, proven from the challenger's own rankings (which are
	/// the prover's when the queries agree).
	fn slot_alone(
		&self,
		job: &BatchJob<AccountId>,
		slot: &ProvenSlot<AccountId>,
	) -> Option<BatchWitness<AccountId>> {
		let c = slot.slot.as_ref()?;
		if c.query >= job.batch.count || c.rank >= job.paid {
			return Some(BatchWitness::CreditOutOfRange { slot: slot.clone() });
		}
		let entry = self.entry(c.query, c.rank)?;
		let item = self.item(entry.entry.index)?;
		let record = self.record(c.query)?;
		let inference = self.inference(c.query)?;
		let share = job.share(&inference.inference);
		let right = entry.entry.value > 0
			&& *item.proof.contributor() == c.contributor
			&& credit_amount(share, entry.entry.value, record.record.paid_sum) == c.amount;
		(!right).then(|| BatchWitness::CreditMismatch {
			slot: slot.clone(),
			record,
			inference,
			entry,
			item,
		})
	}

	/// The witness that the honest credit `h` is missing between `before` and `after`.
	fn missing(
		&self,
		h: &Credit<AccountId>,
		before: Option<ProvenSlot<AccountId>>,
		after: Option<ProvenSlot<AccountId>>,
	) -> Option<BatchWitness<AccountId>> {
		let entry = self.entry(h.query, h.rank)?;
		Some(BatchWitness::MissingCredit {
			record: self.record(h.query)?,
			inference: self.inference(h.query)?,
			item: self.item(entry.entry.index)?,
			entry,
			before,
			after,
		})
	}

	/// The queries agree and the credits differ: each opened slot alone, then the first
	/// differing slot against the honest one.
	fn against_slots(
		&self,
		job: &BatchJob<AccountId>,
		learnt: &Learnt<AccountId>,
	) -> Found<AccountId> {
		for slot in learnt.slots.values() {
			if let Some(w) = self.slot_alone(job, slot) {
				return Ok(w);
			}
		}
		let widths = merkle::widths(job.slot_count());
		let i = match descend(&self.slots, &learnt.slot_nodes, &widths, false) {
			Descent::Open(i) => return Err(BatchMove::Open(Position::Slot(i))),
			Descent::Leaf(i) => i,
		};
		let theirs = learnt.slots.get(&i).ok_or(BatchMove::Open(Position::Slot(i)))?.clone();
		// Every slot before `i` is the honest one, and provable from the challenger's tree.
		let before = match i.checked_sub(1) {
			Some(b) => {
				let proof = provable(&self.slots, &learnt.slot_nodes, &widths, b);
				let slot = self.own.slots.get(b as usize).cloned();
				Some(ProvenSlot {
					slot: slot.ok_or(BatchMove::Nothing)?,
					proof: proof.ok_or(BatchMove::Nothing)?,
				})
			},
			None => None,
		};
		let honest = self.own.slots.get(i as usize).ok_or(BatchMove::Nothing)?;
		let order = |before: Option<ProvenSlot<AccountId>>, second: ProvenSlot<AccountId>| {
			before
				.map(|first| BatchWitness::CreditOrder { first, second })
				.ok_or(BatchMove::Nothing)
		};
		match (&theirs.slot, honest) {
			// The honest credit at `i` is missing: padding (or a farther key) follows the credits
			// before it.
			(None, Some(h)) => self.missing(h, before, Some(theirs)).ok_or(BatchMove::Nothing),
			// A correct credit past the honest ones repeats one before it.
			(Some(_), None) => order(before, theirs),
			(Some(s), Some(h)) => match s.key().cmp(&h.key()) {
				Ordering::Less => order(before, theirs),
				Ordering::Greater => {
					self.missing(h, before, Some(theirs)).ok_or(BatchMove::Nothing)
				},
				Ordering::Equal => Ok(BatchWitness::WrongCumulative { before, slot: theirs }),
			},
			(None, None) => Err(BatchMove::Nothing),
		}
	}

	/// The bracket of the challenger's own slots around the first slot not `below`.
	fn bracket(
		&self,
		below: impl Fn(&Credit<AccountId>) -> bool,
	) -> (Option<ProvenSlot<AccountId>>, Option<ProvenSlot<AccountId>>) {
		let at = self.own.slots.partition_point(|s| s.as_ref().is_some_and(&below)) as u32;
		(at.checked_sub(1).and_then(|p| self.slot(p)), self.slot(at))
	}

	/// Queries and credits agree: the revealed totals differ from the honest ones.
	fn against_totals(&self, job: &BatchJob<AccountId>) -> Found<AccountId> {
		// Where each contributor's run ends in the challenger's (and so the prover's) slots.
		let mut ends: BTreeMap<&AccountId, u32> = BTreeMap::new();
		for (i, slot) in self.own.slots.iter().enumerate() {
			if let Some(c) = slot {
				ends.insert(&c.contributor, i as u32);
			}
		}
		let wrong_total = |end: u32| {
			Some(BatchWitness::WrongTotal { last: self.slot(end)?, next: self.slot(end + 1) })
		};
		for (position, (who, total)) in job.totals.iter().enumerate() {
			match ends.get(who) {
				Some(&end) => {
					let cumulative = self.own.slots[end as usize].as_ref().map(|c| c.cumulative);
					if cumulative != Some(*total) {
						return wrong_total(end).ok_or(BatchMove::Nothing);
					}
				},
				None => {
					let (before, after) = self.bracket(|c| c.contributor <= *who);
					let position = position as u32;
					return Ok(BatchWitness::TotalWithoutCredits { position, before, after });
				},
			}
		}
		// Every revealed total is right: one the prover left out must have been revealed.
		for (who, &end) in &ends {
			let revealed = job.totals.binary_search_by(|(w, _)| w.cmp(who)).is_ok();
			if !revealed && self.own.totals.iter().any(|(w, _)| w == *who) {
				return wrong_total(end).ok_or(BatchMove::Nothing);
			}
		}
		Err(BatchMove::Nothing)
	}
}
