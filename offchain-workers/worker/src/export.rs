//! The Datanet export format: a published version's off-chain files, checked against the root
//! recorded on chain before anything is attributed.
//!
//! A directory with two files (docs/attribution.md, "Datanet export"):
//!
//! - `version.json`: `datanet`, `version`, `root` (0x-hex, the version root on chain),
//!   `dimension`, and `items`, one object per item in version order (ascending contribution
//!   id) with `id`, `contributor`, `content_hash`, `embedding_hash` (0x-hex, 32 bytes each)
//!   and `label`;
//! - `embeddings.npy`: `int8 [N, d]`, row `i` the embedding of `items[i]`.
//!
//! Loading recomputes every embedding's hash and the version root from the leaves, so an item
//! index in a result is the item's leaf index in the version the chain recorded.

use crate::{npy, Embeddings, Error, Result};
use openledger_primitives::{
	attribution::embedding_hash,
	datanet::{version_root, ContributionLeaf},
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
	/// Embedding dimension.
	pub dimension: u32,
	/// The version's items in leaf order.
	pub items: Vec<ManifestItem>,
}

/// One item of `version.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ManifestItem {
	/// Contribution id.
	pub id: u64,
	/// Contributor account (32 bytes), 0x-hex.
	pub contributor: String,
	/// Content hash, 0x-hex.
	pub content_hash: String,
	/// Embedding hash, 0x-hex.
	pub embedding_hash: String,
	/// Label.
	pub label: u32,
}

/// A loaded and checked export.
#[derive(Clone, Debug)]
pub struct DatanetExport {
	/// The manifest as read.
	pub manifest: Manifest,
	/// The items' embeddings in leaf order.
	pub items: Embeddings,
	/// The items' labels in leaf order.
	pub labels: Vec<u32>,
}

impl DatanetExport {
	/// Loads `dir` and checks every embedding and the root.
	pub fn load(dir: &Path) -> Result<Self> {
		let fail = |reason: String| Error::Export { path: dir.to_path_buf(), reason };
		let manifest_path = dir.join("version.json");
		let text = std::fs::read_to_string(&manifest_path)
			.map_err(|source| Error::Io { path: manifest_path.clone(), source })?;
		let manifest: Manifest =
			serde_json::from_str(&text).map_err(|e| fail(format!("version.json: {e}")))?;
		let (d, values) = npy::read_i8_matrix(&dir.join("embeddings.npy"))?;
		if d != manifest.dimension {
			return Err(fail(format!(
				"embeddings.npy has dimension {d}, version.json says {}",
				manifest.dimension
			)));
		}
		let rows = values.len() / d.max(1) as usize;
		if rows != manifest.items.len() {
			return Err(fail(format!(
				"embeddings.npy has {rows} rows for {} items",
				manifest.items.len()
			)));
		}
		let hash = |field: &str, text: &str, i: usize| {
			parse_hash(text).map_err(|e| {
				fail(format!("item {i}: {field} {text:?} is not 32 bytes of hex ({e:?})"))
			})
		};
		let mut leaves = Vec::with_capacity(rows);
		for (i, (item, embedding)) in
			manifest.items.iter().zip(values.chunks_exact(d as usize)).enumerate()
		{
			let leaf = ContributionLeaf {
				id: item.id,
				contributor: hash("contributor", &item.contributor, i)?,
				content_hash: hash("content_hash", &item.content_hash, i)?,
				embedding_hash: hash("embedding_hash", &item.embedding_hash, i)?,
				label: item.label,
			};
			if embedding_hash(embedding) != leaf.embedding_hash {
				return Err(fail(format!(
					"row {i} of embeddings.npy does not hash to item {}'s embedding_hash",
					item.id
				)));
			}
			if i > 0 && manifest.items[i - 1].id >= item.id {
				return Err(fail(format!(
					"items are not in ascending id order at position {i} (id {})",
					item.id
				)));
			}
			leaves.push(leaf);
		}
		let root = hash("root", &manifest.root, 0)?;
		let computed = version_root(&mut leaves);
		if computed != root {
			return Err(fail(format!(
				"the items' root is {}, version.json says {}",
				to_hex(&computed),
				manifest.root
			)));
		}
		let items = Embeddings::from_i8(d, &values)?;
		let labels = manifest.items.iter().map(|item| item.label).collect();
		Ok(DatanetExport { manifest, items, labels })
	}

	/// Writes an export of `leaves` (in any order) with their `embeddings` (same order).
	pub fn write(
		dir: &Path,
		datanet: u64,
		version: u32,
		dimension: u32,
		mut rows: Vec<(ContributionLeaf<Hash>, Vec<i8>)>,
	) -> Result<PathBuf> {
		rows.sort_by_key(|(leaf, _)| leaf.id);
		let mut leaves: Vec<ContributionLeaf<Hash>> =
			rows.iter().map(|(leaf, _)| leaf.clone()).collect();
		let manifest = Manifest {
			datanet,
			version,
			root: to_hex(&version_root(&mut leaves)),
			dimension,
			items: leaves
				.iter()
				.map(|l| ManifestItem {
					id: l.id,
					contributor: to_hex(&l.contributor),
					content_hash: to_hex(&l.content_hash),
					embedding_hash: to_hex(&l.embedding_hash),
					label: l.label,
				})
				.collect(),
		};
		std::fs::create_dir_all(dir)
			.map_err(|source| Error::Io { path: dir.to_path_buf(), source })?;
		let path = dir.join("version.json");
		let json =
			serde_json::to_string_pretty(&manifest).map_err(|e| Error::Shape(e.to_string()))?;
		std::fs::write(&path, json).map_err(|source| Error::Io { path: path.clone(), source })?;
		let flat: Vec<i8> = rows.into_iter().flat_map(|(_, e)| e).collect();
		npy::write_i8_matrix(&dir.join("embeddings.npy"), dimension as usize, &flat)?;
		Ok(dir.to_path_buf())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn rows() -> Vec<(ContributionLeaf<Hash>, Vec<i8>)> {
		(0..5u8)
			.rev()
			.map(|i| {
				let embedding: Vec<i8> = (0..8).map(|j| (i * 8 + j) as i8 - 20).collect();
				let leaf = ContributionLeaf {
					id: 10 + i as u64,
					contributor: [i; 32],
					content_hash: [100 + i; 32],
					embedding_hash: embedding_hash(&embedding),
					label: i as u32 % 2,
				};
				(leaf, embedding)
			})
			.collect()
	}

	fn dir(name: &str) -> PathBuf {
		std::env::temp_dir().join(format!("export-test-{}-{name}", std::process::id()))
	}

	#[test]
	fn round_trip_in_version_order() {
		let path = DatanetExport::write(&dir("ok"), 1, 2, 8, rows()).unwrap();
		let export = DatanetExport::load(&path).unwrap();
		assert_eq!(export.labels, vec![0, 1, 0, 1, 0]);
		assert_eq!(export.items.len(), 5);
		assert_eq!(export.manifest.items[0].id, 10);
	}

	#[test]
	fn tampering_is_refused_with_the_reason() {
		let path = DatanetExport::write(&dir("bad"), 1, 2, 8, rows()).unwrap();
		let manifest = std::fs::read_to_string(path.join("version.json")).unwrap();
		let tamper = |from: &str, to: &str| {
			std::fs::write(path.join("version.json"), manifest.replacen(from, to, 1)).unwrap();
			DatanetExport::load(&path).unwrap_err().to_string()
		};
		assert!(tamper("\"label\": 1", "\"label\": 0").contains("the items' root is"));
		assert!(tamper("\"id\": 11", "\"id\": 9").contains("ascending id order"));
		assert!(tamper("\"dimension\": 8", "\"dimension\": 4").contains("dimension 8"));
		std::fs::write(path.join("version.json"), &manifest).unwrap();
		let mut flat: Vec<i8> = {
			let mut r = rows();
			r.sort_by_key(|(l, _)| l.id);
			r.into_iter().flat_map(|(_, e)| e).collect()
		};
		flat[3] += 1;
		npy::write_i8_matrix(&path.join("embeddings.npy"), 8, &flat).unwrap();
		assert!(DatanetExport::load(&path)
			.unwrap_err()
			.to_string()
			.contains("row 0 of embeddings.npy does not hash"));
	}
}
