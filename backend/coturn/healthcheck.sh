#!/bin/bash
# Healthy when both listeners accept a TCP connection (the UDP one shares its port).
set -euo pipefail
exec 3<>"/dev/tcp/127.0.0.1/${TURN_PORT:-3478}"
exec 4<>"/dev/tcp/127.0.0.1/${TURN_TLS_PORT:-4443}"
