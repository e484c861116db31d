# What the bench scripts share (sourced from the repository root): a step heading with
# the load, the widget build and the lab bring-up.
# Environment: LAB_NAME (default bench), BENCH_SKIP_BUILD=1 (use dist/ as it is),
# BENCH_KEEP_LAB=1 (use a running lab and leave it up).

export LAB_NAME="${LAB_NAME:-bench}"
LAB=backend/lab/lab.sh

# A heading with the load average: a benchmark on a busy machine says so.
step() { printf '\n\033[1m== %s\033[0m  (load: %s)\n' "$*" "$(cut -d' ' -f1-3 /proc/loadavg)"; }

build_widget() {
  step "build the widget"
  if [[ "${BENCH_SKIP_BUILD:-}" == 1 && -f dist/cdn/softphone.js ]]; then
    echo "BENCH_SKIP_BUILD=1: using dist/ as it is"
  else
    npm run --silent build
  fi
}

# Brings the lab up from scratch (a lab left running would keep images built from older
# sources) and down when the script exits; with BENCH_KEEP_LAB=1, uses it as it is.
lab_up() {
  step "backend up (lab '$LAB_NAME')"
  if [[ "${BENCH_KEEP_LAB:-}" != 1 ]]; then
    bash "$LAB" down >/dev/null 2>&1 || true
    trap 'bash "$LAB" down >/dev/null 2>&1 || true' EXIT
  fi
  bash "$LAB" up
}
