//! Single-entry checks: how anyone proves a posted result wrong from one or two of its entries.
//!
//! A result is the [`commitment`](super::commitment) over its ranked entries plus the paid top
//! entries, revealed in full. Each check takes Merkle-proven inputs, verifies the proofs against
//! the job's commitment and Datanet version root, and recomputes one thing in integer
//! arithmetic. If every check passes for every input, the committed list is exactly the
//! reference result (docs/attribution.md, "Why the checks are complete"), so a wrong result
//! always has a witness here.
//!
//! Every check returns a [`Verdict`]: `Ok(Some(fault))` proves the result wrong,
//! `Ok(None)` means the proven entries are consistent (the challenge fails), and
//! `Err(invalid)` means the challenge's own inputs do not hold up. The cost of each is at most
//! two Merkle proofs against each root plus `O(d)` arithmetic, and `O(P)` for the membership
//! test against the `P` paid entries.

use super::{
	distance, embedding_hash, key, knn_last, knn_step, pack, similarity_value, Entry, Method,
};
use crate::datanet::file::{ItemLeaf, ItemProof, VersionCommitment};
use crate::merkle::{self, Hash, MerkleProof};
use codec::{Decode, DecodeWithMemTracking, Encode};
use scale_info::TypeInfo;

/// What a job fixes before any result is posted, plus the result under challenge.
#[derive(Clone, Debug)]
pub struct Job<'a> {
	/// The method and its `k`.
	pub method: Method,
	/// Root of the Datanet version the items come from (its file tree, docs/datanets.md).
	pub version_root: Hash,
	/// Files in that version.
	pub file_count: u32,
	/// Items in that version (`N`).
	pub item_count: u32,
	/// Embedding dimension of the Datanet.
	pub dimension: u32,
	/// blake2-256 of the query embedding ([`embedding_hash`]).
	pub query_hash: Hash,
	/// The query's label (ignored by the similarity method).
	pub query_label: u32,
	/// The result's commitment root.
	pub commitment: Hash,
	/// The result's paid entries, ranks `0..P` in order.
	pub paid: &'a [Entry],
}

/// A committed entry with its proof against the result's commitment.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct ProvenEntry {
	/// The entry as committed.
	pub entry: Entry,
	/// Its proof; `leaf_index` is its position in the ranking.
	pub proof: MerkleProof,
}

/// An item of the Datanet version with its two-level proof against the version root: its
/// file's path in the version and its path in the file (docs/datanets.md).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct ProvenItem<AccountId> {
	/// The item's index in the version.
	pub index: u32,
	/// The item's leaf fields.
	pub item: ItemLeaf,
	/// Its proof.
	pub proof: ItemProof<AccountId>,
}

/// What a successful check proves wrong.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub enum Fault {
	/// A committed entry's `rank` differs from its position in the commitment.
	RankMismatch,
	/// A committed distance differs from the recomputed one.
	WrongDistance,
	/// Two adjacent entries are not in strictly increasing `(distance, index)` order.
	OutOfOrder,
	/// A KNN-Shapley value does not follow from the next rank's value.
	WrongKnnStep,
	/// The KNN-Shapley value at the last rank is wrong.
	WrongKnnLast,
	/// A similarity value does not follow from its distance.
	WrongSimilarity,
	/// Two positions hold the same item.
	RepeatedIndex,
	/// An entry names an item the version does not have.
	IndexOutOfRange,
	/// A paid entry differs from the committed entry at its rank.
	PaidMismatch,
	/// An item that is not paid ranks before the last paid entry.
	UnpaidBeatsPaid,
	/// An item's key lies strictly between two adjacent committed entries' keys (or before the
	/// first): the committed list leaves out an item nearer than one it holds.
	MissingNear,
}

