#!/usr/bin/env bash
# Region failover benchmark: ROUNDS (default 10) failovers of each kind through the
# two-region lab (the journeys of e2e/regions, repeated), medians into RESULTS.md.
#   bash bench/regions/run.sh          (brings the regions up if needed; leaves them up)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROUNDS="${ROUNDS:-10}"
RAW="bench/regions/raw.jsonl"
REGIONS=backend/regions/regions.sh
# Only the results go to stdout (bench/run.sh puts them in BENCHMARKS.md); progress to stderr.
bash "$REGIONS" status 2>/dev/null | grep -q UP || bash "$REGIONS" up >&2
rm -f "$RAW"
REGIONS_ROUNDS="$ROUNDS" REGIONS_RESULTS="$PWD/$RAW" bash "$REGIONS" test -g "round" >&2 || true
node --import tsx bench/regions/summarize.ts "$RAW" "$ROUNDS" >bench/regions/RESULTS.md
cat bench/regions/RESULTS.md
