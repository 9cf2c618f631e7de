#!/usr/bin/env bash
# Runs every test: the Rust tests of the workspace, the pallets' benchmarks as tests, the
# off-chain workers' tests and quality check, then the end-to-end tests against the built node.
# Everything builds in release, as the node does, so the ~1,300 dependencies compile once.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/setup.sh

# House style first: it fails in seconds (rustfmt.toml).
cargo fmt --all --check
(cd offchain-workers && CARGO_TARGET_DIR="$WORKERS_TARGET_DIR" cargo fmt --all --check)
# Lints, warnings as errors, every target of both workspaces. In release, like the build below,
# so they share its build scripts and proc macros; only the crates' checks are clippy's own.
cargo clippy --release --locked --workspace --all-targets -- -D warnings
(cd offchain-workers && CARGO_TARGET_DIR="$WORKERS_TARGET_DIR" cargo clippy --release --locked --all-targets -- -D warnings)

# The L1 bridge contracts: formatting, a lint-clean build, then unit, fuzz and invariant
# tests with forge on its EVM (contracts/foundry.toml).
(cd contracts && npx forge fmt --check && npx forge build --deny warnings && npx forge test)

cargo build --release --locked --workspace
cargo test --release --locked --workspace
# The benchmarks, run as tests against the pallets' mocks: every benchmark's setup and its
# assertions must hold, or `scripts/bench.sh` would fail when weights are regenerated. The
# `runtime-benchmarks` feature changes the whole FRAME dependency tree, so this builds in debug
# in a target dir of its own, leaving the release tree above untouched.
CARGO_TARGET_DIR="${PALLET_TEST_TARGET_DIR:-$HOME/.cache/openledger/dev-target}" SKIP_WASM_BUILD=1 \
  cargo test --locked -p pallet-attribution -p pallet-datanets -p pallet-models -p pallet-reputation -p pallet-rewards -p pallet-bridge --features runtime-benchmarks benchmark

# The off-chain workers are a workspace of their own (see offchain-workers/Cargo.toml). Their
# tests run the attribution kernels on whatever adapter wgpu finds: lavapipe on a machine
# without a GPU.
(cd offchain-workers && export CARGO_TARGET_DIR="$WORKERS_TARGET_DIR" && cargo build --release --locked && cargo test --release --locked)
# Mislabel detection on two of scikit-learn's data sets, on both paths: the worker's AUROC, over
# each query's T nearest, must be within 0.01 of the exact float64 one over all items, and its
# values within fixed-point rounding of a float64 reference over the same T. The default T
# (1,024) keeps 79% of digits' 1,297 training items and all of breast_cancer's 398; T = 40
# keeps 3% and 10%.
for dataset in digits breast_cancer; do
  python3 offchain-workers/worker/quality/mislabel.py --dataset "$dataset" --device cpu
  python3 offchain-workers/worker/quality/mislabel.py --dataset "$dataset" --device gpu
  python3 offchain-workers/worker/quality/mislabel.py --dataset "$dataset" --device cpu --top-t 40
done

(cd tests/e2e && npm test)
# Relay-chain networks (zombienet/): the collators on a rococo-local relay chain of two
# validators, built above by the workspace's relay-node crate. Smoke, failover, runtime upgrade.
(cd zombienet && npm test)
