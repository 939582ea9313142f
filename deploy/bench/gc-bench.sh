#!/usr/bin/env bash
# Garbage collection benchmark (issue 14): a registry of N_MANIFESTS images (a unique config and 4
# unique 1 KiB layers each: 5 blobs per image) of which half are deleted, then collected.
#   Berth: online GC while clients push new images and pull kept ones; its duration, what it freed,
#          its SQL statements (pg_stat_statements) and the push/pull rates during it against the same
#          clients without GC (aim: pushes lose under 20 %).
#   Reference: Debian's docker-registry (CNCF Distribution 2.8.2) on the same data set; its GC is
#          offline only (`docker-registry garbage-collect`, registry stopped), so its figure is that
#          run's time, and it takes no pushes meanwhile.
# Measures, never fails on a number; not part of `./mvnw verify`. See deploy/docs/benchmarks.md.
#
#   deploy/bench/gc-bench.sh                  # needs: java 21+, docker-registry, python3, psql, curl
#   N_MANIFESTS=500 WARM_S=15 WINDOW_S=20 deploy/bench/gc-bench.sh     # a quick run
#   MEASURE_AT="03:30 UTC" deploy/bench/gc-bench.sh    # fill now, measure from then on
set -euo pipefail
cd "$(dirname "$0")/../.."

N_MANIFESTS=${N_MANIFESTS:-10000}   # images in the data set; blobs = 5 x this
REPOS=${REPOS:-100}
FILL_CLIENTS=${FILL_CLIENTS:-8}     # parallel clients of the fill and of the deletions
PUSH_CLIENTS=${PUSH_CLIENTS:-4}     # clients pushing new images during the measured windows
PULL_CLIENTS=${PULL_CLIENTS:-4}     # clients pulling kept images (manifest + 5 blobs) meanwhile
WARM_S=${WARM_S:-30}                # discarded load after Berth's start (the JVM compiles its hot paths)
WINDOW_S=${WINDOW_S:-60}            # the baseline window without GC
GC_MAX_S=${GC_MAX_S:-3600}          # give up waiting for the GC run after this long
BOOT_SLACK_S=${BOOT_SLACK_S:-120}   # time Berth may need from its GC schedule's start to answering /v2/
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
BERTH_JAVA_OPTS=${BERTH_JAVA_OPTS:-}
LOADGEN="python3 deploy/bench/gc-load.py"
WORK=$(mktemp -d /tmp/berth-gc-bench.XXXXXX)
PIDS=()

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  [ -n "${KEEP_WORK:-}" ] && echo "bench: kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

for tool in docker-registry curl python3 psql; do
  command -v "$tool" >/dev/null || { echo "bench: $tool missing (apt-get install docker-registry curl python3 postgresql-client)"; exit 2; }
