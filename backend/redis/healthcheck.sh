#!/bin/bash
# Healthy when an authenticated PING gets PONG (password from the environment, not argv).
set -euo pipefail
REDISCLI_AUTH="$(<"${REDIS_PASSWORD_FILE:-/etc/softphone/redis-password}")" \
  timeout 5 redis-cli -h 127.0.0.1 -p "${REDIS_PORT:-6379}" ping | grep -q PONG
