#!/usr/bin/env bash
# Kamailio capacity with the full SBC configuration, measured with sipp inside a
# lab namespace (LAB_NAME, default "backend-bench"):
#   - OPTIONS answered by Kamailio itself: the ceiling of this machine + config
#   - authenticated REGISTER (401 challenge + auth_ephemeral check + usrloc save),
#     one agent re-registering its contact (sipp cannot take per-call credentials
#     with a colon in the username from an injection file)
#   - call setups: INVITE (407 + auth) to `echo` through rtpengine to the media
#     farm, ACK, 1 s of call, BYE
# Each load runs for STEP_SECONDS at increasing rates until more than 0.1 % fail or
# the achieved rate falls under 90 % of the target; the result is the highest
# achieved rate of a step without failures beyond 0.1 %. Results go to stdout and to
# bench/results/backend-<time>.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
# The lab's addresses (TOPOLOGY_*): testkit/topology.json.
source testkit/topology.sh

export LAB_NAME="${LAB_NAME:-backend-bench}"
# The benchmarks place hundreds of calls as one caller; the SBC's per-user limit (4 in
# production, backend/compose.yml) would refuse them, so their lab raises it.
export CALLS_PER_USER="${CALLS_PER_USER:-1000}"
if [[ -z "${BENCH_IN_LAB:-}" ]]; then
  bash backend/lab/lab.sh up
  BENCH_IN_LAB=1 exec bash backend/lab/lab.sh exec -- bash "$0" "$@"
fi

STEP_SECONDS="${STEP_SECONDS:-5}"
OPTIONS_RATES=(${OPTIONS_RATES:-4000 8000 12000 16000 20000 24000 28000})
REGISTER_RATES=(${REGISTER_RATES:-1000 2000 4000 6000 8000 10000 12000})
CALL_RATES=(${CALL_RATES:-50 100 150 200 250 300})
work="$(mktemp -d /tmp/bench-backend.XXXXXX)"
trap 'rm -rf "$work"' EXIT
mkdir -p bench/results
report="bench/results/backend-$(date +%Y%m%dT%H%M%S).txt"

# Credentials valid for an hour, minted with the lab's secret (testkit/ephemeral.ts): sets
# USERNAME and PASSWORD.
mint() { read -r USERNAME PASSWORD < <(node --import tsx testkit/ephemeral.ts "$1" 3600); }

# The backend tests' scenarios, with their placeholders filled in.
sed -e 's/EXPECT/200/' -e 's/EXPIRES/300/' backend/test/sipp/register.xml >"$work/register.xml"
sed -e 's/CALLER/bench-caller/g' -e 's/PAUSE/1000/' backend/test/sipp/call.xml >"$work/call.xml"

# Below Linux's ephemeral range (32768+), where Kamailio's own sockets may sit.
port=11000
# Runs one sipp load of `rate` calls/s for STEP_SECONDS, each call holding for
# `hold` seconds; sets RESULT to "target achieved_per_s successful failed", where
# achieved = successful calls / (wall time - hold) as sipp's own clock saw it.
load() {
  local scenario="$1" rate="$2" hold="$3"; shift 3
  port=$((port + 20))
  local stats="$work/stats-$port.csv"
  # sipp has been seen idling forever when it could not start a step: bound it.
  timeout --kill-after=5 $((STEP_SECONDS * 4 + 40)) \
    sipp "$TOPOLOGY_HOST:$TOPOLOGY_SBC_SIP_PORT" -sf "$scenario" -r "$rate" -m $((rate * STEP_SECONDS)) -l $((rate * 3 + 100)) \
    -i 127.0.0.1 -p "$port" -mp $((port + 10)) -cp $((port + 5)) -nostdin \
    -recv_timeout 10s -timeout $((STEP_SECONDS * 4 + 20))s -max_socket 1000 \
    -trace_stat -stf "$stats" -fd 3600 -key domain "$TOPOLOGY_DOMAIN" "$@" >/dev/null 2>&1 || true
  # CSV columns: 1 StartTime, 3 CurrentTime (each "date<TAB>time<TAB>epoch"),
  # 16 SuccessfulCall(C), 18 FailedCall(C)
  RESULT="$(awk -F';' -v target="$rate" -v hold="$hold" 'END {
    split($1, start, "\t"); split($3, now, "\t")
    busy = now[3] - start[3] - hold
    printf "%d %.0f %d %d\n", target, (busy > 0 ? $16 / busy : 0), $16, $18
  }' "$stats" 2>/dev/null || echo "$rate 0 0 0")"
}

# Steps up through the rates until one is not sustained; prints every step.
measure() {
  local name="$1" scenario="$2" hold="$3" best=0 target achieved ok failed
  local -n rates="$4"
  shift 4
  printf '\n%s (%s s per step)\n  %8s %10s %10s %8s\n' "$name" "$STEP_SECONDS" target achieved ok failed
  for rate in "${rates[@]}"; do
    load "$scenario" "$rate" "$hold" "$@"
    read -r target achieved ok failed <<<"$RESULT"
    printf '  %8s %10s %10s %8s\n' "$target/s" "$achieved/s" "$ok" "$failed"
    # A step counts when at most 0.1 % failed; the steps stop there, or once the
    # achieved rate falls under 90 % of the target (saturated).
    if ((ok == 0 || failed * 1000 > ok + failed)); then break; fi
    if ((achieved > best)); then best=$achieved; fi
    if ((achieved * 10 < target * 9)); then break; fi
  done
  printf '  => %s: %s/s\n' "$name" "$best"
}

{
  echo "Backend benchmark $(date -u +%FT%TZ)"
  echo "machine: $(nproc) x $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(free -g | awk '/Mem:/ { print $2 }') GB RAM, $(uname -r)"
  echo "kamailio: $(docker exec "${TOPOLOGY_COMPOSE_PROJECT}_kamailio_1" kamailio -v | head -1)"
  echo "sipp: $(sipp -v 2>&1 | awk '/SIPp/ { print $2; exit }'), over UDP on the lab loopback; sipp, Kamailio, rtpengine and the media servers share the machine"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  measure "OPTIONS (ceiling)" bench/backend/sipp/options.xml 0 OPTIONS_RATES
  mint agent8
  measure "authenticated REGISTER" "$work/register.xml" 0 REGISTER_RATES \
    -s agent8 -au "$USERNAME" -ap "$PASSWORD"
  mint bench-caller
  measure "call setups to echo via rtpengine (1 s calls)" "$work/call.xml" 1 CALL_RATES \
    -s echo -au "$USERNAME" -ap "$PASSWORD"
} | tee "$report"
echo "saved to $report"
