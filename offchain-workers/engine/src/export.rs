//! The Datanet export format: a published version's files, checked against what the chain
//! recorded before anything is attributed.
//!
//! A directory (docs/attribution.md, "Datanet export") holding
//!
//! - `version.json`: `datanet`, `version`, `root` (0x-hex, the version root on chain),
//!   `file_count`, `item_count`, `dimension`, `num_labels`, and `files`, one object per file in
//!   file-tree order with `file`, `contributor`, `content_hash`, `item_root` (0x-hex, 32 bytes
//!   each), `first` and `item_count`;
//! - every file, named by its content hash in hex without `0x`: the layout of a directory
//!   content store, so an export directory is also a store the worker daemon can read.
//!
//! Loading reads the files one by one, checks each against its content hash and its file leaf
//! ([`crate::files::check_file`]: dimension, count, labels, item root), then the root over the
//! file leaves, so an item index in a result is the item's index in the version the chain
//! recorded.

use crate::{
	files::{content_hash, items_and_root, LoadedVersion, VersionBuilder},
	Embeddings, Error, Result,
};
use openledger_primitives::{
	datanet::file::{FileLeaf, StoredFile, VersionCommitment, VersionFiles},
	hex::{parse_hash, to_hex},
	merkle::Hash,
};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// `version.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Manifest {
	/// The Datanet's id.
	pub datanet: u64,
	/// The version number.
	pub version: u32,
	/// The version root recorded on chain, 0x-hex.
	pub root: String,
	/// Files in the version.
	pub file_count: u32,
	/// Items in the version.
	pub item_count: u32,
	/// Embedding dimension.
	pub dimension: u32,
	/// The Datanet's label space (0: unlabelled).
	pub num_labels: u32,
	/// The version's files in file-tree order.
	pub files: Vec<ManifestFile>,
}

/// One file of `version.json`: its file leaf.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ManifestFile {
	/// The file's id (its contribution id).
	pub file: u64,
	/// Contributor account (32 bytes), 0x-hex.
	pub contributor: String,
	/// Content hash, 0x-hex: the stored file's name.
	pub content_hash: String,
	/// Item root, 0x-hex.
	pub item_root: String,
	/// Version index of its first item.
	pub first: u32,
	/// Items in it.
	pub item_count: u32,
}

/// A loaded and checked export.
#[derive(Clone, Debug)]
pub struct DatanetExport {
	/// The manifest as read.
	pub manifest: Manifest,
	/// The items' embeddings in version order.
	pub items: Embeddings,
	/// The items' labels in version order.
	pub labels: Vec<u32>,
	/// Files, item leaves and trees, for item proofs.
	pub version: LoadedVersion<Hash>,
}

/// Reads `dir/version.json`: the manifest, its file leaves in order and the commitment it
/// records. Checks the fields' form only, not the root.
pub fn read_manifest(dir: &Path) -> Result<(Manifest, Vec<FileLeaf<Hash>>, VersionCommitment)> {
	let fail = |reason: String| Error::Export { path: dir.to_path_buf(), reason };
	let manifest_path = dir.join("version.json");
	let text = std::fs::read_to_string(&manifest_path)
		.map_err(|source| Error::Io { path: manifest_path.clone(), source })?;
	let manifest: Manifest =
		serde_json::from_str(&text).map_err(|e| fail(format!("version.json: {e}")))?;
	let hash = |field: &str, text: &str, i: usize| {
		parse_hash(text)
			.map_err(|e| fail(format!("file {i}: {field} {text:?} is not 32 bytes of hex ({e:?})")))
	};
	let leaves = manifest
		.files
		.iter()
		.enumerate()
		.map(|(i, f)| {
			Ok(FileLeaf {
				file: f.file,
				contributor: hash("contributor", &f.contributor, i)?,
				content_hash: hash("content_hash", &f.content_hash, i)?,
				item_root: hash("item_root", &f.item_root, i)?,
				first: f.first,
				item_count: f.item_count,
			})
		})
		.collect::<Result<Vec<_>>>()?;
	let expected = VersionCommitment {
		root: hash("root", &manifest.root, 0)?,
		file_count: manifest.file_count,
		item_count: manifest.item_count,
	};
	Ok((manifest, leaves, expected))
}

