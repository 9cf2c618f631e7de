//! `openledger-relayer`: a bridge committee member's daemon (docs/bridge.md, "The relayer").
//! It attests L1 deposits to the chain, signs the chain's burns for release on L1, and submits
//! releases, with `relay` doing the work and this file reading its configuration.

mod chain;
mod l1;
mod relay;
mod state;

use alloy::signers::local::PrivateKeySigner;
use anyhow::{bail, Context};
use clap::Parser;
use std::{net::SocketAddr, path::PathBuf, time::Duration};

/// The relayer's options. Each can also be set in the `--config` TOML file, under the same name
/// with underscores (`state_dir = "..."`); a flag overrides the file.
#[derive(Parser, Debug, Default, serde::Deserialize)]
#[command(name = "openledger-relayer", version, about = "OPEN bridge relayer")]
#[serde(deny_unknown_fields)]
struct Args {
	/// A TOML file with any of the options below.
	#[arg(long)]
	#[serde(skip)]
	config: Option<PathBuf>,
	/// The chain node's WebSocket RPC endpoint [default: ws://127.0.0.1:9944].
	#[arg(long)]
	node: Option<String>,
	/// A file holding the member's account secret on the chain: a mnemonic, a 0x-prefixed seed,
	/// or either with derivation paths (`//hard/soft`).
	#[arg(long, conflicts_with = "dev_seed")]
	key_file: Option<PathBuf>,
	/// A development account key instead, such as `//Alice`.
	#[arg(long)]
	dev_seed: Option<String>,
	/// A file holding the member's Ethereum signing key: 32 bytes in hex (0x optional).
	#[arg(long)]
	eth_key_file: Option<PathBuf>,
	/// A file holding the key that pays for `release` and `execute` on L1 [default: the signing
	/// key].
	#[arg(long)]
	l1_sender_key_file: Option<PathBuf>,
	/// The L1 node's HTTP JSON-RPC endpoint [default: http://127.0.0.1:8545].
	#[arg(long)]
	l1: Option<String>,
	/// The bridge contract's address on L1.
	#[arg(long)]
	contract: Option<String>,
	/// The first L1 block to read deposits from: the contract's deployment [default: 0].
	#[arg(long)]
	start_block: Option<u64>,
	/// Where the cursors are kept [default: ./relayer-state].
	#[arg(long)]
	state_dir: Option<PathBuf>,
	/// Serve Prometheus metrics on this address.
	#[arg(long)]
	metrics: Option<SocketAddr>,
	/// Milliseconds between rounds [default: 1000].
	#[arg(long)]
	poll_ms: Option<u64>,
	/// Do not submit `release` or `execute` on L1 (only attest and sign).
	#[arg(long)]
	#[serde(default)]
	no_releases: bool,
	/// Seconds each member waits after the one before it to take a release's turn
	/// [default: 30].
	#[arg(long)]
	takeover_secs: Option<u64>,
}

fn main() -> anyhow::Result<()> {
	tracing_subscriber::fmt()
		.with_env_filter(
			tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
		)
		.with_writer(std::io::stderr)
		.init();
	let opts = options(Args::parse())?;
	let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
	runtime.block_on(relay::run(opts, openledger_chain::shutdown_signal()))
}

/// The options from the flags over the file, each checked.
fn options(flags: Args) -> anyhow::Result<relay::Options> {
	let mut args = match &flags.config {
		Some(path) => {
			let text = std::fs::read_to_string(path)
				.with_context(|| format!("reading {}", path.display()))?;
			toml::from_str::<Args>(&text).with_context(|| format!("parsing {}", path.display()))?
		},
		None => Args::default(),
	};
	args.node = flags.node.or(args.node);
	args.key_file = flags.key_file.or(args.key_file);
	args.dev_seed = flags.dev_seed.or(args.dev_seed);
	args.eth_key_file = flags.eth_key_file.or(args.eth_key_file);
	args.l1_sender_key_file = flags.l1_sender_key_file.or(args.l1_sender_key_file);
	args.l1 = flags.l1.or(args.l1);
	args.contract = flags.contract.or(args.contract);
	args.start_block = flags.start_block.or(args.start_block);
	args.state_dir = flags.state_dir.or(args.state_dir);
	args.metrics = flags.metrics.or(args.metrics);
	args.poll_ms = flags.poll_ms.or(args.poll_ms);
	args.no_releases |= flags.no_releases;
	args.takeover_secs = flags.takeover_secs.or(args.takeover_secs);

	let signer = openledger_chain::keys::load(args.key_file.as_deref(), args.dev_seed.as_deref())?;
	let eth_key = read_eth_key(
		args.eth_key_file.as_deref().context("no Ethereum key: give --eth-key-file")?,
	)?;
	let l1_sender = match args.l1_sender_key_file.as_deref() {
		Some(path) => read_eth_key(path)?,
		None => eth_key.clone(),
	};
	let contract = args.contract.as_deref().context("no bridge contract: give --contract")?;
	let contract = parse_address(contract)?;
	let poll = Duration::from_millis(args.poll_ms.unwrap_or(1_000));
	if poll.is_zero() {
		bail!("--poll-ms must be above 0");
	}
	Ok(relay::Options {
		node: args.node.unwrap_or_else(|| "ws://127.0.0.1:9944".into()),
		signer,
		eth_key,
		l1: args.l1.unwrap_or_else(|| "http://127.0.0.1:8545".into()),
		l1_sender,
		contract,
		start_block: args.start_block.unwrap_or(0),
		state_dir: args.state_dir.unwrap_or_else(|| PathBuf::from("relayer-state")),
		metrics: args.metrics,
		poll,
		submit_releases: !args.no_releases,
		takeover: Duration::from_secs(args.takeover_secs.unwrap_or(30)),
	})
}

/// An Ethereum key from a file of 64 hex digits (0x optional).
fn read_eth_key(path: &std::path::Path) -> anyhow::Result<PrivateKeySigner> {
	let text = std::fs::read_to_string(path)
		.with_context(|| format!("reading the Ethereum key file {}", path.display()))?;
	text.trim()
		.parse::<PrivateKeySigner>()
		.map_err(|e| anyhow::anyhow!("{} is not a secp256k1 key in hex: {e}", path.display()))
}

/// A 20-byte address in hex (0x optional).
fn parse_address(text: &str) -> anyhow::Result<[u8; 20]> {
	let address: alloy::primitives::Address =
		text.trim().parse().with_context(|| format!("{text} is not an Ethereum address"))?;
	if address.is_zero() {
		bail!("the bridge contract cannot be the zero address");
	}
	Ok(address.0 .0)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn flags_override_the_file_and_bad_values_are_refused() {
		let parsed: Args = toml::from_str(
			"node = \"ws://n:1\"\ncontract = \"0x5FbDB2315678afecb367f032d93F642f64180aa3\"\nstart_block = 9\n",
		)
		.unwrap();
		assert_eq!(parsed.start_block, Some(9));
		assert!(toml::from_str::<Args>("colour = \"blue\"\n").is_err());
		assert!(parse_address("0x0000000000000000000000000000000000000000").is_err());
		assert!(parse_address("0x12").is_err());
		assert_eq!(parse_address("0x5FbDB2315678afecb367f032d93F642f64180aa3").unwrap()[0], 0x5f);
	}
}
