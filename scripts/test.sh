#!/usr/bin/env bash
# Every test: what `npm test` and CI run. Installs what it needs first (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh browser matrix

step() { printf '\n== %s\n' "$*"; }

step "format and lints (host and wasm32), the module layers"
node scripts/modules.mjs
cargo fmt --check
cargo clippy --all-targets -- -D warnings
cargo clippy --lib --target wasm32-unknown-unknown -- -D warnings

step "Rust core: cargo test"
cargo test

step "fuzzing: cargo-fuzz targets batch, run, stream (${FUZZ_SECONDS:-60} s each)"
FUZZ_SECONDS="${FUZZ_SECONDS:-60}" bash scripts/fuzz.sh

step "build pkg/"
bash scripts/build.sh

step "wasm tests under Node (wasm-bindgen-test)"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --target wasm32-unknown-unknown --test wasm

step "package tests: node --test (import and require, TypeScript, CLI, demo page)"
node --test --test-concurrency=1 tests/js/

step "environment matrix: the packed tarball in every runtime, bundler and TypeScript set-up (SPEC §12)"
node tests/matrix/run.mjs
