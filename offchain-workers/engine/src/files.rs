//! A Datanet version read file by file: each stored file is checked against its file leaf (the
//! item root, count and dimension the chain recorded) before a single item is used, and a file
//! that does not match is refused with the reason, never attributed (docs/datanets.md).

use openledger_primitives::{
	attribution::{check_shape, embedding_hash},
	datanet::file::{
		FileLeaf, ItemLeaf, StoredFile, StoredFileError, VersionCommitment, VersionItems,
	},
	hex::to_hex,
	merkle::{self, Hash},
};
use rayon::prelude::*;

/// Why a stored file is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
	/// The bytes are not a stored Datanet file.
	#[error("file {file} ({content}) is not a Datanet file: {reason}")]
	NotAFile { file: u64, content: String, reason: String },
	/// The file's header disagrees with the chain.
	#[error("file {file} ({content}) holds {actual} of dimension {dimension}; the chain declares {declared} of dimension {expected}")]
	Shape { file: u64, content: String, actual: u32, dimension: u32, declared: u32, expected: u32 },
	/// A label outside the Datanet's label space.
	#[error("file {file} ({content}): item {item} has label {label}, outside the Datanet's {num_labels} labels")]
	Label { file: u64, content: String, item: u32, label: u32, num_labels: u32 },
	/// The items do not hash to the declared item root.
	#[error("file {file} ({content}): its items hash to {actual}, the chain declares item root {declared}")]
	ItemRoot { file: u64, content: String, actual: String, declared: String },
}

/// Reads one stored file (already checked against its content hash by the store) and checks it
/// against its leaf: the dimension, the item count, every label (`< num_labels`, or 0 when the
/// Datanet is unlabelled), and the item root. Returns its labels and embeddings.
pub fn check_file<A>(
	leaf: &FileLeaf<A>,
	bytes: &[u8],
	dimension: u32,
	num_labels: u32,
) -> Result<(StoredFile, Vec<ItemLeaf>), Refusal> {
	let content = to_hex(&leaf.content_hash);
	let file = StoredFile::decode(bytes).map_err(|e| Refusal::NotAFile {
		file: leaf.file,
		content: content.clone(),
		reason: match e {
			StoredFileError::NotAFile => "no OLDF header of format 1".into(),
			StoredFileError::WrongLength { expected, actual } => {
				format!("{actual} bytes where its header implies {expected}")
			},
		},
	})?;
	let count = file.labels.len() as u32;
	if file.dimension != dimension || count != leaf.item_count {
		return Err(Refusal::Shape {
			file: leaf.file,
			content,
			actual: count,
			dimension: file.dimension,
			declared: leaf.item_count,
			expected: dimension,
		});
	}
	for (item, &label) in file.labels.iter().enumerate() {
		let ok = if num_labels == 0 { label == 0 } else { label < num_labels };
		if !ok {
			return Err(Refusal::Label {
				file: leaf.file,
				content,
				item: item as u32,
				label,
				num_labels,
			});
		}
	}
	let (items, root) = items_and_root(&file);
	if root != leaf.item_root {
		return Err(Refusal::ItemRoot {
			file: leaf.file,
			content,
			actual: to_hex(&root),
			declared: to_hex(&leaf.item_root),
		});
	}
	Ok((file, items))
}

/// A file's item leaves and its item root (`openledger_primitives::datanet::file::item_root`),
/// hashed on every thread: the leaves in parallel, then the tree as the roots of aligned blocks
/// of [`ROOT_BLOCK`] leaves and the root over those, which is the same tree (it pairs
/// neighbours level by level, so an aligned block is a subtree of its own).
pub fn items_and_root(file: &StoredFile) -> (Vec<ItemLeaf>, Hash) {
	let d = file.dimension as usize;
	let items: Vec<ItemLeaf> = file
		.labels
		.par_iter()
		.zip(file.embeddings.par_chunks(d.max(1)))
		.map(|(&label, embedding)| ItemLeaf { embedding_hash: embedding_hash(embedding), label })
		.collect();
	let leaves: Vec<Hash> = items.par_iter().map(ItemLeaf::hash).collect();
	let root = root_in_blocks(&leaves, ROOT_BLOCK);
	(items, root)
}

/// Leaves per block of [`items_and_root`]'s tree: a power of two.
const ROOT_BLOCK: usize = 1 << 14;

/// `merkle::root(leaves)`, as the roots of aligned blocks of `block` (a power of two) leaves,
/// computed in parallel, and the root over them.
fn root_in_blocks(leaves: &[Hash], block: usize) -> Hash {
	debug_assert!(block.is_power_of_two());
	if leaves.len() <= block {
		return merkle::root(leaves);
	}
	let tops: Vec<Hash> = leaves.par_chunks(block).map(merkle::root).collect();
	merkle::root(&tops)
}

/// A whole version in memory: its files and item trees, every embedding and label in version
/// order. Built file by file with [`VersionBuilder`].
#[derive(Clone, Debug)]
pub struct LoadedVersion<A> {
	/// Files, item leaves and trees: item proofs come from here.
	pub items: VersionItems<A>,
	/// One embedding per item, row-major.
	pub embeddings: Vec<i8>,
	/// One label per item.
	pub labels: Vec<u32>,
}

/// Collects a version's files in file-tree order, each checked by [`check_file`].
pub struct VersionBuilder<A> {
	dimension: u32,
	num_labels: u32,
	leaves: Vec<FileLeaf<A>>,
	items: Vec<ItemLeaf>,
	embeddings: Vec<i8>,
	labels: Vec<u32>,
}

