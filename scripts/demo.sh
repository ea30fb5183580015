#!/usr/bin/env bash
# npm run demo: install what is missing, build pkg/ if it is missing or older than the Rust
# sources, then serve the demo page (www/) on http://localhost:$PORT/ (PORT defaults to 8080).
# Everything is served from local files; no network is needed once setup has run.
#   SYNCRUN_DEMO_NO_BUILD=1  serve pkg/ as it is, even when src/ is newer (while others edit src/)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

wasm=pkg/glue/syncrun_bg.wasm
if [ ! -f "$wasm" ]; then
  echo "demo: $wasm is missing; building pkg/"
  bash scripts/build.sh
elif [ "${SYNCRUN_DEMO_NO_BUILD:-}" != 1 ] && [ -n "$(find src Cargo.toml -newer "$wasm" -print -quit)" ]; then
  echo "demo: src/ or Cargo.toml changed since $wasm was built; rebuilding pkg/"
  bash scripts/build.sh
fi

# exec: the server gets SIGTERM/SIGINT itself and stops cleanly.
exec node scripts/serve.mjs
