//! Datanets of files: a contribution is one file of many items, and a version covers every
//! item of every file accepted up to it.
//!
//! Two trees, both [`crate::merkle`] trees:
//!
//! - **A file's item tree** has one leaf per item, in the file's order: [`merkle::hash_leaf`] of
//!   the SCALE encoding of [`ItemLeaf`] (the int8 embedding's blake2-256 hash, 32 bytes, then
//!   the label, `u32` little endian: 36 bytes). Its root is the file's `item_root`, declared by
//!   the contributor and checked by every worker against the stored file before use.
//! - **A version's file tree** has one leaf per accepted file, in the order the curators
//!   accepted them: [`merkle::hash_leaf`] of the SCALE encoding of [`FileLeaf`] (file id `u64`,
//!   contributor, content hash, item root, the version index of its first item `u32`, its item
//!   count `u32`: 112 bytes with `AccountId32`). The chain appends each accepted file to a
//!   [`merkle::Frontier`], so version `v`'s root commits to every file accepted up to `v`, and
//!   publishing reads none of them again.
//!
//! An item's index is its position in the whole version: the files' items laid end to end in
//! file-tree order. The chain sets `first` (the running item count) when it appends a file, so
//! a file leaf found under a version root binds the range of indices its items occupy, and
//! [`ItemProof`] proves an item at an index with two ordinary Merkle proofs: the file's path in
//! the version and the item's path in its file.

use crate::merkle::{self, Hash, Levels, MerkleProof};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// One item of a file, as its file's item tree commits to it.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct ItemLeaf {
	/// blake2-256 of the item's int8 embedding, as raw bytes.
	pub embedding_hash: Hash,
	/// The label, an index into the Datanet's label space (0 when it is unlabelled).
	pub label: u32,
}

impl ItemLeaf {
	/// The item's leaf hash.
	pub fn hash(&self) -> Hash {
		merkle::hash_leaf(&self.encode())
	}
}

/// The root of a file holding `items`, in order: what a contributor declares as its item root.
pub fn item_root(items: &[ItemLeaf]) -> Hash {
	merkle::root(&items.iter().map(ItemLeaf::hash).collect::<Vec<_>>())
}

/// An accepted file, as its versions commit to it.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct FileLeaf<AccountId> {
	/// The file's sequential id in its Datanet.
	pub file: u64,
	/// Who contributed it.
	pub contributor: AccountId,
	/// Hash of the file as stored off-chain (its content-store address).
	pub content_hash: Hash,
	/// Root of its item tree.
	pub item_root: Hash,
	/// Version index of its first item: the items of every file accepted before it.
	pub first: u32,
	/// How many items it holds.
	pub item_count: u32,
}

impl<AccountId: Encode> FileLeaf<AccountId> {
	/// The file's leaf hash in a version's file tree.
	pub fn hash(&self) -> Hash {
		merkle::hash_leaf(&self.encode())
	}

	/// Whether version index `index` falls in this file.
	pub fn holds(&self, index: u32) -> bool {
		index >= self.first && index - self.first < self.item_count
	}
}

/// What a version commits to: the root of its file tree, how many files and items it covers.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct VersionCommitment {
	/// Root of the file tree.
	pub root: Hash,
	/// Files in the version: the file tree's leaf count.
	pub file_count: u32,
	/// Items in the version: the sum of its files' item counts.
	pub item_count: u32,
}

/// An item at a version index: its file's leaf and path in the version, and its path in the
/// file. At most 32 + 32 sibling hashes.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct ItemProof<AccountId> {
	/// The file that holds the item.
	pub file: FileLeaf<AccountId>,
	/// The file's path in the version's file tree.
	pub file_proof: MerkleProof,
	/// The item's path in the file's item tree.
	pub item_proof: MerkleProof,
}