impl<A: codec::Encode + Clone> VersionBuilder<A> {
	/// A builder for a Datanet of `dimension` and `num_labels`.
	pub fn new(dimension: u32, num_labels: u32) -> Result<Self, String> {
		check_shape(dimension, 1, 1).map_err(|e| format!("dimension {dimension}: {e:?}"))?;
		Ok(VersionBuilder {
			dimension,
			num_labels,
			leaves: Vec::new(),
			items: Vec::new(),
			embeddings: Vec::new(),
			labels: Vec::new(),
		})
	}

	/// Adds the next file of the version, refusing it (and changing nothing) if it does not
	/// match its leaf.
	pub fn push(&mut self, leaf: FileLeaf<A>, bytes: &[u8]) -> Result<(), Refusal> {
		let (file, items) = check_file(&leaf, bytes, self.dimension, self.num_labels)?;
		self.leaves.push(leaf);
		self.items.extend(items);
		self.embeddings.extend(file.embeddings);
		self.labels.extend(file.labels);
		Ok(())
	}

	/// The version, checked against what the chain recorded for it.
	pub fn finish(self, expected: &VersionCommitment) -> Result<LoadedVersion<A>, String> {
		let items = VersionItems::new(self.leaves, self.items)
			.map_err(|e| format!("the files do not make a version: {e:?}"))?;
		let c = items.commitment();
		if c != *expected {
			return Err(format!("the files make {}", mismatch(&c, expected)));
		}
		Ok(LoadedVersion { items, embeddings: self.embeddings, labels: self.labels })
	}
}

/// What a version's files make against what the chain records, for a refusal.
pub fn mismatch(found: &VersionCommitment, expected: &VersionCommitment) -> String {
	format!(
		"root {} over {} files and {} items; the chain records {} over {} and {}",
		to_hex(&found.root),
		found.file_count,
		found.item_count,
		to_hex(&expected.root),
		expected.file_count,
		expected.item_count
	)
}

/// blake2-256 of a stored file: its content-store name.
pub fn content_hash(bytes: &[u8]) -> Hash {
	crate::commit::blake2_256(bytes)
}

#[cfg(test)]
mod tests {
	use super::*;
	use openledger_primitives::datanet::file::{item_root, lay_out};

	fn file(seed: i8, n: u32, d: u32) -> StoredFile {
		StoredFile {
			dimension: d,
			labels: (0..n).map(|i| i % 3).collect(),
			embeddings: (0..n * d).map(|i| (i as i8).wrapping_mul(seed)).collect(),
		}
	}

	#[test]
	fn the_tree_in_blocks_is_the_tree() {
		let leaves: Vec<Hash> = (0..300u32).map(|i| merkle::hash_leaf(&i.to_le_bytes())).collect();
		for n in [0, 1, 2, 3, 7, 8, 9, 63, 64, 65, 127, 128, 129, 255, 256, 257, 300] {
			for block in [1, 2, 4, 8, 64] {
				assert_eq!(
					root_in_blocks(&leaves[..n], block),
					merkle::root(&leaves[..n]),
					"{n} leaves in blocks of {block}"
				);
			}
		}
		for (n, d) in [(1, 4), (5, 8), (40_000, 4)] {
			let f = file(7, n, d);
			assert_eq!(items_and_root(&f), (f.items(), item_root(&f.items())), "{n} items");
		}
	}

	#[test]
	fn a_version_loads_file_by_file_and_a_bad_file_is_refused_with_its_reason() {
		let files = [file(3, 4, 8), file(5, 2, 8)];
		let bytes: Vec<Vec<u8>> = files.iter().map(StoredFile::encode).collect();
		let leaves = lay_out(files.iter().zip(&bytes).enumerate().map(|(i, (f, b))| {
			(i as u64, [i as u8; 32], content_hash(b), item_root(&f.items()), 4 - 2 * i as u32)
		}))
		.unwrap();
		let expected =
			openledger_primitives::datanet::file::VersionFiles::new(leaves.clone()).unwrap();
		let mut builder = VersionBuilder::new(8, 3).unwrap();
		for (leaf, b) in leaves.iter().zip(&bytes) {
			builder.push(leaf.clone(), b).unwrap();
		}
		let v = builder.finish(&expected.commitment()).unwrap();
		assert_eq!(v.labels.len(), 6);
		assert_eq!(&v.embeddings[32..48], &files[1].embeddings[..]);

		// Another file's bytes under this leaf: its items do not hash to the declared root.
		let err = check_file(&leaves[0], &bytes[1], 8, 3).unwrap_err();
		assert!(matches!(err, Refusal::Shape { .. }), "{err}");
		let mut swapped = files[0].clone();
		swapped.labels.swap(0, 1);
		let err = check_file(&leaves[0], &swapped.encode(), 8, 3).unwrap_err();
		assert!(err.to_string().contains("its items hash to"), "{err}");
		let mut bad_label = files[0].clone();
		bad_label.labels[2] = 7;
		let err = check_file(&leaves[0], &bad_label.encode(), 8, 3).unwrap_err();
		assert!(err.to_string().contains("item 2 has label 7"), "{err}");
		let err = check_file(&leaves[0], &bytes[0][..20], 8, 3).unwrap_err();
		assert!(matches!(err, Refusal::NotAFile { .. }), "{err}");
	}
}
