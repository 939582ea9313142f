#!/usr/bin/env bash
# Scale-out benchmark (issue 19): 1, 2 and 3 packaged Berth nodes (deploy/target/berth.jar) on one
# external PostgreSQL and one storage directory, Debian's HAProxy round-robin in front, as
# deploy/docs/scale-out.md describes. Debian's docker-registry (Distribution 2.8.2, one process, its
# own storage) behind the same HAProxy is the reference line. Measures, never fails on a number.
#
#   deploy/bench/scale-bench.sh     # needs: berth.jar built, postgresql (15, with pg_stat_statements),
#                                   # haproxy, docker-registry, wrk, curl, python3
#   PUSHES=300 CLIENTS=8 SECONDS_PER=15 ROUNDS=2 WARMUPS=2 deploy/bench/scale-bench.sh
#
# - PostgreSQL: Debian's binaries, a fresh cluster under the work directory (run as the postgres user
#   when the script runs as root), pg_stat_statements loaded.
# - Storage: the filesystem driver, every node on the same directory. On one machine that directory
#   is shared storage; across machines it would be an object store (s3, azure, gcs, swift).
# - All three nodes start once. A setting of N nodes is HAProxy with the first N as servers; the others
#   idle (their background workers still run, as they do in every setting). Settings run in the order
#   1 2 3 3 2 1 (ROUNDS=2), so that the load of other processes falls on each alike.
# - Per setting: parallel pushes of new small images (gc-load.py fill: CLIENTS keep-alive connections,
#   a config and one LAYER_BYTES layer each, monolithic uploads: 5 requests a push), whole-image pulls
#   (gc-load.py load: manifest by tag, config, layer) and manifest GETs by tag (wrk, 32 connections).
#   For each: the rate, the CPU seconds the Berth JVMs and PostgreSQL spent per operation (less swayed by
#   the machine's other load than the rate), and the statements (pg_stat_statements, without
#   BEGIN/COMMIT/SET) and transactions (pg_stat_database, after SETTLE seconds so that idle backends
#   reported theirs) PostgreSQL ran per operation, less what the idle nodes ran meanwhile.
# - Every process shares this machine's cores: the load generators, HAProxy, PostgreSQL and the nodes.
#   With 2 cores, 3 nodes do not get 3 times the CPU of 1: read the CPU per operation for what a node
#   costs, and deploy/docs/scale-out.md for what more machines would do.
set -euo pipefail
cd "$(dirname "$0")/../.."

PUSHES=${PUSHES:-300}
CLIENTS=${CLIENTS:-8}
LAYER_BYTES=${LAYER_BYTES:-16384}
SECONDS_PER=${SECONDS_PER:-15}
ROUNDS=${ROUNDS:-2}
WARMUPS=${WARMUPS:-2}
SETTLE=${SETTLE:-11}
IDLE_SECONDS=${IDLE_SECONDS:-30}
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
BERTH_JAVA_OPTS=${BERTH_JAVA_OPTS:--Xmx512m}
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
BENCH_NAME=scale-bench
. deploy/bench/side-by-side.sh
require haproxy docker-registry wrk curl python3
[ -x "$PG_BIN/postgres" ] || { echo "bench: PostgreSQL server binaries missing (apt-get install postgresql)"; exit 2; }
chmod 755 "$WORK"
HZ=$(getconf CLK_TCK)
LOADGEN="python3 deploy/bench/gc-load.py"
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
echo "bench: $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- PostgreSQL: a fresh cluster, stopped on exit (before the work directory goes)
PG_PORT=$(free_port)
PG_PASSWORD=bench-$RANDOM$RANDOM
PGDATA=$WORK/pg/data
mkdir -p "$WORK/pg"
[ "$(id -u)" = 0 ] && chown postgres "$WORK/pg"
printf '%s\n' "$PG_PASSWORD" > "$WORK/pg/password"
[ "$(id -u)" = 0 ] && chown postgres "$WORK/pg/password"
as_postgres "$PG_BIN/initdb" -D "$PGDATA" -U berth --pwfile="$WORK/pg/password" --auth=scram-sha-256 > "$WORK/pg/initdb.log"
as_postgres "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$WORK/pg/postgres.log" -w start -o "-p $PG_PORT -c listen_addresses=127.0.0.1 \
  -c unix_socket_directories=$WORK/pg -c max_connections=200 -c shared_preload_libraries=pg_stat_statements \
  -c pg_stat_statements.max=1000" > /dev/null
