#!/bin/bash
# Writes coturn's configuration into the container's private tmpfs (0600, the shared
# secret must not appear on a command line) and runs it in the foreground.
#
# Deny by default: only TURN REST API credentials (use-auth-secret), no CLI, no
# multicast, no peer but the media relays named in TURN_ALLOWED_PEER_IPS (the lab's
# rtpengine listens on 127.0.0.1), quotas per user and in total.
set -euo pipefail
secret_file="${TURN_SECRET_FILE:-/etc/softphone/turn-secret}"
[[ -s "$secret_file" ]] || { echo "coturn: missing secret file $secret_file" >&2; exit 1; }
secret="$(<"$secret_file")"
# Refuse characters that would break the config line (the lab generates hex).
[[ "$secret" =~ ^[A-Za-z0-9]+$ ]] || { echo "coturn: secret must be alphanumeric" >&2; exit 1; }

# The media relays (rtpengine's media addresses): the only peers. None is a mistake.
[[ -n "${TURN_ALLOWED_PEER_IPS:-}" ]] || { echo "coturn: set TURN_ALLOWED_PEER_IPS to the media relay's addresses" >&2; exit 1; }
allowed=()
for ip in $TURN_ALLOWED_PEER_IPS; do
  [[ "$ip" =~ ^[0-9a-fA-F.:-]+$ ]] || { echo "coturn: bad TURN_ALLOWED_PEER_IPS entry $ip" >&2; exit 1; }
  allowed+=("allowed-peer-ip=$ip")
  # coturn refuses loopback peers before it reads the allow list.
  if [[ "$ip" == 127.* || "$ip" == ::1 ]]; then allowed+=("allow-loopback-peers"); fi
done

conf=/tmp/turnserver.conf
umask 077
cat >"$conf" <<CONF
listening-ip=${TURN_LISTEN_IP:-127.0.0.1}
relay-ip=${TURN_RELAY_IP:-127.0.0.1}
${TURN_EXTERNAL_IP:+external-ip=$TURN_EXTERNAL_IP}
listening-port=${TURN_PORT:-3478}
tls-listening-port=${TURN_TLS_PORT:-4443}
# Only the ports given: no alternate listeners (RFC 5780), no DTLS.
alt-listening-port=0
alt-tls-listening-port=0
no-rfc5780
no-dtls
min-port=${TURN_MIN_PORT:-50000}
max-port=${TURN_MAX_PORT:-50999}
realm=${TURN_REALM:-helpline.test}
fingerprint
use-auth-secret
static-auth-secret=$secret
user-quota=${TURN_USER_QUOTA:-4}
total-quota=${TURN_TOTAL_QUOTA:-500}
max-bps=${TURN_MAX_BPS:-256000}
stale-nonce=600
# The lab's certificate (the SBC's): TLS 1.2 and later only.
cert=/etc/softphone/certs/server.pem
pkey=/etc/softphone/certs/server-key.pem
no-tlsv1
no-tlsv1_1
no-cli
no-multicast-peers
# UDP relays only (what WebRTC uses): no TCP allocations to arbitrary peers (RFC 6062).
no-tcp-relay
no-software-attribute
no-stun-backward-compatibility
# Every peer is refused but the media relays (allowed-peer-ip wins over denied-peer-ip):
# browsers only ever send media to rtpengine, which anchors every call, so the relay can
# reach nothing else, public or private.
denied-peer-ip=0.0.0.0-255.255.255.255
denied-peer-ip=::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff
$(printf '%s\n' "${allowed[@]}")
# Logs to stdout (docker logs): with verbose, each session's start (user, transport),
# allocation, refusal and end with its traffic, which is what an operator (and
# e2e/journeys/26-turn-relay.spec.ts) reads to see who was relayed how.
verbose
log-file=stdout
simple-log
pidfile=/tmp/turnserver.pid
CONF
exec turnserver -c "$conf"
