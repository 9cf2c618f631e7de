//! Chain specs built from the runtime's genesis presets, with the token properties wallets read
//! (`tokenSymbol` OPEN, `tokenDecimals` 18). Any other `--chain` value is a JSON file.

use openledger_runtime::{
	currency::{DECIMALS, SYMBOL},
	genesis_config_presets::{DEV_RUNTIME_PRESET as DEV, LOCAL_TESTNET_RUNTIME_PRESET as LOCAL},
	PARACHAIN_ID, WASM_BINARY,
};
use polkadot_omni_node_lib::chain_spec::{
	ChainSpec, DiskChainSpecLoader, Extensions, GenericChainSpec, LoadSpec,
};
use sc_chain_spec::{ChainType, Properties};

/// The relay chain a local network runs against (zombienet's default).
const RELAY_CHAIN: &str = "rococo-local";

/// Resolves `--chain` (and `--dev`, which asks for `dev`).
pub struct Loader;

impl LoadSpec for Loader {
	fn load_spec(&self, id: &str) -> Result<Box<dyn ChainSpec>, String> {
		match id {
			"" | "dev" | DEV => Ok(Box::new(development()?)),
			"local" | LOCAL => Ok(Box::new(local_testnet()?)),
			path => DiskChainSpecLoader.load_spec(path),
		}
	}
}

/// Token properties shown by polkadot.js and other wallets.
pub fn properties() -> Properties {
	let mut p = Properties::new();
	p.insert("tokenSymbol".into(), SYMBOL.into());
	p.insert("tokenDecimals".into(), DECIMALS.into());
	p.insert("ss58Format".into(), 42.into());
	p
}

fn wasm() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| {
		"this node was built without the runtime's wasm (SKIP_WASM_BUILD was set); rebuild without it"
			.to_string()
	})
}

/// Single-collator dev chain (Alice), used by `--dev`.
pub fn development() -> Result<GenericChainSpec, String> {
	Ok(GenericChainSpec::builder(wasm()?, Extensions::new(RELAY_CHAIN.into(), PARACHAIN_ID))
		.with_name("OpenLedger Development")
		.with_id("openledger_dev")
		.with_chain_type(ChainType::Development)
		.with_genesis_config_preset_name(DEV)
		.with_protocol_id("openledger-dev")
		.with_properties(properties())
		.build())
}

/// Two-collator network (Alice, Bob) for a local relay chain.
pub fn local_testnet() -> Result<GenericChainSpec, String> {
	Ok(GenericChainSpec::builder(wasm()?, Extensions::new(RELAY_CHAIN.into(), PARACHAIN_ID))
		.with_name("OpenLedger Local Testnet")
		.with_id("openledger_local")
		.with_chain_type(ChainType::Local)
		.with_genesis_config_preset_name(LOCAL)
		.with_protocol_id("openledger-local")
		.with_properties(properties())
		.build())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn built_in_specs_carry_the_open_token_and_their_preset() {
		for (id, expected_id, chain_type) in [
			("dev", "openledger_dev", ChainType::Development),
			("local", "openledger_local", ChainType::Local),
		] {
			let spec = Loader.load_spec(id).expect("built in");
			assert_eq!(spec.id(), expected_id);
			assert_eq!(spec.chain_type(), chain_type);
			let props = spec.properties();
			assert_eq!(props["tokenSymbol"], "OPEN");
			assert_eq!(props["tokenDecimals"], 18);
			// The genesis storage builds from the embedded wasm and its preset.
			let storage = spec.as_storage_builder().build_storage().expect("genesis builds");
			assert!(!storage.top.is_empty());
			let ext = Extensions::try_get(&*spec).expect("extensions");
			assert_eq!(ext.para_id(), Some(PARACHAIN_ID));
		}
	}

	#[test]
	fn unknown_chain_is_a_clear_error() {
		let Err(err) = Loader.load_spec("/nonexistent/spec.json") else {
			panic!("a missing file is refused")
		};
		assert!(err.contains("spec.json") || err.contains("No such file"), "{err}");
	}
}
