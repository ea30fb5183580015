#!/usr/bin/env bash
# Install what building and testing need, on a fresh Debian machine with Rust (rustup) and
# Node 20.19+. Each step is skipped when its result is already there, so this is cheap to rerun.
#   scripts/setup.sh            the build: wasm target, wasm-bindgen-cli, npm packages
#   scripts/setup.sh browser    the tests too: Chromium (the demo page's end-to-end test), promtool
#                               and prometheus_client (the metrics test's two parsers)
set -euo pipefail
cd "$(dirname "$0")/.."

# Must equal the `wasm-bindgen` version pinned in Cargo.toml.
WASM_BINDGEN_VERSION=0.2.130

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "setup: adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  echo "setup: installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes)"
  # No --locked: its lock file names a crate version some registries lack.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# npm ci when node_modules is missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi

if [ "${1:-}" = "browser" ] && ! [ -x /usr/bin/chromium ]; then
  echo "setup: installing Chromium from Debian"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# tests/js/metrics.test.mjs checks formatMetrics' text with two parsers: `promtool check metrics`
# (Debian's prometheus package; 2.42 in bookworm) and Python's prometheus_client text parser.
# The pin keeps the second parser's behaviour from changing under the test.
PROMETHEUS_CLIENT_VERSION=0.21.1
if [ "${1:-}" = "browser" ] && ! command -v promtool >/dev/null; then
  echo "setup: installing promtool (Debian's prometheus package)"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi
if [ "${1:-}" = "browser" ] &&
  [ "$(python3 -c 'import importlib.metadata as m; print(m.version("prometheus_client"))' 2>/dev/null)" != "$PROMETHEUS_CLIENT_VERSION" ]; then
  echo "setup: installing prometheus_client $PROMETHEUS_CLIENT_VERSION (PyPI)"
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore "prometheus_client==$PROMETHEUS_CLIENT_VERSION"
fi
