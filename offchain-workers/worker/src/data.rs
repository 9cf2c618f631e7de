//! Embeddings as the engines take them: `int8` vectors packed four to a `u32`.

use crate::{Error, Result};
use openledger_primitives::attribution::{check_shape, pack};

/// `count` embeddings of `dimension` elements, row after row, each packed into
/// `dimension / 4` words as `openledger_primitives::attribution::pack` does.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Embeddings {
	dimension: u32,
	packed: Vec<u32>,
}

impl Embeddings {
	/// Packs `count = values.len() / dimension` row-major `int8` embeddings, checking the
	/// dimension against the spec's limits.
	pub fn from_i8(dimension: u32, values: &[i8]) -> Result<Self> {
		check_shape(dimension, 1, 1).map_err(|e| Error::Shape(format!("{e:?}")))?;
		if !values.len().is_multiple_of(dimension as usize) {
			return Err(Error::Shape(format!(
				"{} values are not a whole number of {dimension}-dimensional rows",
				values.len()
			)));
		}
		Ok(Embeddings { dimension, packed: pack(values) })
	}

	/// The dimension `d`.
	pub fn dimension(&self) -> u32 {
		self.dimension
	}

	/// Words per row, `d / 4`.
	pub fn words(&self) -> usize {
		self.dimension as usize / 4
	}

	/// Number of rows.
	pub fn len(&self) -> usize {
		self.packed.len() / self.words()
	}

	/// Whether there are no rows.
	pub fn is_empty(&self) -> bool {
		self.packed.is_empty()
	}

	/// Row `i`, packed.
	pub fn row(&self, i: usize) -> &[u32] {
		&self.packed[i * self.words()..(i + 1) * self.words()]
	}

	/// The rows in `range`, as embeddings of their own.
	pub fn rows(&self, range: std::ops::Range<usize>) -> Embeddings {
		let words = self.words();
		Embeddings {
			dimension: self.dimension,
			packed: self.packed[range.start * words..range.end * words].to_vec(),
		}
	}

	/// All rows, packed, row after row.
	pub fn packed(&self) -> &[u32] {
		&self.packed
	}
}

/// What one run values: the items (with labels for KNN-Shapley) and the queries.
#[derive(Clone, Copy, Debug)]
pub struct Inputs<'a> {
	/// The items.
	pub items: &'a Embeddings,
	/// One label per item (KNN-Shapley).
	pub labels: Option<&'a [u32]>,
	/// The queries.
	pub queries: &'a Embeddings,
	/// One label per query (KNN-Shapley).
	pub query_labels: Option<&'a [u32]>,
}

impl<'a> Inputs<'a> {
	/// Items and queries with their labels, if any.
	pub fn new(
		items: &'a Embeddings,
		labels: Option<&'a [u32]>,
		queries: &'a Embeddings,
		query_labels: Option<&'a [u32]>,
	) -> Self {
		Inputs { items, labels, queries, query_labels }
	}
}