impl<AccountId: Encode> ItemProof<AccountId> {
	/// Whether this shows `item` (an [`ItemLeaf::hash`]) at version index `index` of
	/// `version` (as recorded on chain). Both proofs must have the shape their trusted counts
	/// give: the file tree's from the version, the item tree's from the file leaf the version
	/// proves. `O(log files + log items)` hashes.
	pub fn verify(&self, version: &VersionCommitment, index: u32, item: &Hash) -> bool {
		index < version.item_count
			&& self.file.holds(index)
			&& self.file_proof.leaf_count == version.file_count
			&& self.item_proof.leaf_count == self.file.item_count
			&& self.item_proof.leaf_index == index - self.file.first
			&& merkle::verify(&version.root, &self.file.hash(), &self.file_proof)
			&& merkle::verify(&self.file.item_root, item, &self.item_proof)
	}

	/// Who contributed the item.
	pub fn contributor(&self) -> &AccountId {
		&self.file.contributor
	}
}

/// A version's file tree, built off-chain from its files in order: roots, the file that holds
/// an index, and item proofs. Holds the file leaves and `2·files` hashes, never the items.
#[derive(Clone, Debug)]
pub struct VersionFiles<AccountId> {
	files: Vec<FileLeaf<AccountId>>,
	tree: Levels,
	item_count: u32,
}

/// Why a list of file leaves is not a version.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum VersionFilesError {
	/// The file at this position does not start where the previous one ends.
	NotContiguous(u32),
	/// The items overflow `u32`.
	TooManyItems,
}

impl<AccountId: Encode + Clone> VersionFiles<AccountId> {
	/// The version over `files`, in file-tree order; each must start where the previous ends,
	/// as the chain lays them out.
	pub fn new(files: Vec<FileLeaf<AccountId>>) -> Result<Self, VersionFilesError> {
		let mut next = 0u32;
		for (position, file) in files.iter().enumerate() {
			if file.first != next {
				return Err(VersionFilesError::NotContiguous(position as u32));
			}
			next = next.checked_add(file.item_count).ok_or(VersionFilesError::TooManyItems)?;
		}
		let tree = Levels::new(files.iter().map(FileLeaf::hash).collect());
		Ok(VersionFiles { files, tree, item_count: next })
	}

	/// The file leaves, in order.
	pub fn files(&self) -> &[FileLeaf<AccountId>] {
		&self.files
	}

	/// What the chain records for this version.
	pub fn commitment(&self) -> VersionCommitment {
		VersionCommitment {
			root: self.tree.root(),
			file_count: self.files.len() as u32,
			item_count: self.item_count,
		}
	}

	/// The proof of the file leaf at `position` in the file tree.
	pub fn file_proof(&self, position: usize) -> Option<MerkleProof> {
		self.tree.proof(position)
	}

	/// The position of the file that holds version index `index`: a binary search over the
	/// files' first indices.
	pub fn locate(&self, index: u32) -> Option<usize> {
		if index >= self.item_count {
			return None;
		}
		let position = self.files.partition_point(|f| f.first <= index).checked_sub(1)?;
		self.files[position].holds(index).then_some(position)
	}

	/// The proof of the item at `index`, given the item tree of the file that holds it
	/// (the file at [`Self::locate`]); `None` if there is no such item or `items` is not that
	/// file's tree.
	pub fn proof(&self, index: u32, items: &Levels) -> Option<ItemProof<AccountId>> {
		let position = self.locate(index)?;
		let file = self.files[position].clone();
		if items.root() != file.item_root || items.leaf_count() != file.item_count as usize {
			return None;
		}
		Some(ItemProof {
			file_proof: self.tree.proof(position)?,
			item_proof: items.proof((index - file.first) as usize)?,
			file,
		})
	}
}

/// A whole version as the off-chain side holds it: its files, every item's leaf in version
/// order, and each file's item tree, so that any item proves in `O(log)`. Built from files
/// whose items were checked against their declared item roots.
#[derive(Clone, Debug)]
pub struct VersionItems<AccountId> {
	files: VersionFiles<AccountId>,
	items: Vec<ItemLeaf>,
	trees: Vec<Levels>,
}

/// Why items do not make up a version.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum VersionItemsError {
	/// The file leaves are not laid end to end.
	Files(VersionFilesError),
	/// The file at this position holds other items than its leaf declares (count or root).
	FileMismatch(u32),
}

