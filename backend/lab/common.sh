# Shared by backend/lab/lab.sh and scripts/demo.sh (sourced, not executed).
# Creates first-start material (certificates, secrets), makes sure a Docker
# engine and the base image exist, and builds the service images.

BACKEND_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_DIR="$(cd "$BACKEND_DIR/.." && pwd)"
RUN_DIR="$BACKEND_DIR/run"
# A debootstrapped rootfs is cached as a tarball so every data-root (lab, demo)
# can import the base image in seconds instead of bootstrapping again.
BASE_CACHE="${SOFTPHONE_CACHE:-/var/cache/softphone}/bookworm-minbase.tar"
COMPOSE_FILE="$BACKEND_DIR/compose.yml"

log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Runs a noisy command silently, showing its output only if it fails.
quietly() {
  local out
  out="$("$@" 2>&1)" || { printf '%s\n' "$out" >&2; die "failed: $*"; }
}

# Seconds since an epoch taken with `date +%s.%N`, one decimal.
elapsed() { awk -v s="$1" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }'; }

# Wait until CMD succeeds, polling every 0.2 s, or fail after TIMEOUT seconds.
wait_for() {
  local timeout="$1" what="$2"; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "timed out after ${timeout}s waiting for $what"
    sleep 0.2
  done
}

# Runs CMD... holding the lock file LOCK (fd 9), so two up/down of the same lab never
# interleave; daemons started meanwhile must close fd 9 (`9>&-`) or they keep the lock.
with_lock() {
  local lock="$1" what="$2"; shift 2
  mkdir -p "$(dirname "$lock")"
  exec 9>"$lock"
  flock -w 600 9 || die "another $what up/down is still running"
  "$@"
}

