//! `openledger-node`: the collator of the OpenLedger appchain.
//!
//! All of the node is `polkadot-omni-node-lib`; this crate adds only what is ours: the name and
//! version, and the chain specs built from the runtime's genesis presets (so `--dev` needs no
//! file), and a check before starting against a relay chain that it registers this parachain
//! (`relay_check`). It stays this thin so that a runtime change recompiles the runtime and
//! relinks, no more.

mod chain_spec;
mod relay_check;

use polkadot_omni_node_lib::{
	chain_spec::LoadSpec, run, runtime::DefaultRuntimeResolver, CliConfig, RunConfig,
};

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
	if let Err(err) = check_relay_registration() {
		eprintln!("Error: {err}");
		std::process::exit(1);
	}
	let config = RunConfig::new(Box::new(DefaultRuntimeResolver), Box::new(chain_spec::Loader));
	run::<Cli>(config)
}

/// When the node is started to run (no subcommand, not `--dev`) with a relay chain spec file
/// after `--`: refuses to start if that relay chain's genesis registers other parachains but not
/// this one, or this one with another genesis (`relay_check`). Arguments that do not parse are
/// left to the node's own parser, which reports them.
fn check_relay_registration() -> Result<(), String> {
	use clap::Parser;
	let Ok(cli) = polkadot_omni_node_lib::cli::Cli::<Cli>::try_parse() else { return Ok(()) };
	if cli.subcommand.is_some() || cli.run.base.shared_params.dev {
		return Ok(());
	}
	let Some(path) = relay_check::relay_chain_arg(&cli.relay_chain_args) else { return Ok(()) };
	// Not a file: a relay chain known by name, whose genesis registers no parachain.
	let Ok(file) = std::fs::read(path) else { return Ok(()) };
	let relay: serde_json::Value = serde_json::from_slice(&file)
		.map_err(|e| format!("the relay chain spec {path} is not JSON: {e}"))?;
	let id = cli.run.base.shared_params.chain.clone().unwrap_or_default();
	let spec = chain_spec::Loader.load_spec(&id)?;
	let genesis = relay_check::genesis_of(&*spec)?;
	relay_check::check(&genesis, &relay)
		.map(|verdict| {
			if verdict == relay_check::Verdict::Registered {
				eprintln!(
					"The relay chain's genesis registers para {} with this chain spec's genesis",
					genesis.para_id
				);
			}
		})
		.map_err(|e| format!("{e} (relay chain spec: {path})"))
}