impl<AccountId: Encode + Clone> VersionItems<AccountId> {
	/// The version of `files` (in file-tree order) holding `items` (in version order); each
	/// file's items must hash to its item root.
	pub fn new(
		files: Vec<FileLeaf<AccountId>>,
		items: Vec<ItemLeaf>,
	) -> Result<Self, VersionItemsError> {
		let files = VersionFiles::new(files).map_err(VersionItemsError::Files)?;
		if files.item_count as usize != items.len() {
			return Err(VersionItemsError::FileMismatch(files.files.len() as u32));
		}
		let mut trees = Vec::with_capacity(files.files.len());
		for (position, file) in files.files.iter().enumerate() {
			let range = file.first as usize..(file.first + file.item_count) as usize;
			let tree = Levels::new(items[range].iter().map(ItemLeaf::hash).collect());
			if tree.root() != file.item_root {
				return Err(VersionItemsError::FileMismatch(position as u32));
			}
			trees.push(tree);
		}
		Ok(VersionItems { files, items, trees })
	}

	/// One file per `(contributor, items)`, in order, with ids from 0 and the item root as
	/// content hash: how tests and benchmarks make versions.
	pub fn from_files(files: Vec<(AccountId, Vec<ItemLeaf>)>) -> Option<Self> {
		let leaves = lay_out(files.iter().enumerate().map(|(id, (who, items))| {
			let root = item_root(items);
			(id as u64, who.clone(), root, root, items.len() as u32)
		}))?;
		let items = files.into_iter().flat_map(|(_, items)| items).collect();
		Self::new(leaves, items).ok()
	}

	/// The files.
	pub fn files(&self) -> &VersionFiles<AccountId> {
		&self.files
	}

	/// Every item's leaf, in version order.
	pub fn items(&self) -> &[ItemLeaf] {
		&self.items
	}

	/// Item `index`, if the version has it.
	pub fn item(&self, index: u32) -> Option<&ItemLeaf> {
		self.items.get(index as usize)
	}

	/// What the chain records for this version.
	pub fn commitment(&self) -> VersionCommitment {
		self.files.commitment()
	}

	/// The proof of item `index`, if the version has it.
	pub fn proof(&self, index: u32) -> Option<ItemProof<AccountId>> {
		let position = self.files.locate(index)?;
		self.files.proof(index, &self.trees[position])
	}
}

/// The first bytes of a stored Datanet file.
pub const FILE_MAGIC: [u8; 4] = *b"OLDF";
/// The stored file format this code reads and writes.
pub const FILE_FORMAT: u8 = 1;
/// Bytes before the first item: magic, format, dimension (`u16`), item count (`u32`).
pub const FILE_HEADER_BYTES: u64 = 11;

/// The size of a stored file of `item_count` items of `dimension`: the header, then per item
/// its label (`u32` little endian) and its `dimension` int8 values.
pub fn file_size(item_count: u32, dimension: u32) -> u64 {
	FILE_HEADER_BYTES + item_count as u64 * (4 + dimension as u64)
}

/// Writes the 11-byte header stored files and batches share: magic, format, dimension (`u16`
/// little endian), count (`u32` little endian).
pub(crate) fn write_header(
	out: &mut Vec<u8>,
	magic: [u8; 4],
	format: u8,
	dimension: u32,
	count: u32,
) {
	out.extend_from_slice(&magic);
	out.push(format);
	out.extend_from_slice(&(dimension as u16).to_le_bytes());
	out.extend_from_slice(&count.to_le_bytes());
}

/// Reads that header: `(dimension, count)`, or `None` if the bytes do not start with `magic`
/// and `format`.
pub(crate) fn read_header(bytes: &[u8], magic: [u8; 4], format: u8) -> Option<(u32, u32)> {
	let header = bytes.get(..FILE_HEADER_BYTES as usize)?;
	if header[..4] != magic || header[4] != format {
		return None;
	}
	let dimension = u16::from_le_bytes([header[5], header[6]]) as u32;
	Some((dimension, u32::from_le_bytes([header[7], header[8], header[9], header[10]])))
}

/// A stored file, decoded: labels and embeddings in file order.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct StoredFile {
	/// The embedding dimension.
	pub dimension: u32,
	/// One label per item.
	pub labels: Vec<u32>,
	/// One embedding per item, row-major.
	pub embeddings: Vec<i8>,
}

