# Sourced by the scripts: one cargo target dir outside the clone, shared by every checkout and by
# CI, so a machine that has built the node once never builds it from scratch again.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/openledger/target}"
