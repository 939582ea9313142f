# Sourced by the side-by-side benchmarks (registry-bench.sh, catalog-bench.sh): a work directory,
# the processes they start (stopped by PID on exit), and the checks before a run.

WORK=$(mktemp -d "/tmp/berth-${BENCH_NAME:-bench}.XXXXXX")
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

require() { # tool... (Debian packages of the same names, but postgresql-client for psql)
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "bench: $tool missing (apt-get install $*)"; exit 2; }
  done
  [ -f deploy/target/berth.jar ] || { echo "bench: build first: ./mvnw -q -DskipTests package"; exit 2; }
}

wait_ready() { # url: /v2/ answers 200 (the reference, Berth with REGISTRY_AUTH=none)
  for _ in $(seq 1 600); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1/v2/")" = 200 ] && return 0
    sleep 0.2
  done
  echo "bench: $1 did not start"; exit 1
}

. deploy/bench/reference.sh # the scripts that source this one run from the repository root
