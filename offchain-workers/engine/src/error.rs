//! The worker library's errors, each with the values that explain it.

use std::path::PathBuf;

/// Everything the attribution engine and its file formats can refuse.
#[derive(Debug, thiserror::Error)]
pub enum Error {
	/// A file could not be read or written.
	#[error("{path}: {source}")]
	Io {
		/// The file.
		path: PathBuf,
		/// What the OS said.
		source: std::io::Error,
	},
	/// A `.npy` file is not one this worker reads.
	#[error("{path}: {reason}")]
	Npy {
		/// The file.
		path: PathBuf,
		/// What is wrong with it.
		reason: String,
	},
	/// Inputs whose shapes do not fit together or break the spec's limits.
	#[error("invalid input: {0}")]
	Shape(String),
	/// A Datanet export whose files do not match what it declares.
	#[error("Datanet export {path}: {reason}")]
	Export {
		/// The export's directory.
		path: PathBuf,
		/// What did not match.
		reason: String,
	},
	/// No GPU adapter (not even a software one such as lavapipe) could be opened.
	#[error("no GPU adapter found: {0}. Install a Vulkan driver (on Debian: mesa-vulkan-drivers libvulkan1 for lavapipe) or use --device cpu")]
	NoAdapter(String),
	/// The GPU device failed or a buffer could not be read back.
	#[error("GPU: {0}")]
	Gpu(String),
}

/// The worker library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
