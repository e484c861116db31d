#!/usr/bin/env bash
# `npm run bench`: builds the widget, installs the peer SDKs (bench/peers), brings up the
# dockerized backend in its own lab namespace (LAB_NAME=bench), runs the browser
# benchmarks in Debian's Chromium inside it, then the backend and media-server
# benchmarks of bench/backend and bench/media if present, and writes BENCHMARKS.md.
#
#   bash bench/run.sh                       everything
#   bash bench/run.sh weight call           only these browser benchmarks (results of
#                                           the others are kept from the last run)
# Environment: BENCH_RUNS (measured runs, default 12), BENCH_WARMUP (default 1),
# BENCH_LEAK_CALLS (default 20), BENCH_SKIP_BUILD=1 (use dist/ as it is),
# BENCH_KEEP_LAB=1 (leave the lab up afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."

export LAB_NAME="${LAB_NAME:-bench}"
RESULTS=bench/results
HARNESS="$RESULTS/build/harness.mjs"
LAB=backend/lab/lab.sh

step() { printf '\n\033[1m== %s\033[0m  (load: %s)\n' "$*" "$(cut -d' ' -f1-3 /proc/loadavg)"; }

step "build the widget"
if [[ "${BENCH_SKIP_BUILD:-}" == 1 && -f dist/cdn/softphone.js ]]; then
  echo "BENCH_SKIP_BUILD=1: using dist/ as it is"
else
  npm run --silent build
fi

step "peer SDKs (bench/peers) and the harness"
npm ci --prefix bench/peers --no-audit --no-fund --silent
npx tsc -p bench/peers/tsconfig.json
npx esbuild bench/src/main.ts --bundle --platform=node --format=esm --target=node20 \
  --packages=external --outfile="$HARNESS" --log-level=warning

step "backend up (lab '$LAB_NAME')"
if [[ "${BENCH_KEEP_LAB:-}" != 1 ]]; then
  trap 'bash "$LAB" down >/dev/null 2>&1 || true' EXIT
fi
bash "$LAB" up

step "browser benchmarks"
bash "$LAB" exec -- node "$HARNESS" run "$@"

# The other helpers' capacity benchmarks: each script prints a Markdown section on stdout
# (its progress on stderr); run inside the lab so they reach the same backend.
run_external() {
  local name="$1"; shift
  local out="$RESULTS/external/$name.md"
  mkdir -p "$RESULTS/external"
  if (($# == 0)); then
    rm -f "$out"
    echo "no bench/$name scripts yet: placeholder section"
    return 0
  fi
  : >"$out"
  local script
  for script in "$@"; do
    step "$script"
    local status=0
    bash "$LAB" exec -- bash "$script" >>"$out" || status=$?
    ((status == 0)) || printf '\n> `%s` failed in this run (exit code %s).\n' "$script" "$status" >>"$out"

    printf '\n' >>"$out"
  done
}
if (($# == 0)); then
  shopt -s nullglob
  run_external backend bench/backend/*.sh
  run_external media bench/media/*.sh
  shopt -u nullglob
fi

step "report"
node "$HARNESS" report
