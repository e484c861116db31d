#!/usr/bin/env bash
# Backend tests against the running stack. Run inside the lab namespace:
#   backend/lab/lab.sh exec -- backend/test/run.sh
# Prints one PASS/FAIL line per test and exits non-zero if any failed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

# chaos crashes every backend component (each comes back by itself) and failover stops media1, so they go last (platform kills media2 and waits for its return).
# The SBC attack suites (issue 10) run before failover too: they place real calls.
# So does the fuzz stage (issue 10): it checks that no container restarted, which failover does.
# storm restarts Kamailio (issue 11 §3): after the suites that check for restarts.
suites=(credentials turn sbc auth calls availability security/sbc-relay security/sbc-conference security/sbc-limits security/sbc-auth security/sbc-connection-auth security/sbc-transport security/sbc-topology security/media pike lifecycle security/fuzz storm chaos failover platform)

failed=0
started=$SECONDS
for suite in "${suites[@]}"; do
  printf '\n== %s\n' "$suite"
  node --import tsx --test --test-reporter="$here/reporter.mjs" "$here/$suite.test.ts" || failed=1
done

if ((failed)); then
  printf '\nbackend tests: FAILED (%ss)\n' "$((SECONDS - started))"
  exit 1
fi
printf '\nbackend tests: all passed (%ss)\n' "$((SECONDS - started))"
