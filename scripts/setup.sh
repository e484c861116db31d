#!/usr/bin/env bash
# One-time, idempotent machine set-up for a fresh Debian 12 (run as root).
# Installs the Debian packages the product and its tests need, then the npm
# dependencies. Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  chromium                       # real browser for unit and end-to-end tests
  firefox-esr                    # second browser for the click-to-call journey (e2e/journeys/28, WebDriver BiDi)
  docker.io docker-compose       # the backend runs as containers
  debootstrap                    # builds debian:bookworm-slim and trixie-slim where no registry is reachable
  iproute2 util-linux iptables   # private network namespaces for the lab
  sip-tester                     # sipp, for backend tests and benchmarks
  tcpdump                        # backend tests read what Kamailio sends rtpengine
  openssl ca-certificates curl
  sox espeak-ng                  # test signals (fake microphone, prompts)
  haproxy rtpengine-daemon       # backend/regions runs these natively (its Kamailio: Debian 13's, see regions.sh)
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
fi

if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi
