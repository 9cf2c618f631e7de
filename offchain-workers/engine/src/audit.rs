//! `openledger-worker audit`: scores pending files before a curator decides on them.
//!
//! For each pending file (a stored Datanet file, docs/datanets.md):
//!
//! - its **mean KNN-Shapley value**: the pending files' items are the training set and the
//!   validation set is the Datanet's published version (or a set the owner names); each item's
//!   value is summed over the validation queries as `attribute` does, and the file's mean is
//!   the mean over its items and the queries, in units of one correct vote (`value / 2^30 / M`);
//! - its **likely mislabelled items**: those whose value is negative, i.e. that on average
//!   make the nearest-neighbour vote worse; the standard detector, whose AUROC
//!   `quality/mislabel.py` measures;
//! - its **exact duplicates** (distance 0): items whose embedding equals an item of the
//!   published version or of another pending file (or an earlier item of the same file).
//!
//! A file that is not a stored Datanet file of the Datanet's dimension and label space is
//! reported as refused, with the reason, and the others are still scored.

use crate::{
	attribute::{attribute, Engine},
	files::content_hash,
	Embeddings, Inputs, Result,
};
use openledger_primitives::{
	attribution::{embedding_hash, Method, KNN_SCALE, MAX_TOP},
	datanet::file::StoredFile,
	hex::to_hex,
	merkle::Hash,
};
use serde::Serialize;
use std::collections::HashMap;

/// A pending file as the curator has it.
pub struct Pending {
	/// How the curator names it (a path).
	pub name: String,
	/// Its bytes.
	pub bytes: Vec<u8>,
}

/// Where an exact duplicate of an item lies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateOf {
	/// An item of the published version, by version index.
	Published { index: u32 },
	/// An item of a pending file, by file (its position in the audit) and item.
	Pending { file: u32, item: u32 },
}

/// One item flagged as a duplicate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Duplicate {
	/// The item in its file.
	pub item: u32,
	/// What it duplicates.
	pub of: DuplicateOf,
}

/// One item flagged as likely mislabelled.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Suspect {
	/// The item in its file.
	pub item: u32,
	/// Its label.
	pub label: u32,
	/// Its mean value per validation query, in units of one correct vote.
	pub value: f64,
}

/// The report on one file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FileReport {
	/// The name it was given.
	pub name: String,
	/// Its content hash: what `contribute` declares and the store names it by.
	pub content_hash: String,
	/// Why it was refused, if it was; nothing else is filled then.
	pub refused: Option<String>,
	/// Items in it.
	pub items: u32,
	/// The mean value of its items per validation query, in units of one correct vote.
	pub mean_value: f64,
	/// Items with a negative value, the most harmful first.
	pub likely_mislabelled: Vec<Suspect>,
	/// Items whose embedding is already published or pending.
	pub duplicates: Vec<Duplicate>,
}

impl FileReport {
	/// The one-line summary printed per file.
	pub fn line(&self) -> String {
		match &self.refused {
			Some(reason) => format!("{}: refused: {reason}", self.name),
			None => format!(
				"{}: {} items, mean value {:+.4}, {} likely mislabelled, {} duplicates",
				self.name,
				self.items,
				self.mean_value,
				self.likely_mislabelled.len(),
				self.duplicates.len()
			),
		}
	}
}

/// The validation set: embeddings and labels.
pub struct Validation<'a> {
	/// Embeddings, row-major.
	pub embeddings: &'a Embeddings,
	/// Labels.
	pub labels: &'a [u32],
}

/// The published version a file is audited against.
pub struct Published<'a> {
	/// The Datanet's embedding dimension and label count.
	pub dimension: u32,
	pub num_labels: u32,
	/// Each published item's embedding hash, in version order.
	pub hashes: &'a [Hash],
}