/// Why a challenge's inputs prove nothing.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub enum Invalid {
	/// An entry's proof does not verify against the commitment with the committed count.
	EntryProof,
	/// An item's proof does not verify against the version root.
	ItemProof,
	/// The item is not the one the entry names.
	WrongItem,
	/// The embedding has the wrong length or does not hash to the item's embedding hash.
	Embedding,
	/// The query has the wrong length or does not hash to the job's query hash.
	Query,
	/// The two entries are not at adjacent positions.
	NotAdjacent,
	/// The two entries are at the same position.
	SamePosition,
	/// The entry is not at the last position.
	NotLast,
	/// The check does not apply to the job's method.
	WrongMethod,
	/// No paid entry at that position.
	NoSuchPaidEntry,
	/// The item is among the paid entries.
	ItemIsPaid,
	/// The entry before the bracket is missing although the one after is not at position 0.
	NotFirst,
}

/// The outcome of a check.
pub type Verdict = Result<Option<Fault>, Invalid>;

fn fault_if(condition: bool, fault: Fault) -> Verdict {
	Ok(condition.then_some(fault))
}

impl Job<'_> {
	/// How many entries the commitment holds.
	pub fn committed_count(&self) -> u32 {
		self.method.committed_count(self.item_count)
	}

	/// Verifies an entry's proof against the commitment, with the committed count as the leaf
	/// count, and returns its position. Also how the runtime checks a requested opening.
	pub fn open(&self, e: &ProvenEntry) -> Result<u32, Invalid> {
		let ok = e.proof.leaf_count == self.committed_count()
			&& merkle::verify(&self.commitment, &e.entry.leaf_hash(), &e.proof);
		ok.then_some(e.proof.leaf_index).ok_or(Invalid::EntryProof)
	}

	/// What the job's version commits to.
	pub fn version(&self) -> VersionCommitment {
		VersionCommitment {
			root: self.version_root,
			file_count: self.file_count,
			item_count: self.item_count,
		}
	}

	/// Verifies an item's proof against the version and that it is item `index`.
	fn open_item<A: Encode>(&self, item: &ProvenItem<A>, index: u32) -> Result<(), Invalid> {
		if !item.proof.verify(&self.version(), item.index, &item.item.hash()) {
			return Err(Invalid::ItemProof);
		}
		(item.index == index).then_some(()).ok_or(Invalid::WrongItem)
	}

	fn checked_embedding(
		&self,
		embedding: &[i8],
		hash: &Hash,
		err: Invalid,
	) -> Result<(), Invalid> {
		let ok = embedding.len() == self.dimension as usize && embedding_hash(embedding) == *hash;
		ok.then_some(()).ok_or(err)
	}

	/// The distance of a proven item's embedding from the query, both checked against their
	/// hashes. `O(d)`.
	fn distance_of<A: Encode>(
		&self,
		item: &ProvenItem<A>,
		embedding: &[i8],
		query: &[i8],
	) -> Result<u32, Invalid> {
		self.checked_embedding(query, &self.query_hash, Invalid::Query)?;
		self.checked_embedding(embedding, &item.item.embedding_hash, Invalid::Embedding)?;
		Ok(distance(&pack(query), &pack(embedding)))
	}

	fn knn_k(&self) -> Result<u32, Invalid> {
		match self.method {
			Method::KnnShapley { k, .. } => Ok(k),
			Method::Similarity { .. } => Err(Invalid::WrongMethod),
		}
	}

	/// The entry's `rank` field is not its position.
	pub fn rank_mismatch(&self, e: &ProvenEntry) -> Verdict {
		let position = self.open(e)?;
		fault_if(e.entry.rank != position, Fault::RankMismatch)
	}

	/// The entry's distance is not the distance of the item it names. Needs the item's leaf
	/// and proof, its embedding and the query embedding.
	pub fn wrong_distance<A: Encode>(
		&self,
		e: &ProvenEntry,
		item: &ProvenItem<A>,
		embedding: &[i8],
		query: &[i8],
	) -> Verdict {
		self.open(e)?;
		self.open_item(item, e.entry.index)?;
		let actual = self.distance_of(item, embedding, query)?;
		fault_if(actual != e.entry.distance, Fault::WrongDistance)
	}

	/// Entries at positions `p` and `p + 1` are not in strictly increasing key order.
	pub fn out_of_order(&self, first: &ProvenEntry, second: &ProvenEntry) -> Verdict {
		let (p, q) = (self.open(first)?, self.open(second)?);
		if p.checked_add(1) != Some(q) {
			return Err(Invalid::NotAdjacent);
		}
		fault_if(first.entry.key() >= second.entry.key(), Fault::OutOfOrder)
	}

	/// KNN-Shapley: the value at position `p` does not follow from the value at `p + 1` and the
	/// two items' labels. Needs both items' leaves (for the labels), not their embeddings.
	pub fn wrong_knn_step<A: Encode>(
		&self,
		e: &ProvenEntry,
		next: &ProvenEntry,
		item: &ProvenItem<A>,
		next_item: &ProvenItem<A>,
	) -> Verdict {
		let k = self.knn_k()?;
		let (p, q) = (self.open(e)?, self.open(next)?);
		if p.checked_add(1) != Some(q) {
			return Err(Invalid::NotAdjacent);
		}
		self.open_item(item, e.entry.index)?;
		self.open_item(next_item, next.entry.index)?;
		let expected = knn_step(
			k,
			p,
			next.entry.value,
			item.item.label == self.query_label,
			next_item.item.label == self.query_label,
		);
		fault_if(e.entry.value != expected, Fault::WrongKnnStep)
	}

	/// KNN-Shapley: the value at the last position is not `match * floor(S / T)`, `T` the
	/// committed count.
	pub fn wrong_knn_last<A: Encode>(&self, e: &ProvenEntry, item: &ProvenItem<A>) -> Verdict {
		self.knn_k()?;
		let p = self.open(e)?;
		if p.checked_add(1) != Some(self.committed_count()) {
			return Err(Invalid::NotLast);
		}
		self.open_item(item, e.entry.index)?;
		let expected = knn_last(self.committed_count(), item.item.label == self.query_label);
		fault_if(e.entry.value != expected, Fault::WrongKnnLast)
	}

	/// Similarity: the value is not `floor(2^46 / (distance + 1))` of the committed distance.
	pub fn wrong_similarity(&self, e: &ProvenEntry) -> Verdict {
		if !matches!(self.method, Method::Similarity { .. }) {
			return Err(Invalid::WrongMethod);
		}
		self.open(e)?;
		fault_if(e.entry.value != similarity_value(e.entry.distance), Fault::WrongSimilarity)
	}

	/// Two different positions name the same item.
	pub fn repeated_index(&self, a: &ProvenEntry, b: &ProvenEntry) -> Verdict {
		if self.open(a)? == self.open(b)? {
			return Err(Invalid::SamePosition);
		}
		fault_if(a.entry.index == b.entry.index, Fault::RepeatedIndex)
	}

	/// The entry names an item index the version does not have.
	pub fn index_out_of_range(&self, e: &ProvenEntry) -> Verdict {
		self.open(e)?;
		fault_if(e.entry.index >= self.item_count, Fault::IndexOutOfRange)
	}

	/// The paid entry at `position` differs from the committed entry at that position.
	pub fn paid_mismatch(&self, position: u32, e: &ProvenEntry) -> Verdict {
		let paid = self.paid.get(position as usize).ok_or(Invalid::NoSuchPaidEntry)?;
		if self.open(e)? != position {
			return Err(Invalid::WrongItem);
		}
		fault_if(*paid != e.entry, Fault::PaidMismatch)
	}

	/// An item that is not paid is nearer (by the ranking key) than the last paid entry. Needs
	/// the item's leaf, proof and embedding, and the query embedding.
	pub fn unpaid_beats_paid<A: Encode>(
		&self,
		item: &ProvenItem<A>,
		embedding: &[i8],
		query: &[i8],
	) -> Verdict {
		let last = self.paid.last().ok_or(Invalid::NoSuchPaidEntry)?;
		let index = item.index;
		self.open_item(item, index)?;
		if self.paid.iter().any(|p| p.index == index) {
			return Err(Invalid::ItemIsPaid);
		}
		let d = self.distance_of(item, embedding, query)?;
		fault_if(key(d, index) < last.key(), Fault::UnpaidBeatsPaid)
	}

	/// An item whose key lies strictly between the keys of the committed entries `before` (at
	/// `p`) and `after` (at `p + 1`), or below `after`'s when `after` is at position 0 and
	/// there is no `before`. The committed list must hold the nearest `T` items in key order,
	/// so no real item's key falls inside such a bracket: the list leaves out an item nearer
	/// than one it holds. Needs the item's leaf, proof and embedding, and the query embedding.
	pub fn missing_near<A: Encode>(
		&self,
		item: &ProvenItem<A>,
		embedding: &[i8],
		query: &[i8],
		before: Option<&ProvenEntry>,
		after: &ProvenEntry,
	) -> Verdict {
		let q = self.open(after)?;
		let floor = match before {
			Some(b) => {
				let p = self.open(b)?;
				if p.checked_add(1) != Some(q) {
					return Err(Invalid::NotAdjacent);
				}
				Some(b.entry.key())
			},
			None if q == 0 => None,
			None => return Err(Invalid::NotFirst),
		};
		self.open_item(item, item.index)?;
		let k = key(self.distance_of(item, embedding, query)?, item.index);
		fault_if(floor.is_none_or(|f| f < k) && k < after.entry.key(), Fault::MissingNear)
	}
}

