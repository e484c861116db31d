#!/usr/bin/env bash
# `npm run bench`: builds the widget, installs the peer SDKs (bench/peers), brings up the
# dockerized backend in its own lab namespace (LAB_NAME=bench), runs the browser
# benchmarks in Debian's Chromium inside it, then the backend and media-server
# benchmarks of bench/backend and bench/media if present, and writes BENCHMARKS.md.
#
#   bash bench/run.sh                       everything
#   bash bench/run.sh weight call           only these browser benchmarks (of weight,
#                                           registration, call, dtmf, cost, layout); the
#                                           others' results are kept from the last run,
#                                           or, with none in bench/results/, their
#                                           sections of BENCHMARKS.md as they are (so are
#                                           the backend/media/regions/fuzz sections,
#                                           whose scripts only a full run runs)
#   bash bench/run.sh soak                  the soak benchmark only (bench/soak/run.sh)
#   bash bench/run.sh chaos                 the chaos stage only (bench/chaos/run.sh)
#   bash bench/run.sh storm                 the reconnect storm only (bench/storm/run.sh)
# Environment: BENCH_RUNS (measured runs, default 12), BENCH_WARMUP (default 1),
# BENCH_LEAK_CALLS (default 20), BENCH_SKIP_BUILD=1 (use dist/ as it is),
# BENCH_KEEP_LAB=1 (leave the lab up afterwards), BENCH_EXTERNAL_TIMEOUT (seconds per
# backend/media script, default 900).
set -euo pipefail
cd "$(dirname "$0")/.."
# step, build_widget, lab_up; LAB_NAME (default bench) and LAB.
source bench/lib.sh

# `npm run bench -- soak`: the long soak (≥ 1,000 calls over ≥ 15 min) has its own script.
if [[ "${1:-}" == soak ]]; then
  shift
  exec bash bench/soak/run.sh "$@"
fi
# `npm run bench -- storm`: the reconnect storm (1,000 engines, Kamailio restarted).
if [[ "${1:-}" == storm ]]; then
  shift
  exec bash bench/storm/run.sh "$@"
fi
# `npm run bench -- chaos`: components crashed under load (issue 11 §3).
if [[ "${1:-}" == chaos ]]; then
  shift
  exec bash bench/chaos/run.sh "$@"
fi

# The benchmarks place hundreds of calls as one caller; the SBC's per-user limit (4 in
# production, backend/compose.yml) would refuse them, so their lab raises it.
export CALLS_PER_USER="${CALLS_PER_USER:-1000}"
RESULTS=bench/results
HARNESS="$RESULTS/build/harness.mjs"

build_widget

step "peer SDKs (bench/peers) and the harness"
npm ci --prefix bench/peers --no-audit --no-fund --silent
npx tsc -p bench/peers/tsconfig.json
npx esbuild bench/src/main.ts --bundle --platform=node --format=esm --target=node20 \
  --packages=external --outfile="$HARNESS" --log-level=warning

lab_up

step "browser benchmarks"
bash "$LAB" exec -- node "$HARNESS" run "$@"

# The other helpers' capacity benchmarks (bench/backend/*.sh, bench/media/*.sh): each
# brings its own namespace (the backend one reuses this lab through LAB_NAME) and prints
# its results on stdout, which goes into BENCHMARKS.md as a text block.
EXTERNAL_TIMEOUT="${BENCH_EXTERNAL_TIMEOUT:-900}"
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
  local script status
  for script in "$@"; do
    step "$script"
    status=0
    printf 'Output of `%s` (%s, load %s):\n\n```text\n' "$script" "$(date -u +%FT%TZ)" \
      "$(cut -d' ' -f1 /proc/loadavg)" >>"$out"
    # Bounded: a hung load generator must not hang the whole run (timeout signals the
    # script's whole process group, sipp included).
    timeout --kill-after=15 "$EXTERNAL_TIMEOUT" bash "$script" | tee -a "$out" || status=$?
    printf '```\n\n' >>"$out"
    ((status == 0)) || printf '> `%s` failed in this run (exit code %s%s).\n\n' "$script" "$status" \
      "$( ((status == 124)) && echo ", timed out after ${EXTERNAL_TIMEOUT} s")" >>"$out"
  done
}
if (($# == 0)); then
  shopt -s nullglob
  run_external backend bench/backend/*.sh
  run_external media bench/media/*.sh
  run_external regions bench/regions/*.sh
  run_external fuzz bench/fuzz/*.sh
  shopt -u nullglob
fi

step "report"
# The report rewrites BENCHMARKS.md whole: keep the stages' own sections (soak, chaos, storm) in it.
node --import tsx bench/section.ts extract soak BENCHMARKS.md "$RESULTS/soak-section.md"
node --import tsx bench/section.ts extract chaos BENCHMARKS.md "$RESULTS/chaos-section.md"
node --import tsx bench/storm/main.ts extract "$RESULTS/storm-section.md"
node "$HARNESS" report
node --import tsx bench/section.ts insert soak BENCHMARKS.md "$RESULTS/soak-section.md"
node --import tsx bench/section.ts insert chaos BENCHMARKS.md "$RESULTS/chaos-section.md"
node --import tsx bench/storm/main.ts insert "$RESULTS/storm-section.md"
