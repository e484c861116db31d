#!/usr/bin/env bash
# Hermetic lab: the dockerized backend inside a private network namespace that
# has only `lo`, so browsers, rtpengine and media servers never touch a real
# interface.
#
#   lab.sh up                 build what changed, start the stack, wait until healthy
#   lab.sh exec -- CMD...     run CMD inside the namespace (tests, Chromium)
#   lab.sh compose ARGS...    docker-compose against the lab (e.g. `stop media1`)
#   lab.sh logs [SERVICE]     container logs
#   lab.sh status             containers and their health
#   lab.sh down               stop everything, remove the namespace
#
# LAB_NAME (default "lab") selects an independent lab: its own namespace,
# Docker engine and data-root, so several can run side by side.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

LAB_NAME="${LAB_NAME:-lab}"
LAB_DIR="/run/softphone-$LAB_NAME"
NETNS="$LAB_DIR/netns"
DATA_ROOT="/var/lib/softphone-docker/$LAB_NAME"
DIGEST_FILE="$DATA_ROOT.images.sha256"
export DOCKER_HOST="unix://$LAB_DIR/docker.sock"
# Short pike bans so the flood test can watch one expire.
export PIKE_BAN_SECONDS="${PIKE_BAN_SECONDS:-6}"


ensure_netns() {
  mkdir -p "$LAB_DIR"
  if ! mountpoint -q "$NETNS" 2>/dev/null; then
    touch "$NETNS"
    unshare --net="$NETNS" true
  fi
  nsenter --net="$NETNS" ip link set lo up
}

lab_running() { docker version >/dev/null 2>&1; }

# Builds in a daemon outside the namespace (apt needs the mirror), on the same
# data-root, then stops it: one data-root must not have two daemons.
build_if_changed() {
  local digest
  digest="$(images_digest)"
  [[ -f "$DIGEST_FILE" && "$(cat "$DIGEST_FILE")" == "$digest" ]] && return 0
  local build_name="$LAB_NAME-build"
  start_dockerd "$build_name" "$DATA_ROOT"
  build_images
  stop_dockerd "$build_name"
  export DOCKER_HOST="unix://$LAB_DIR/docker.sock"
  echo "$digest" >"$DIGEST_FILE"
}

cmd_up() {
  local t0
  t0="$(date +%s.%N)"
  ensure_run_material
  bundle_sources
  if lab_running; then
    log "lab '$LAB_NAME' engine already running (stop it with 'down' to pick up rebuilt images)"
  else
    build_if_changed
    ensure_netns
    start_dockerd "$LAB_NAME" "$DATA_ROOT" "$NETNS"
    if ! images_present; then
      log "images missing from $DATA_ROOT, rebuilding"
      stop_dockerd "$LAB_NAME"
      rm -f "$DIGEST_FILE"
      build_if_changed
      start_dockerd "$LAB_NAME" "$DATA_ROOT" "$NETNS"
    fi
  fi
  compose_up
  wait_healthy 120
  log "lab '$LAB_NAME' up and healthy in $(elapsed "$t0") s (namespace $NETNS)"
}

cmd_down() {
  if lab_running; then
    compose down --timeout 5 >/dev/null 2>&1 || true
  fi
  stop_dockerd "$LAB_NAME"
  if mountpoint -q "$NETNS" 2>/dev/null; then
    umount "$NETNS"
  fi
  rm -f "$NETNS"
  log "lab '$LAB_NAME' down"
}

cmd_exec() {
  [[ "${1:-}" == "--" ]] && shift
  (($#)) || die "usage: lab.sh exec -- CMD..."
  mountpoint -q "$NETNS" 2>/dev/null || die "lab '$LAB_NAME' is not up"
  export LAB_NAME
  exec nsenter --net="$NETNS" "$@"
}

# Concurrent up/down of the same lab would race for the engine and namespace.
locked() { with_lock "$LAB_DIR/lock" "lab.sh of '$LAB_NAME'" "$@"; }

case "${1:-}" in
  up) locked cmd_up ;;
  down) locked cmd_down ;;
  exec) shift; cmd_exec "$@" ;;
  compose) shift; compose "$@" ;;
  logs) shift; compose logs --no-color "$@" ;;
  status) compose ps ;;
  *) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
