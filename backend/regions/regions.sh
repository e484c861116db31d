#!/usr/bin/env bash
# Two regions behind one accelerated entry point, each on its own "host" (network
# namespace), plus a client host where Chromium runs:
#
#   client 10.77.0.2 ── 10.77.0.1 accelerator 10.77.1.1 ── 10.77.1.2 region-a
#                                             10.77.2.1 ── 10.77.2.2 region-b
#
# The accelerator runs HAProxy (TCP, TLS passed through to Kamailio's WSS) with active
# health checks of each region's `GET /health`, preferring region-a (region-b is its
# backup, like anycast to the nearest edge) and cutting the sessions of a region marked
# down. It also routes IP, so media flows client ↔ region's rtpengine without HAProxy.
# Each region runs the single-region Kamailio config and entrypoint (parameterized by
# region: LISTEN_IP, REGION, PEER_IPS, DMQ_PEER), rtpengine and one media server, natively
# (no Docker engine per host: lighter on a 2-core machine). Kamailio is the SBC image's
# (Debian 13, Kamailio 6.0: backend/kamailio/Dockerfile and packages), installed once into a
# root directory it runs chrooted in, through a private mount namespace that shows it the
# container paths (/etc/kamailio, /etc/softphone, /run/kamailio).
#
#   regions.sh up                        start everything, wait until healthy
#   regions.sh down                      stop everything, remove the namespaces
#   regions.sh exec [--host H] -- CMD    run CMD on host H (client, accelerator, region-a, region-b)
#   regions.sh fail region-a [--host]    kill the region's Kamailio, or take its whole host off the network
#   regions.sh recover region-a          undo `fail`
#   regions.sh status                    HAProxy's view of the regions
#   regions.sh test                      the failover journeys (e2e/regions) on the client host
#
# Health checks: HC_INTER_MS (default 500), HC_FALL (2), HC_RISE (2).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lab/common.sh"

STATE="/run/softphone-regions"
HOSTS=(client accelerator region-a region-b)
REGIONS=(region-a region-b)
HC_INTER_MS="${HC_INTER_MS:-500}"
HC_FALL="${HC_FALL:-2}"
HC_RISE="${HC_RISE:-2}"

# Ports and domain (TOPOLOGY_*, testkit/topology.json): the same in every region. Loaded by
# the commands that start things only, so `fail` (timed by the journeys) starts no node.
load_topology() { source "$REPO_DIR/testkit/topology.sh"; }

region_ip() { case "$1" in region-a) echo 10.77.1.2 ;; region-b) echo 10.77.2.2 ;; *) die "no region $1" ;; esac; }
peer_of() { case "$1" in region-a) echo region-b ;; region-b) echo region-a ;; esac; }
netns() { echo "$STATE/$1.netns"; }
on() { local host="$1"; shift; nsenter --net="$(netns "$host")" "$@"; }

make_host() {
  local ns
  ns="$(netns "$1")"
  if ! mountpoint -q "$ns" 2>/dev/null; then
    touch "$ns"
    unshare --net="$ns" true
  fi
  on "$1" ip link set lo up
}

# A veth pair between two hosts: $1 host, $2 its address, $3 other host, $4 its address.
link() {
  local a="$1" a_ip="$2" b="$3" b_ip="$4" a_if="to-$3" b_if="to-$1"
  on "$a" ip link show "$a_if" >/dev/null 2>&1 && return 0
  on "$a" ip link add "$a_if" type veth peer name "$b_if" netns "$(netns "$b")"
  on "$a" ip addr add "$a_ip/24" dev "$a_if"
  on "$b" ip addr add "$b_ip/24" dev "$b_if"
  on "$a" ip link set "$a_if" up
  on "$b" ip link set "$b_if" up
}

network_up() {
  mkdir -p "$STATE"
  local host
  for host in "${HOSTS[@]}"; do make_host "$host"; done
  link accelerator 10.77.0.1 client 10.77.0.2
  link accelerator 10.77.1.1 region-a 10.77.1.2
  link accelerator 10.77.2.1 region-b 10.77.2.2
  on accelerator sysctl -qw net.ipv4.ip_forward=1
  on client ip route replace default via 10.77.0.1
  on region-a ip route replace default via 10.77.1.1
  on region-b ip route replace default via 10.77.2.1
}

