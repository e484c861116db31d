#!/usr/bin/env bash
# `npm run bench -- chaos` (bench/run.sh hands over to this script): the chaos stage of
# issue 11 §3. In a lab namespace, with CHAOS_CALLS sipp calls streaming RTP (default
# 20), crashes rtpengine, Kamailio, media1 and the credentials service CHAOS_TRIALS
# times each (default 3; bench/chaos/run.ts) and writes the "Faults" section of
# BENCHMARKS.md between the chaos markers.
#
#   bash bench/chaos/run.sh          lab up, chaos, BENCHMARKS.md
#   bash bench/chaos/run.sh report   the section again from the last run's results
# Environment: CHAOS_CALLS, CHAOS_TRIALS, CHAOS_HOLD_MS, CHAOS_FAULTS, LAB_NAME (default
# bench), BENCH_KEEP_LAB=1 (use a running lab and leave it up).
set -euo pipefail
cd "$(dirname "$0")/../.."
# step, build_widget, lab_up; LAB_NAME (default bench) and LAB.
source bench/lib.sh

OUT=bench/results/chaos

mkdir -p "$OUT"
if [[ "${1:-}" == report ]]; then
  # `bash bench/chaos/run.sh report`: the section again from the last run's results.json.
  CHAOS_FROM="$OUT/results.json" node --import tsx bench/chaos/run.ts >"$OUT/table.md"
  load_before="$(cat "$OUT/load-before")"
  load_after="$(cat "$OUT/load-after")"
else
  lab_up

  step "chaos: ${CHAOS_CALLS:-20} calls, ${CHAOS_TRIALS:-3} crashes per component"
  load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "$load_before" >"$OUT/load-before"
  bash "$LAB" exec -- env CHAOS_RESULTS="$PWD/$OUT/results.json" node --import tsx bench/chaos/run.ts >"$OUT/table.md"
  load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "$load_after" >"$OUT/load-after"
fi
{
  echo "## Faults: components crashed under load"
  echo
  echo "\`npm run bench -- chaos\` (bench/chaos/run.sh, bench/chaos/run.ts), $(date -u +%FT%TZ),"
  echo "commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- backend bench/chaos || echo ' with local changes'),"
  echo "load average before/after: $load_before / $load_after on 2 cores shared with other work."
  echo "${CHAOS_CALLS:-20} sipp calls streaming PCMU (rtp_stream) through rtpengine to the media servers, then the"
  echo "component's main process gets SIGKILL (a crash, not a stop) and Docker's restart policy brings it back."
  echo "Each cell is min / median / max over the trials. Audio lost: the RTP packets missing from a"
  echo "call's sequence numbers at the media server after the kill, x 20 ms (worst call). Counter stall:"
  echo "the longest time a call's inbound packet counter stood still (sampled every 100 ms, so it also"
  echo "shows the sampler's own delays under load). Dropped: a call whose media never came back while"
  echo "its media server lived. Container back: kill to the container running again; healthy: to its"
  echo "health check passing. New calls: a short sipp call every 500 ms from the kill on; first new call"
  echo "done: kill to the first one set up. Caller hang-ups failed: load calls whose BYE after the fault"
  echo "did not get a 200."
  echo
  cat "$OUT/table.md"
  if [[ -f bench/chaos/notes.md ]]; then echo; cat bench/chaos/notes.md; fi
} >"$OUT/section.md"
node --import tsx bench/section.ts insert chaos BENCHMARKS.md "$OUT/section.md"
echo "chaos section written to BENCHMARKS.md"
