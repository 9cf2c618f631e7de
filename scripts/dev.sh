#!/usr/bin/env bash
# Installs what is missing, builds the node (release), and starts the dev chain:
# one collator (Alice), a block every 3 s, RPC on 127.0.0.1:9944, state in a temporary dir.
# Extra arguments go to the node, e.g. `scripts/dev.sh --base-path /tmp/ol` to keep the chain.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/setup.sh
# The whole workspace, as the tests build it: `-p openledger-node` alone would resolve other
# features (relay-node/Cargo.toml) and rebuild the polkadot-sdk tree a second time.
cargo build --release --locked --workspace
exec "$CARGO_TARGET_DIR/release/openledger-node" --dev "$@"
