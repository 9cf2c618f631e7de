# Sourced by the scripts: one cargo target dir outside the clone, shared by every checkout and by
# CI, so a machine that has built the node once never builds it from scratch again.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/openledger/target}"
# The off-chain daemons are a workspace of their own (offchain-workers/Cargo.toml) with a
# dependency tree of their own, so they build in a target dir of their own: building them never
# waits on the node's build, nor the other way round.
export WORKERS_TARGET_DIR="${WORKERS_TARGET_DIR:-$HOME/.cache/openledger/workers-target}"