/// How many paid entries a result must reveal: the first `min(top, committed)` ranks for
/// KNN-Shapley, every committed entry for similarity.
pub fn paid_count(method: Method, item_count: u32, top: u32) -> u32 {
	match method {
		Method::KnnShapley { .. } => top.min(method.committed_count(item_count)),
		Method::Similarity { .. } => method.committed_count(item_count),
	}
}

/// Whether revealed paid entries have the shape every result must have: exactly `expected`
/// entries, with ranks `0, 1, ...` in order. Checked when a result is posted, so the checks
/// above can take `paid` as ranked.
pub fn paid_well_formed(paid: &[Entry], expected: u32) -> bool {
	paid.len() == expected as usize && paid.iter().enumerate().all(|(i, e)| e.rank as usize == i)
}

#[cfg(test)]
mod tests {
	use super::super::{commitment, reference_entries, tests::Rng};
	use super::*;
	use crate::attribution::{top_entries, MAX_TOP};
	use crate::datanet::file::VersionItems;
	use alloc::vec::Vec;
	use proptest::prelude::*;

	/// A Datanet version, a query and the honest result of a job over them.
	struct World {
		embeddings: Vec<Vec<i8>>,
		version: VersionItems<[u8; 32]>,
		query: Vec<i8>,
		query_label: u32,
		method: Method,
		entries: Vec<Entry>,
	}

