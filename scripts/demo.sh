#!/usr/bin/env bash
# npm run demo: install what is missing, build pkg/ if it is missing or older than the Rust
# sources, then serve the demo page (www/) on http://localhost:$PORT/ (PORT defaults to 8080).
# Everything is served from local files; no network is needed once setup has run.
#   SYNCRUN_DEMO_NO_BUILD=1  serve pkg/ as it is, even when src/ is newer (while others edit src/)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

SYNCRUN_NO_BUILD="${SYNCRUN_DEMO_NO_BUILD:-}" bash scripts/build.sh --if-stale

# exec: the server gets SIGTERM/SIGINT itself and stops cleanly.
exec node scripts/serve.mjs