stop_postgres() { as_postgres "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w stop > /dev/null 2>&1 || true; }
trap 'stop_postgres; cleanup' EXIT
export PGPASSWORD=$PG_PASSWORD
psql_q() { psql -X -q -t -A -h 127.0.0.1 -p "$PG_PORT" -U berth -d postgres -c "$1"; }
psql_q "CREATE DATABASE berth" > /dev/null
psql_q "CREATE EXTENSION pg_stat_statements" > /dev/null
POSTMASTER=$(head -1 "$PGDATA/postmaster.pid")

# ---- three nodes on that database and one storage directory, started at once
SECRETS_KEY=$(head -c 32 /dev/urandom | base64)
NODE_PORTS=() NODE_PIDS=()
for n in 1 2 3; do
  port=$(free_port)
  mkdir -p "$WORK/node$n"
  (cd "$WORK/node$n" && REGISTRY_AUTH=none REGISTRY_HTTP_ADDR=127.0.0.1:$port REGISTRY_LOG_LEVEL=warn \
    REGISTRY_LOG_ACCESSLOG_DISABLED=true REGISTRY_STARTUP_TIMEOUT=15m \
    REGISTRY_DATABASE_URL=jdbc:postgresql://127.0.0.1:$PG_PORT/berth REGISTRY_DATABASE_USER=berth \
    REGISTRY_DATABASE_PASSWORD=$PG_PASSWORD REGISTRY_DATABASE_SECRETS_KEY=$SECRETS_KEY \
    REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY=$WORK/storage \
    exec "$JAVA" $BERTH_JAVA_OPTS -jar "$OLDPWD/deploy/target/berth.jar") > "$WORK/node$n.log" 2>&1 &
  NODE_PIDS+=($!) NODE_PORTS+=($port)
  PIDS+=($!)
done
REF_PORT=$(free_port)
start_reference "$REF_PORT"
# three boots at once on a loaded machine take minutes: a slow start is not a failure here
for port in "${NODE_PORTS[@]}"; do
  for _ in $(seq 1 900); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v2/")" = 200 ] && break
    sleep 1
  done
done
for port in "${NODE_PORTS[@]}" "$REF_PORT"; do wait_ready "http://127.0.0.1:$port"; done
echo "bench: three nodes and the reference ready; load average: $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- HAProxy in front of the first N nodes (or the reference), as ScaleOutIT configures it
HAPROXY_PID=
balance() { # servers (host:port ...) -> URL of a fresh HAProxy in front of them
  if [ -n "$HAPROXY_PID" ]; then kill "$HAPROXY_PID"; wait "$HAPROXY_PID" 2>/dev/null || true; fi
  local port; port=$(free_port)
  { printf 'defaults\n  mode http\n  timeout connect 2s\n  timeout client 5m\n  timeout server 5m\n'
    printf '  retries 3\n  option redispatch 1\n  retry-on conn-failure empty-response response-timeout 502 503 504\n'
    printf 'frontend registry\n  bind 127.0.0.1:%s\n  default_backend berth\n' "$port"
    printf 'backend berth\n  balance roundrobin\n  option httpchk GET /v2/\n  http-check expect status 200\n'
    printf '  timeout check 5s\n  default-server check inter 500ms fall 2 rise 1\n'
    local i=0; for server in "$@"; do i=$((i + 1)); printf '  server s%s %s\n' "$i" "$server"; done
  } > "$WORK/haproxy.cfg"
  haproxy -db -f "$WORK/haproxy.cfg" > "$WORK/haproxy.log" 2>&1 &
  HAPROXY_PID=$!
  PIDS+=($HAPROXY_PID)
  BALANCER=http://127.0.0.1:$port
  wait_ready "$BALANCER"
}

