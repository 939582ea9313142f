#!/usr/bin/env bash
# Resident memory under a mixed load: Berth as `java -jar berth.jar` starts it (Berth's JVM defaults,
# deployment.md#memory), Berth with the JVM's own defaults (-Dberth.jvmDefaults=off), and the reference
# registry (Debian's docker-registry 2.8.2), one after the other, the same load each. Reports the
# resident size after start, idle, at the peak of the load (sampled every 0.5 s) and after it.
# Measures, never fails on a number.
#
#   deploy/bench/memory-bench.sh          # needs: java 22+, docker-registry, curl, wrk, ab (apache2-utils)
#   IDLE_SECONDS=75 BLOB_MB=512 NMT=1 deploy/bench/memory-bench.sh   # NMT=1: the JVM's native memory summary too
set -euo pipefail
cd "$(dirname "$0")/../.."

BLOB_MB=${BLOB_MB:-512}
IDLE_SECONDS=${IDLE_SECONDS:-75}
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
JCMD=$(dirname "$JAVA")/jcmd
PORT=${PORT:-5103}
BENCH_NAME=memory
. deploy/bench/side-by-side.sh
require docker-registry curl wrk ab sha256sum

head -c "$((BLOB_MB * 1024 * 1024))" /dev/urandom > "$WORK/blob"
DIGEST="sha256:$(sha256sum "$WORK/blob" | cut -d' ' -f1)"
head -c $((64 * 1024 * 1024)) /dev/urandom > "$WORK/small"
SMALL="sha256:$(sha256sum "$WORK/small" | cut -d' ' -f1)"
printf '{"architecture":"amd64","os":"linux"}' > "$WORK/config.json"
CONFIG="sha256:$(sha256sum "$WORK/config.json" | cut -d' ' -f1)"
MANIFEST="{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"$CONFIG\",\"size\":$(stat -c %s "$WORK/config.json")},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"$DIGEST\",\"size\":$(stat -c %s "$WORK/blob")}]}"
printf 'wrk.method = "GET"\nwrk.headers["Accept"] = "application/vnd.oci.image.manifest.v1+json"\n' > "$WORK/get.lua"

rss() { ps -o rss= -p "$1" | awk '{printf "%.0f", $1/1024}'; }
location() { # registry repo -> absolute upload URL
  local loc; loc=$(curl -s -D - -o /dev/null -X POST "$1/v2/$2/blobs/uploads/" | tr -d '\r' | awk 'tolower($1)=="location:"{print $2}')
  case "$loc" in http*) echo "$loc";; *) echo "$1$loc";; esac
}
with() { case "$1" in *\?*) echo "$1&$2";; *) echo "$1?$2";; esac; }

load() { # registry: uploads, downloads, concurrent uploads, manifest/tag/catalog requests
  local url=$1 next jobs
  for r in 1 2 3; do
    curl -s -o /dev/null -T "$WORK/blob" -H 'Content-Type: application/octet-stream' "$(with "$(location "$url" m/p$r)" "digest=$DIGEST")"
    next=$(curl -s -D - -o /dev/null -X PATCH -T "$WORK/blob" -H 'Content-Type: application/octet-stream' "$(location "$url" m/c$r)" \
      | tr -d '\r' | awk 'tolower($1)=="location:"{print $2}')
    case "$next" in http*) ;; *) next=$url$next;; esac
    curl -s -o /dev/null -X PUT "$(with "$next" "digest=$DIGEST")"
    curl -s -o /dev/null "$url/v2/m/p1/blobs/$DIGEST"
  done
  jobs=()
  for k in 1 2 3 4 5 6 7 8; do
    curl -s -o /dev/null -T "$WORK/small" -H 'Content-Type: application/octet-stream' "$(with "$(location "$url" m/s$k)" "digest=$SMALL")" &
    jobs+=($!)
  done
  wait "${jobs[@]}"
  jobs=()
  for k in 1 2 3 4 5 6 7 8; do curl -s -o /dev/null "$url/v2/m/s$k/blobs/$SMALL" & jobs+=($!); done
  wait "${jobs[@]}"
  curl -s -o /dev/null -T "$WORK/config.json" "$(with "$(location "$url" m/p1)" "digest=$CONFIG")"
  for t in v1 v2 v3 v4 v5; do
    curl -s -o /dev/null -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary "$MANIFEST" "$url/v2/m/p1/manifests/$t"
  done
  GET_RPS=$(wrk -t2 -c32 -d15s -s "$WORK/get.lua" "$url/v2/m/p1/manifests/v1" | awk '/Requests\/sec/{printf "%.0f", $2}')
  ab -k -i -c 32 -t 10 -n 100000000 -H 'Accept: application/vnd.oci.image.manifest.v1+json' "$url/v2/m/p1/manifests/v1" > /dev/null 2>&1
  wrk -t2 -c32 -d10s "$url/v2/m/p1/tags/list" > /dev/null
  wrk -t2 -c64 -d10s "$url/v2/_catalog" > /dev/null
}

