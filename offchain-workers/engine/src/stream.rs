//! Ranking a version without holding it. Items arrive a chunk at a time, in version order (a
//! stored file, or a slice of rows already in memory), and each query keeps only its nearest
//! `T` (KNN-Shapley) or `k` (similarity) in a bounded buffer, [`Nearest`]. So the engine's working
//! set is one chunk, that chunk's distances against a batch of queries and `T` keys per query,
//! whatever the version's `N` (the bound is in docs/BENCHMARKS.md, "The attribution engine").

use crate::{
	data::Rows,
	export::read_manifest,
	files::{check_file, content_hash, mismatch},
	Embeddings, Error, Ranking, Result,
};
use openledger_primitives::{
	attribution::{knn_values, similarity_value, Method},
	datanet::file::{FileLeaf, VersionFiles},
	hex::to_hex,
	merkle::Hash,
};
use std::{
	io::Read,
	path::{Path, PathBuf},
};

/// Consecutive items of a version: its first item's version index, the embeddings and, where
/// the source has them, the labels.
#[derive(Clone, Copy, Debug)]
pub struct Chunk<'a> {
	/// The version index of the first item.
	pub first: u32,
	/// The items.
	pub items: Rows<'a>,
	/// One label per item, if the source is labelled.
	pub labels: Option<&'a [u32]>,
}

/// A version's items, a chunk at a time, in version order.
pub trait ItemSource {
	/// The embedding dimension.
	fn dimension(&self) -> u32;
	/// How many items the source yields in all (`N`).
	fn len(&self) -> usize;
	/// Whether the source yields no item.
	fn is_empty(&self) -> bool {
		self.len() == 0
	}
	/// Whether each chunk comes with its labels.
	fn labelled(&self) -> bool;
	/// Calls `each` with every chunk, in order, once. A chunk the source cannot yield (a file
	/// missing or not matching its leaf) ends the pass with the reason.
	fn for_each_chunk(&mut self, each: &mut dyn FnMut(Chunk<'_>) -> Result<()>) -> Result<()>;
}

/// Rows already in memory, yielded `rows` at a time.
pub struct InMemory<'a> {
	items: &'a Embeddings,
	labels: Option<&'a [u32]>,
	rows: usize,
}

impl<'a> InMemory<'a> {
	/// Rows yielded at a time unless told otherwise: 2^18.
	pub const ROWS: usize = 1 << 18;

	/// The items (and labels, one per item), in chunks of [`InMemory::ROWS`].
	pub fn new(items: &'a Embeddings, labels: Option<&'a [u32]>) -> Self {
		InMemory { items, labels, rows: Self::ROWS }
	}

	/// The same, `rows` (at least 1) at a time.
	pub fn with_rows(items: &'a Embeddings, labels: Option<&'a [u32]>, rows: usize) -> Self {
		InMemory { items, labels, rows: rows.max(1) }
	}
}

impl ItemSource for InMemory<'_> {
	fn dimension(&self) -> u32 {
		self.items.dimension()
	}

	fn len(&self) -> usize {
		self.items.len()
	}

	fn labelled(&self) -> bool {
		self.labels.is_some()
	}

	fn for_each_chunk(&mut self, each: &mut dyn FnMut(Chunk<'_>) -> Result<()>) -> Result<()> {
		let n = self.items.len();
		for start in (0..n).step_by(self.rows) {
			let end = (start + self.rows).min(n);
			let labels = self.labels.map(|l| &l[start..end]);
			each(Chunk { first: start as u32, items: self.items.view(start..end), labels })?;
		}
		Ok(())
	}
}

/// A Datanet export (docs/attribution.md, "Datanet export") read one stored file at a time.
/// Opening checks the manifest's file leaves against its root; each file is checked against
/// its content hash and its leaf (dimension, count, labels, item root) when it is read, and a
/// file that does not match ends the pass with the reason, before any of its items is used.
pub struct ExportFiles {
	dir: PathBuf,
	leaves: Vec<FileLeaf<Hash>>,
	dimension: u32,
	num_labels: u32,
	item_count: u32,
}

impl ExportFiles {
	/// Opens the export in `dir`: reads `version.json` and checks that its file leaves make the
	/// root, file count and item count it records. Reads no stored file.
	pub fn open(dir: &Path) -> Result<Self> {
		let (manifest, leaves, expected) = read_manifest(dir)?;
		let fail = |reason: String| Error::Export { path: dir.to_path_buf(), reason };
		let files = VersionFiles::new(leaves.clone())
			.map_err(|e| fail(format!("the files do not make a version: {e:?}")))?;
		let c = files.commitment();
		if c != expected {
			return Err(fail(format!("the file leaves make {}", mismatch(&c, &expected))));
		}
		Ok(ExportFiles {
			dir: dir.to_path_buf(),
			leaves,
			dimension: manifest.dimension,
			num_labels: manifest.num_labels,
			item_count: c.item_count,
		})
	}
}

impl ItemSource for ExportFiles {
	fn dimension(&self) -> u32 {
		self.dimension
	}