/// Why bytes are not a stored file.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum StoredFileError {
	/// It does not start with the magic and format this code reads.
	NotAFile,
	/// Its length is not the header's count and dimension make.
	WrongLength {
		/// What the header implies.
		expected: u64,
		/// What there is.
		actual: u64,
	},
}

impl StoredFile {
	/// The stored bytes of a file.
	pub fn encode(&self) -> Vec<u8> {
		let count = self.labels.len() as u32;
		let d = self.dimension as usize;
		let mut out = Vec::with_capacity(file_size(count, self.dimension) as usize);
		write_header(&mut out, FILE_MAGIC, FILE_FORMAT, self.dimension, count);
		for (i, label) in self.labels.iter().enumerate() {
			out.extend_from_slice(&label.to_le_bytes());
			out.extend(self.embeddings[i * d..(i + 1) * d].iter().map(|&v| v as u8));
		}
		out
	}

	/// Reads stored bytes.
	pub fn decode(bytes: &[u8]) -> Result<StoredFile, StoredFileError> {
		let (dimension, count) =
			read_header(bytes, FILE_MAGIC, FILE_FORMAT).ok_or(StoredFileError::NotAFile)?;
		let expected = file_size(count, dimension);
		if bytes.len() as u64 != expected {
			return Err(StoredFileError::WrongLength { expected, actual: bytes.len() as u64 });
		}
		let d = dimension as usize;
		let mut labels = Vec::with_capacity(count as usize);
		let mut embeddings = Vec::with_capacity(count as usize * d);
		for row in bytes[FILE_HEADER_BYTES as usize..].chunks_exact(4 + d) {
			labels.push(u32::from_le_bytes([row[0], row[1], row[2], row[3]]));
			embeddings.extend(row[4..].iter().map(|&v| v as i8));
		}
		Ok(StoredFile { dimension, labels, embeddings })
	}

	/// The item leaves, in file order: each embedding's blake2-256 and its label.
	pub fn items(&self) -> Vec<ItemLeaf> {
		let d = self.dimension as usize;
		self.labels
			.iter()
			.enumerate()
			.map(|(i, &label)| ItemLeaf {
				embedding_hash: crate::attribution::embedding_hash(
					&self.embeddings[i * d..(i + 1) * d],
				),
				label,
			})
			.collect()
	}
}

