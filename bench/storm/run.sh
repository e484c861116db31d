#!/usr/bin/env bash
# `npm run bench -- storm` (bench/run.sh hands over to this script): the reconnect storm.
# STORM_ENGINES engines (default 1000) register to the lab's Kamailio, which restarts, STORM_RUNS
# times (default 3); the runs and the curve of registrations go to BENCHMARKS.md ("Reconnect
# storm") and bench/results/storm.json.
#
#   bash bench/storm/run.sh
# Environment: STORM_ENGINES, STORM_RUNS, LAB_NAME (default bench), BENCH_KEEP_LAB=1 (use a
# running lab and leave it up).
set -euo pipefail
cd "$(dirname "$0")/../.."
# step, build_widget, lab_up; LAB_NAME (default bench) and LAB.
source bench/lib.sh

lab_up

step "reconnect storm: ${STORM_ENGINES:-1000} engines, Kamailio restarted, ${STORM_RUNS:-3} runs"
bash "$LAB" exec -- node --import tsx bench/storm/main.ts
