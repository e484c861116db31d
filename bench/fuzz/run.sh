#!/usr/bin/env bash
# The SIP fuzz stage of the backend tests (backend/test/security/fuzz.test.ts, issue 10)
# at a larger scale: FUZZ_SCALE times its message counts (default 3: 9,000 to the SBC over
# UDP, 1,500 over WSS, 720 inside dialogs, 6,000 straight at a media server) while a call
# is up. Prints the summary table for BENCHMARKS.md ("SIP fuzzing"). Runs in the lab named
# by LAB_NAME (npm run bench's own, or "fuzz-bench" when run alone).
#   bash bench/fuzz/run.sh            FUZZ_SEED=n replays a run, FUZZ_SCALE=k sets the size
set -euo pipefail
cd "$(dirname "$0")/../.."

export LAB_NAME="${LAB_NAME:-fuzz-bench}"
if [[ -z "${BENCH_IN_LAB:-}" ]]; then
  bash backend/lab/lab.sh up >&2
  BENCH_IN_LAB=1 exec bash backend/lab/lab.sh exec -- bash "$0" "$@"
fi

report="$(mktemp /tmp/fuzz-report.XXXXXX)"
trap 'rm -f "$report"' EXIT
# The media server's parser alone on a larger corpus: parse time per message, nothing thrown.
status=0
node --import tsx bench/fuzz/parse.ts "${FUZZ_SEED:-1}" 20000 || status=$?
echo
# The test's own output (seed, failures) goes to stderr; the table to stdout.
FUZZ_SCALE="${FUZZ_SCALE:-3}" FUZZ_REPORT="$report" \
  node --import tsx --test --test-timeout=600000 backend/test/security/fuzz.test.ts >&2 || status=1
cat "$report"
((status == 0)) || echo "> The fuzz stage's checks failed in this run (see its output)."
exit "$status"
