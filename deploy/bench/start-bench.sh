#!/usr/bin/env bash
# Start-up benchmark (issue 15/16): seconds from exec to the first 200 on GET /v2/, a fresh data
# directory each time, for Berth as shipped, Berth with a JDK AOT cache (JDK 24+, JEP 483/514:
# trained once by a run with -XX:AOTCacheOutput, then used with -XX:AOTCache), Berth with a dynamic
# CDS archive (-XX:+AutoCreateSharedArchive), and Debian's docker-registry (Distribution 2.8.2).
# Runs alternate, so that the machine's load falls on each alike. Measures, never fails on a number.
#
#   deploy/bench/start-bench.sh            # needs: berth.jar built, docker-registry, curl, python3
#   RUNS=5 deploy/bench/start-bench.sh
#   BASE=/tmp/main-berth.jar ONLY="plain base" RUNS=4 deploy/bench/start-bench.sh
#       # paired A/B: another build of berth.jar ("base") alternates with this one, as shipped;
#       # ONLY picks the variants (plain, base, aot, cds, reference, or the path of another berth.jar;
#       # own: as shipped with -Dberth.jvmDefaults=off, the JVM's own defaults instead of Berth's),
#       # in the order given
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-3}
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
JAR=${JAR:-$PWD/deploy/target/berth.jar}
BASE=${BASE:-}
ONLY=${ONLY:-plain aot cds reference}
WORK=$(mktemp -d /tmp/berth-start-bench.XXXX)
trap 'rm -rf "$WORK"' EXIT
[ -f "$JAR" ] || { echo "bench: build first: ./mvnw -q -DskipTests package"; exit 2; }
for tool in docker-registry curl python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool missing (apt-get install docker-registry curl python3)"; exit 2; }
done

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

# one start: prints the seconds to the first 200 on /v2/ and, after a few requests and IDLE seconds
# (default 10) of nothing, the resident memory in MiB; then SIGTERM
start() {
  local label=$1; shift
  local data; data=$(mktemp -d "$WORK/data.XXXX")
  local port; port=$(free_port)
  local began; began=$(date +%s.%N)
  if [ "$label" = reference ]; then
    printf 'version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\n' "$data" "$port" > "$data.yml"
    docker-registry serve "$data.yml" > "$data.log" 2>&1 &
  else
    local jar=$JAR
    case $label in base) jar=$BASE ;; *.jar) jar=$label ;; esac
    # a start-up timeout far off: on a loaded machine a slow start is a number to report, not a death
    REGISTRY_STARTUP_TIMEOUT=15m REGISTRY_AUTH=none REGISTRY_DATA_DIRECTORY=$data REGISTRY_HTTP_ADDR=127.0.0.1:$port "$JAVA" "$@" -jar "$jar" > "$data.log" 2>&1 &
  fi
  local pid=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v2/" || true)" = 200 ]; do
    kill -0 "$pid" 2>/dev/null || { echo "bench: $label died:"; tail -5 "$data.log"; exit 1; }
    sleep 0.05
  done
  local ready; ready=$(date +%s.%N)
  # the JVM's CPU time (user + system) to that moment: less swayed by other processes' load than the wall clock
  local cpu; cpu=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' "/proc/$pid/stat")
  for _ in 1 2 3 4 5; do curl -s -o /dev/null "http://127.0.0.1:$port/v2/"; curl -s -o /dev/null "http://127.0.0.1:$port/admin/"; done
  sleep "${IDLE:-10}"
  # a start that ended by itself meanwhile (its log's last lines say why) has no resident memory: "-"
  local rss; rss=$(awk '/^VmRSS/ {print int($2 / 1024)}' "/proc/$pid/status" 2>/dev/null || true)
  [ -n "$rss" ] || { rss=-; echo "bench: $label ended by itself after it served:" >&2; tail -3 "$data.log" >&2; }
  kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
  local result; result=$(python3 -c "print(f'{$ready - $began:.2f}:$rss:$cpu')")
  echo "bench: $label $result (s to ready:idle RSS MiB:CPU s) [load $(cut -d' ' -f1-3 /proc/loadavg)]" >&2
  echo "$result"
}

[[ " $ONLY " != *" base "* || -f "$BASE" ]] || { echo "bench: ONLY has base: BASE=berth.jar to compare with"; exit 2; }
echo "bench: $(date -u +%H:%M:%S) [load $(cut -d' ' -f1-3 /proc/loadavg)] $ONLY"
if [[ " $ONLY " == *" aot "* ]]; then
  start train-aot "-XX:AOTCacheOutput=$WORK/berth.aot" > /dev/null
fi
if [[ " $ONLY " == *" cds "* ]]; then
  start train-cds -XX:+AutoCreateSharedArchive "-XX:SharedArchiveFile=$WORK/berth.jsa" > /dev/null
fi
declare -A times
for run in $(seq "$RUNS"); do
  for label in $ONLY; do
    case $label in
      plain|base|reference|*.jar) times[$label]+="$(start "$label") " ;;
      own) times[own]+="$(start own -Dberth.jvmDefaults=off) " ;;
      aot) times[aot]+="$(start aot "-XX:AOTCache=$WORK/berth.aot") " ;;
      cds) times[cds]+="$(start cds -XX:+AutoCreateSharedArchive "-XX:SharedArchiveFile=$WORK/berth.jsa") " ;;
      *) echo "bench: unknown variant $label"; exit 2 ;;
    esac
  done
  echo "bench: run $run done [load $(cut -d' ' -f1-3 /proc/loadavg)]"
done
echo
echo "| start to first 200 on /v2/ (s) | runs | mean | vs Berth as shipped | idle RSS (MiB), per run | CPU s to ready, per run |"
echo "|---|---|---|---|---|---|"
for label in $ONLY; do
  python3 - "$label" ${times[$label]} ${times[plain]:-${times[$label]}} <<'PY'
import sys
label, values = sys.argv[1], sys.argv[2:]
n = len(values) // 2
mine = [v.split(":") for v in values[:n]]
plain = [float(v.split(":")[0]) for v in values[n:]]
seconds, rss, cpu = [float(v[0]) for v in mine], [v[1] for v in mine], [v[2] if len(v) > 2 else "-" for v in mine]
names = {"plain": "Berth as shipped", "base": "Berth, the BASE build", "own": "Berth, the JVM's own defaults", "aot": "Berth, JDK AOT cache", "cds": "Berth, dynamic CDS archive",
         "reference": "docker-registry 2.8.2"}
mean = sum(seconds) / n
print(f"| {names.get(label, label)} | {' / '.join(f'{v:.1f}' for v in seconds)} | {mean:.2f} | {mean / (sum(plain) / n):.2f} "
      f"| {' / '.join(rss)} | {' / '.join(cpu)} |")
PY
done
echo
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores. Rerun: RUNS=$RUNS ONLY=\"$ONLY\"${BASE:+ BASE=$BASE} deploy/bench/start-bench.sh"
