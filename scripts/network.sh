#!/usr/bin/env bash
# Starts a local relay-chain network with this parachain's collators (zombienet/local.toml): two
# rococo-local validators (alice, bob) and two collators (charlie, dave) of para 2000, every node a
# process of this machine (zombienet's native provider). Installs what is missing and builds the
# relay chain node, its workers and the collator first. Ctrl-C stops the network.
# Extra arguments go to `zombienet`, e.g. `scripts/network.sh -d /tmp/net` to keep its files.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/setup.sh
cargo build --release --locked --workspace
# zombienet itself, missing a binary, would suggest its `setup` command, which downloads binaries:
# say instead what builds them.
for bin in polkadot polkadot-prepare-worker polkadot-execute-worker openledger-node; do
  if [ ! -x "$CARGO_TARGET_DIR/release/$bin" ]; then
    echo "network: $bin not found in $CARGO_TARGET_DIR/release: build it with \`cargo build --release --locked --workspace\`" >&2
    exit 1
  fi
done
export PATH="$CARGO_TARGET_DIR/release:$PATH"
exec zombienet/node_modules/.bin/zombienet -p native "$@" spawn zombienet/local.toml
