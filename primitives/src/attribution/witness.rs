//! Finding the proof that a result is wrong: what a challenger runs before it challenges.
//!
//! [`find_witness`] compares a posted result's committed entries with the reference result and
//! returns one [`Witness`]: the inputs of one single-entry check of [`super::check`] that
//! proves a fault, with its Merkle proofs built. [`Witness::check`] runs that check, which is
//! what the runtime will do with a challenge. It costs `O(N d + N log N)` to find (the
//! reference result) and the check's own cost to verify.

use super::{
	check::{Job, ProvenEntry, ProvenItem, Verdict},
	distance, key, knn_last, knn_step, pack, reference_entries, similarity_value, Entry, Method,
};
use crate::{
	datanet::file::VersionItems,
	merkle::{self, Hash},
};
use alloc::{collections::BTreeMap, vec::Vec};
use codec::{Decode, DecodeWithMemTracking, Encode};
use scale_info::TypeInfo;

/// The inputs of one single-entry check, ready to submit: the attribution pallet's
/// `challenge` call takes one. Its variants differ in size as a call's arguments do (the call
/// boxes it, as FRAME boxes calls), hence the allowed lint.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub enum Witness<AccountId> {
	/// For [`Job::rank_mismatch`].
	RankMismatch {
		/// The entry.
		entry: ProvenEntry,
	},
	/// For [`Job::wrong_distance`].
	WrongDistance {
		/// The entry.
		entry: ProvenEntry,
		/// The item it names.
		item: ProvenItem<AccountId>,
		/// The item's embedding.
		embedding: Vec<i8>,
	},
	/// For [`Job::out_of_order`].
	OutOfOrder {
		/// The entry at `p`.
		first: ProvenEntry,
		/// The entry at `p + 1`.
		second: ProvenEntry,
	},
	/// For [`Job::wrong_knn_step`].
	WrongKnnStep {
		/// The entry at `p`.
		entry: ProvenEntry,
		/// The entry at `p + 1`.
		next: ProvenEntry,
		/// The item at `p`.
		item: ProvenItem<AccountId>,
		/// The item at `p + 1`.
		next_item: ProvenItem<AccountId>,
	},
	/// For [`Job::wrong_knn_last`].
	WrongKnnLast {
		/// The last entry.
		entry: ProvenEntry,
		/// Its item.
		item: ProvenItem<AccountId>,
	},
	/// For [`Job::wrong_similarity`].
	WrongSimilarity {
		/// The entry.
		entry: ProvenEntry,
	},
	/// For [`Job::repeated_index`].
	RepeatedIndex {
		/// One position.
		a: ProvenEntry,
		/// Another naming the same item.
		b: ProvenEntry,
	},
	/// For [`Job::index_out_of_range`].
	IndexOutOfRange {
		/// The entry.
		entry: ProvenEntry,
	},
	/// For [`Job::paid_mismatch`].
	PaidMismatch {
		/// The paid position.
		position: u32,
		/// The committed entry there.
		entry: ProvenEntry,
	},
	/// For [`Job::unpaid_beats_paid`].
	UnpaidBeatsPaid {
		/// The item left out.
		item: ProvenItem<AccountId>,
		/// Its embedding.
		embedding: Vec<i8>,
	},
	/// For [`Job::missing_near`].
	MissingNear {
		/// The item left out.
		item: ProvenItem<AccountId>,
		/// Its embedding.
		embedding: Vec<i8>,
		/// The committed entry just below its key, at `p`; none when `after` is at 0.
		before: Option<ProvenEntry>,
		/// The committed entry just above its key, at `p + 1`.
		after: ProvenEntry,
	},
}

