#!/usr/bin/env bash
# Install what building and testing need, on a fresh Debian machine with Rust (rustup) and
# Node 20.19+. Each step is skipped when its result is already there, so this is cheap to rerun.
#   scripts/setup.sh            the build: wasm target, wasm-bindgen-cli, npm packages
#   scripts/setup.sh browser    the tests too: Chromium (the demo page's end-to-end test), promtool
#                               and prometheus_client (the metrics test's two parsers)
#   scripts/setup.sh browser matrix
#                               also the environment matrix's tools (tests/matrix: Node versions,
#                               Bun, Deno, wrangler, the bundlers; npm ci, about 2 minutes cold)
set -euo pipefail
cd "$(dirname "$0")/.."

# The wasm-bindgen CLI must be the exact version of the `wasm-bindgen` crate (it refuses a .wasm
# made by another macro version). The pin is written once, in Cargo.toml (`wasm-bindgen = "=X"`);
# Cargo.lock must have resolved the same version.
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\([0-9][0-9.]*\)".*/\1/p' Cargo.toml)
if [ -z "$WASM_BINDGEN_VERSION" ]; then
  echo 'setup: Cargo.toml has no exact pin wasm-bindgen = "=X.Y.Z"; the CLI version cannot be chosen' >&2
  exit 1
fi
LOCKED=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ "$LOCKED" != "$WASM_BINDGEN_VERSION" ]; then
  echo "setup: Cargo.toml pins wasm-bindgen $WASM_BINDGEN_VERSION but Cargo.lock has '${LOCKED}'; run cargo update -p wasm-bindgen" >&2
  exit 1
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "setup: adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  echo "setup: installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes)"
  # No --locked: its lock file names a crate version some registries lack.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi
installed=$(wasm-bindgen --version 2>&1) || installed="no wasm-bindgen on PATH ($installed)"
if [ "$installed" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  echo "setup: wasm-bindgen-cli $WASM_BINDGEN_VERSION is needed (Cargo.toml's pin), found: $installed" >&2
  echo "setup: is ~/.cargo/bin before another wasm-bindgen on PATH?" >&2
  exit 1
fi

# npm ci when node_modules is missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi

want() { case " $* " in *" $WANT "*) return 0 ;; esac; return 1; }
WANT=browser
if want "$@" && ! [ -x /usr/bin/chromium ]; then
  echo "setup: installing Chromium from Debian"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# tests/js/metrics.test.mjs checks formatMetrics' text with two parsers: `promtool check metrics`
# (Debian's prometheus package; 2.42 in bookworm) and Python's prometheus_client text parser.
# The pin keeps the second parser's behaviour from changing under the test.
PROMETHEUS_CLIENT_VERSION=0.21.1
if want "$@" && ! command -v promtool >/dev/null; then
  echo "setup: installing promtool (Debian's prometheus package)"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi
if want "$@" &&
  [ "$(python3 -c 'import importlib.metadata as m; print(m.version("prometheus_client"))' 2>/dev/null)" != "$PROMETHEUS_CLIENT_VERSION" ]; then
  echo "setup: installing prometheus_client $PROMETHEUS_CLIENT_VERSION (PyPI)"
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore "prometheus_client==$PROMETHEUS_CLIENT_VERSION"
fi

WANT=matrix
if want "$@" && { [ ! -f tests/matrix/node_modules/.package-lock.json ] || [ tests/matrix/package-lock.json -nt tests/matrix/node_modules/.package-lock.json ]; }; then
  echo "setup: npm ci in tests/matrix (the environment matrix's tools)"
  (cd tests/matrix && npm ci --no-audit --no-fund)
fi
