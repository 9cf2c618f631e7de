#!/usr/bin/env bash
# Measures our pallets' weights and rewrites their `weights.rs`: builds the runtime wasm with
# `runtime-benchmarks` (in its own target dir, so the node's build is not disturbed), then runs
# `openledger-bencher pallet` on it. See docs/BENCHMARKS.md.
#
#   scripts/bench.sh                 # every pallet of ours
#   scripts/bench.sh pallet_datanets # one
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
BENCH_TARGET_DIR="${BENCH_TARGET_DIR:-$HOME/.cache/openledger/bench-target}"

CARGO_TARGET_DIR="$BENCH_TARGET_DIR" cargo build --release --locked -p openledger-runtime --features runtime-benchmarks
# The whole workspace, not `-p openledger-bencher`: building one crate alone unifies features
# differently and recompiles much of the node's dependency tree.
cargo build --release --locked --workspace
wasm="$BENCH_TARGET_DIR/release/wbuild/openledger-runtime/openledger_runtime.compact.compressed.wasm"

pallets=("$@")
[ ${#pallets[@]} -eq 0 ] && pallets=(pallet_attribution pallet_datanets pallet_models pallet_reputation pallet_rewards pallet_bridge)
for pallet in "${pallets[@]}"; do
  dir="pallets/${pallet#pallet_}/src"
  "$CARGO_TARGET_DIR/release/openledger-bencher" pallet \
    --runtime "$wasm" \
    --genesis-builder runtime --genesis-builder-preset development \
    --pallet "$pallet" --extrinsic '*' \
    --steps 50 --repeat 20 \
    --template .maintain/frame-weight-template.hbs \
    --output "$dir/weights.rs"
done
