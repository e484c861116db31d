#!/usr/bin/env bash
# The README's "run every test" command (and CI's, via .ci/run).
# On a fresh Debian 12 machine as root: installs what is missing, then runs lint,
# type check, the widget and media-server unit tests, builds, brings up the
# dockerized backend in a private network namespace, and runs the backend and
# end-to-end suites against it.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
started=$SECONDS

step "setup"
bash scripts/setup.sh

step "lint"
npm run --silent lint

step "type check"
npm run --silent typecheck

step "build"
npm run --silent build

# Unit tests run a real Chromium (WebRTC) and real sipp: keep them off every
# interface but a private loopback.
step "unit tests (widget in Chromium, media server in Node)"
unshare --net bash -c 'ip link set lo up && npx vitest run'

step "backend up (lab namespace)"
trap 'bash backend/lab/lab.sh down >/dev/null 2>&1 || true' EXIT
bash backend/lab/lab.sh up

# The lab goes down with this script: on a failure, keep the backend's side of the story.
in_lab() {
  bash backend/lab/lab.sh exec -- "$@" && return 0
  mkdir -p test-results
  bash backend/lab/lab.sh logs >test-results/backend.log 2>&1 || true
  echo "backend logs: test-results/backend.log"
  return 1
}

step "backend tests"
in_lab bash backend/test/run.sh

step "end-to-end journeys"
in_lab npx playwright test

printf '\nall tests passed in %ss\n' "$((SECONDS - started))"
