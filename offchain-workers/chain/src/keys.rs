//! A daemon's sr25519 key: a secret URI (a mnemonic or a hex seed, with an optional
//! derivation path, or a dev seed such as `//Alice`), given directly or in a file.

use crate::{Error, Signer};
use std::path::Path;

/// The key pair of secret URI `secret` (surrounding whitespace ignored).
pub fn from_uri(secret: &str) -> Result<Signer, Error> {
	let uri: subxt_signer::SecretUri = secret
		.trim()
		.parse()
		.map_err(|e| Error::Key(format!("the key is not a secret URI: {e}")))?;
	Signer::from_uri(&uri)
		.map_err(|e| Error::Key(format!("the key does not make an sr25519 key pair: {e}")))
}

/// The key pair from a key file, or from a dev seed: exactly one of the two.
pub fn load(key_file: Option<&Path>, dev_seed: Option<&str>) -> Result<Signer, Error> {
	let secret = match (key_file, dev_seed) {
		(Some(path), None) => std::fs::read_to_string(path)
			.map_err(|e| Error::Key(format!("reading the key file {}: {e}", path.display())))?,
		(None, Some(seed)) => seed.to_string(),
		(Some(_), Some(_)) => {
			return Err(Error::Key("give either a key file or a dev seed, not both".into()))
		},
		(None, None) => return Err(Error::Key("no key: give --key-file or --dev-seed".into())),
	};
	from_uri(&secret)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn dev_seeds_files_and_refusals() {
		let alice = load(None, Some("//Alice")).unwrap();
		let dir = std::env::temp_dir().join(format!("chain-keys-{}", std::process::id()));
		std::fs::create_dir_all(&dir).unwrap();
		let file = dir.join("key");
		std::fs::write(&file, "//Alice\n").unwrap();
		let from_file = load(Some(&file), None).unwrap();
		let missing = dir.join("missing");
		assert_eq!(alice.public_key().0, from_file.public_key().0);
		for (file, seed, expected) in [
			(None, None, "no key"),
			(Some(file.as_path()), Some("//Bob"), "not both"),
			(Some(missing.as_path()), None, "reading the key file"),
			(None, Some("not a // valid uri with spaces"), "sr25519"),
		] {
			let message = load(file, seed).map(|_| ()).unwrap_err().to_string();
			assert!(message.contains(expected) || message.contains("secret URI"), "{message}");
		}
	}
}
