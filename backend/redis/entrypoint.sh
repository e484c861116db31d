#!/bin/bash
# Starts redis-server with its configuration on stdin (`redis-server -`), so the
# password (REDIS_PASSWORD_FILE, a secret mounted read-only) never appears on a
# command line or in a file in the image.
set -euo pipefail
password_file="${REDIS_PASSWORD_FILE:-/etc/softphone/redis-password}"
[[ -s "$password_file" ]] || { echo "redis: missing password file $password_file" >&2; exit 1; }
password="$(<"$password_file")"
# Refuse characters that would break the config line (the lab generates hex).
[[ "$password" =~ ^[A-Za-z0-9]+$ ]] || { echo "redis: password must be alphanumeric" >&2; exit 1; }
exec redis-server - <<CONF
bind 127.0.0.1
port ${REDIS_PORT:-6379}
protected-mode yes
requirepass $password
# No disk: read-only root, state only has to outlive an rtpengine or Kamailio restart.
save ""
appendonly no
dir /tmp
daemonize no
supervised no
logfile ""
maxmemory 64mb
maxmemory-policy noeviction
# Commands an attacker with the password could use to rewrite files or the server.
rename-command CONFIG ""
rename-command DEBUG ""
rename-command MODULE ""
rename-command SLAVEOF ""
rename-command REPLICAOF ""
CONF