# ---- counters: CPU seconds (user + system) and PostgreSQL's statements and transactions so far
cpu_of() { for pid in "$@"; do awk -v hz="$HZ" '{print ($14 + $15) / hz}' "/proc/$pid/stat"; done | awk '{s += $1} END {printf "%.2f", s}'; }
pg_cpu() { # the postmaster with the backends it reaped, and the live ones
  { awk -v hz="$HZ" '{print ($14 + $15 + $16 + $17) / hz}' "/proc/$POSTMASTER/stat"
    for pid in $(pgrep -P "$POSTMASTER"); do awk -v hz="$HZ" '{print ($14 + $15) / hz}' "/proc/$pid/stat" 2>/dev/null || true; done
  } | awk '{s += $1} END {printf "%.2f", s}'
}
pg_counts() { # statements, transactions of the database berth
  psql_q "SELECT (SELECT coalesce(sum(calls), 0) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
            WHERE d.datname = 'berth' AND s.query !~* '^\s*(BEGIN|COMMIT|ROLLBACK|SET|SHOW|DISCARD)')
       || ' ' || (SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = 'berth')"
}
sample() { # -> "seconds berth-cpu reference-cpu pg-cpu statements transactions"
  echo "$(date +%s.%N) $(cpu_of "${NODE_PIDS[@]}") $(cpu_of "$REF_PID") $(pg_cpu) $(pg_counts)"
}
# the idle nodes' own rate of statements and transactions, subtracted from every measure
sleep "$SETTLE"
IDLE_FROM=$(sample); sleep "$IDLE_SECONDS"; IDLE_TO=$(sample)
read -r IDLE_STMT_RATE IDLE_XACT_RATE <<< "$(awk -v a="$IDLE_FROM" -v b="$IDLE_TO" 'BEGIN {
  split(a, x, " "); split(b, y, " "); t = y[1] - x[1]; printf "%.3f %.3f", (y[5] - x[5]) / t, (y[6] - x[6]) / t }')"
echo "bench: idle, three nodes: $IDLE_STMT_RATE statements/s, $IDLE_XACT_RATE transactions/s (subtracted below)"

per_op() { # from to operations reference? -> "cpu-ms-per-op pg-cpu-ms-per-op statements-per-op transactions-per-op"
  awk -v a="$1" -v b="$2" -v n="$3" -v ref="$4" -v sr="$IDLE_STMT_RATE" -v xr="$IDLE_XACT_RATE" 'BEGIN {
    split(a, x, " "); split(b, y, " "); t = y[1] - x[1]
    if (n <= 0) { print "- - - -"; exit }
    cpu = ref ? y[3] - x[3] : y[2] - x[2]
    if (ref) { printf "%.2f - - -", cpu * 1000 / n; exit }
    stmt = (y[5] - x[5] - sr * t) / n; xact = (y[6] - x[6] - xr * t) / n
    # below zero is the noise of the idle rate: none
    printf "%.2f %.2f %.1f %.2f", cpu * 1000 / n, (y[4] - x[4]) * 1000 / n, (stmt > 0 ? stmt : 0), (xact > 0 ? xact : 0) }'
}
json() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }
printf 'wrk.method = "GET"\nwrk.headers["Accept"] = "application/vnd.docker.distribution.manifest.v2+json"\n' > "$WORK/get.lua"