impl<AccountId: Encode> Witness<AccountId> {
	/// Runs the check this witness is for, with the query embedding where it recomputes a
	/// distance.
	pub fn check(&self, job: &Job, query: &[i8]) -> Verdict {
		match self {
			Witness::RankMismatch { entry } => job.rank_mismatch(entry),
			Witness::WrongDistance { entry, item, embedding } => {
				job.wrong_distance(entry, item, embedding, query)
			},
			Witness::OutOfOrder { first, second } => job.out_of_order(first, second),
			Witness::WrongKnnStep { entry, next, item, next_item } => {
				job.wrong_knn_step(entry, next, item, next_item)
			},
			Witness::WrongKnnLast { entry, item } => job.wrong_knn_last(entry, item),
			Witness::WrongSimilarity { entry } => job.wrong_similarity(entry),
			Witness::RepeatedIndex { a, b } => job.repeated_index(a, b),
			Witness::IndexOutOfRange { entry } => job.index_out_of_range(entry),
			Witness::PaidMismatch { position, entry } => job.paid_mismatch(*position, entry),
			Witness::UnpaidBeatsPaid { item, embedding } => {
				job.unpaid_beats_paid(item, embedding, query)
			},
			Witness::MissingNear { item, embedding, before, after } => {
				job.missing_near(item, embedding, query, before.as_ref(), after)
			},
		}
	}
}

/// A Datanet version as a challenger holds it: its files and items, and the items'
/// embeddings in version order, row-major.
#[derive(Debug)]
pub struct VersionData<'a, AccountId> {
	/// The files and item leaves, with their trees (item index = version index).
	pub items: &'a VersionItems<AccountId>,
	/// One embedding of the job's dimension per item, one after another.
	pub embeddings: &'a [i8],
}

/// Builds proofs for one result and one version.
struct Prover<'a, AccountId> {
	job: &'a Job<'a>,
	version: VersionData<'a, AccountId>,
	claimed: &'a [Entry],
	entry_hashes: Vec<Hash>,
}

impl<AccountId: Encode + Clone> Prover<'_, AccountId> {
	/// The committed entry at `position` with its proof.
	fn entry(&self, position: usize) -> Option<ProvenEntry> {
		let proof = merkle::proof(&self.entry_hashes, position)?;
		Some(ProvenEntry { entry: *self.claimed.get(position)?, proof })
	}

	/// Item `index` with its proof, or `None` if the version has no such item.
	fn item(&self, index: u32) -> Option<ProvenItem<AccountId>> {
		let items = self.version.items;
		Some(ProvenItem { index, item: *items.item(index)?, proof: items.proof(index)? })
	}

	fn embedding(&self, index: u32) -> Vec<i8> {
		let d = self.job.dimension as usize;
		self.version.embeddings[index as usize * d..(index as usize + 1) * d].to_vec()
	}
}