ensure_run_material() {
  mkdir -p "$RUN_DIR/certs" "$RUN_DIR/recordings/media1" "$RUN_DIR/recordings/media2"
  local certs="$RUN_DIR/certs"
  if [[ ! -s "$certs/server.pem" ]]; then
    log "generating dev CA and server certificate in $certs"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Softphone Dev CA" \
      -keyout "$certs/ca-key.pem" -out "$certs/ca.pem" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
      -keyout "$certs/server-key.pem" -out "$certs/server.csr" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$certs/server.ext"
    openssl x509 -req -in "$certs/server.csr" -CA "$certs/ca.pem" -CAkey "$certs/ca-key.pem" \
      -CAcreateserial -days 825 -extfile "$certs/server.ext" -out "$certs/server.pem" 2>/dev/null
    rm -f "$certs/server.csr" "$certs/server.ext"
    # Containers run as their own users; the key only ever lives on a dev machine.
    chmod 644 "$certs"/*.pem
  fi
  [[ -s "$RUN_DIR/secret" ]] || { openssl rand -hex 32 >"$RUN_DIR/secret"; log "generated auth_ephemeral secret"; }
  # The media servers' control API token (MEDIA_API_TOKEN_FILE, backend/media/src/config.ts):
  # mounted read-only, readable by the secrets group only, never part of an image.
  if [[ ! -s "$RUN_DIR/media-api-token" ]]; then
    (umask 077 && openssl rand -hex 32 >"$RUN_DIR/media-api-token")
    log "generated media API token"
  fi
  chgrp "${SECRETS_GID:-10500}" "$RUN_DIR/media-api-token" && chmod 0640 "$RUN_DIR/media-api-token"
  [[ -s "$RUN_DIR/agent-key" ]] || { openssl rand -hex 16 >"$RUN_DIR/agent-key"; log "generated agent key"; }
}

# Starts dockerd (unless its socket already answers) with the given data-root.
# $1 name (paths under /run/softphone-<name>), $2 data-root, $3 optional network
# namespace file to start it in.
start_dockerd() {
  local name="$1" data_root="$2" netns="${3:-}"
  local dir="/run/softphone-$name"
  export DOCKER_HOST="unix://$dir/docker.sock"
  if docker version >/dev/null 2>&1; then return 0; fi
  mkdir -p "$dir" "$data_root"
  local prefix=()
  [[ -n "$netns" ]] && prefix=(nsenter --net="$netns")
  log "starting dockerd ($name, data-root $data_root)"
  # fd 9 is the lab lock: the daemon outlives this script and must not hold it.
  "${prefix[@]}" setsid dockerd --data-root "$data_root" --exec-root "$dir/exec" \
    -H "$DOCKER_HOST" --pidfile "$dir/dockerd.pid" \
    --bridge=none --iptables=false --ip6tables=false --ip-masq=false \
    >"$dir/dockerd.log" 2>&1 </dev/null 9>&- &
  wait_for 60 "dockerd ($name)" docker version
}

stop_dockerd() {
  local dir="/run/softphone-$1" pid
  [[ -s "$dir/dockerd.pid" ]] || return 0
  pid="$(cat "$dir/dockerd.pid")"
  if kill "$pid" 2>/dev/null; then
    log "stopping dockerd ($1)"
    local deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  fi
  rm -f "$dir/dockerd.pid"
  # dockerd leaves its bind mount of the network namespace behind, which would
  # keep a lab namespace alive after `down`.
  if mountpoint -q "$dir/exec/netns/default" 2>/dev/null; then
    umount "$dir/exec/netns/default" || true
  fi
}

# The machine's own Debian mirror (deb822 or one-line sources), else the default.
apt_mirror() {
  local mirror
  mirror="$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)"
  [[ -n "$mirror" ]] || mirror="$(awk '$1 == "deb" && $2 ~ /^https?:/ { print $2; exit }' \
    /etc/apt/sources.list 2>/dev/null || true)"
  echo "${mirror:-http://deb.debian.org/debian}"
}

ensure_base_image() {
  docker image inspect debian:bookworm-slim >/dev/null 2>&1 && return 0
  # Prefer a registry where there is one; fall back to a local debootstrap.
  if timeout 60 docker pull debian:bookworm-slim >/dev/null 2>&1; then return 0; fi
  if [[ ! -s "$BASE_CACHE" ]]; then
    local mirror rootfs
    mirror="$(apt_mirror)"
    rootfs="$(mktemp -d /var/tmp/softphone-rootfs.XXXXXX)"
    log "debootstrapping bookworm from $mirror (one time)"
    debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$rootfs.log" 2>&1 ||
      die "debootstrap failed, see $rootfs.log"
    mkdir -p "$(dirname "$BASE_CACHE")"
    tar -C "$rootfs" -cf "$BASE_CACHE.tmp" . && mv "$BASE_CACHE.tmp" "$BASE_CACHE"
    rm -rf "$rootfs" "$rootfs.log"
  fi
  log "importing debian:bookworm-slim"
  docker import "$BASE_CACHE" debian:bookworm-slim >/dev/null
}

# Host-side bundles that the images copy in (the images carry no build tools).
bundle_sources() {
  [[ -f "$BACKEND_DIR/media/build.mjs" ]] ||
    die "backend/media/build.mjs is missing: the media server cannot be bundled"
  (cd "$REPO_DIR" && quietly node backend/credentials/build.mjs && quietly node backend/media/build.mjs)
}

IMAGES=(kamailio rtpengine credentials media)

# A digest of everything the images are built from, so a cached start can skip
# the build daemon altogether.
images_digest() {
  (cd "$BACKEND_DIR" && find "${IMAGES[@]}" -type f -not -path '*/node_modules/*' -print0 |
    sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}

images_present() {
  local svc
  for svc in "${IMAGES[@]}"; do
    docker image inspect "softphone/$svc" >/dev/null 2>&1 || return 1
  done
}

# Builds with the current DOCKER_HOST. Plain `docker build --network host` so apt
# inside the build reaches the mirror; docker-compose only runs the tagged images.
build_images() {
  ensure_base_image
  local svc
  for svc in "${IMAGES[@]}"; do
    log "building softphone/$svc"
    quietly docker build -q --network host -t "softphone/$svc" "$BACKEND_DIR/$svc"
  done
}

compose() { docker-compose -p softphone -f "$COMPOSE_FILE" "$@"; }

compose_up() {
  quietly compose up -d --no-build --remove-orphans
}

# Waits until every container of the project reports healthy.
wait_healthy() {
  local timeout="$1" deadline=$((SECONDS + $1)) unhealthy
  while :; do
    unhealthy="$(compose ps -q | xargs -r docker inspect -f '{{.Name}} {{.State.Health.Status}}' | grep -v ' healthy$' || true)"
    [[ -z "$unhealthy" ]] && return 0
    ((SECONDS < deadline)) || die "not healthy after ${timeout}s: $(echo "$unhealthy" | tr '\n' ' ')"
    sleep 0.5
  done
}