done
[ -f deploy/target/berth.jar ] || { echo "bench: build first: ./mvnw -q -DskipTests package"; exit 2; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
BERTH_PORT=${BERTH_PORT:-$(free_port)}
REF_PORT=${REF_PORT:-$(free_port)}
PG_PORT=${PG_PORT:-$(free_port)}
BERTH=http://127.0.0.1:$BERTH_PORT
REF=http://127.0.0.1:$REF_PORT
now() { date +%s.%N; }
minus() { awk -v a="$2" -v b="$1" 'BEGIN{printf "%.1f", b-a}'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
log() { echo "bench: $(date -u +%T) [load $(load)] $*"; }
json() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d[sys.argv[2]])' "$1" "$2"; }

# --- CPU accounting: seconds of Berth's JVM, its PostgreSQL (postmaster and backends), the load
# generator, and the whole machine (both cores), between two snapshots
ticks() { awk -v t="$(getconf CLK_TCK)" '{print ($14 + $15) / t}' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_cpu() {
  local master total=0 pid
  master=$(head -1 "$WORK/berth/berth-data/postgres/postmaster.pid" 2>/dev/null) || { echo 0; return; }
  for pid in "$master" $(ps -o pid= --ppid "$master" 2>/dev/null); do total=$(awk -v a="$total" -v b="$(ticks "$pid")" 'BEGIN{print a+b}'); done
  echo "$total"
}
machine() { awk -v t="$(getconf CLK_TCK)" '/^cpu /{print ($2+$3+$4+$7+$8)/t, ($2+$3+$4+$5+$6+$7+$8)/t}' /proc/stat; }
snapshot() { # -> "berth pg busy all"
  echo "$(ticks "$BERTH_PID") $(pg_cpu) $(machine)"
}
cpu_split() { # before after client-cpu-seconds -> "Berth x, PostgreSQL y, clients z, whole machine w of v CPU-s"
  awk -v a="$1" -v b="$2" -v c="$3" 'BEGIN{split(a,x," "); split(b,y," ");
    printf "Berth %.0f, PostgreSQL %.0f, clients %.0f, whole machine %.0f of %.0f CPU-s", y[1]-x[1], y[2]-x[2], c, y[3]-x[3], y[4]-x[4]}'
}

psql_berth() { PGPASSFILE=$WORK/berth/berth-data/postgres/berth-pgpass psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "${PG_DB:-postgres}" -XAtq "$@"; }

start_berth() { # env...
  mkdir -p "$WORK/berth"
  (cd "$WORK/berth" && exec env "$@" REGISTRY_AUTH=none REGISTRY_HTTP_ADDR=127.0.0.1:$BERTH_PORT REGISTRY_LOG_LEVEL=info REGISTRY_STORAGE_DELETE_ENABLED=true \
     REGISTRY_DATABASE_EMBEDDED_PORT=$PG_PORT "$JAVA" $BERTH_JAVA_OPTS -jar "$OLDPWD/deploy/target/berth.jar") >> "$WORK/berth.log" 2>&1 &
  BERTH_PID=$!
  PIDS+=($BERTH_PID)
  for _ in $(seq 1 1500); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$BERTH/v2/")" = 200 ] && return 0
    kill -0 "$BERTH_PID" 2>/dev/null || { echo "bench: Berth did not start"; tail -30 "$WORK/berth.log"; exit 1; }
    sleep 0.2
  done
  echo "bench: Berth did not answer in 300 s"; exit 1
}
stop_berth() {
  kill "$BERTH_PID"; wait "$BERTH_PID" 2>/dev/null || true
}
# the database Berth uses inside the embedded server
berth_db() {
  PG_DB=postgres psql_berth -c "SELECT datname FROM pg_database WHERE datname NOT IN ('postgres','template0','template1') LIMIT 1"
}

files() { find "$1" -type f -name "$2" 2>/dev/null | wc -l; }
bytes() { du -sb "$1" 2>/dev/null | cut -f1; }

LOAD_START=$(load)
log "start; $N_MANIFESTS images x 5 blobs over $REPOS repositories; Berth :$BERTH_PORT (PostgreSQL :$PG_PORT), reference :$REF_PORT; work dir $WORK"

# ---------------------------------------------------------------- the reference registry
. deploy/bench/reference.sh
start_reference "$REF_PORT"
for _ in $(seq 1 300); do [ "$(curl -s -o /dev/null -w '%{http_code}' "$REF/v2/")" = 200 ] && break; sleep 0.2; done

log "reference: fill"
REF_FILL=$($LOADGEN fill --url "$REF" --manifests "$N_MANIFESTS" --repos "$REPOS" --clients "$FILL_CLIENTS" --out "$WORK/ref.list")
log "reference: fill $REF_FILL"
REF_DELETE=$($LOADGEN delete --url "$REF" --list "$WORK/ref.list" --clients "$FILL_CLIENTS")
log "reference: delete $REF_DELETE"
kill "$REF_PID"; wait "$REF_PID" 2>/dev/null || true

# ---------------------------------------------------------------- Berth: fill and delete
log "Berth: start (GC worker off for the fill)"
start_berth REGISTRY_GC_ENABLED=false
export PG_DB; PG_DB=$(berth_db); PG_DB=${PG_DB:-postgres}
log "Berth: fill (database $PG_DB)"
BERTH_FILL=$($LOADGEN fill --url "$BERTH" --manifests "$N_MANIFESTS" --repos "$REPOS" --clients "$FILL_CLIENTS" --out "$WORK/berth.list")
log "Berth: fill $BERTH_FILL"
BERTH_DELETE=$($LOADGEN delete --url "$BERTH" --list "$WORK/berth.list" --clients "$FILL_CLIENTS")
DELETED_AT=$(date +%s)
log "Berth: delete $BERTH_DELETE"
# pg_stat_statements (shipped with the embedded PostgreSQL) counts the statements of the GC run
PG_DB=postgres psql_berth -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'"
stop_berth
BLOBS_DIR=$WORK/berth/berth-data/registry/blobs
BERTH_FILES_BEFORE=$(files "$BLOBS_DIR" '*'); BERTH_BYTES_BEFORE=$(bytes "$BLOBS_DIR")

