//! What the daemon must not forget across a crash: for each job it committed to, the round,
//! the salt and the result. It is written (atomically: a temporary file, then a rename) before
//! the commit is submitted, so a restarted daemon reveals what it committed to and never
//! commits anything else for that round.
//!
//! It also keeps the leaves opened of other workers' results (`opened-JOB-RESULT.scale`, the
//! SCALE encoding of the list), so that a restarted daemon goes on with its search where it
//! was instead of asking again for what it already got.

use super::chain::AccountId;
use anyhow::{Context, Result};
use codec::{Decode, Encode};
use openledger_primitives::{attribution::batch::search::Opening, merkle::Hash};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// One job's commitment: the roots and totals of the result it commits to.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct JobState {
	pub job: u64,
	pub round: u32,
	#[serde(with = "hex32")]
	pub salt: [u8; 32],
	#[serde(with = "hex32")]
	pub queries: Hash,
	#[serde(with = "hex32")]
	pub credits: Hash,
	/// The contributor totals, the SCALE encoding of `Vec<(AccountId, u128)>` in hex.
	pub totals: String,
	/// Unix milliseconds when the assignment was first seen.
	pub seen_ms: u64,
	/// The block this state was computed at; older blocks are not used to judge the job.
	pub seen_block: u64,
}

impl JobState {
	/// Encodes `totals` for the state file.
	pub fn encode_totals(totals: &[(AccountId, u128)]) -> String {
		openledger_primitives::hex::to_hex(&totals.to_vec().encode())
	}

	/// The totals it committed to.
	pub fn totals(&self) -> Result<Vec<(AccountId, u128)>> {
		let bytes = parse_hex(&self.totals).context("the state's totals are not hex")?;
		Ok(Vec::decode(&mut &bytes[..])?)
	}
}

fn parse_hex(s: &str) -> Option<Vec<u8>> {
	let s = s.strip_prefix("0x")?;
	(0..s.len())
		.step_by(2)
		.map(|i| s.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok()))
		.collect()
}

/// The states of one worker key, one JSON file per job.
pub struct StateDir {
	dir: PathBuf,
}

impl StateDir {
	pub fn open(dir: &Path) -> Result<StateDir> {
		std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
		Ok(StateDir { dir: dir.to_path_buf() })
	}

	fn path(&self, job: u64) -> PathBuf {
		self.dir.join(format!("job-{job}.json"))
	}

	pub fn save(&self, state: &JobState) -> Result<()> {
		let tmp = self.dir.join(format!(".job-{}.json.tmp", state.job));
		std::fs::write(&tmp, serde_json::to_vec_pretty(state)?)
			.with_context(|| format!("writing {}", tmp.display()))?;
		std::fs::rename(&tmp, self.path(state.job)).context("renaming the state file")?;
		Ok(())
	}

	/// Forgets a job: its state and every opened entry kept for it.
	pub fn remove(&self, job: u64) {
		let _ = std::fs::remove_file(self.path(job));
		let prefix = format!("opened-{job}-");
		if let Ok(entries) = std::fs::read_dir(&self.dir) {
			for entry in entries.flatten() {
				if entry.file_name().to_string_lossy().starts_with(&prefix) {
					let _ = std::fs::remove_file(entry.path());
				}
			}
		}
	}

	fn opened_path(&self, job: u64, result: &Hash) -> PathBuf {
		self.dir.join(format!(
			"opened-{job}-{}.scale",
			openledger_primitives::hex::to_hex(result).trim_start_matches("0x")
		))
	}

	/// Keeps every leaf opened so far of `result` (written to a temporary file, then renamed).
	pub fn save_opened(
		&self,
		job: u64,
		result: &Hash,
		opened: &[Opening<AccountId>],
	) -> Result<()> {
		let path = self.opened_path(job, result);
		let tmp = path.with_extension("scale.tmp");
		std::fs::write(&tmp, opened.to_vec().encode())
			.with_context(|| format!("writing {}", tmp.display()))?;
		std::fs::rename(&tmp, &path).context("renaming the opened-entries file")?;
		Ok(())
	}

