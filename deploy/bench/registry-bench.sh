#!/usr/bin/env bash
# Side-by-side benchmark: Berth (deploy/target/berth.jar) against the reference registry
# (Debian's docker-registry, CNCF Distribution 2.8.2) on the same machine, in the same run.
# Reports medians of RUNS and the ratio Berth / reference. Measures, never fails on a number.
#
#   deploy/bench/registry-bench.sh            # needs: java 21+, docker-registry, curl, wrk, ab (apache2-utils), skopeo
#   BLOB_MB=256 RUNS=3 deploy/bench/registry-bench.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

BLOB_MB=${BLOB_MB:-1024}
RUNS=${RUNS:-3}
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
BERTH_PORT=${BERTH_PORT:-5102}
REF_PORT=${REF_PORT:-5101}
# a small heap proves that blobs stream: a 1 GiB layer must pass through 256 MiB
BERTH_JAVA_OPTS=${BERTH_JAVA_OPTS:--Xmx256m}
BENCH_NAME=bench
. deploy/bench/side-by-side.sh
require docker-registry curl wrk ab skopeo sha256sum

echo "bench: starting the reference registry and Berth on loopback"
start_reference "$REF_PORT"
(cd "$WORK" && REGISTRY_AUTH=none REGISTRY_HTTP_ADDR=127.0.0.1:$BERTH_PORT REGISTRY_LOG_LEVEL=warn exec "$JAVA" $BERTH_JAVA_OPTS -jar "$OLDPWD/deploy/target/berth.jar") > "$WORK/berth.log" 2>&1 &
BERTH_PID=$!
PIDS+=($BERTH_PID)
REF=http://127.0.0.1:$REF_PORT
BERTH=http://127.0.0.1:$BERTH_PORT
wait_ready "$REF"
wait_ready "$BERTH"

echo "bench: generating a ${BLOB_MB} MiB random blob"
head -c "$((BLOB_MB * 1024 * 1024))" /dev/urandom > "$WORK/blob"
DIGEST="sha256:$(sha256sum "$WORK/blob" | cut -d' ' -f1)"
BYTES=$(stat -c %s "$WORK/blob")

location() { # registry repo -> upload URL
  curl -s -D - -o /dev/null -X POST "$1/v2/$2/blobs/uploads/" | tr -d '\r' | awk 'tolower($1)=="location:"{print $2}'
}
with_digest() { # url -> url with the digest parameter
  case "$1" in *\?*) echo "$1&digest=$DIGEST";; *) echo "$1?digest=$DIGEST";; esac
}
absolute() { # registry url-or-path
  case "$2" in http*) echo "$2";; *) echo "$1$2";; esac
}
mbps() { # seconds -> MB/s
  awk -v b="$BYTES" -v s="$1" 'BEGIN{printf "%.0f", b/1048576/s}'
}
median() {
  sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'
}

put_monolithic() { # registry run
  local loc; loc=$(absolute "$1" "$(location "$1" "bench/mono$2")")
  curl -s -o /dev/null -w '%{time_total}' -T "$WORK/blob" -H 'Content-Type: application/octet-stream' "$(with_digest "$loc")"
}
patch_then_put() { # registry run
  local loc next start end
  loc=$(absolute "$1" "$(location "$1" "bench/chunk$2")")
  start=$(date +%s.%N)
  next=$(curl -s -D - -o /dev/null -X PATCH -T "$WORK/blob" -H 'Content-Type: application/octet-stream' "$loc" \
    | tr -d '\r' | awk 'tolower($1)=="location:"{print $2}')
  curl -s -o /dev/null -X PUT "$(with_digest "$(absolute "$1" "$next")")"
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN{print b-a}'
}
get_blob() { # registry
  curl -s -o /dev/null -w '%{time_total}' "$1/v2/bench/mono1/blobs/$DIGEST"
}

# Berth's resident memory, sampled every 0.5 s while it works
( while kill -0 "$BERTH_PID" 2>/dev/null; do ps -o rss= -p "$BERTH_PID"; sleep 0.5; done ) > "$WORK/berth-rss" 2>/dev/null &
PIDS+=($!)
RSS_IDLE=$(ps -o rss= -p "$BERTH_PID" | awk '{printf "%.0f", $1/1024}')