# the fills may overlap other work on the machine; MEASURE_AT (a time, e.g. 03:30 UTC) holds the
# measured phases back until then
if [ -n "${MEASURE_AT:-}" ] && [ "$(date -d "$MEASURE_AT" +%s)" -gt "$(date +%s)" ]; then
  log "waiting until $MEASURE_AT to measure"
  sleep $(( $(date -d "$MEASURE_AT" +%s) - $(date +%s) ))
fi

# ---------------------------------------------------------------- the reference: offline GC, Berth stopped
REF_BLOBS=$WORK/ref-data/docker/registry/v2/blobs
REF_FILES_BEFORE=$(files "$REF_BLOBS" data); REF_BYTES_BEFORE=$(bytes "$REF_BLOBS")
log "reference: garbage-collect (offline) over $REF_FILES_BEFORE blob files"
ref_cpu_before=$(machine)
ref_start=$(now)
docker-registry garbage-collect "$WORK/ref.yml" > "$WORK/ref-gc.log" 2>&1
REF_GC_S=$(minus "$(now)" "$ref_start")
REF_LOAD=$(load)
REF_CPU=$(awk -v a="$ref_cpu_before" -v b="$(machine)" 'BEGIN{split(a,x," "); split(b,y," "); printf "%.0f of %.0f", y[1]-x[1], y[2]-x[2]}')
REF_FILES_AFTER=$(files "$REF_BLOBS" data); REF_BYTES_AFTER=$(bytes "$REF_BLOBS")
log "reference: garbage-collect took $REF_GC_S s; blob files $REF_FILES_BEFORE -> $REF_FILES_AFTER"
rm -rf "$WORK/ref-data"   # keep the disk for Berth
sleep 5

# ---------------------------------------------------------------- Berth: baseline, then GC
# The worker's first run comes one interval after its schedule starts (during Berth's boot). The
# review delay puts the cut-off between the deletions and this start: everything the fill and the
# deletions queued is due, nothing the clients push from now on is (the run fixes its cut-off when
# it starts), so the run collects exactly the deleted images' blobs while new pushes go on.
INTERVAL=$((BOOT_SLACK_S + WARM_S + WINDOW_S))
LAUNCH=$(date +%s)
REVIEW_AFTER=$((INTERVAL + (LAUNCH - DELETED_AT) / 2))
log "Berth: restart with gc.interval ${INTERVAL}s, gc.reviewafter ${REVIEW_AFTER}s (deleted $((LAUNCH - DELETED_AT)) s ago)"
start_berth REGISTRY_GC_INTERVAL=${INTERVAL}s REGISTRY_GC_REVIEWAFTER=${REVIEW_AFTER}s
READY=$(date +%s)
log "Berth: ready after $((READY - LAUNCH)) s"
psql_berth -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" 2>/dev/null && STATEMENTS=yes || STATEMENTS=no
gc_runs() { psql_berth -c "SELECT count(*) FROM gc_run"; }
gc_running() { psql_berth -c "SELECT holder IS NOT NULL AND until > now() FROM gc_lease"; }
db_stats() { psql_berth -c "SELECT xact_commit + xact_rollback, tup_returned + tup_fetched, tup_inserted + tup_updated + tup_deleted FROM pg_stat_database WHERE datname = current_database()" | tr '|' ' '; }
statements() { [ "$STATEMENTS" = yes ] && psql_berth -c "SELECT coalesce(sum(calls),0) FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())" || echo 0; }
RUNS_BEFORE=$(gc_runs)
# what Berth's database sessions wait for, sampled twice a second until the stop file appears
# ("running": on CPU or ready to run; Lock:…: a row or transaction lock; IO/LWLock: the WAL flush…)
sample_waits() { # stop-file out-file
  while [ ! -f "$1" ]; do
    psql_berth -c "SELECT coalesce(wait_event_type || ':' || wait_event, 'running') FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()" || true
    echo sample
    sleep 0.5
  done > "$2" 2>/dev/null
}
waits() { # file -> "n samples, sessions per sample: running 0.4; Lock:transactionid 0.3; …"
  local n; n=$(grep -c '^sample$' "$1" || true)
  [ "${n:-0}" -gt 0 ] || { echo "no samples"; return; }
  echo -n "$n samples, sessions per sample:"
  grep -v '^sample$' "$1" | sort | uniq -c | sort -rn | head -6 | awk -v n="$n" '{printf " %s %.2f;", $2, $1/n}'
}