	fn len(&self) -> usize {
		self.item_count as usize
	}

	fn labelled(&self) -> bool {
		true
	}

	fn for_each_chunk(&mut self, each: &mut dyn FnMut(Chunk<'_>) -> Result<()>) -> Result<()> {
		// The read buffer is reused from file to file: a fresh one of a few hundred MiB would be
		// mapped and faulted in anew for every file.
		let mut bytes = Vec::new();
		for leaf in &self.leaves {
			let path = self.dir.join(to_hex(&leaf.content_hash).trim_start_matches("0x"));
			let io = |source| Error::Io { path: path.clone(), source };
			bytes.clear();
			std::fs::File::open(&path).and_then(|mut f| f.read_to_end(&mut bytes)).map_err(io)?;
			let fail = |reason: String| Error::Export { path: self.dir.clone(), reason };
			if content_hash(&bytes) != leaf.content_hash {
				return Err(fail(format!(
					"file {} ({}) does not hash to its content hash",
					leaf.file,
					to_hex(&leaf.content_hash)
				)));
			}
			let (file, _) = check_file(leaf, &bytes, self.dimension, self.num_labels)
				.map_err(|e| fail(e.to_string()))?;
			let rows = Rows::new(self.dimension, &file.embeddings)?;
			each(Chunk { first: leaf.first, items: rows, labels: Some(&file.labels) })?;
		}
		Ok(())
	}
}

/// The nearest `t` items offered so far to one query, `(key, label matches)`. Candidates nearer
/// than the bound go into a buffer of up to `2t`; when it is full, a selection keeps its nearest
/// `t` and the bound becomes the farthest of those. So an item farther than the bound costs one
/// comparison, and one that enters costs O(1) amortised, where a heap would cost O(log t).
#[derive(Clone, Debug)]
pub struct Nearest {
	t: usize,
	kept: Vec<(u64, bool)>,
	/// Every key at or above it is farther than `t` kept ones; `u64::MAX` until `t` are kept.
	bound: u64,
}

impl Nearest {
	/// Keeps the nearest `t`.
	pub fn new(t: usize) -> Self {
		Nearest { t, kept: Vec::new(), bound: u64::MAX }
	}

	/// Offers the item of ranking key `key` (`openledger_primitives::attribution::key`; keys
	/// are distinct); `matches` tells, if it is kept, whether its label is the query's.
	pub fn offer(&mut self, key: u64, matches: impl FnOnce() -> bool) {
		if key >= self.bound || self.t == 0 {
			return;
		}
		self.kept.push((key, matches()));
		if self.kept.len() >= 2 * self.t {
			self.select();
		}
	}

	/// Keeps the nearest `t` of the buffer (unordered) and bounds by the farthest of them.
	fn select(&mut self) {
		if self.t == 0 || self.kept.len() < self.t {
			return;
		}
		let (_, &mut (last, _), _) = self.kept.select_nth_unstable(self.t - 1);
		self.bound = last;
		self.kept.truncate(self.t);
	}

	/// The distance of the farthest kept item once `t` are kept, `u32::MAX` before: an item
	/// farther than this cannot enter.
	pub fn bound(&self) -> u32 {
		if self.bound == u64::MAX {
			u32::MAX
		} else {
			(self.bound >> 32) as u32
		}
	}

	/// Offers every item `other` kept: the result keeps the nearest `t` of both.
	pub fn merge(&mut self, other: Nearest) {
		for (key, matches) in other.kept {
			self.offer(key, || matches);
		}
	}

	/// The kept items, nearest first.
	pub fn into_sorted(mut self) -> Vec<(u64, bool)> {
		self.select();
		self.kept.sort_unstable();
		self.kept
	}

