#!/usr/bin/env bash
# npm run bench: the benchmark of issue #6, a report (not a test). Installs what is missing,
# builds pkg/ if it is missing or older than the Rust sources, then measures in Node
# (bench/bench.mjs) and in headless Chromium (bench/browser.mjs), on the same 100,000
# generated runs, the cost of judging a summary (bench/health.mjs), and the demo page reading
# a 100 MB file (bench/demo.mjs). Exits 0 whether or not
# the speed and size targets are met; non-zero only if the contenders disagree on the figures
# or something fails to run.
#   SYNCRUN_BENCH_NO_BUILD=1  measure pkg/ as it is, even when src/ is newer (while others edit src/)
#   Extra arguments go to both scripts, e.g. `npm run bench -- --rounds 21` or `-- --runs 20000`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh browser

SYNCRUN_NO_BUILD="${SYNCRUN_BENCH_NO_BUILD:-}" bash scripts/build.sh --if-stale

# --expose-gc: the bench collects garbage between contenders, outside the timings.
node_out=$(mktemp)
trap 'rm -f "$node_out"' EXIT
node --expose-gc bench/bench.mjs "$@" | tee "$node_out"
# checkHealth / formatMetrics / compareHealth on a summary (issue #16); takes no extra arguments.
node bench/health.mjs
node bench/browser.mjs "$@"
# The demo page picking a 100 MB NDJSON file (issue #18): time to its summary on screen, and
# whether the page answered every probe meanwhile; takes no extra arguments.
node bench/demo.mjs
# The verdict on issue #6's targets (set in Node) last, where it is seen.
echo
echo "issue #6 targets, measured in Node (above): $(tail -n 1 "$node_out")"