run_load() { # tag seconds [stop-file] -> JSON in $WORK/<tag>.json; sets LOAD_PID
  $LOADGEN load --url "$BERTH" --list "$WORK/berth.list" --push-clients "$PUSH_CLIENTS" --pull-clients "$PULL_CLIENTS" \
    --seconds "$2" --tag "$1" ${3:+--stop-file "$3"} > "$WORK/$1.json" &
  LOAD_PID=$!
  PIDS+=($LOAD_PID)
}

log "Berth: warm-up load, ${WARM_S} s (discarded)"
run_load warm "$WARM_S"; wait "$LOAD_PID"
log "Berth: warm-up $(cat "$WORK/warm.json" | cut -c1-200)"

log "Berth: baseline window without GC, ${WINDOW_S} s"
[ "$STATEMENTS" = yes ] && psql_berth -c "SELECT pg_stat_statements_reset()" > /dev/null
base_db=$(db_stats); base_stmts=$(statements)
run_load base "$WINDOW_S"
base_cpu=$(snapshot); base_load=$(load)
sample_waits "$WORK/base.stop" "$WORK/base.waits" &
PIDS+=($!)
wait "$LOAD_PID"
touch "$WORK/base.stop"
BASE_CPU=$(cpu_split "$base_cpu" "$(snapshot)" "$(json "$(cat "$WORK/base.json")" cpu_s)"); BASE_LOAD="$base_load -> $(load)"
read -r x0 r0 w0 <<< "$base_db"; read -r x1 r1 w1 <<< "$(db_stats)"
BASE_XACT=$((x1 - x0)); BASE_STMTS=$(( $(statements) - base_stmts ))
BASE=$(cat "$WORK/base.json")
log "Berth: baseline $BASE"
if [ "$STATEMENTS" = yes ]; then
  echo "bench: statements in the baseline window by total time (calls | ms | mean ms | statement):"
  psql_berth -F ' | ' -c "SELECT calls, round(total_exec_time::numeric) AS ms, round(mean_exec_time::numeric, 2) AS mean_ms, left(regexp_replace(query, '\\s+', ' ', 'g'), 120) FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 8"
fi
[ "$(gc_runs)" = "$RUNS_BEFORE" ] && [ "$(gc_running)" != t ] || { echo "bench: GC started during the baseline: raise BOOT_SLACK_S"; exit 1; }

log "Berth: waiting for the GC run (due about $((LAUNCH + INTERVAL - $(date +%s))) s from now)"
waited=0
until [ "$(gc_running)" = t ] || [ "$(gc_runs)" != "$RUNS_BEFORE" ]; do
  sleep 0.2; waited=$((waited + 1))
  [ "$waited" -lt $((5 * (INTERVAL + BOOT_SLACK_S))) ] || { echo "bench: no GC run came"; exit 1; }