FIRST=0
ROWS=()
measure() { # label reference? servers...
  local label=$1 ref=$2; shift 2
  balance "$@"
  local from to out pushes pulls gets
  # pushes of new images
  from=$(sample)
  out=$($LOADGEN fill --url "$BALANCER" --clients "$CLIENTS" --manifests "$PUSHES" --first "$FIRST" --repos 16 \
    --layers 1 --size "$LAYER_BYTES" --out "$WORK/list-$FIRST")
  sleep "$SETTLE"; to=$(sample)
  pushes=$(json "$out" images_per_s)
  read -r push_cpu push_pg push_stmt push_xact <<< "$(per_op "$from" "$to" "$PUSHES" "$ref")"
  # whole-image pulls of what was just pushed
  from=$(sample)
  out=$($LOADGEN load --url "$BALANCER" --list "$WORK/list-$FIRST" --push-clients 0 --pull-clients "$CLIENTS" --seconds "$SECONDS_PER")
  sleep "$SETTLE"; to=$(sample)
  pulls=$(json "$out" pulls_per_s)
  [ "$(json "$out" pull_errors)" = 0 ] || echo "bench: $label: pull errors: $(json "$out" errors)" >&2
  read -r pull_cpu pull_pg pull_stmt pull_xact <<< "$(per_op "$from" "$to" "$(json "$out" pulls)" "$ref")"
  # manifest GETs by tag
  local repo tag; read -r repo tag _ < "$WORK/list-$FIRST"
  from=$(sample)
  out=$(wrk -t2 -c32 -d"${SECONDS_PER}s" -s "$WORK/get.lua" "$BALANCER/v2/$repo/manifests/$tag")
  sleep "$SETTLE"; to=$(sample)
  if grep -q 'Non-2xx' <<< "$out"; then echo "bench: $label manifest GET: $(grep 'Non-2xx' <<< "$out")" >&2; fi
  gets=$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<< "$out")
  local requests; requests=$(awk '/requests in/ {print $1}' <<< "$out")
  read -r get_cpu get_pg get_stmt get_xact <<< "$(per_op "$from" "$to" "$requests" "$ref")"
  FIRST=$((FIRST + PUSHES))
  local row="| $label | $pushes | $pulls | $gets | $push_cpu / $pull_cpu / $get_cpu | $push_pg / $pull_pg / $get_pg | $push_stmt / $push_xact | $pull_stmt / $pull_xact | $get_stmt / $get_xact | $(cut -d' ' -f1 /proc/loadavg) |"
  echo "bench: $row"
  ROWS+=("$row")
}
servers() { # N -> the first N nodes' addresses
  for n in $(seq 1 "$1"); do printf '127.0.0.1:%s ' "${NODE_PORTS[$((n - 1))]}"; done
}

echo "bench: $WARMUPS warm-up passes through all three nodes (discarded): each JVM compiles the paths measured"
for _ in $(seq 1 "$WARMUPS"); do measure "warm-up" 0 $(servers 3) > /dev/null; done
ROWS=()
ORDER=""
for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) = 1 ]; then ORDER="$ORDER 1 2 3"; else ORDER="$ORDER 3 2 1"; fi
done
for n in $ORDER; do
  measure "$n node$([ "$n" = 1 ] || echo s)" 0 $(servers "$n")
done
measure "reference (docker-registry 2.8.2, 1 process)" 1 "127.0.0.1:$REF_PORT"

echo
echo "$(nproc) cores shared by every process; $PUSHES pushes of a config and one $LAYER_BYTES-byte layer and ${SECONDS_PER} s of pulls and of GETs per row, $CLIENTS clients (wrk: 32)"
echo
echo "| setting (through HAProxy) | pushes/s | pulls/s | manifest GETs/s | registry CPU ms per push / pull / GET (the Berth JVMs; the reference's process) | PostgreSQL CPU ms per push / pull / GET | statements / transactions per push | per pull | per GET | load average after |"
echo "|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
echo
echo "bench: load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench: rerun: PUSHES=$PUSHES CLIENTS=$CLIENTS LAYER_BYTES=$LAYER_BYTES SECONDS_PER=$SECONDS_PER ROUNDS=$ROUNDS WARMUPS=$WARMUPS deploy/bench/scale-bench.sh"
