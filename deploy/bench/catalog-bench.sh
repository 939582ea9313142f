#!/usr/bin/env bash
# Catalog benchmark: GET /v2/_catalog pages from Berth (deploy/target/berth.jar) and from the
# reference registry (Debian's docker-registry, CNCF Distribution 2.8.2) side by side, at 100,
# 10 000 and 100 000 repositories. Reports req/s (wrk, 2 threads, 8 connections, 10 s, after a 3 s
# warm-up) of the first page and of a page from the middle, and the ratio Berth / reference.
# Measures, never fails on a number.
#
#   deploy/bench/catalog-bench.sh                     # needs: java 21+, docker-registry, curl, wrk, psql
#   SIZES="100 1000" deploy/bench/catalog-bench.sh
#
# The repositories are made the way each registry keeps them, without pushing 100 000 images: for
# the reference a repository directory with its _layers directory (what its catalog walks), for
# Berth a row of its repository table (what its catalog reads), inserted with psql into its
# embedded PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/../.."

SIZES=${SIZES:-100 10000 100000}
PAGE=${PAGE:-100}
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
BERTH_PORT=${BERTH_PORT:-5112}
REF_PORT=${REF_PORT:-5111}
BERTH_JAVA_OPTS=${BERTH_JAVA_OPTS:-}
BENCH_NAME=catalog-bench
. deploy/bench/side-by-side.sh
require docker-registry curl wrk psql

REF_ROOT=$WORK/ref-data/docker/registry/v2/repositories
mkdir -p "$REF_ROOT"
cat > "$WORK/ref.yml" <<YML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $WORK/ref-data
http:
  addr: 127.0.0.1:$REF_PORT
YML
docker-registry serve "$WORK/ref.yml" > "$WORK/ref.log" 2>&1 &
PIDS+=($!)
# open: the benchmark measures the catalog, not authentication
(cd "$WORK" && REGISTRY_AUTH=none REGISTRY_HTTP_ADDR=127.0.0.1:$BERTH_PORT REGISTRY_LOG_LEVEL=warn \
  exec "$JAVA" $BERTH_JAVA_OPTS -jar "$OLDPWD/deploy/target/berth.jar") > "$WORK/berth.log" 2>&1 &
PIDS+=($!)
REF=http://127.0.0.1:$REF_PORT
BERTH=http://127.0.0.1:$BERTH_PORT
wait_ready "$REF"
wait_ready "$BERTH"
PG_PORT=$(sed -n 4p "$WORK/berth-data/postgres/postmaster.pid")  # PostgreSQL's own record of its port
PG_PASSWORD=$(sed 's/.*://' "$WORK/berth-data/postgres/berth-pgpass")
berth_sql() { PGPASSWORD=$PG_PASSWORD psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c "$1"; }

rps() { # url
  wrk -t2 -c8 -d3s "$1" > /dev/null
  wrk -t2 -c8 -d10s "$1" | awk '/Requests\/sec/{printf "%.0f", $2}'
}

ratio() { awk -v b="$1" -v r="$2" 'BEGIN { if (r > 0) printf "%.1f", b / r; else print "-" }'; }

echo "bench: $(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| repositories | page | reference (req/s) | Berth (req/s) | Berth / reference |"
echo "|---|---|---|---|---|"
made=0
for size in $SIZES; do
  if [ "$size" -gt "$made" ]; then
    seq -f "$REF_ROOT/bulk/repo-%06g/_layers" $((made + 1)) "$size" | xargs mkdir -p
    berth_sql "INSERT INTO repository (name) SELECT 'bulk/repo-' || lpad(i::text, 6, '0')
               FROM generate_series($((made + 1)), $size) AS i ON CONFLICT DO NOTHING" > /dev/null
    made=$size
  fi
  middle=$(printf 'bulk/repo-%06d' $((size / 2)))
  for page in "first:n=$PAGE" "middle:n=$PAGE&last=$middle"; do
    name=${page%%:*}
    query=${page#*:}
    # both list the same names: the pages are comparable
    [ "$(curl -s "$REF/v2/_catalog?$query")" = "$(curl -s "$BERTH/v2/_catalog?$query")" ] \
      || echo "bench: warning: the $name page differs at $size repositories"
    ref=$(rps "$REF/v2/_catalog?$query")
    berth=$(rps "$BERTH/v2/_catalog?$query")
    echo "| $size | $name ($PAGE names) | $ref | $berth | $(ratio "$berth" "$ref") |"
  done
done
echo
echo "bench: load after: $(cut -d' ' -f1-3 /proc/loadavg); Berth resident memory $(ps -o rss= -p "${PIDS[1]}" | awk '{printf "%.0f MiB", $1/1024}')"