	impl World {
		fn new(seed: u64, n: usize, d: usize, method: Method) -> Self {
			let mut rng = Rng(seed);
			// Few distinct values so that distance ties are common.
			let embeddings: Vec<Vec<i8>> =
				(0..n).map(|_| (0..d).map(|_| (rng.next() % 3) as i8 - 1).collect()).collect();
			let items: Vec<ItemLeaf> = embeddings
				.iter()
				.map(|e| ItemLeaf {
					embedding_hash: embedding_hash(e),
					label: (rng.next() % 3) as u32,
				})
				.collect();
			// Files of one to four items, so that proofs cross file boundaries.
			let mut files = Vec::new();
			let mut rest = &items[..];
			while !rest.is_empty() {
				let take = (1 + rng.next() as usize % 4).min(rest.len());
				files.push(([files.len() as u8; 32], rest[..take].to_vec()));
				rest = &rest[take..];
			}
			let version = VersionItems::from_files(files).unwrap();
			let query: Vec<i8> = (0..d).map(|_| (rng.next() % 3) as i8 - 1).collect();
			let packed: Vec<u32> = embeddings.iter().flat_map(|e| pack(e)).collect();
			let labels: Vec<u32> = items.iter().map(|l| l.label).collect();
			let entries = reference_entries(method, &packed, &labels, &pack(&query), 1);
			World { embeddings, version, query, query_label: 1, method, entries }
		}