	/// The query's ranking under `method`: the kept items, nearest first, with their values.
	pub fn into_ranking(self, method: Method) -> Ranking {
		let nearest = self.into_sorted();
		let index: Vec<u32> = nearest.iter().map(|&(key, _)| key as u32).collect();
		let distance: Vec<u32> = nearest.iter().map(|&(key, _)| (key >> 32) as u32).collect();
		let value = match method {
			Method::KnnShapley { k, .. } => {
				knn_values(k, &nearest.iter().map(|&(_, m)| m).collect::<Vec<_>>())
			},
			Method::Similarity { .. } => distance.iter().map(|&d| similarity_value(d)).collect(),
		};
		Ranking { index, distance, value }
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::export::DatanetExport;
	use openledger_primitives::{attribution::pack, datanet::file::StoredFile};

	#[test]
	fn nearest_keeps_the_smallest_keys_in_order() {
		let mut near = Nearest::new(3);
		for (key, m) in [(9u64, true), (4, false), (7, true), (1, true), (8, false), (2, false)] {
			near.offer(key, || m);
		}
		assert_eq!(near.into_sorted(), vec![(1, true), (2, false), (4, false)]);
		let mut none = Nearest::new(0);
		none.offer(1, || true);
		assert_eq!(none.into_sorted(), vec![]);
		// Many selections, against a sort of everything offered; merged halves too.
		let keys: Vec<u64> = (0..5000u64).map(|i| (i * 7919) % 5003).collect();
		for t in [1, 2, 3, 10, 100, 4999, 5000, 6000] {
			let (mut all, mut a, mut b) = (Nearest::new(t), Nearest::new(t), Nearest::new(t));
			for (i, &key) in keys.iter().enumerate() {
				all.offer(key, || key % 2 == 0);
				if i % 3 == 0 {
					a.offer(key, || key % 2 == 0)
				} else {
					b.offer(key, || key % 2 == 0)
				}
			}
			let mut want: Vec<(u64, bool)> = keys.iter().map(|&k| (k, k % 2 == 0)).collect();
			want.sort_unstable();
			want.truncate(t);
			a.merge(b);
			assert_eq!(all.into_sorted(), want, "t = {t}");
			assert_eq!(a.into_sorted(), want, "t = {t}, merged");
		}
	}

	#[test]
	fn in_memory_chunks_cover_every_row_once_in_order() {
		let values: Vec<i8> = (0..7 * 4).map(|i| i as i8).collect();
		let items = Embeddings::from_i8(4, &values).unwrap();
		let labels: Vec<u32> = (0..7).collect();
		let mut seen = Vec::new();
		InMemory::with_rows(&items, Some(&labels), 3)
			.for_each_chunk(&mut |c| {
				for i in 0..c.items.len() {
					seen.push((c.first + i as u32, c.items.row(i).to_vec(), c.labels.unwrap()[i]));
					assert_eq!(pack(c.items.row(i)), items.row(c.first as usize + i));
				}
				Ok(())
			})
			.unwrap();
		let want: Vec<_> =
			(0..7).map(|i| (i as u32, values[i * 4..i * 4 + 4].to_vec(), i as u32)).collect();
		assert_eq!(seen, want);
	}

	fn files() -> Vec<(u64, Hash, StoredFile)> {
		(0..3u8)
			.map(|i| {
				let n = 2 * i as usize + 1;
				let embeddings: Vec<i8> =
					(0..8 * n).map(|j| (j as i8).wrapping_mul(7 + i as i8)).collect();
				let labels = (0..n as u32).map(|j| (j + i as u32) % 2).collect();
				(20 + i as u64, [i; 32], StoredFile { dimension: 8, labels, embeddings })
			})
			.collect()
	}

	#[test]
	fn export_files_yield_what_the_whole_export_holds() {
		let dir = std::env::temp_dir().join(format!("stream-test-{}-ok", std::process::id()));
		DatanetExport::write(&dir, 1, 1, 2, &files()).unwrap();
		let whole = DatanetExport::load(&dir).unwrap();
		let mut source = ExportFiles::open(&dir).unwrap();
		assert_eq!((source.len(), source.dimension()), (9, 8));
		let (mut rows, mut labels, mut firsts) = (Vec::new(), Vec::new(), Vec::new());
		source
			.for_each_chunk(&mut |c| {
				firsts.push(c.first);
				rows.extend_from_slice(&pack(c.items.values()));
				labels.extend_from_slice(c.labels.unwrap());
				Ok(())
			})
			.unwrap();
		assert_eq!(firsts, vec![0, 1, 4]);
		assert_eq!(rows, whole.items.packed());
		assert_eq!(labels, whole.labels);
	}

	#[test]
	fn a_bad_file_ends_the_pass_with_the_reason_before_its_items() {
		let dir = std::env::temp_dir().join(format!("stream-test-{}-bad", std::process::id()));
		DatanetExport::write(&dir, 1, 1, 2, &files()).unwrap();
		let manifest = std::fs::read_to_string(dir.join("version.json")).unwrap();
		let m: crate::export::Manifest = serde_json::from_str(&manifest).unwrap();
		let name = dir.join(m.files[2].content_hash.trim_start_matches("0x"));
		let mut bytes = std::fs::read(&name).unwrap();
		bytes[20] ^= 1;
		std::fs::write(&name, bytes).unwrap();
		let mut source = ExportFiles::open(&dir).unwrap();
		let mut firsts = Vec::new();
		let err = source
			.for_each_chunk(&mut |c| {
				firsts.push(c.first);
				Ok(())
			})
			.unwrap_err()
			.to_string();
		assert!(err.contains("file 22") && err.contains("does not hash"), "{err}");
		assert_eq!(firsts, vec![0, 1], "the two good files came first, the bad one never");
		// A manifest whose leaves do not make its root is refused at opening.
		std::fs::write(
			dir.join("version.json"),
			manifest.replacen("\"item_count\": 9", "\"item_count\": 8", 1),
		)
		.unwrap();
		let err = ExportFiles::open(&dir).err().unwrap().to_string();
		assert!(err.contains("the chain records"), "{err}");
	}
}