/// A witness that `claimed` (the entries a worker committed to, in committed order) is wrong,
/// or `None` if it equals the reference result or cannot be proven against (its entries do not
/// hash to the job's commitment, or the version data does not match the version root).
pub fn find_witness<AccountId: Encode + Clone>(
	job: &Job,
	version: VersionData<AccountId>,
	query: &[i8],
	claimed: &[Entry],
) -> Option<Witness<AccountId>> {
	let (items, embeddings) = (version.items.items(), version.embeddings);
	let d = job.dimension as usize;
	let n = job.item_count as usize;
	if items.len() != n || embeddings.len() != n * d || query.len() != d {
		return None;
	}
	let entry_hashes: Vec<Hash> = claimed.iter().map(Entry::leaf_hash).collect();
	if version.items.commitment() != job.version()
		|| merkle::root(&entry_hashes) != job.commitment
		|| claimed.len() != job.committed_count() as usize
	{
		return None;
	}
	let p = Prover { job, version, claimed, entry_hashes };
	let query_packed = pack(query);
	let true_distance = |index: u32| distance(&query_packed, &pack(&p.embedding(index)));
	let label_matches = |index: u32| items[index as usize].label == job.query_label;

	// The paid entries must be the committed ones.
	for (position, paid) in job.paid.iter().enumerate() {
		if claimed.get(position) != Some(paid) {
			return Some(Witness::PaidMismatch {
				position: position as u32,
				entry: p.entry(position)?,
			});
		}
	}
	// Each entry alone: its rank, its index, its distance.
	let mut first_at: BTreeMap<u32, usize> = BTreeMap::new();
	for (position, e) in claimed.iter().enumerate() {
		if e.rank as usize != position {
			return Some(Witness::RankMismatch { entry: p.entry(position)? });
		}
		let Some(item) = p.item(e.index) else {
			return Some(Witness::IndexOutOfRange { entry: p.entry(position)? });
		};
		if e.distance != true_distance(e.index) {
			return Some(Witness::WrongDistance {
				entry: p.entry(position)?,
				item,
				embedding: p.embedding(e.index),
			});
		}
		if let Some(&earlier) = first_at.get(&e.index) {
			return Some(Witness::RepeatedIndex { a: p.entry(earlier)?, b: p.entry(position)? });
		}
		first_at.insert(e.index, position);
	}
	// The order.
	for position in 1..claimed.len() {
		if claimed[position - 1].key() >= claimed[position].key() {
			return Some(Witness::OutOfOrder {
				first: p.entry(position - 1)?,
				second: p.entry(position)?,
			});
		}
	}
	// The membership (a result keeps only the nearest T): an item left out that is nearer than
	// the last paid entry, which needs no entry opened, or than the last committed one, which
	// lies between two adjacent committed entries now that they are known to be in order.
	let outside = |bound: u64| {
		(0..n as u32)
			.filter(|i| !first_at.contains_key(i))
			.map(|i| (key(true_distance(i), i), i))
			.filter(|&(k, _)| k < bound)
			.min()
	};
	if let Some((_, index)) = job.paid.last().and_then(|last| outside(last.key())) {
		let item = p.item(index)?;
		return Some(Witness::UnpaidBeatsPaid { item, embedding: p.embedding(index) });
	}
	if let Some((k, index)) = claimed.last().and_then(|last| outside(last.key())) {
		// The first committed entry above it; the one before it (if any) is below it.
		let at = claimed.partition_point(|e| e.key() < k);
		let before = match at {
			0 => None,
			at => Some(p.entry(at - 1)?),
		};
		return Some(Witness::MissingNear {
			item: p.item(index)?,
			embedding: p.embedding(index),
			before,
			after: p.entry(at)?,
		});
	}
	// The values.
	let witness = match job.method {
		Method::Similarity { .. } => {
			match claimed.iter().position(|e| e.value != similarity_value(e.distance)) {
				Some(position) => Some(Witness::WrongSimilarity { entry: p.entry(position)? }),
				None => None,
			}
		},
		Method::KnnShapley { k, .. } => {
			let last = claimed.len().checked_sub(1)?;
			let e = claimed[last];
			if e.value != knn_last(job.committed_count(), label_matches(e.index)) {
				return Some(Witness::WrongKnnLast {
					entry: p.entry(last)?,
					item: p.item(e.index)?,
				});
			}
			// From the end inward, so the first wrong step found has a correct next value.
			let mut found = None;
			for position in (0..last).rev() {
				let (e, next) = (claimed[position], claimed[position + 1]);
				let expected = knn_step(
					k,
					position as u32,
					next.value,
					label_matches(e.index),
					label_matches(next.index),
				);
				if e.value != expected {
					found = Some(Witness::WrongKnnStep {
						entry: p.entry(position)?,
						next: p.entry(position + 1)?,
						item: p.item(e.index)?,
						next_item: p.item(next.index)?,
					});
					break;
				}
			}
			found
		},
	};
	if witness.is_none() {
		// Every check passed, so the list is the reference (docs/attribution.md, "Why the
		// checks are complete"). A different list here would be a gap in the checks, which
		// the tests run in debug builds to catch.
		debug_assert_eq!(
			claimed,
			&reference_entries(
				job.method,
				&pack(embeddings),
				&items.iter().map(|l| l.label).collect::<Vec<_>>(),
				&query_packed,
				job.query_label
			)[..]
		);
	}
	witness
}
