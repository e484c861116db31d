#!/bin/bash
# Turns the container's environment into #!substdef values for kamailio.cfg,
# so the shared secret never has to be baked into the image.
set -euo pipefail

secret_file="${AUTH_SECRET_FILE:-/etc/softphone/secret}"
[[ -s "$secret_file" ]] || { echo "missing auth secret $secret_file" >&2; exit 1; }
secret="$(tr -d '\n' <"$secret_file")"

# substdef uses '!' as delimiter and the values land inside quoted strings.
check() {
  [[ "$2" =~ ^[A-Za-z0-9\ ._:/+=-]*$ ]] || { echo "unsafe characters in $1" >&2; exit 1; }
}
check AUTH_SECRET "$secret"
# During a rotation (SECURITY.md) the previous secret still verifies credentials minted
# before the switch; an empty file means no rotation is under way.
previous_secret_file="${AUTH_SECRET_PREVIOUS_FILE:-/etc/softphone/secret.previous}"
previous_secret="$(tr -d '\n' <"$previous_secret_file" 2>/dev/null || true)"
check AUTH_SECRET_PREVIOUS "$previous_secret"
# Topology hiding's key (kamailio.cfg, topoh): fixed per installation like the secret, so
# that a restarted Kamailio still reads what it masked for the calls in progress.
topoh_key_file="${TOPOH_KEY_FILE:-/etc/softphone/topoh-key}"
[[ -s "$topoh_key_file" ]] || { echo "missing topoh key $topoh_key_file" >&2; exit 1; }
topoh_key="$(tr -d '\n' <"$topoh_key_file")"
check TOPOH_KEY "$topoh_key"
check REGION "${REGION:=local}"
check ALLOWED_ORIGINS "${ALLOWED_ORIGINS:=http://localhost:5173 http://127.0.0.1:5173 http://localhost:4173 http://127.0.0.1:4173}"
check PIKE_EXEMPT "${PIKE_EXEMPT:=}"
[[ "${PIKE_BAN_SECONDS:=60}" =~ ^[0-9]+$ ]] || { echo "PIKE_BAN_SECONDS must be a number" >&2; exit 1; }
# TCP/TLS connections one address may hold (Kamailio's tcp_accept_iplimit, 1024 by default).
[[ "${CONNECTIONS_PER_ADDRESS:=1024}" =~ ^[0-9]+$ ]] || { echo "CONNECTIONS_PER_ADDRESS must be a number" >&2; exit 1; }
# Concurrent calls one caller may place: visitors, and every other user (agents).
[[ "${CALLS_PER_VISITOR:=2}" =~ ^[0-9]+$ ]] || { echo "CALLS_PER_VISITOR must be a number" >&2; exit 1; }
[[ "${CALLS_PER_USER:=4}" =~ ^[0-9]+$ ]] || { echo "CALLS_PER_USER must be a number" >&2; exit 1; }
# One region alone listens on loopback; in backend/regions/ each region has its address.
check LISTEN_IP "${LISTEN_IP:=127.0.0.1}"
# WSS (the only port that may face the internet) on PUBLIC_IP; internal SIP, DMQ and
# health on INTERNAL_IP (a private interface in production). Both default to LISTEN_IP.
check PUBLIC_IP "${PUBLIC_IP:=$LISTEN_IP}"
check INTERNAL_IP "${INTERNAL_IP:=$LISTEN_IP}"
# Other regions' SBC addresses (trusted callers) and one DMQ peer to join through.
check PEER_IPS "${PEER_IPS:=}"
check DMQ_PEER "${DMQ_PEER:=}"
# Every start gets its own server_id. The rtpengine module's command cookies are
# "<server_id>_<pid>_<seq>", and rtpengine answers a cookie it saw in the last 30-60 s from
# its cache without running the command; a restarted container reuses the same small pids
# from seq 0, so without this a new call's offer could get an old call's reply
# (backend/test/lifecycle.test.ts).
server_id=$(($(od -An -N4 -tu4 /dev/urandom) % 2147483647))

