#!/bin/bash
# Starts rtpengine; with REDIS_PASSWORD_FILE set it keeps its call state in Redis
# (backend/redis) and restores it when it restarts, so calls in progress keep their
# media (rtpengine's own mechanism: `--redis`, read and written in the same database).
# --no-redis-required: a Redis outage never stops rtpengine from relaying new calls.
set -euo pipefail
redis=()
if [[ -n "${REDIS_PASSWORD_FILE:-}" ]]; then
  password="$(<"$REDIS_PASSWORD_FILE")"
  redis=(--redis="$password@127.0.0.1:${REDIS_PORT:-6379}/${REDIS_DB:-1}" --no-redis-required)
fi
# Control commands are not logged: the health probe pings every 2 s.
exec rtpengine --config-file=none --table=-1 --foreground --log-stderr --log-level-control=5 \
  "${redis[@]}" "$@"
