#!/bin/bash
# Healthy when coturn listens on its UDP, TCP and TLS ports. Read from /proc rather than
# by connecting: with verbose logging every probe connection would log a session (several
# lines every two seconds), burying the visitors' sessions an operator looks for.
set -euo pipefail
# $1 /proc/net/tcp or udp, $2 port, $3 socket state (0A: TCP listening, 07: UDP bound).
bound() {
  awk -v port="$(printf ':%04X' "$2")" -v state="$3" \
    '$4 == state && substr($2, length($2) - 4) == port { found = 1 } END { exit !found }' "$1"
}
bound /proc/net/udp "${TURN_PORT:-3478}" 07
bound /proc/net/tcp "${TURN_PORT:-3478}" 0A
bound /proc/net/tcp "${TURN_TLS_PORT:-4443}" 0A