impl DatanetExport {
	/// Loads `dir`, checking every file and the root.
	pub fn load(dir: &Path) -> Result<Self> {
		let fail = |reason: String| Error::Export { path: dir.to_path_buf(), reason };
		let (manifest, leaves, expected) = read_manifest(dir)?;
		let mut builder =
			VersionBuilder::<Hash>::new(manifest.dimension, manifest.num_labels).map_err(&fail)?;
		for leaf in leaves {
			let content = to_hex(&leaf.content_hash);
			let path = dir.join(content.trim_start_matches("0x"));
			let bytes =
				std::fs::read(&path).map_err(|source| Error::Io { path: path.clone(), source })?;
			if content_hash(&bytes) != leaf.content_hash {
				return Err(fail(format!(
					"file {} ({content}) does not hash to its content hash",
					leaf.file
				)));
			}
			builder.push(leaf, &bytes).map_err(|e| fail(e.to_string()))?;
		}
		let version = builder.finish(&expected).map_err(fail)?;
		let items = Embeddings::from_i8(manifest.dimension, &version.embeddings)?;
		let labels = version.labels.clone();
		Ok(DatanetExport { manifest, items, labels, version })
	}

	/// Writes an export of `files` (`(file id, contributor, file)`, in file-tree order).
	pub fn write(
		dir: &Path,
		datanet: u64,
		version: u32,
		num_labels: u32,
		files: &[(u64, Hash, StoredFile)],
	) -> Result<PathBuf> {
		let dimension = files.first().map_or(0, |(_, _, f)| f.dimension);
		let mut writer = ExportWriter::create(dir, datanet, version, dimension, num_labels)?;
		for (id, who, file) in files {
			writer.push(*id, *who, file)?;
		}
		writer.finish()
	}
}

/// Writes an export one file at a time, holding only the file leaves: a version of any size is
/// exported in the memory of its largest file.
pub struct ExportWriter {
	dir: PathBuf,
	datanet: u64,
	version: u32,
	dimension: u32,
	num_labels: u32,
	leaves: Vec<FileLeaf<Hash>>,
	next: u32,
}

impl ExportWriter {
	/// Creates `dir` (if missing) for an export of `datanet`'s `version`.
	pub fn create(
		dir: &Path,
		datanet: u64,
		version: u32,
		dimension: u32,
		num_labels: u32,
	) -> Result<Self> {
		std::fs::create_dir_all(dir)
			.map_err(|source| Error::Io { path: dir.to_path_buf(), source })?;
		Ok(ExportWriter {
			dir: dir.to_path_buf(),
			datanet,
			version,
			dimension,
			num_labels,
			leaves: Vec::new(),
			next: 0,
		})
	}

	/// Appends `file` (contribution `id` of `contributor`): writes it under its content hash and
	/// records its leaf. Refused if its dimension is not the export's or the items overflow u32.
	pub fn push(&mut self, id: u64, contributor: Hash, file: &StoredFile) -> Result<()> {
		if file.dimension != self.dimension {
			return Err(Error::Shape(format!(
				"file {id} has dimension {}, the export {}",
				file.dimension, self.dimension
			)));
		}
		let bytes = file.encode();
		let content = content_hash(&bytes);
		let count = file.labels.len() as u32;
		let first = self.next;
		let next = first
			.checked_add(count)
			.ok_or_else(|| Error::Shape("the items overflow u32".into()))?;
		let path = self.dir.join(to_hex(&content).trim_start_matches("0x"));
		std::fs::write(&path, &bytes).map_err(|source| Error::Io { path: path.clone(), source })?;
		let (_, item_root) = items_and_root(file);
		self.leaves.push(FileLeaf {
			file: id,
			contributor,
			content_hash: content,
			item_root,
			first,
			item_count: count,
		});
		self.next = next;
		Ok(())
	}