declare -A RESULT
for name in REF BERTH; do
  url=${!name}
  # one discarded round: the JVM compiles its hot paths, Go's runtime has nothing to warm
  put_monolithic "$url" warmup > /dev/null
  patch_then_put "$url" warmup > /dev/null
  for kind in put patch get; do
    values=()
    for run in $(seq 1 "$RUNS"); do
      # the reference's 201 does not wait for the disk: its dirty pages would be flushed during the
      # next measurement (Berth's, after the reference's runs); every measurement starts with none
      sync
      case $kind in
        put) t=$(put_monolithic "$url" "$run");;
        patch) t=$(patch_then_put "$url" "$run");;
        get) t=$(get_blob "$url");;
      esac
      values+=("$(mbps "$t")")
    done
    RESULT[$name-$kind]=$(printf '%s\n' "${values[@]}" | median)
    echo "bench: $name $kind MB/s runs: ${values[*]}"
  done
done

echo "bench: manifest GET/HEAD by tag and tags/list, 32 connections"
printf '{"architecture":"amd64","os":"linux"}' > "$WORK/config.json"
CONFIG_DIGEST="sha256:$(sha256sum "$WORK/config.json" | cut -d' ' -f1)"
CONFIG_SIZE=$(stat -c %s "$WORK/config.json")
MANIFEST="{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"$CONFIG_DIGEST\",\"size\":$CONFIG_SIZE},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"$DIGEST\",\"size\":$BYTES}]}"
# wrk reads its script once per thread, so it must be a file (a <(...) pipe gives the second thread nothing,
# and its requests went out without the Accept header); any answer other than 2xx voids the row.
for method in GET HEAD; do
  printf 'wrk.method = "%s"\nwrk.headers["Accept"] = "application/vnd.oci.image.manifest.v1+json"\n' "$method" > "$WORK/$method.lua"
done
req_per_s() { # url method seconds -> req/s, or "errors" when an answer was not 2xx
  local out
  if [ "$2" = HEAD ]; then # wrk 4.1 waits for the body a HEAD answer's Content-Length announces: ab instead
    out=$(ab -k -i -c 32 -t "$3" -n 100000000 -H 'Accept: application/vnd.oci.image.manifest.v1+json' "$1" 2>&1)
    if grep -qE 'Non-2xx|^Failed requests: +[1-9]' <<< "$out"; then echo "bench: $2 $1: errors" >&2; echo errors; return; fi
    awk '/Requests per second/{printf "%.0f", $4}' <<< "$out"
    return
  fi
  out=$(wrk -t2 -c32 -d"$3s" -s "$WORK/$2.lua" "$1")
  if grep -q 'Non-2xx' <<< "$out"; then echo "bench: $2 $1: $(grep 'Non-2xx' <<< "$out")" >&2; echo errors; return; fi
  awk '/Requests\/sec/{printf "%.0f", $2}' <<< "$out"
}
for name in REF BERTH; do
  url=${!name}
  loc=$(absolute "$url" "$(location "$url" "bench/mono1")")
  case "$loc" in *\?*) sep='&';; *) sep='?';; esac
  curl -s -o /dev/null -T "$WORK/config.json" "$loc${sep}digest=$CONFIG_DIGEST"
  curl -s -o /dev/null -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary "$MANIFEST" \
    "$url/v2/bench/mono1/manifests/v1"
  # warm-up, discarded: the JVM compiles the path the measured requests take (same method and Accept)
  for method in GET HEAD; do
    req_per_s "$url/v2/bench/mono1/manifests/v1" "$method" 10 > /dev/null
  done
  for method in GET HEAD; do
    rps=$(req_per_s "$url/v2/bench/mono1/manifests/v1" "$method" 10)
    RESULT[$name-manifest-$method]=$rps
    echo "bench: $name manifest $method req/s: $rps"
  done
  rps=$(req_per_s "$url/v2/bench/mono1/tags/list" GET 10)
  RESULT[$name-tags]=$rps
  echo "bench: $name tags/list req/s: $rps"
done

