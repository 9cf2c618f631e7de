//! The part of a result that the CPU and GPU paths compute, in one shape, so that everything
//! after it (entries, commitments, summed values) is shared and the two paths can be compared
//! bit for bit.

use openledger_primitives::attribution::Entry;

/// One query's committed entries in rank order, as three columns.
///
/// KNN-Shapley holds all `N` items; similarity holds the `min(k, N)` nearest.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Ranking {
	/// Item index at each rank.
	pub index: Vec<u32>,
	/// Squared L2 distance at each rank.
	pub distance: Vec<u32>,
	/// Fixed-point value at each rank.
	pub value: Vec<i64>,
}

impl Ranking {
	/// Number of ranked entries.
	pub fn len(&self) -> usize {
		self.index.len()
	}

	/// Whether no entry is ranked.
	pub fn is_empty(&self) -> bool {
		self.index.is_empty()
	}

	/// The entry at `rank`.
	pub fn entry(&self, rank: usize) -> Entry {
		Entry {
			rank: rank as u32,
			index: self.index[rank],
			distance: self.distance[rank],
			value: self.value[rank],
		}
	}

	/// All entries in rank order.
	pub fn entries(&self) -> Vec<Entry> {
		(0..self.len()).map(|r| self.entry(r)).collect()
	}

	/// Builds a ranking from entries (as the reference produces them).
	pub fn from_entries(entries: &[Entry]) -> Self {
		Ranking {
			index: entries.iter().map(|e| e.index).collect(),
			distance: entries.iter().map(|e| e.distance).collect(),
			value: entries.iter().map(|e| e.value).collect(),
		}
	}
}