/// File leaves laid end to end, as the chain appends them: `(file id, contributor, content hash,
/// item root, item count)` in acceptance order, each given the running item count as its first
/// index; `None` if the items overflow `u32`.
pub fn lay_out<AccountId>(
	files: impl IntoIterator<Item = (u64, AccountId, Hash, Hash, u32)>,
) -> Option<Vec<FileLeaf<AccountId>>> {
	let mut next = 0u32;
	files
		.into_iter()
		.map(|(file, contributor, content_hash, item_root, item_count)| {
			let first = next;
			next = next.checked_add(item_count)?;
			Some(FileLeaf { file, contributor, content_hash, item_root, first, item_count })
		})
		.collect()
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::merkle::Frontier;
	use proptest::prelude::*;

	fn items(file: u64, n: u32) -> Vec<ItemLeaf> {
		(0..n)
			.map(|i| ItemLeaf { embedding_hash: [(file as u8) ^ (i as u8); 32], label: i % 3 })
			.collect()
	}

	fn version(counts: &[u32]) -> (Vec<Vec<ItemLeaf>>, VersionFiles<[u8; 32]>) {
		let files: Vec<Vec<ItemLeaf>> =
			counts.iter().enumerate().map(|(f, &n)| items(f as u64, n)).collect();
		let leaves = lay_out(files.iter().enumerate().map(|(f, items)| {
			(
				f as u64 * 7,
				[f as u8; 32],
				[0xc0 ^ f as u8; 32],
				item_root(items),
				items.len() as u32,
			)
		}))
		.unwrap();
		(files, VersionFiles::new(leaves).unwrap())
	}

	#[test]
	fn leaf_preimages_are_36_and_112_bytes_in_field_order() {
		let item = ItemLeaf { embedding_hash: [5; 32], label: 0x0102 };
		assert_eq!(item.encode().len(), 36);
		assert_eq!(&item.encode()[32..], &0x0102u32.to_le_bytes());
		let file = FileLeaf {
			file: 9,
			contributor: [1u8; 32],
			content_hash: [2; 32],
			item_root: [3; 32],
			first: 4,
			item_count: 5,
		};
		let encoded = file.encode();
		assert_eq!(encoded.len(), 112);
		assert_eq!(&encoded[..8], &9u64.to_le_bytes());
		assert_eq!(&encoded[8..40], &[1u8; 32]);
		assert_eq!(&encoded[72..104], &[3u8; 32]);
		assert_eq!(&encoded[104..108], &4u32.to_le_bytes());
		assert_eq!(&encoded[108..], &5u32.to_le_bytes());
	}

	#[test]
	fn known_version_root() {
		// Pinned from an independent implementation (Python's hashlib.blake2b, digest_size=32)
		// of the leaf tables above and the tree rules of `merkle`: files of 3, 1 and 2 items.
		let (_, v) = version(&[3, 1, 2]);
		let hex: String = v.commitment().root.iter().map(|b| format!("{b:02x}")).collect();
		assert_eq!(hex, KNOWN_ROOT);
		assert_eq!(v.commitment().file_count, 3);
		assert_eq!(v.commitment().item_count, 6);
	}

	const KNOWN_ROOT: &str = "21d2de99025db1b8ddfca9dea1160dca49d14c261557d1620d29a06a2a17d554";

	#[test]
	fn every_item_proves_at_its_version_index_and_nowhere_else() {
		let (files, v) = version(&[3, 1, 4, 1, 5]);
		let c = v.commitment();
		let mut index = 0u32;
		for (f, file_items) in files.iter().enumerate() {
			let tree = Levels::new(file_items.iter().map(ItemLeaf::hash).collect());
			for item in file_items {
				assert_eq!(v.locate(index), Some(f));
				let proof = v.proof(index, &tree).unwrap();
				assert!(proof.verify(&c, index, &item.hash()), "item {index}");
				assert_eq!(proof.contributor(), &[f as u8; 32]);
				for other in [index.wrapping_sub(1), index + 1, index + c.item_count] {
					assert!(
						!proof.verify(&c, other, &item.hash()),
						"item {index} passed off as {other}"
					);
				}
				let other_item = ItemLeaf { label: item.label + 1, ..*item };
				assert!(!proof.verify(&c, index, &other_item.hash()), "another label");
				index += 1;
			}
		}
		assert_eq!(v.locate(index), None);
	}

	#[test]
	fn forged_proofs_fail() {
		let (files, v) = version(&[2, 3, 2]);
		let c = v.commitment();
		let tree = Levels::new(files[1].iter().map(ItemLeaf::hash).collect());
		let item = files[1][1].hash();
		let good = v.proof(3, &tree).unwrap();
		assert!(good.verify(&c, 3, &item));

		// A file leaf that claims another range is not under the root.
		let mut shifted = good.clone();
		shifted.file.first = 1;
		shifted.item_proof.leaf_index = 2;
		assert!(shifted.file.holds(3));
		assert!(!shifted.verify(&c, 3, &item));
		// Another contributor is not under the root either.
		let mut stolen = good.clone();
		stolen.file.contributor = [9; 32];
		assert!(!stolen.verify(&c, 3, &item));
		// The counts come from the version and the proven file leaf, not from the proof.
		let mut fewer_files = good.clone();
		fewer_files.file_proof.leaf_count -= 1;
		assert!(!fewer_files.verify(&c, 3, &item));
		let mut fewer_items = good.clone();
		fewer_items.item_proof.leaf_count -= 1;
		assert!(!fewer_items.verify(&c, 3, &item));
		// A proof against an older, smaller version does not pass under this one.
		let (_, older) = version(&[2, 3]);
		assert!(!good.verify(&older.commitment(), 3, &item));
		// The wrong file's tree gives no proof.
		let other = Levels::new(files[0].iter().map(ItemLeaf::hash).collect());
		assert!(v.proof(3, &other).is_none());
	}

	#[test]
	fn files_must_be_laid_end_to_end() {
		let (_, v) = version(&[2, 3]);
		let mut files = v.files().to_vec();
		files[1].first = 1;
		assert_eq!(VersionFiles::new(files).unwrap_err(), VersionFilesError::NotContiguous(1));
		let too_many = lay_out([
			(0, [0u8; 32], [0; 32], [0; 32], u32::MAX),
			(1, [0u8; 32], [0; 32], [0; 32], 1),
		]);
		assert!(too_many.is_none());
	}

	#[test]
	fn the_chains_frontier_has_the_version_root() {
		// 10,000 files of 2^24 items in all: the frontier the chain keeps, one append per
		// accepted file, gives the root the off-chain tree does.
		let per_file = (1u32 << 24) / 10_000;
		let mut counts = alloc::vec![per_file; 10_000];
		counts[9_999] += (1u32 << 24) - per_file * 10_000;
		let leaves = lay_out(
			counts
				.iter()
				.enumerate()
				.map(|(f, &n)| (f as u64, [f as u8; 32], [1; 32], [f as u8; 32], n)),
		)
		.unwrap();
		let mut frontier = Frontier::default();
		for leaf in &leaves {
			frontier.push(leaf.hash()).unwrap();
		}
		let v = VersionFiles::new(leaves).unwrap();
		assert_eq!(v.commitment().item_count, 1 << 24);
		assert_eq!(frontier.root(), v.commitment().root);
		assert_eq!(v.locate((1 << 24) - 1), Some(9_999));
	}

	#[test]
	fn version_items_prove_and_refuse_a_file_that_does_not_match() {
		let files: Vec<([u8; 32], Vec<ItemLeaf>)> = [3u32, 1, 2]
			.iter()
			.enumerate()
			.map(|(f, &n)| ([f as u8; 32], items(f as u64, n)))
			.collect();
		let v = VersionItems::from_files(files.clone()).unwrap();
		let c = v.commitment();
		for index in 0..c.item_count {
			let proof = v.proof(index).unwrap();
			assert!(proof.verify(&c, index, &v.item(index).unwrap().hash()));
		}
		assert!(v.proof(c.item_count).is_none());
		let mut items_out_of_place: Vec<ItemLeaf> = v.items().to_vec();
		items_out_of_place.swap(0, 3);
		assert_eq!(
			VersionItems::new(v.files().files().to_vec(), items_out_of_place).unwrap_err(),
			VersionItemsError::FileMismatch(0)
		);
	}

	#[test]
	fn stored_files_round_trip_and_bad_bytes_are_refused() {
		let file = StoredFile {
			dimension: 4,
			labels: vec![1, 2],
			embeddings: vec![1, -2, 3, -4, 5, 6, 7, -128],
		};
		let bytes = file.encode();
		assert_eq!(bytes.len() as u64, file_size(2, 4));
		assert_eq!(StoredFile::decode(&bytes), Ok(file.clone()));
		assert_eq!(file.items()[1].label, 2);
		assert_eq!(
			StoredFile::decode(&bytes[..bytes.len() - 1]),
			Err(StoredFileError::WrongLength { expected: 27, actual: 26 })
		);
		assert_eq!(StoredFile::decode(b"OLDF"), Err(StoredFileError::NotAFile));
		let mut other = bytes.clone();
		other[4] = 2;
		assert_eq!(StoredFile::decode(&other), Err(StoredFileError::NotAFile));
	}

	proptest! {
		#[test]
		fn any_item_of_any_layout_proves(counts in prop::collection::vec(1u32..9, 1..24), pick in any::<prop::sample::Index>()) {
			let (files, v) = version(&counts);
			let c = v.commitment();
			let index = pick.index(c.item_count as usize) as u32;
			let f = v.locate(index).unwrap();
			let tree = Levels::new(files[f].iter().map(ItemLeaf::hash).collect());
			let proof = v.proof(index, &tree).unwrap();
			let item = files[f][(index - v.files()[f].first) as usize].hash();
			prop_assert!(proof.verify(&c, index, &item));
			prop_assert!(proof.encoded_size() <= ItemProof::<[u8; 32]>::max_encoded_len());
		}
	}
}
