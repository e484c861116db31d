#!/usr/bin/env bash
# Runs the product on this machine: the dockerized backend on the host's loopback
# and the Vite demo page, for a browser on this machine.
#   scripts/demo.sh         set up, build, start, print how to log in
#   scripts/demo.sh stop    stop everything this script started
set -euo pipefail
cd "$(dirname "$0")/.."
source backend/lab/common.sh
# The demo's addresses (TOPOLOGY_*): testkit/topology.json.
source testkit/topology.sh

DEMO_NAME=demo
DEMO_DIR="/run/softphone-$DEMO_NAME"
DATA_ROOT="/var/lib/softphone-docker/$DEMO_NAME"
VITE_PID="$DEMO_DIR/vite.pid"
VITE_LOG="$DEMO_DIR/vite.log"
# "system" when the machine's own Docker engine runs the demo, "own" when this
# script started one (and must stop it again).
ENGINE_FILE="$DEMO_DIR/engine"

engine_kind() {
  if [[ -s "$ENGINE_FILE" ]]; then
    cat "$ENGINE_FILE"
  elif env -u DOCKER_HOST docker version >/dev/null 2>&1; then
    echo system
  else
    echo own
  fi
}

select_engine() {
  if [[ "$1" == system ]]; then
    unset DOCKER_HOST
  else
    export DOCKER_HOST="unix://$DEMO_DIR/docker.sock"
  fi
}

stop_vite() {
  [[ -s "$VITE_PID" ]] || return 0
  # Vite was started in its own session: its process group is npx + node.
  kill -- "-$(cat "$VITE_PID")" 2>/dev/null || true
  rm -f "$VITE_PID"
}

cmd_stop() {
  local engine
  engine="$(engine_kind)"
  select_engine "$engine"
  stop_vite
  if docker version >/dev/null 2>&1; then
    compose down --timeout 5 >/dev/null 2>&1 || true
  fi
  if [[ "$engine" == own ]]; then
    stop_dockerd "$DEMO_NAME"
  fi
  rm -f "$ENGINE_FILE"
  log "demo stopped"
}

start_vite() {
  stop_vite
  mkdir -p "$DEMO_DIR"
  setsid npx vite --host "$TOPOLOGY_HOST" --port "$TOPOLOGY_DEMO_PORT" --strictPort >"$VITE_LOG" 2>&1 </dev/null &
  echo $! >"$VITE_PID"
  wait_for 60 "the demo page on :$TOPOLOGY_DEMO_PORT (log: $VITE_LOG)" \
    curl -fsS -o /dev/null "http://$TOPOLOGY_HOST:$TOPOLOGY_DEMO_PORT/"
}

cmd_start() {
  local t0
  t0="$(date +%s.%N)"
  bash scripts/setup.sh
  ensure_run_material
  bundle_sources
  mkdir -p "$DEMO_DIR"
  local engine
  engine="$(engine_kind)"
  echo "$engine" >"$ENGINE_FILE"
  select_engine "$engine"
  if [[ "$engine" == own ]]; then
    start_dockerd "$DEMO_NAME" "$DATA_ROOT"
  else
    log "using the machine's running Docker engine"
  fi
  build_images
  compose_up
  wait_healthy 120
  start_vite
  log "demo up in $(elapsed "$t0") s"
  cat <<INFO

  Demo page:     http://localhost:$TOPOLOGY_DEMO_PORT/
    visitor:     just open it and press the call button (service numbers only)
    agent:       sign in on the same page as agent1 … agent9, each with its own password:
$(sed 's/^/                   /' "$RUN_DIR/agent-passwords")
                 (generated at first start into backend/run/agent-passwords, readable by
                 root only; the credentials service keeps only their scrypt hashes)

  The backend uses a dev certificate. Either trust the dev CA
      $RUN_DIR/certs/ca.pem
  in your browser (Settings → Certificates → Authorities → Import), or open
      https://$TOPOLOGY_HOST:$TOPOLOGY_SBC_WSS_PORT/   (SIP over WebSocket; a 404 page is fine)
      https://$TOPOLOGY_HOST:$TOPOLOGY_CREDENTIALS_PORT/health   (credentials service)
  once each and accept the warning.

  Logs:  ${DOCKER_HOST:+DOCKER_HOST=$DOCKER_HOST }docker-compose -p $TOPOLOGY_COMPOSE_PROJECT -f backend/compose.yml logs -f
         $VITE_LOG
  Stop:  npm run demo:stop   (or scripts/demo.sh stop)

INFO
}

case "${1:-start}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  *) echo "usage: $0 [start|stop]" >&2; exit 2 ;;
esac