		fn job<'a>(&self, entries: &[Entry], paid: &'a [Entry]) -> Job<'a> {
			Job {
				method: self.method,
				version_root: self.version.commitment().root,
				file_count: self.version.commitment().file_count,
				item_count: self.version.commitment().item_count,
				dimension: self.query.len() as u32,
				query_hash: embedding_hash(&self.query),
				query_label: self.query_label,
				commitment: commitment(entries),
				paid,
			}
		}

		fn proven(entries: &[Entry], position: usize) -> ProvenEntry {
			let hashes: Vec<Hash> = entries.iter().map(Entry::leaf_hash).collect();
			ProvenEntry {
				entry: entries[position],
				proof: merkle::proof(&hashes, position).unwrap(),
			}
		}

		fn item(&self, index: u32) -> Option<ProvenItem<[u8; 32]>> {
			Some(ProvenItem {
				index,
				item: *self.version.item(index)?,
				proof: self.version.proof(index)?,
			})
		}

		/// Runs every check on every position (and adjacent pair, and pair of positions, and
		/// unpaid item) the way a challenger would, and returns the faults found.
		fn all_faults(&self, entries: &[Entry], paid: &[Entry]) -> Vec<Fault> {
			let job = self.job(entries, paid);
			let mut found = Vec::new();
			let mut note = |v: Verdict| {
				if let Ok(Some(f)) = v {
					found.push(f)
				}
			};
			let n = entries.len();
			for p in 0..n {
				let e = Self::proven(entries, p);
				note(job.rank_mismatch(&e));
				note(job.index_out_of_range(&e));
				note(job.wrong_similarity(&e));
				if let Some(item) = self.item(e.entry.index) {
					let emb = &self.embeddings[e.entry.index as usize];
					note(job.wrong_distance(&e, &item, emb, &self.query));
					if p + 1 == n {
						note(job.wrong_knn_last(&e, &item));
					}
					if p + 1 < n {
						let next = Self::proven(entries, p + 1);
						if let Some(next_item) = self.item(next.entry.index) {
							note(job.wrong_knn_step(&e, &next, &item, &next_item));
						}
					}
				}
				if p + 1 < n {
					note(job.out_of_order(&e, &Self::proven(entries, p + 1)));
				}
				for q in p + 1..n {
					note(job.repeated_index(&e, &Self::proven(entries, q)));
				}
				if p < paid.len() {
					note(job.paid_mismatch(p as u32, &e));
				}
			}
			for i in 0..self.version.commitment().item_count {
				let item = self.item(i).unwrap();
				let emb = &self.embeddings[i as usize];
				note(job.unpaid_beats_paid(&item, emb, &self.query));
				for p in 0..n {
					let before = p.checked_sub(1).map(|b| Self::proven(entries, b));
					let after = Self::proven(entries, p);
					note(job.missing_near(&item, emb, &self.query, before.as_ref(), &after));
				}
			}
			found
		}

		/// What `witness::find_witness` makes of `entries`: `None`, or the fault its witness
		/// proves (the witness must prove one).
		fn witness_fault(&self, entries: &[Entry], paid: &[Entry]) -> Option<Fault> {
			let job = self.job(entries, paid);
			let flat: Vec<i8> = self.embeddings.concat();
			let version = crate::attribution::witness::VersionData {
				items: &self.version,
				embeddings: &flat,
			};
			let witness =
				crate::attribution::witness::find_witness(&job, version, &self.query, entries)?;
			match witness.check(&job, &self.query) {
				Ok(Some(fault)) => Some(fault),
				other => panic!("a witness that proves nothing: {witness:?} gives {other:?}"),
			}
		}

		fn paid(&self, entries: &[Entry]) -> Vec<Entry> {
			let count = paid_count(self.method, self.version.commitment().item_count, 3);
			entries[..count as usize].to_vec()
		}
	}

	fn methods() -> [Method; 4] {
		[
			Method::KnnShapley { k: 3, t: 5 },
			Method::KnnShapley { k: 1, t: MAX_TOP },
			Method::Similarity { k: 4 },
			Method::KnnShapley { k: 2, t: 2 },
		]
	}

	#[test]
	fn the_honest_result_passes_every_check() {
		for method in methods() {
			for n in [1, 2, 7, 16] {
				let w = World::new(n as u64, n, 8, method);
				let paid = w.paid(&w.entries);
				assert!(paid_well_formed(&paid, paid_count(method, n as u32, 3)));
				assert_eq!(w.all_faults(&w.entries, &paid), vec![], "{method:?} n={n}");
				assert_eq!(w.witness_fault(&w.entries, &paid), None, "{method:?} n={n}");
			}
		}
	}

	/// Each kind of corruption a worker could post, applied to one field of one entry.
	fn corrupt(w: &World, entries: &mut [Entry], kind: u8, position: usize) {
		let n = entries.len();
		let e = &mut entries[position];
		match kind {
			0 => e.distance += 1,
			1 => e.value += 1,
			2 => e.rank += 1,
			3 => e.index = w.version.commitment().item_count + position as u32,
			4 => e.index = (e.index + 1) % w.version.commitment().item_count,
			5 if n > 1 => entries.swap(position, (position + 1) % n),
			// Leave out a near item and take the nearest one outside the list instead, in key
			// order, with every value recomputed: only the membership is wrong.
			6 => {
				let query = pack(&w.query);
				let mut outside: Vec<(u32, u32)> = (0..w.version.commitment().item_count)
					.filter(|i| !entries.iter().any(|e| e.index == *i))
					.map(|i| (distance(&query, &pack(&w.embeddings[i as usize])), i))
					.collect();
				outside.sort_unstable();
				let Some(&next) = outside.first() else {
					entries[position].value -= 1;
					return;
				};
				let mut top: Vec<(u32, u32)> =
					entries.iter().map(|e| (e.distance, e.index)).collect();
				top.remove(position);
				top.push(next);
				let labels = |i: u32| w.version.item(i).is_some_and(|l| l.label == w.query_label);
				entries.copy_from_slice(&top_entries(w.method, &top, labels));
			},
			// Replace the entry by an item that is not in the list (similarity keeps only k).
			_ => {
				let missing = (0..w.version.commitment().item_count)
					.find(|i| !entries.iter().any(|e| e.index == *i));
				if let Some(i) = missing {
					entries[position].index = i;
				} else {
					entries[position].value -= 1;
				}
			},
		}
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(200))]

		/// Any single corrupted entry is caught by at least one check, and the honest entries
		/// of the same job never are.
		#[test]
		fn every_corruption_has_a_witness(
			seed in any::<u64>(),
			n in 1usize..14,
			method in 0usize..4,
			kind in 0u8..8,
			pick in any::<prop::sample::Index>(),
		) {
			let w = World::new(seed, n, 4, methods()[method]);
			let mut bad = w.entries.clone();
			let position = pick.index(bad.len());
			corrupt(&w, &mut bad, kind, position);
			prop_assume!(bad != w.entries);
			// A worker lying in its committed list reveals the paid part of that same list.
			let paid = w.paid(&bad);
			let faults = w.all_faults(&bad, &paid);
			prop_assert!(!faults.is_empty(), "{:?} undetected: {:?}", kind, bad);
			// The challenger's search finds a witness for one of them.
			let found = w.witness_fault(&bad, &paid);
			prop_assert!(found.is_some_and(|f| faults.contains(&f)), "{:?}: found {:?} of {:?}", kind, found, faults);
		}

		/// A paid list that differs from the committed one is caught even when the committed
		/// list is honest.
		#[test]
		fn a_paid_entry_that_differs_from_its_commitment_is_caught(seed in any::<u64>(), n in 1usize..10) {
			let w = World::new(seed, n, 4, Method::KnnShapley { k: 2, t: 5 });
			let mut paid = w.paid(&w.entries);
			paid[0].value += 5;
			prop_assert_eq!(w.all_faults(&w.entries, &paid), vec![Fault::PaidMismatch]);
			prop_assert_eq!(w.witness_fault(&w.entries, &paid), Some(Fault::PaidMismatch));
		}
	}

	#[test]
	fn challenges_with_bad_inputs_are_invalid() {
		let w = World::new(3, 6, 8, Method::KnnShapley { k: 2, t: 6 });
		let paid = w.paid(&w.entries);
		let job = w.job(&w.entries, &paid);
		let e0 = World::proven(&w.entries, 0);
		let e1 = World::proven(&w.entries, 1);
		let e3 = World::proven(&w.entries, 3);
		let item0 = w.item(e0.entry.index).unwrap();
		let item1 = w.item(e1.entry.index).unwrap();
		let emb0 = &w.embeddings[e0.entry.index as usize];

		let mut forged = e0.clone();
		forged.entry.value += 1;
		assert_eq!(job.rank_mismatch(&forged), Err(Invalid::EntryProof));
		let mut short = e0.clone();
		short.proof.leaf_count -= 1;
		assert_eq!(job.rank_mismatch(&short), Err(Invalid::EntryProof));
		assert_eq!(job.wrong_distance(&e0, &item1, emb0, &w.query), Err(Invalid::WrongItem));
		assert_eq!(
			job.wrong_distance(&e0, &item0, &w.embeddings[e1.entry.index as usize], &w.query),
			Err(Invalid::Embedding)
		);
		assert_eq!(job.wrong_distance(&e0, &item0, emb0, emb0), Err(Invalid::Query));
		let mut bad_item = item0.clone();
		bad_item.item.label += 1;
		assert_eq!(job.wrong_distance(&e0, &bad_item, emb0, &w.query), Err(Invalid::ItemProof));
		assert_eq!(job.out_of_order(&e0, &e3), Err(Invalid::NotAdjacent));
		assert_eq!(job.out_of_order(&e1, &e0), Err(Invalid::NotAdjacent));
		assert_eq!(job.repeated_index(&e1, &e1), Err(Invalid::SamePosition));
		assert_eq!(job.wrong_knn_last(&e0, &item0), Err(Invalid::NotLast));
		assert_eq!(job.wrong_similarity(&e0), Err(Invalid::WrongMethod));
		assert_eq!(job.paid_mismatch(5, &e0), Err(Invalid::NoSuchPaidEntry));
		assert_eq!(job.paid_mismatch(1, &e0), Err(Invalid::WrongItem));
		assert_eq!(job.unpaid_beats_paid(&item0, emb0, &w.query), Err(Invalid::ItemIsPaid));
		let e2 = World::proven(&w.entries, 2);
		let item2 = w.item(e2.entry.index).unwrap();
		let emb2 = &w.embeddings[e2.entry.index as usize];
		assert_eq!(
			job.missing_near(&item2, emb2, &w.query, Some(&e0), &e2),
			Err(Invalid::NotAdjacent)
		);
		assert_eq!(job.missing_near(&item2, emb2, &w.query, None, &e1), Err(Invalid::NotFirst));
		assert_eq!(
			job.missing_near(&item2, emb0, &w.query, Some(&e1), &e2),
			Err(Invalid::Embedding)
		);
		// The honest checks that apply pass: an item at an end of the bracket, or outside it.
		assert_eq!(job.wrong_knn_step(&e0, &e1, &item0, &item1), Ok(None));
		assert_eq!(job.missing_near(&item2, emb2, &w.query, Some(&e1), &e2), Ok(None));
		assert_eq!(job.missing_near(&item0, emb0, &w.query, None, &e0), Ok(None));
		assert_eq!(job.missing_near(&item2, emb2, &w.query, None, &e0), Ok(None));
		assert_eq!(job.wrong_distance(&e0, &item0, emb0, &w.query), Ok(None));
	}

	#[test]
	fn well_formed_paid_lists() {
		let e = |rank| Entry { rank, index: 0, distance: 0, value: 0 };
		assert!(paid_well_formed(&[e(0), e(1)], 2));
		assert!(!paid_well_formed(&[e(0), e(1)], 3));
		assert!(!paid_well_formed(&[e(1), e(0)], 2));
		assert_eq!(paid_count(Method::KnnShapley { k: 5, t: 20 }, 3, 10), 3);
		assert_eq!(paid_count(Method::KnnShapley { k: 5, t: 20 }, 30, 10), 10);
		assert_eq!(paid_count(Method::KnnShapley { k: 5, t: 8 }, 30, 10), 8);
		assert_eq!(paid_count(Method::Similarity { k: 5 }, 30, 10), 5);
	}
}
