#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build and test the project. Idempotent: on a
# machine that has everything it only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
# mesa-vulkan-drivers and libvulkan1 give wgpu a Vulkan adapter (lavapipe) on a machine without a
# GPU, so the attribution kernels are tested everywhere.
for pkg in protobuf-compiler clang libclang-dev mold pkg-config libssl-dev mesa-vulkan-drivers libvulkan1; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

# The runtime is built to wasm: the target and the standard library's source.
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
rustup component list --installed | grep -q '^rust-src' || rustup component add rust-src
rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
rustup component list --installed | grep -q '^clippy' || rustup component add clippy

# The mislabel-detection test's Python packages.
if ! python3 -c "import numpy, sklearn" 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check -r offchain-workers/worker/quality/requirements.txt
fi

# The end-to-end tests' npm packages, exactly as locked.
if [ ! -d tests/e2e/node_modules/@polkadot/api ] || [ ! -d tests/e2e/node_modules/viem ]; then
  (cd tests/e2e && npm ci --no-audit --no-fund)
fi

# The zombienet CLI and the network tests' packages, exactly as locked (zombienet/package.json:
# zombienet's own `toml` dependency names a git URL, which `overrides` replaces by the registry's).
if [ ! -d zombienet/node_modules/@zombienet/cli ]; then
  (cd zombienet && npm ci --no-audit --no-fund)
fi

# The L1 contracts' toolchain (forge, anvil, solc-js, OpenZeppelin), exactly as locked.
if [ ! -x contracts/node_modules/.bin/forge ]; then
  (cd contracts && npm ci --no-audit --no-fund)
fi
