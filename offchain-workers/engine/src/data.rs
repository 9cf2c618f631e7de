//! Embeddings as the engines take them: `int8` vectors packed four to a `u32`.

use crate::{Error, Result};
use openledger_primitives::attribution::{check_shape, pack};

/// Refuses a dimension outside the spec's limits (a positive multiple of 4, at most 1,024).
pub fn check_dimension(dimension: u32) -> Result<()> {
	check_shape(dimension, 1, 1).map_err(|e| Error::Shape(format!("{e:?}")))
}

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
		check_dimension(dimension)?;
		if !values.len().is_multiple_of(dimension as usize) {
			return Err(Error::Shape(format!(
				"{} values are not a whole number of {dimension}-dimensional rows",
				values.len()
			)));
		}
		Ok(Embeddings { dimension, packed: pack(values) })
	}

	/// Embeddings already packed (`dimension / 4` words a row), checking the dimension.
	pub fn from_packed(dimension: u32, packed: Vec<u32>) -> Result<Self> {
		check_dimension(dimension)?;
		if !packed.len().is_multiple_of(dimension as usize / 4) {
			return Err(Error::Shape(format!(
				"{} words are not a whole number of {dimension}-dimensional rows",
				packed.len()
			)));
		}
		Ok(Embeddings { dimension, packed })
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

	/// The rows in `range`, borrowed as bytes.
	pub fn view(&self, range: std::ops::Range<usize>) -> Rows<'_> {
		let words = self.words();
		let packed = &self.packed[range.start * words..range.end * words];
		Rows { dimension: self.dimension, values: bytemuck::cast_slice(packed) }
	}
}

#[cfg(target_endian = "big")]
compile_error!(
	"`Embeddings::view` reads packed words as bytes, which needs a little-endian target"
);

/// Consecutive embeddings, borrowed: `int8` values row after row.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Rows<'a> {
	dimension: u32,
	values: &'a [i8],
}

impl<'a> Rows<'a> {
	/// `values.len() / dimension` rows, checking the dimension.
	pub fn new(dimension: u32, values: &'a [i8]) -> Result<Self> {
		check_dimension(dimension)?;
		if !values.len().is_multiple_of(dimension as usize) {
			return Err(Error::Shape(format!(
				"{} values are not a whole number of {dimension}-dimensional rows",
				values.len()
			)));
		}
		Ok(Rows { dimension, values })
	}

	/// Number of rows.
	pub fn len(&self) -> usize {
		self.values.len() / self.dimension as usize
	}

	/// Whether there are no rows.
	pub fn is_empty(&self) -> bool {
		self.values.is_empty()
	}

	/// Row `i`.
	pub fn row(&self, i: usize) -> &'a [i8] {
		let d = self.dimension as usize;
		&self.values[i * d..(i + 1) * d]
	}

	/// All values, row after row.
	pub fn values(&self) -> &'a [i8] {
		self.values
	}

	/// A packed copy, as embeddings of their own.
	pub fn to_embeddings(&self) -> Embeddings {
		Embeddings { dimension: self.dimension, packed: pack(self.values) }
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
