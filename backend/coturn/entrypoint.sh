#!/bin/bash
# Writes coturn's configuration into the container's private tmpfs (0600, the shared
# secret must not appear on a command line) and runs it in the foreground.
#
# Deny by default: only TURN REST API credentials (use-auth-secret), no CLI, no
# multicast, no private or loopback peers except the media relays named in
# TURN_ALLOWED_PEER_IPS (the lab's rtpengine listens on 127.0.0.1), quotas per user and
# in total.
set -euo pipefail
secret_file="${TURN_SECRET_FILE:-/etc/softphone/turn-secret}"
[[ -s "$secret_file" ]] || { echo "coturn: missing secret file $secret_file" >&2; exit 1; }
secret="$(<"$secret_file")"
# Refuse characters that would break the config line (the lab generates hex).
[[ "$secret" =~ ^[A-Za-z0-9]+$ ]] || { echo "coturn: secret must be alphanumeric" >&2; exit 1; }

allowed=()
for ip in ${TURN_ALLOWED_PEER_IPS:-}; do
  [[ "$ip" =~ ^[0-9a-fA-F.:-]+$ ]] || { echo "coturn: bad TURN_ALLOWED_PEER_IPS entry $ip" >&2; exit 1; }
  allowed+=("allowed-peer-ip=$ip")
  # coturn refuses loopback peers before it reads the allow list.
  [[ "$ip" == 127.* || "$ip" == ::1 ]] && allowed+=("allow-loopback-peers")
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
# Private, loopback, link-local and other special-purpose ranges (RFC 6890).
denied-peer-ip=0.0.0.0-0.255.255.255
denied-peer-ip=10.0.0.0-10.255.255.255
denied-peer-ip=100.64.0.0-100.127.255.255
denied-peer-ip=127.0.0.0-127.255.255.255
denied-peer-ip=169.254.0.0-169.254.255.255
denied-peer-ip=172.16.0.0-172.31.255.255
denied-peer-ip=192.0.0.0-192.0.0.255
denied-peer-ip=192.0.2.0-192.0.2.255
denied-peer-ip=192.88.99.0-192.88.99.255
denied-peer-ip=192.168.0.0-192.168.255.255
denied-peer-ip=198.18.0.0-198.19.255.255
denied-peer-ip=198.51.100.0-198.51.100.255
denied-peer-ip=203.0.113.0-203.0.113.255
denied-peer-ip=240.0.0.0-255.255.255.255
denied-peer-ip=::1
denied-peer-ip=64:ff9b::-64:ff9b::ffff:ffff
denied-peer-ip=::ffff:0.0.0.0-::ffff:255.255.255.255
denied-peer-ip=100::-100::ffff:ffff:ffff:ffff
denied-peer-ip=2001::-2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff
denied-peer-ip=2002::-2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff
denied-peer-ip=fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff
denied-peer-ip=fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff
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
