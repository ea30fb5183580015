#!/usr/bin/env bash
# Fuzz the core (issue #7, "Hostile input"): each cargo-fuzz target in fuzz/ runs for
# FUZZ_SECONDS (default 60) on nightly, from the committed corpus in fuzz/corpus/<target>/.
# Fails on the first crash, panic, timeout or out-of-memory; the input that did it is left in
# fuzz/artifacts/<target>/ (reproduce: cargo +nightly fuzz run <target> <file>).
#
#   FUZZ_SECONDS=300 bash scripts/fuzz.sh                    # all targets, 5 minutes each
#   bash scripts/fuzz.sh stream                               # one target
#   FUZZ_SECONDS=600 FUZZ_KEEP=1 FUZZ_CMIN=1 bash scripts/fuzz.sh  # grow the committed corpora
#
# New inputs the fuzzer finds go to a scratch directory, so a run leaves the work tree clean;
# FUZZ_KEEP=1 writes them into fuzz/corpus/ instead, and FUZZ_CMIN=1 then minimizes each
# corpus (keep them under ~2 MB in all before committing).
#
# Time on the 2-core machine: about 1.5 minutes to build (plus 45 s the first time, to install
# cargo-fuzz), then FUZZ_SECONDS per target.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-60}"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(batch run stream)
fi

if ! cargo +nightly --version >/dev/null 2>&1; then
  # cargo-fuzz needs nightly (sanitizer flags). This machine kind ships it; if a machine lacks
  # it, say so loudly rather than fail every other test with it.
  echo "== fuzz: SKIPPED: no nightly toolchain (rustup toolchain install nightly)" >&2
  exit 0
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz.sh: installing cargo-fuzz (a few minutes)"
  cargo install cargo-fuzz
fi

cd fuzz
cargo +nightly fuzz build
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
for t in "${targets[@]}"; do
  echo "== fuzz $t for ${seconds}s"
  mkdir -p "corpus/$t" "artifacts/$t"
  if [ "${FUZZ_KEEP:-0}" = 1 ]; then
    dirs=("corpus/$t")
  else
    # The first directory receives new inputs; the committed corpus is only read.
    mkdir -p "$scratch/$t"
    dirs=("$scratch/$t" "corpus/$t")
  fi
  # -timeout: one input taking longer is a hang; -rss_limit_mb: a leak or a blow-up.
  cargo +nightly fuzz run "$t" "${dirs[@]}" -- \
    -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=20 \
    -print_final_stats=1
  if [ "${FUZZ_CMIN:-0}" = 1 ]; then
    # Edges only (no hit counters): a few hundred files per target rather than thousands.
    cargo +nightly fuzz cmin "$t" "corpus/$t" -- -max_len=65536 -rss_limit_mb=2048 -timeout=20 -use_counters=0
  fi
done
echo "== fuzz: no crash in ${targets[*]} (${seconds}s each)"