mkdir -p /run/kamailio
umask 077
cat >/run/kamailio/env.cfg <<CFG
#!substdef "!AUTH_SECRET!$secret!g"
#!substdef "!ROTATED_OUT_KEY!$previous_secret!g"
#!substdef "!REGION_NAME!$REGION!g"
#!substdef "!ORIGINS_LIST!$ALLOWED_ORIGINS!g"
#!substdef "!PIKE_EXEMPT_LIST!$PIKE_EXEMPT!g"
#!substdef "!PIKE_BAN_SECONDS!$PIKE_BAN_SECONDS!g"
#!substdef "!CONNECTIONS_PER_ADDRESS!$CONNECTIONS_PER_ADDRESS!g"
#!substdef "!VISITOR_MAX_CALLS!$CALLS_PER_VISITOR!g"
#!substdef "!AGENT_MAX_CALLS!$CALLS_PER_USER!g"
#!substdef "!PUBLIC_IP!$PUBLIC_IP!g"
#!substdef "!INTERNAL_IP!$INTERNAL_IP!g"
#!substdef "!PEER_LIST!$PEER_IPS!g"
#!substdef "!SERVER_ID!$server_id!g"
#!substdef "!TOPOH_KEY!$topoh_key!g"
CFG
if [[ -n "$previous_secret" ]]; then
  printf '#!define WITH_ROTATED_OUT_KEY\n' >>/run/kamailio/env.cfg
fi
# Dialogs kept in Redis (kamailio.cfg, WITH_DIALOG_DB) when it is configured and answers.
# Redis down when Kamailio (re)starts: dialogs in memory only, rather than no SBC at all
# (Kamailio does not start when its dialog database is unreachable).
if [[ -n "${REDIS_PASSWORD_FILE:-}" ]]; then
  redis_password="$(tr -d '\n' <"$REDIS_PASSWORD_FILE")"
  [[ "$redis_password" =~ ^[A-Za-z0-9]+$ ]] || { echo "Redis password must be alphanumeric" >&2; exit 1; }
  [[ "${REDIS_PORT:=6379}" =~ ^[0-9]+$ && "${REDIS_DB:=2}" =~ ^[0-9]+$ ]] || { echo "bad REDIS_PORT/REDIS_DB" >&2; exit 1; }
  for _ in 1 2 3 4 5; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT") 2>/dev/null; then
      printf '#!define WITH_DIALOG_DB\n#!substdef "!DIALOG_DB_URL!redis://kamailio:%s@127.0.0.1:%s/%s!g"\n' \
        "$redis_password" "$REDIS_PORT" "$REDIS_DB" >>/run/kamailio/env.cfg
      break
    fi
    sleep 1
  done
  grep -q WITH_DIALOG_DB /run/kamailio/env.cfg ||
    echo "WARNING: Redis unreachable on 127.0.0.1:$REDIS_PORT: dialogs in memory only until the next start" >&2
fi
if [[ -n "$DMQ_PEER" ]]; then
  printf '#!define WITH_DMQ\n#!substdef "!DMQ_PEER_URI!sip:%s:5090!g"\n' "$DMQ_PEER" >>/run/kamailio/env.cfg
fi

# This script starts the container's (or the region's) only Kamailio: a pid file left by
# a killed one is stale, and Kamailio refuses to start while it names a live pid.
rm -f /run/kamailio/kamailio.pid

# Shared memory holds every connection: about 115 KB per idle WSS connection (TLS state, read
# buffer; kamailio.cfg, ssl_release_buffers). Below 8.5 MB free the tls module refuses new
# handshakes (its OpenSSL low-memory guard): 128 MB stopped a reconnect storm at 736 of 1,000
# phones. 256 MB holds about 2,000 connections, a storm's abandoned attempts included.
exec kamailio -f /etc/kamailio/kamailio.cfg -DD -E -m "${SHM_MB:-256}" -M "${PKG_MB:-8}" \
  -Y /run/kamailio -P /run/kamailio/kamailio.pid "$@"
