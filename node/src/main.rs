//! `openledger-node`: the collator of the OpenLedger appchain.
//!
//! All of the node is `polkadot-omni-node-lib`; this crate adds only what is ours: the name and
//! version, and the chain specs built from the runtime's genesis presets (so `--dev` needs no
//! file). It stays this thin so that a runtime change recompiles the runtime and relinks, no
//! more.

mod chain_spec;

use polkadot_omni_node_lib::{run, runtime::DefaultRuntimeResolver, CliConfig, RunConfig};

struct Cli;

impl CliConfig for Cli {
	fn impl_version() -> String {
		format!("{}-{}", env!("CARGO_PKG_VERSION"), polkadot_omni_node_lib::NODE_VERSION)
	}

	fn author() -> String {
		"OpenLedger appchain developers".into()
	}

	fn support_url() -> String {
		"https://github.com/openledger/openledger-appchain/issues".into()
	}

	fn copyright_start_year() -> u16 {
		2026
	}
}

// `sc_cli::Error` is large; it is returned once, at exit.
#[allow(clippy::result_large_err)]
fn main() -> sc_cli::Result<()> {
	let config = RunConfig::new(Box::new(DefaultRuntimeResolver), Box::new(chain_spec::Loader));
	run::<Cli>(config)
}
