#!/usr/bin/env bash
# Media server capacity benchmark: sipp places N concurrent calls straight at the server
# (service "music", sipp echoing the server's RTP back so both directions carry 50 pps),
# and the server reports its own RTP send intervals. Runs in a private network namespace
# with only loopback, so nothing leaves the machine and no port clashes with the lab.
#   bash bench/media/run.sh                 # rt:200 rt:400 rt:600 rt:800 normal:200
#   bash bench/media/run.sh 1000 normal:400 # chosen levels ("rt" unless MEDIA_PRIORITY=normal)
# First, one line on SIP parse time for pathological input (bench/media/parse.ts).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
node "$root/backend/media/build.mjs" >/dev/null
# Parse time on pathological SIP (issue 10): must stay linear in the input size.
# Under tsx (it imports the TypeScript sip-parser.ts), from the repository root as below.
(cd "$root" && node --import tsx bench/media/parse.ts)
# tsx: bench.ts imports the test kit (testkit/poll.ts, testkit/sipp.ts, testkit/media-api.ts); --import resolves from the cwd.
exec unshare -n bash -c "ip link set lo up && cd '$root' && node --import tsx bench/media/bench.ts $*"