echo "bench: skopeo push and pull of a ${BLOB_MB} MiB image"
mkdir -p "$WORK/layout/blobs/sha256"
printf '{"imageLayoutVersion":"1.0.0"}' > "$WORK/layout/oci-layout"
ln "$WORK/blob" "$WORK/layout/blobs/sha256/${DIGEST#sha256:}"
cp "$WORK/config.json" "$WORK/layout/blobs/sha256/${CONFIG_DIGEST#sha256:}"
printf '%s' "$MANIFEST" > "$WORK/manifest.json"
MANIFEST_DIGEST="sha256:$(sha256sum "$WORK/manifest.json" | cut -d' ' -f1)"
cp "$WORK/manifest.json" "$WORK/layout/blobs/sha256/${MANIFEST_DIGEST#sha256:}"
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"v1"}}]}' \
  "$MANIFEST_DIGEST" "$(stat -c %s "$WORK/manifest.json")" > "$WORK/layout/index.json"
for name in REF BERTH; do
  port=$REF_PORT; [ "$name" = BERTH ] && port=$BERTH_PORT
  start=$(date +%s.%N)
  skopeo copy -q --dest-tls-verify=false --preserve-digests "oci:$WORK/layout:v1" "docker://127.0.0.1:$port/bench/skopeo:v1"
  mid=$(date +%s.%N)
  rm -rf "$WORK/pulled-$name"
  skopeo copy -q --src-tls-verify=false "docker://127.0.0.1:$port/bench/skopeo:v1" "oci:$WORK/pulled-$name:v1"
  end=$(date +%s.%N)
  RESULT[$name-skopeo-push]=$(awk -v a="$start" -v b="$mid" 'BEGIN{printf "%.1f", b-a}')
  RESULT[$name-skopeo-pull]=$(awk -v a="$mid" -v b="$end" 'BEGIN{printf "%.1f", b-a}')
  rm -rf "$WORK/pulled-$name"
done

RSS_PEAK=$(sort -n "$WORK/berth-rss" | tail -1 | awk '{printf "%.0f", $1/1024}')

ratio() { awk -v b="$1" -v r="$2" 'BEGIN{ if (r > 0) printf "%.2f", b/r; else print "n/a" }'; }
inverse() { awk -v b="$1" -v r="$2" 'BEGIN{ if (b > 0) printf "%.2f", r/b; else print "n/a" }'; }
echo
echo "| measure (${BLOB_MB} MiB blob, median of $RUNS) | reference 2.8.2 | Berth | Berth / reference |"
echo "|---|---|---|---|"
echo "| blob upload, monolithic PUT (MB/s) | ${RESULT[REF-put]} | ${RESULT[BERTH-put]} | $(ratio "${RESULT[BERTH-put]}" "${RESULT[REF-put]}") |"
echo "| blob upload, PATCH then PUT (MB/s) | ${RESULT[REF-patch]} | ${RESULT[BERTH-patch]} | $(ratio "${RESULT[BERTH-patch]}" "${RESULT[REF-patch]}") |"
echo "| blob GET (MB/s) | ${RESULT[REF-get]} | ${RESULT[BERTH-get]} | $(ratio "${RESULT[BERTH-get]}" "${RESULT[REF-get]}") |"
echo "| manifest GET by tag, 32 conns (req/s) | ${RESULT[REF-manifest-GET]} | ${RESULT[BERTH-manifest-GET]} | $(ratio "${RESULT[BERTH-manifest-GET]}" "${RESULT[REF-manifest-GET]}") |"
echo "| manifest HEAD by tag, 32 conns (req/s) | ${RESULT[REF-manifest-HEAD]} | ${RESULT[BERTH-manifest-HEAD]} | $(ratio "${RESULT[BERTH-manifest-HEAD]}" "${RESULT[REF-manifest-HEAD]}") |"
echo "| tags/list, 32 conns (req/s) | ${RESULT[REF-tags]} | ${RESULT[BERTH-tags]} | $(ratio "${RESULT[BERTH-tags]}" "${RESULT[REF-tags]}") |"
echo "| skopeo push (s, lower is better) | ${RESULT[REF-skopeo-push]} | ${RESULT[BERTH-skopeo-push]} | $(inverse "${RESULT[BERTH-skopeo-push]}" "${RESULT[REF-skopeo-push]}") faster |"
echo "| skopeo pull (s, lower is better) | ${RESULT[REF-skopeo-pull]} | ${RESULT[BERTH-skopeo-pull]} | $(inverse "${RESULT[BERTH-skopeo-pull]}" "${RESULT[REF-skopeo-pull]}") faster |"
echo "| Berth resident memory ($BERTH_JAVA_OPTS): idle before, peak during the run (MiB) | | $RSS_IDLE / $RSS_PEAK | |"
