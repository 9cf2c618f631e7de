#!/usr/bin/env bash
# Runs every test: the Rust tests of the workspace, then the end-to-end tests against the built
# node. Everything builds in release, as the node does, so the ~1,300 dependencies compile once.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/setup.sh

cargo build --release --locked --workspace
cargo test --release --locked --workspace

(cd tests/e2e && npm test)
