#!/bin/bash
# Healthy when the ng control port answers a bencoded "ping" with "pong".
set -euo pipefail
exec 3<>/dev/udp/127.0.0.1/"${NG_PORT:-2223}"
# A fresh cookie each time: rtpengine replays cached replies for a repeated one.
printf 'hc%s d7:command4:pinge' "$RANDOM" >&3
reply="$(timeout 2 dd bs=512 count=1 <&3 2>/dev/null || true)"
[[ "$reply" == *pong* ]]