	/// The leaves kept for `result`; none if there is no file, and none (reported) if it does
	/// not decode.
	pub fn load_opened(&self, job: u64, result: &Hash) -> Vec<Opening<AccountId>> {
		let path = self.opened_path(job, result);
		let Ok(bytes) = std::fs::read(&path) else { return Vec::new() };
		Vec::<Opening<AccountId>>::decode(&mut &bytes[..]).unwrap_or_else(|e| {
			tracing::warn!(file = %path.display(), error = %e, "ignoring an unreadable opened-entries file");
			Vec::new()
		})
	}

	/// Every readable state; an unreadable file is reported and skipped.
	pub fn load_all(&self) -> Vec<JobState> {
		let Ok(entries) = std::fs::read_dir(&self.dir) else { return Vec::new() };
		let mut out = Vec::new();
		for entry in entries.flatten() {
			let path = entry.path();
			if path.extension().is_some_and(|e| e == "json") {
				match std::fs::read(&path)
					.map_err(anyhow::Error::from)
					.and_then(|b| Ok(serde_json::from_slice(&b)?))
				{
					Ok(state) => out.push(state),
					Err(e) => {
						tracing::warn!(file = %path.display(), error = %e, "skipping an unreadable state file")
					},
				}
			}
		}
		out
	}
}

mod hex32 {
	use serde::{de::Error, Deserialize, Deserializer, Serializer};

	pub fn serialize<S: Serializer>(v: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
		s.serialize_str(&openledger_primitives::hex::to_hex(v))
	}

	pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
		let s = String::deserialize(d)?;
		openledger_primitives::hex::parse_hash(&s).map_err(|e| D::Error::custom(format!("{e:?}")))
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn states_survive_a_restart_and_bad_files_are_skipped() {
		use openledger_primitives::{
			attribution::{batch::ProvenQuery, batch::QueryRecord, check::ProvenEntry, Entry},
			merkle::MerkleProof,
		};
		let dir =
			std::env::temp_dir().join(format!("openledger-state-test-{}", std::process::id()));
		let states = StateDir::open(&dir).unwrap();
		let totals = vec![(AccountId::from([1u8; 32]), 5u128 << 70)];
		let state = JobState {
			job: 4,
			round: 1,
			salt: [3; 32],
			queries: [5; 32],
			credits: [6; 32],
			totals: JobState::encode_totals(&totals),
			seen_ms: 17,
			seen_block: 3,
		};
		states.save(&state).unwrap();
		std::fs::write(dir.join("job-5.json"), b"{ not json").unwrap();
		let reopened = StateDir::open(&dir).unwrap();
		assert_eq!(reopened.load_all(), vec![state.clone()]);
		assert_eq!(state.totals().unwrap(), totals);
		let proof = MerkleProof { leaf_index: 2, leaf_count: 5, siblings: vec![[9; 32]] };
		let opened = Opening::Entry {
			record: ProvenQuery {
				record: QueryRecord { root: [1; 32], paid_sum: 3 },
				proof: proof.clone(),
			},
			entry: ProvenEntry { entry: Entry { rank: 2, index: 7, distance: 1, value: 3 }, proof },
		};
		reopened.save_opened(4, &[6; 32], std::slice::from_ref(&opened)).unwrap();
		assert_eq!(StateDir::open(&dir).unwrap().load_opened(4, &[6; 32]), vec![opened]);
		std::fs::write(reopened.opened_path(4, &[8; 32]), b"\xff").unwrap();
		assert!(reopened.load_opened(4, &[8; 32]).is_empty(), "a bad file is ignored");
		reopened.remove(4);
		reopened.remove(5);
		assert!(reopened.load_all().is_empty());
		assert!(
			reopened.load_opened(4, &[6; 32]).is_empty(),
			"removing a job forgets its opened entries"
		);
		std::fs::remove_dir_all(&dir).unwrap();
	}
}
