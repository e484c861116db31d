#!/usr/bin/env bash
# Media server capacity benchmark: sipp places N concurrent calls straight at the server
# (service "music", sipp echoing the server's RTP back so both directions carry 50 pps),
# and the server reports its own RTP send intervals. Runs in a private network namespace
# with only loopback, so nothing leaves the machine and no port clashes with the lab.
#   bash bench/media/run.sh            # levels 100 200 300 400 500
#   bash bench/media/run.sh 200 600    # chosen levels
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
node "$root/backend/media/build.mjs" >/dev/null
exec unshare -n bash -c "ip link set lo up && node '$root/bench/media/bench.mjs' $*"
