#!/usr/bin/env bash
# `npm run bench -- soak` (bench/run.sh hands over to this script): the soak benchmark.
# Runs e2e/soak/soak.spec.ts, the same driver as the short soak of `npm test`, with at least
# SOAK_CALLS calls (default 1000) over at least SOAK_MINUTES (default 15: longer than the
# credentials' 600 s lifetime, so every page refreshes them mid-run), in the lab
# namespace, and puts its table (good / failed, causes, setup median and p95) into
# BENCHMARKS.md between the soak markers.
#
#   bash bench/soak/run.sh            build, lab up, soak, BENCHMARKS.md
# Environment: SOAK_CALLS, SOAK_MINUTES, LAB_NAME (default bench), BENCH_SKIP_BUILD=1 (use
# dist/ as it is), BENCH_KEEP_LAB=1 (use a running lab and leave it up).
set -euo pipefail
cd "$(dirname "$0")/../.."
# step, build_widget, lab_up; LAB_NAME (default bench) and LAB.
source bench/lib.sh

OUT=bench/results/soak
CALLS="${SOAK_CALLS:-1000}"
MINUTES="${SOAK_MINUTES:-15}"

build_widget

lab_up

step "soak: ≥ $CALLS calls over ≥ $MINUTES min"
rm -rf "$OUT"
mkdir -p "$OUT"
status=0
bash "$LAB" exec -- env SOAK_CALLS="$CALLS" SOAK_MINUTES="$MINUTES" SOAK_QUEUE_PAGES=2 SOAK_RESULTS="$PWD/$OUT/result" \
  npx playwright test e2e/soak --reporter=line || status=$?

step "BENCHMARKS.md"
if [[ -f "$OUT/result.md" ]]; then
  {
    echo "## Soak: $CALLS calls through the lab, over at least $MINUTES minutes"
    echo
    echo "\`npm run bench -- soak\` (bench/soak/run.sh): e2e/soak/soak.spec.ts with SOAK_CALLS=$CALLS"
    echo "SOAK_MINUTES=$MINUTES, commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src backend e2e || echo ' with local changes')."
    echo "A call is good only if it reached \`active\`, inbound audio was heard on both sides (browser"
    echo "getStats packets and energy; the media server's packet counters, both legs for the queue)"
    echo "and it ended cleanly on both sides (e2e/soak/driver.ts). Setup = click to \`active\`."
    echo
    cat "$OUT/result.md"
    ((status == 0)) || { echo; echo "> The run failed (exit code $status): see the failed calls above."; }
  } >"$OUT/section.md"
  node --import tsx bench/section.ts insert soak BENCHMARKS.md "$OUT/section.md"
  echo "soak section written to BENCHMARKS.md"
else
  echo "the soak wrote no result (exit code $status): BENCHMARKS.md left as it was"
fi
exit "$status"