	/// Writes `version.json` and returns the directory.
	pub fn finish(self) -> Result<PathBuf> {
		let tree = VersionFiles::new(self.leaves)
			.map_err(|e| Error::Shape(format!("not a version: {e:?}")))?;
		let c = tree.commitment();
		let manifest = Manifest {
			datanet: self.datanet,
			version: self.version,
			root: to_hex(&c.root),
			file_count: c.file_count,
			item_count: c.item_count,
			dimension: self.dimension,
			num_labels: self.num_labels,
			files: tree
				.files()
				.iter()
				.map(|l| ManifestFile {
					file: l.file,
					contributor: to_hex(&l.contributor),
					content_hash: to_hex(&l.content_hash),
					item_root: to_hex(&l.item_root),
					first: l.first,
					item_count: l.item_count,
				})
				.collect(),
		};
		let path = self.dir.join("version.json");
		let json =
			serde_json::to_string_pretty(&manifest).map_err(|e| Error::Shape(e.to_string()))?;
		std::fs::write(&path, json).map_err(|source| Error::Io { path: path.clone(), source })?;
		Ok(self.dir)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn files() -> Vec<(u64, Hash, StoredFile)> {
		(0..3u8)
			.map(|i| {
				let n = i as usize + 1;
				let embeddings: Vec<i8> =
					(0..8 * n).map(|j| (i as usize * 8 + j) as i8 - 20).collect();
				let labels = (0..n as u32).map(|j| (j + i as u32) % 2).collect();
				(10 + i as u64, [i; 32], StoredFile { dimension: 8, labels, embeddings })
			})
			.collect()
	}

	fn dir(name: &str) -> PathBuf {
		std::env::temp_dir().join(format!("export-test-{}-{name}", std::process::id()))
	}

	#[test]
	fn round_trip_in_file_order() {
		let path = DatanetExport::write(&dir("ok"), 1, 2, 2, &files()).unwrap();
		let export = DatanetExport::load(&path).unwrap();
		assert_eq!(export.labels, vec![0, 1, 0, 0, 1, 0]);
		assert_eq!(export.items.len(), 6);
		assert_eq!(export.manifest.files[2].first, 3);
	}

	#[test]
	fn tampering_is_refused_with_the_reason() {
		let path = DatanetExport::write(&dir("bad"), 1, 2, 2, &files()).unwrap();
		let manifest = std::fs::read_to_string(path.join("version.json")).unwrap();
		let tamper = |from: &str, to: &str| {
			std::fs::write(path.join("version.json"), manifest.replacen(from, to, 1)).unwrap();
			DatanetExport::load(&path).unwrap_err().to_string()
		};
		assert!(tamper("\"first\": 3", "\"first\": 2").contains("do not make a version"));
		assert!(tamper("\"file_count\": 3", "\"file_count\": 4").contains("the chain records"));
		assert!(tamper("\"dimension\": 8", "\"dimension\": 4").contains("dimension 8"));
		assert!(tamper("\"num_labels\": 2", "\"num_labels\": 1").contains("label 1"));
		std::fs::write(path.join("version.json"), &manifest).unwrap();
		// A stored file changed: it no longer hashes to its name.
		let m: Manifest = serde_json::from_str(&manifest).unwrap();
		let name = path.join(m.files[1].content_hash.trim_start_matches("0x"));
		let mut bytes = std::fs::read(&name).unwrap();
		bytes[20] ^= 1;
		std::fs::write(&name, bytes).unwrap();
		assert!(DatanetExport::load(&path)
			.unwrap_err()
			.to_string()
			.contains("does not hash to its content hash"));
	}
}
