#!/usr/bin/env bash
# Build pkg/ from scratch: the Rust core to wasm, wasm-bindgen's glue, then wasm-opt.
#   scripts/build.sh --if-stale   only when the .wasm is missing or older than what it is made
#                                 from (INPUTS below) (SYNCRUN_NO_BUILD=1: use pkg/ as it is if it exists)
set -euo pipefail
cd "$(dirname "$0")/.."

wasm=pkg/glue/syncrun_bg.wasm
# The entry points' shared, generated files: the export list, the embedded .wasm, the CommonJS
# bundle and the declarations (scripts/entries.mjs); LICENSE; the README npm shows (README.md less
# its repository-only parts, with no link that breaks there). Cheap, so redone on every call.
package_files() {
  node scripts/entries.mjs
  cp LICENSE pkg/LICENSE
  node scripts/pkg-readme.mjs
}
# What the .wasm and the glue are made from: the Rust code and its build settings, and the scripts
# that turn it into pkg/ (the package files are redone on every call anyway, but a change to
# a script must not leave an old .wasm in place).
INPUTS=(src Cargo.toml Cargo.lock scripts/build.sh scripts/entries.mjs scripts/snip-panics.mjs scripts/pkg-readme.mjs)
if [ -f .cargo/config.toml ]; then INPUTS+=(.cargo/config.toml); fi
if [ "${1:-}" = "--if-stale" ] && [ -f "$wasm" ]; then
  if [ "${SYNCRUN_NO_BUILD:-}" = 1 ]; then
    package_files
    exit 0
  fi
  newer=$(find "${INPUTS[@]}" -newer "$wasm" -print -quit)
  if [ -z "$newer" ]; then
    package_files
    exit 0
  fi
  echo "build: $newer changed since $wasm was built; rebuilding pkg/"
fi
bash scripts/setup.sh

cargo build --release --target wasm32-unknown-unknown
rm -rf pkg/glue
# --keep-debug keeps the name section, which snip-panics.mjs reads; wasm-opt drops it.
wasm-bindgen --keep-debug --target web --out-dir pkg/glue --out-name syncrun \
  target/wasm32-unknown-unknown/release/syncrun.wasm
node scripts/snip-panics.mjs pkg/glue/syncrun_bg.wasm pkg/glue/syncrun_bg.wasm
# wasm-opt from the npm package `binaryen` (never Debian's v108, which breaks the externref
# table). The feature flags are the ones rustc's wasm32 target enables by default, and SIMD
# (.cargo/config.toml enables simd128).
# --converge repeats -O3 until the module stops shrinking. --low-memory-unused (emscripten's
# default) lets constant address offsets fold into loads and stores: Rust never addresses the
# first KiB through a wrapping pointer (its stack sits below the data, at 1 MiB). Together
# -645 B gzip with no change in speed (same-process A/B, summarizeRuns on 100k runs).
# --strip-producers and --strip-target-features drop two custom sections no runtime reads (the
# toolchain's names and versions, the feature list): -183 B gzip.
node_modules/.bin/wasm-opt -O3 --converge --low-memory-unused --strip-producers --strip-target-features \
  --enable-bulk-memory --enable-mutable-globals --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-reference-types --enable-multivalue --enable-simd \
  pkg/glue/syncrun_bg.wasm -o pkg/glue/syncrun_bg.wasm
package_files
raw=$(wc -c < pkg/glue/syncrun_bg.wasm)
gz=$(gzip -9c pkg/glue/syncrun_bg.wasm | wc -c)
echo "build: pkg/glue/syncrun_bg.wasm $raw bytes, $gz gzip"
