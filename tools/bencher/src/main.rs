//! `openledger-bencher`: the `benchmark pallet` command of polkadot-sdk, run against a runtime
//! wasm file (`--runtime`), so our weights can be measured without building a second node with
//! the `runtime-benchmarks` feature (that would recompile the whole node). See
//! `docs/BENCHMARKS.md` for the command that regenerates every `weights.rs`.

use frame_benchmarking_cli::PalletCmd;
use sc_cli::clap::{self, Parser};
use sp_runtime::traits::BlakeTwo256;

/// Host functions a Cumulus runtime may call beyond the standard ones: the storage proof size
/// that weight reclaim reads.
type HostFunctions =
	(cumulus_primitives_proof_size_hostfunction::storage_proof_size::HostFunctions,);

#[derive(Parser)]
#[command(name = "openledger-bencher", about = "Benchmark FRAME pallets in a runtime wasm")]
enum Command {
	/// Benchmark the extrinsics of pallets (the same flags as `frame-omni-bencher v1 benchmark
	/// pallet`; pass `--runtime <wasm>`).
	Pallet(PalletCmd),
}

// `sc_cli::Error` is large; it is returned once, at exit.
#[allow(clippy::result_large_err)]
fn main() -> sc_cli::Result<()> {
	// The benchmark CLI reports progress and warnings through `log`.
	sc_cli::LoggerBuilder::new("").init()?;
	match Command::parse() {
		Command::Pallet(cmd) => cmd.run_with_spec::<BlakeTwo256, HostFunctions>(None),
	}
}