nmt() { # pid label: the JVM's summary (not the reference's: Go has none)
  [ "${NMT:-0}" = 1 ] && [[ $2 == Berth* ]] || return 0
  echo "bench: $2 native memory (committed, KiB):"
  "$JCMD" "$1" VM.native_memory summary | grep -E '^-? *[A-Z].*committed=' | sed -E 's/^-? */  /; s/reserved=[0-9]+KB, //'
}

measure() { # label pid
  local label=$1 pid=$2 url=http://127.0.0.1:$PORT ready idle peak after sampler
  wait_ready "$url"
  ready=$(rss "$pid")
  sleep "$IDLE_SECONDS"
  idle=$(rss "$pid")
  nmt "$pid" "$label idle"
  ( while kill -0 "$pid" 2>/dev/null; do ps -o rss= -p "$pid"; sleep 0.5; done ) > "$WORK/rss-$pid" 2>/dev/null &
  sampler=$!
  load "$url"
  kill "$sampler"; wait "$sampler" 2>/dev/null || true
  nmt "$pid" "$label after the load"
  peak=$(sort -n "$WORK/rss-$pid" | tail -1 | awk '{printf "%.0f", $1/1024}')
  sleep "$IDLE_SECONDS"
  after=$(rss "$pid")
  ROWS+=("| $label | $ready | $idle | $peak | $after | $GET_RPS |")
  echo "bench: $label: after start $ready, idle $idle, peak $peak, ${IDLE_SECONDS} s after the load $after MiB; manifest GET $GET_RPS req/s"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

berth() { # label jvm-options...: a fresh Berth on $PORT, then measure it
  local label=$1; shift
  rm -rf "$WORK/berth"; mkdir "$WORK/berth"
  (cd "$WORK/berth" && REGISTRY_AUTH=none REGISTRY_HTTP_ADDR=127.0.0.1:$PORT REGISTRY_LOG_LEVEL=warn \
    exec "$JAVA" "$@" -jar "$OLDPWD/deploy/target/berth.jar") > "$WORK/berth-$label.log" 2>&1 &
  local pid=$!
  PIDS+=($pid)
  measure "$label" "$pid"
}

ROWS=()
native=()
[ "${NMT:-0}" = 1 ] && native=(-XX:NativeMemoryTracking=summary)
echo "bench: Berth with Berth's JVM defaults (java -jar berth.jar)"
berth "Berth, Berth's JVM defaults" "${native[@]}"
echo "bench: Berth with the JVM's own defaults (-Dberth.jvmDefaults=off)"
berth "Berth, the JVM's defaults" "${native[@]}" -Dberth.jvmDefaults=off
echo "bench: the reference registry"
rm -rf "$WORK/ref-data"
start_reference "$PORT"
measure "docker-registry 2.8.2 (reference)" "$REF_PID"

echo
echo "| resident memory (MiB), ${BLOB_MB} MiB blobs | after start | idle (${IDLE_SECONDS} s) | peak under the load | ${IDLE_SECONDS} s after | manifest GET, 32 conns (req/s) |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
