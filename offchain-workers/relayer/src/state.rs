//! What the relayer keeps across restarts: how far it has looked. Only cursors: whether a
//! deposit was attested, a withdrawal signed or a release made is read from the chain and L1
//! each time, so a lost or stale file costs rereading, never a second attestation or release.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursors {
	/// Every deposit in L1 blocks below this one is attested by this member or processed.
	pub l1_block: u64,
	/// The committee epoch `signed` counts in: a new committee re-signs what is not released.
	pub epoch: u64,
	/// Every withdrawal below this nonce carries this member's signature (in `epoch`) or is
	/// released or cancelled on L1.
	pub signed: u64,
	/// Every withdrawal below this nonce is released or cancelled on L1.
	pub released: u64,
}

/// The cursors' file: `relayer.json` in the state directory, replaced atomically.
pub struct StateFile {
	path: PathBuf,
}

impl StateFile {
	pub fn open(dir: &Path) -> Result<StateFile> {
		std::fs::create_dir_all(dir)
			.with_context(|| format!("creating the state directory {}", dir.display()))?;
		Ok(StateFile { path: dir.join("relayer.json") })
	}

	/// The saved cursors, or `start` for the L1 block and zeros if there are none. A file that
	/// does not parse is reported and started over: the chain and L1 say what was done.
	pub fn load(&self, start: u64) -> Cursors {
		let fresh = Cursors { l1_block: start, ..Cursors::default() };
		let Ok(text) = std::fs::read_to_string(&self.path) else { return fresh };
		match serde_json::from_str::<Cursors>(&text) {
			Ok(c) => Cursors { l1_block: c.l1_block.max(start), ..c },
			Err(e) => {
				tracing::warn!(file = %self.path.display(), error = %e, "unreadable state; starting over from the configured L1 block");
				fresh
			},
		}
	}

	pub fn save(&self, c: &Cursors) -> Result<()> {
		let tmp = self.path.with_extension("json.tmp");
		std::fs::write(&tmp, serde_json::to_vec_pretty(c)?)
			.with_context(|| format!("writing {}", tmp.display()))?;
		std::fs::rename(&tmp, &self.path)
			.with_context(|| format!("replacing {}", self.path.display()))?;
		Ok(())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn cursors_survive_a_restart_and_a_corrupt_file_starts_over() {
		let dir = std::env::temp_dir().join(format!("relayer-state-{}", std::process::id()));
		let file = StateFile::open(&dir).unwrap();
		assert_eq!(file.load(7), Cursors { l1_block: 7, ..Default::default() });
		let c = Cursors { l1_block: 40, epoch: 2, signed: 5, released: 3 };
		file.save(&c).unwrap();
		assert_eq!(StateFile::open(&dir).unwrap().load(7), c);
		// A later configured start wins over an older cursor.
		assert_eq!(file.load(50).l1_block, 50);
		std::fs::write(dir.join("relayer.json"), "{ not json").unwrap();
		assert_eq!(file.load(7), Cursors { l1_block: 7, ..Default::default() });
		std::fs::remove_dir_all(&dir).unwrap();
	}
}