/// Audits `pending` against the `published` items with KNN-Shapley of `k` over `validation`.
pub fn audit(
	engine: &Engine,
	k: u32,
	published: Published,
	validation: Validation,
	pending: &[Pending],
	progress: &dyn Fn(usize),
) -> Result<Vec<FileReport>> {
	let Published { dimension, num_labels, hashes: published_hashes } = published;
	let mut reports = Vec::with_capacity(pending.len());
	let mut accepted: Vec<(usize, StoredFile)> = Vec::new();
	for (f, p) in pending.iter().enumerate() {
		let mut report = FileReport {
			name: p.name.clone(),
			content_hash: to_hex(&content_hash(&p.bytes)),
			refused: None,
			items: 0,
			mean_value: 0.0,
			likely_mislabelled: Vec::new(),
			duplicates: Vec::new(),
		};
		match check(&p.bytes, dimension, num_labels) {
			Ok(file) => {
				report.items = file.labels.len() as u32;
				accepted.push((f, file));
			},
			Err(reason) => report.refused = Some(reason),
		}
		reports.push(report);
	}

	// Exact duplicates: equal embeddings, found by their hashes.
	let mut seen: HashMap<Hash, DuplicateOf> = HashMap::new();
	for (index, h) in published_hashes.iter().enumerate() {
		seen.entry(*h).or_insert(DuplicateOf::Published { index: index as u32 });
	}
	for (f, file) in &accepted {
		for (item, leaf) in file.items().iter().enumerate() {
			let here = DuplicateOf::Pending { file: *f as u32, item: item as u32 };
			match seen.get(&leaf.embedding_hash) {
				Some(of) => {
					reports[*f].duplicates.push(Duplicate { item: item as u32, of: of.clone() })
				},
				None => {
					seen.insert(leaf.embedding_hash, here);
				},
			}
		}
	}

	// Values: the pending items are the training set, ranked for every validation query.
	if accepted.is_empty() || validation.labels.is_empty() {
		return Ok(reports);
	}
	let values: Vec<i8> = accepted.iter().flat_map(|(_, f)| f.embeddings.iter().copied()).collect();
	let labels: Vec<u32> = accepted.iter().flat_map(|(_, f)| f.labels.iter().copied()).collect();
	let items = Embeddings::from_i8(dimension, &values)?;
	let inputs = Inputs {
		items: &items,
		labels: Some(&labels),
		queries: validation.embeddings,
		query_labels: Some(validation.labels),
	};
	// Every item within the most nearest a job may value, so that the files' means are as close
	// to the values over all items as the spec allows.
	let method = Method::KnnShapley { k, t: MAX_TOP.max(k) };
	let output = attribute(engine, method, k, inputs, progress, &mut |_| Ok(()))?;
	let unit = KNN_SCALE as f64 * validation.labels.len() as f64;
	let mut offset = 0usize;
	for (f, file) in &accepted {
		let n = file.labels.len();
		let mine = &output.values.range(offset..offset + n);
		offset += n;
		let report = &mut reports[*f];
		report.mean_value = mine.iter().map(|&v| v as f64).sum::<f64>() / n as f64 / unit;
		let mut suspects: Vec<Suspect> = mine
			.iter()
			.enumerate()
			.filter(|(_, &v)| v < 0)
			.map(|(item, &v)| Suspect {
				item: item as u32,
				label: file.labels[item],
				value: v as f64 / unit,
			})
			.collect();
		suspects.sort_by(|a, b| a.value.total_cmp(&b.value));
		report.likely_mislabelled = suspects;
	}
	Ok(reports)
}

/// Decodes a pending file and checks it against the Datanet.
fn check(bytes: &[u8], dimension: u32, num_labels: u32) -> std::result::Result<StoredFile, String> {
	let file = StoredFile::decode(bytes).map_err(|e| format!("not a Datanet file ({e:?})"))?;
	if file.dimension != dimension {
		return Err(format!("dimension {}, the Datanet's is {dimension}", file.dimension));
	}
	if file.labels.is_empty() {
		return Err("no items".into());
	}
	if let Some((item, label)) =
		file.labels
			.iter()
			.enumerate()
			.find(|(_, &l)| if num_labels == 0 { l != 0 } else { l >= num_labels })
	{
		return Err(format!("item {item} has label {label}, outside {num_labels} labels"));
	}
	Ok(file)
}

/// The embedding hashes of `embeddings` (row-major, `dimension` wide).
pub fn hashes(embeddings: &[i8], dimension: u32) -> Vec<Hash> {
	embeddings.chunks_exact(dimension as usize).map(embedding_hash).collect()
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::cpu::Cpu;

	fn file(labels: Vec<u32>, rows: &[[i8; 4]]) -> StoredFile {
		StoredFile { dimension: 4, labels, embeddings: rows.iter().flatten().copied().collect() }
	}

	#[test]
	fn a_mislabelled_item_a_duplicate_and_a_bad_file_are_reported() {
		// Two clusters: label 0 near (-20, ..), label 1 near (20, ..).
		let published = file(
			vec![0, 0, 1, 1],
			&[[-20, -20, 0, 0], [-21, -19, 1, 0], [20, 20, 0, 0], [19, 21, 0, 1]],
		);
		let good = file(vec![0, 1, 0], &[[-22, -20, 0, 1], [22, 20, 1, 0], [-20, -22, 1, 1]]);
		// Item 1 sits in the label-0 cluster but says 1; item 2 repeats a published item.
		let noisy = file(vec![0, 1, 1], &[[-19, -21, 2, 0], [-20, -20, 0, 1], [20, 20, 0, 0]]);
		let pending = vec![
			Pending { name: "good".into(), bytes: good.encode() },
			Pending { name: "noisy".into(), bytes: noisy.encode() },
			Pending {
				name: "wide".into(),
				bytes: file(vec![0], &[[1, 2, 3, 4]]).encode()[..10].to_vec(),
			},
		];
		let validation = Embeddings::from_i8(4, &published.embeddings).unwrap();
		let reports = audit(
			&Engine::Cpu(Cpu::default()),
			1,
			Published { dimension: 4, num_labels: 2, hashes: &hashes(&published.embeddings, 4) },
			Validation { embeddings: &validation, labels: &published.labels },
			&pending,
			&|_| {},
		)
		.unwrap();
		assert!(reports[0].likely_mislabelled.is_empty(), "{:?}", reports[0]);
		assert!(reports[0].duplicates.is_empty());
		assert_eq!(
			reports[1].likely_mislabelled.iter().map(|s| s.item).collect::<Vec<_>>(),
			vec![1]
		);
		assert_eq!(
			reports[1].duplicates,
			vec![Duplicate { item: 2, of: DuplicateOf::Published { index: 2 } }]
		);
		assert!(reports[0].mean_value > reports[1].mean_value);
		assert!(reports[2].refused.as_deref().unwrap().starts_with("not a Datanet file"));
		assert!(
			reports[1].line().contains("1 likely mislabelled, 1 duplicates"),
			"{}",
			reports[1].line()
		);
	}
}