# Runs a daemon on a host in the background, output to $STATE/<name>.log, pid to <name>.pid.
spawn() {
  local host="$1" name="$2"; shift 2
  # nsenter and setsid exec (no function, no subshell): $! is the daemon itself.
  nsenter --net="$(netns "$host")" setsid "$@" >"$STATE/$name.log" 2>&1 </dev/null 9>&- &
  echo $! >"$STATE/$name.pid"
}

stop_pid() {
  local file="$STATE/$1.pid" pid
  [[ -s "$file" ]] || return 0
  pid="$(cat "$file")"
  kill "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 10))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$file"
}

# Whatever still runs in a host's namespace (say a daemon whose pid file a second `up`
# overwrote) goes with the host: processes are matched by their network namespace.
kill_host_processes() {
  local file="$1" inode proc
  inode="$(stat -L -c %d:%i "$file" 2>/dev/null)" || return 0
  for proc in /proc/[0-9]*; do
    [[ "$(stat -L -c %d:%i "$proc/ns/net" 2>/dev/null)" == "$inode" ]] && kill "${proc#/proc/}" 2>/dev/null
  done
  return 0
}

# The root directory the regions' Kamailio runs in: a trixie minbase with the SBC image's
# packages and security updates (backend/kamailio/Dockerfile), made once per version of
# those files. Not the host's Kamailio: Debian 12's 5.6.3 crashes under concurrent TLS
# handshakes (kamailio/kamailio#3791).
kamailio_root() {
  local digest root tmp
  digest="$(cat "$BACKEND_DIR/kamailio/Dockerfile" "$BACKEND_DIR/kamailio/packages" | sha256sum | cut -c1-12)"
  root="$BASE_CACHE_DIR/regions-kamailio-$digest"
  if [[ ! -x "$root/usr/sbin/kamailio" ]]; then
    tmp="$root.tmp"
    rm -rf "$tmp" && mkdir -p "$tmp"
    tar -C "$tmp" -xf "$(base_tarball trixie)"
    cp /etc/resolv.conf "$tmp/etc/resolv.conf"
    log "installing Kamailio into $root (one time)"
    grep -v '^#' "$BACKEND_DIR/kamailio/packages" >"$tmp/tmp/kamailio-packages"
    unshare --mount --propagation private bash -c '
      set -euo pipefail
      mount -t proc proc "$0/proc"
      exec chroot "$0" bash -c "
        grep -rqs trixie-security /etc/apt/sources.list /etc/apt/sources.list.d/ ||
          echo deb http://deb.debian.org/debian-security trixie-security main \
            >/etc/apt/sources.list.d/trixie-security.list
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive xargs -a /tmp/kamailio-packages \
          apt-get install -y -qq --no-install-recommends
        rm -rf /var/lib/apt/lists/* /tmp/kamailio-packages"' "$tmp" >"$tmp.log" 2>&1 ||
      die "installing Kamailio into $tmp failed, see $tmp.log"
    # Mount points for the region's own files (see start_kamailio).
    mkdir -p "$tmp/etc/softphone/certs" "$tmp/run/kamailio"
    touch "$tmp/etc/softphone/secret" "$tmp/etc/softphone/secret.previous" \
      "$tmp/usr/local/bin/kamailio-entrypoint"
    rm -f "$tmp.log"
    # Roots made from older versions of those files go.
    local old
    for old in "$BASE_CACHE_DIR"/regions-kamailio-*; do
      [[ "$old" == "$tmp" ]] || rm -rf "$old"
    done
    mv "$tmp" "$root"
  fi
  echo "$root"
}

# Kamailio with the repository's config and entrypoint, seen at the container paths.
start_kamailio() {
  local region="$1" ip peer root
  ip="$(region_ip "$region")"
  peer="$(region_ip "$(peer_of "$region")")"
  root="$(kamailio_root)"
  local etc="$STATE/$region/etc-kamailio" run="$STATE/$region/run-kamailio"
  mkdir -p "$etc" "$run"
  cp "$BACKEND_DIR/kamailio/kamailio.cfg" "$BACKEND_DIR/kamailio/tls.cfg" "$etc/"
  printf '1 sip:%s:%s 0 0 name=%s-media1\n' "$ip" "$TOPOLOGY_MEDIA1_SIP_PORT" "$region" >"$etc/dispatcher.list"
  # Every WebSocket client comes through the accelerator's address (see backend/README.md).
  spawn "$region" "$region-kamailio" env REGION="$region" LISTEN_IP="$ip" PEER_IPS="$peer" \
    DMQ_PEER="${DMQ:-1}" PIKE_EXEMPT="127.0.0.1 10.77.1.1 10.77.2.1" PIKE_BAN_SECONDS=6 \
    CONNECTIONS_PER_ADDRESS=4096 \
    unshare --mount --propagation private bash -c '
      set -euo pipefail
      root="$5"
      mount --bind "$0" "$root/etc/kamailio"
      mount --bind "$1" "$root/run/kamailio"
      mount --bind "$2" "$root/etc/softphone/certs"
      mount --bind "$6/secret" "$root/etc/softphone/secret"
      mount --bind "$6/secret.previous" "$root/etc/softphone/secret.previous"
      touch "$root/etc/softphone/topoh-key"
      mount --bind "$6/topoh-key" "$root/etc/softphone/topoh-key"
      mount --bind "$4" "$root/usr/local/bin/kamailio-entrypoint"
      mount -t proc proc "$root/proc"
      mount --rbind /dev "$root/dev"
      [[ "$DMQ_PEER" == 1 ]] && export DMQ_PEER="$3" || export DMQ_PEER=
      exec chroot "$root" /usr/local/bin/kamailio-entrypoint' \
    "$etc" "$run" "$RUN_DIR/certs" "$peer" "$BACKEND_DIR/kamailio/entrypoint.sh" "$root" "$RUN_DIR"
}

start_region() {
  local region="$1" ip
  ip="$(region_ip "$region")"
  mkdir -p "$STATE/$region/recordings"
  spawn "$region" "$region-rtpengine" rtpengine --config-file=none --table=-1 --foreground \
    --log-stderr --log-level-control=5 --interface="$ip" \
    --listen-ng="127.0.0.1:$TOPOLOGY_RTPENGINE_NG_PORT" \
    --port-min="$TOPOLOGY_RTPENGINE_RTP_MIN" --port-max="$TOPOLOGY_RTPENGINE_RTP_MAX"
  spawn "$region" "$region-media1" env SERVER_NAME="$region-media1" SIP_HOST="$ip" \
    SIP_PORT="$TOPOLOGY_MEDIA1_SIP_PORT" HTTP_PORT="$TOPOLOGY_MEDIA1_HTTP_PORT" \
    RTP_PORT_MIN="$TOPOLOGY_MEDIA1_RTP_MIN" RTP_PORT_MAX="$TOPOLOGY_MEDIA1_RTP_MAX" \
    PROXY="$ip:$TOPOLOGY_SBC_SIP_PORT" DOMAIN="$TOPOLOGY_DOMAIN" \
    RECORDINGS_DIR="$STATE/$region/recordings" NODE_ENV=production \
    MEDIA_API_TOKEN_FILE="$RUN_DIR/media-api-token" \
    node --enable-source-maps "$BACKEND_DIR/media/dist/server.js"
  start_kamailio "$region"
}

start_accelerator() {
  local inter="${HC_INTER_MS}ms"
  cat >"$STATE/haproxy.cfg" <<CFG
# Generated by backend/regions/regions.sh: the accelerator (one static WSS entry point).
global
  stats socket $STATE/haproxy.sock mode 600 level admin
  log stderr format iso local0 info

defaults
  mode tcp
  log global
  option tcplog
  timeout connect 500ms
  # WebSockets live long; the widget's keepalive and Kamailio's pings keep them busy.
  timeout client 1h
  timeout server 1h
  timeout check 400ms
  # A connection refused by a region not yet marked down goes to the other one.
  retries 2
  option redispatch

frontend wss
  bind 10.77.0.1:$TOPOLOGY_SBC_WSS_PORT
  default_backend regions

backend regions
  # The first usable server wins: region-a is the nearest edge, region-b its backup.
  balance first
  # Kamailio's xhttp speaks HTTP/1.1 only.
  option httpchk
  http-check send meth GET uri /health ver HTTP/1.1 hdr Host region
  http-check expect string "ok"
  # A region marked down loses its sessions at once, so clients reconnect without
  # waiting for TCP to notice; one marked up again takes new connections only.
  default-server inter $inter fastinter $inter downinter $inter fall $HC_FALL rise $HC_RISE port $TOPOLOGY_SBC_HEALTH_PORT on-marked-down shutdown-sessions
  server region-a 10.77.1.2:$TOPOLOGY_SBC_WSS_PORT check
  server region-b 10.77.2.2:$TOPOLOGY_SBC_WSS_PORT check backup
CFG
  haproxy -c -q -f "$STATE/haproxy.cfg" || die "bad haproxy config"
  spawn accelerator haproxy haproxy -W -db -f "$STATE/haproxy.cfg"
}

# HAProxy's view: "region-a UP" lines (2 = UP in `show servers state`).
haproxy_cmd() {
  python3 - "$STATE/haproxy.sock" "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall((sys.argv[2] + "\n").encode())
out = b""
while chunk := s.recv(65536): out += chunk
print(out.decode(), end="")
PY
}

cmd_status() {
  haproxy_cmd "show servers state regions" |
    awk 'NR > 2 && NF > 5 { print $4, ($6 == 2 ? "UP" : "DOWN") }'
}

region_healthy() {
  on "$1" bash -c "exec 3<>/dev/tcp/$(region_ip "$1")/$TOPOLOGY_SBC_HEALTH_PORT && printf 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n' >&3 && grep -q ok <&3"
}

cmd_up() {
  local t0 region
  t0="$(date +%s.%N)"
  load_topology
  ensure_run_material
  # A second `up` would start a second set of daemons and lose the first one's pids.
  if compgen -G "$STATE/*.pid" >/dev/null; then cmd_down; fi
  [[ -s "$BACKEND_DIR/media/dist/server.js" ]] || bundle_sources
  network_up
  for region in "${REGIONS[@]}"; do start_region "$region"; done
  start_accelerator
  for region in "${REGIONS[@]}"; do wait_for 60 "$region health" region_healthy "$region"; done
  wait_for 30 "HAProxy to see both regions up" bash -c "[[ \$('$0' status | grep -c UP) == 2 ]]"
  log "regions up in $(elapsed "$t0") s; entry point wss://10.77.0.1:$TOPOLOGY_SBC_WSS_PORT (from the client host)"
}

cmd_down() {
  local name host
  for name in haproxy region-a-kamailio region-b-kamailio region-a-media1 region-b-media1 \
    region-a-rtpengine region-b-rtpengine; do
    stop_pid "$name"
  done
  for host in "${HOSTS[@]}"; do
    kill_host_processes "$(netns "$host")"
    if mountpoint -q "$(netns "$host")" 2>/dev/null; then umount "$(netns "$host")"; fi
    rm -f "$(netns "$host")"
  done
  log "regions down"
}

cmd_fail() {
  local region="$1" kind="${2:-}"
  region_ip "$region" >/dev/null
  if [[ "$kind" == "--host" ]]; then
    # The whole host drops off the network: nothing answers, nothing says goodbye.
    on "$region" ip link set "to-accelerator" down
  else
    stop_pid "$region-kamailio"
  fi
}

cmd_recover() {
  local region="$1"
  load_topology
  on "$region" ip link set "to-accelerator" up
  on "$region" ip route replace default via "${2:-$( [[ $region == region-a ]] && echo 10.77.1.1 || echo 10.77.2.1)}"
  if [[ ! -s "$STATE/$region-kamailio.pid" ]]; then start_kamailio "$region"; fi
  wait_for 30 "$region health" region_healthy "$region"
}

cmd_exec() {
  local host=client
  if [[ "${1:-}" == "--host" ]]; then host="$2"; shift 2; fi
  [[ "${1:-}" == "--" ]] && shift
  (($#)) || die "usage: regions.sh exec [--host H] -- CMD..."
  mountpoint -q "$(netns "$host")" 2>/dev/null || die "regions are not up (no host $host)"
  export REGIONS_STATE="$STATE"
  exec nsenter --net="$(netns "$host")" "$@"
}

cmd_test() {
  cd "$REPO_DIR"
  cmd_exec --host client -- npx playwright test -c e2e/regions/playwright.config.ts "$@"
}

locked() { with_lock "$STATE.lock" "regions.sh" "$@"; }

case "${1:-}" in
  up) locked cmd_up ;;
  down) locked cmd_down ;;
  exec) shift; cmd_exec "$@" ;;
  fail) shift; cmd_fail "$@" ;;
  recover) shift; cmd_recover "$@" ;;
  status) cmd_status ;;
  haproxy) shift; haproxy_cmd "$*" ;;
  test) shift; cmd_test "$@" ;;
  *) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