done
[ "$STATEMENTS" = yes ] && psql_berth -c "SELECT pg_stat_statements_reset()" > /dev/null
gc_db=$(db_stats); gc_stmts=$(statements)
run_load gc "$GC_MAX_S" "$WORK/gc.stop"
gc_cpu=$(snapshot); gc_load=$(load)
sample_waits "$WORK/gc.stop" "$WORK/gc.waits" &
PIDS+=($!)
log "Berth: GC run started; clients pushing and pulling"
PEAK_LOAD=0
until [ "$(gc_runs)" != "$RUNS_BEFORE" ]; do
  sleep 0.5
  PEAK_LOAD=$(awk -v a="$PEAK_LOAD" -v b="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN{print (b>a)?b:a}')
  kill -0 "$LOAD_PID" 2>/dev/null || break
done
touch "$WORK/gc.stop"; wait "$LOAD_PID" || true
GC_CPU=$(cpu_split "$gc_cpu" "$(snapshot)" "$(json "$(cat "$WORK/gc.json")" cpu_s)"); GC_LOAD="$gc_load -> $(load), peak $PEAK_LOAD"
read -r x0 r0 w0 <<< "$gc_db"; read -r x1 r1 w1 <<< "$(db_stats)"
GC_XACT=$((x1 - x0)); GC_STMTS=$(( $(statements) - gc_stmts ))
DURING=$(cat "$WORK/gc.json")
log "Berth: during GC $DURING"
IFS='|' read -r GC_SECONDS GC_REVIEWED GC_FREED GC_BYTES GC_ORPHANS GC_SKIPPED <<< "$(psql_berth -c \
  "SELECT round(extract(epoch FROM finished_at - started_at)::numeric, 1), blobs_reviewed, blobs_freed, bytes_freed, orphans_freed, coalesce(skipped,'') FROM gc_run ORDER BY id DESC LIMIT 1")"
log "Berth: GC run: ${GC_SECONDS} s, reviewed $GC_REVIEWED, freed $GC_FREED blobs ($GC_BYTES bytes), $GC_ORPHANS orphans ${GC_SKIPPED:+skipped: $GC_SKIPPED}"
log "Berth: second window without GC, ${WINDOW_S} s"
run_load after "$WINDOW_S"; wait "$LOAD_PID"
AFTER=$(cat "$WORK/after.json")
log "Berth: after GC $AFTER"
if [ "$STATEMENTS" = yes ]; then
  # the collector's statements: the queues, the lease, the review's row locks and deletions,
  # the deletion lock; a push's statements (FOR KEY SHARE, the shared advisory lock) are others
  GC_FILTER="(query ~* 'gc_(blob_review|manifest_review|blob_deletion|orphan_candidate|lease|run)' OR query ~* 'FOR UPDATE' OR query ~* 'pg_advisory_xact_lock\\(' OR query ~* '^DELETE FROM (blob|repository_blob|manifest) ' OR query ~* 'FROM manifest_blob WHERE digest') AND query !~* 'pg_advisory_xact_lock_shared'"
  psql_berth -F ' | ' -c "SELECT calls, round(total_exec_time::numeric) AS ms, left(regexp_replace(query, '\\s+', ' ', 'g'), 140) FROM pg_stat_statements WHERE $GC_FILTER ORDER BY calls DESC LIMIT 25" > "$WORK/gc-statements.txt"
  GC_OWN=$(psql_berth -c "SELECT sum(calls) || ' statements, ' || round(sum(total_exec_time)::numeric / 1000, 1) || ' s in PostgreSQL' FROM pg_stat_statements WHERE $GC_FILTER")
  psql_berth -F ' | ' -c "SELECT calls, round(total_exec_time::numeric) AS ms, round(mean_exec_time::numeric, 2) AS mean_ms, left(regexp_replace(query, '\\s+', ' ', 'g'), 120) FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 15" > "$WORK/all-statements.txt"
  echo "bench: the collector's statements during the run (calls | ms | statement):"; cat "$WORK/gc-statements.txt"
  echo "bench: all statements during the run by total time (calls | ms | mean ms | statement):"; cat "$WORK/all-statements.txt"
else
  GC_OWN="n/a (pg_stat_statements not loaded)"
fi

# ---------------------------------------------------------------- what storage holds afterwards
PUSHED=$(( $(json "$(cat "$WORK/warm.json")" pushes) + $(json "$BASE" pushes) + $(json "$DURING" pushes) + $(json "$AFTER" pushes) ))
EXPECTED=$(( (N_MANIFESTS - N_MANIFESTS / 2) * 5 + PUSHED * 5 ))
BERTH_FILES_AFTER=$(files "$BLOBS_DIR" '*'); BERTH_BYTES_AFTER=$(bytes "$BLOBS_DIR")
BLOB_ROWS=$(psql_berth -c "SELECT count(*) FROM blob")
UNREFERENCED=$(psql_berth -c "SELECT count(*) FROM blob b WHERE NOT EXISTS (SELECT 1 FROM manifest_blob m WHERE m.digest = b.digest)")
log "Berth: storage holds $BERTH_FILES_AFTER blob files; blob rows $BLOB_ROWS (unreferenced $UNREFERENCED); expected $EXPECTED (kept images' 5 blobs + $PUSHED pushed images' 5)"
stop_berth
LOAD_END=$(load)

# ---------------------------------------------------------------- the table
ratio() { awk -v b="$1" -v r="$2" 'BEGIN{ if (r > 0) printf "%.2f", b/r; else print "n/a" }'; }
# against the mean of the windows before and after the run
mean() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", (a+b)/2}'; }
NOGC_PUSH=$(mean "$(json "$BASE" pushes_per_s)" "$(json "$AFTER" pushes_per_s)")
NOGC_PULL=$(mean "$(json "$BASE" pulls_per_s)" "$(json "$AFTER" pulls_per_s)")
PUSH_RATIO=$(ratio "$(json "$DURING" pushes_per_s)" "$NOGC_PUSH")
PULL_RATIO=$(ratio "$(json "$DURING" pulls_per_s)" "$NOGC_PULL")
AIM=$(awk -v r="$PUSH_RATIO" 'BEGIN{ print (r >= 0.8) ? "met" : "MISSED" }')
echo
echo "Load average at start: $LOAD_START; at end: $LOAD_END. $(nproc) cores."
echo "Data set: $N_MANIFESTS images (config + 4 x 1 KiB layers, Docker schema 2) over $REPOS repositories; $((N_MANIFESTS / 2)) deleted by digest."
echo "Fill: reference $(json "$REF_FILL" images_per_s) images/s, Berth $(json "$BERTH_FILL" images_per_s) images/s ($FILL_CLIENTS clients); deletions: reference $(json "$REF_DELETE" seconds) s, Berth $(json "$BERTH_DELETE" seconds) s."
echo "Clients in the windows: $PUSH_CLIENTS pushing new images (5 blobs + manifest), $PULL_CLIENTS pulling kept images (manifest + 5 blobs)."
echo
echo "| measure | reference 2.8.2 | Berth | ratio |"
echo "|---|---|---|---|"
echo "| GC of $((N_MANIFESTS / 2 * 5)) garbage blobs among $((N_MANIFESTS * 5)) (s) | $REF_GC_S (offline, registry stopped) | $GC_SECONDS (online, under load) | $(ratio "$GC_SECONDS" "$REF_GC_S") |"
echo "| blob files before -> after GC | $REF_FILES_BEFORE -> $REF_FILES_AFTER (manifests are blobs too) | $BERTH_FILES_BEFORE -> $BERTH_FILES_AFTER (expected $EXPECTED) | |"
echo "| blob bytes before -> after GC | $REF_BYTES_BEFORE -> $REF_BYTES_AFTER | $BERTH_BYTES_BEFORE -> $BERTH_BYTES_AFTER | |"
echo "| blobs freed (bytes), as the collector reports | (prints every deletion) | $GC_FREED ($GC_BYTES), reviewed $GC_REVIEWED, orphans $GC_ORPHANS | |"
echo "| pushes during GC (images/s) | 0 (stopped) | $(json "$DURING" pushes_per_s) over $(json "$DURING" seconds) s | |"
echo "| pushes without GC, before / after the run (images/s) | | $(json "$BASE" pushes_per_s) / $(json "$AFTER" pushes_per_s) over $(json "$BASE" seconds) s each; mean $NOGC_PUSH | |"
echo "| pushes with GC / without (mean of both; aim >= 0.80) | | $PUSH_RATIO ($AIM) | |"
echo "| pulls with GC / without (images/s) | 0 (stopped) | $(json "$DURING" pulls_per_s) / $NOGC_PULL (before $(json "$BASE" pulls_per_s), after $(json "$AFTER" pulls_per_s)) = $PULL_RATIO | |"
echo "| push latency p50 / p99, before -> with GC -> after (ms) | | $(json "$BASE" push_p50_ms) / $(json "$BASE" push_p99_ms) -> $(json "$DURING" push_p50_ms) / $(json "$DURING" push_p99_ms) -> $(json "$AFTER" push_p50_ms) / $(json "$AFTER" push_p99_ms) | |"
echo "| push retries (a layer collected first) / errors during GC | | $(json "$DURING" push_retries) / $(json "$DURING" push_errors), pull errors $(json "$DURING" pull_errors) | |"
echo "| SQL during GC window: transactions / statements (all clients + GC) | | $GC_XACT / $GC_STMTS | |"
echo "| SQL in the baseline window: transactions / statements | | $BASE_XACT / $BASE_STMTS | |"
echo "| the collector's own statements | | $GC_OWN | |"
echo "| database sessions waiting, baseline | | $(waits "$WORK/base.waits") | |"
echo "| database sessions waiting, during GC | | $(waits "$WORK/gc.waits") | |"
echo "| CPU-s in the baseline window (load average) | | $BASE_CPU ($BASE_LOAD) | |"
echo "| CPU-s during GC (load average) | $REF_CPU machine CPU-s ($REF_LOAD at end) | $GC_CPU ($GC_LOAD) | |"
echo
echo "Rerun: N_MANIFESTS=$N_MANIFESTS REPOS=$REPOS FILL_CLIENTS=$FILL_CLIENTS PUSH_CLIENTS=$PUSH_CLIENTS PULL_CLIENTS=$PULL_CLIENTS WARM_S=$WARM_S WINDOW_S=$WINDOW_S deploy/bench/gc-bench.sh"
