#!/usr/bin/env bash
# Blob transfers, A/B: the reference registry (Debian's docker-registry, Distribution 2.8.2), Berth as
# built (deploy/target/berth.jar) and, when BASE_JAR is given, an earlier berth.jar, all running at
# once. Each round times, on each registry in turn: a monolithic PUT, a PATCH then PUT, a GET of the
# blob, and (with skopeo) a push of an image with a new layer of the same size; each round prints the
# load average (the machine may be shared: read the numbers with it) and each server's CPU seconds per
# GiB (less moved by other load than wall time). Medians and ratios to the reference at the end.
# Measures, never fails on a number.
#
#   deploy/bench/blob-bench.sh                    # needs: java 21+, docker-registry, curl (skopeo optional)
#   BASE_JAR=/tmp/berth-main.jar BLOB_MB=1024 RUNS=3 deploy/bench/blob-bench.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

BLOB_MB=${BLOB_MB:-1024}
RUNS=${RUNS:-3}
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
BERTH_JAVA_OPTS=${BERTH_JAVA_OPTS:--Xmx256m}
BASE_JAR=${BASE_JAR:-}
BENCH_NAME=blob
. deploy/bench/side-by-side.sh
require docker-registry curl sha256sum

REF_PORT=${REF_PORT:-5111}
NEW_PORT=${NEW_PORT:-5112}
BASE_PORT=${BASE_PORT:-5113}
start_reference "$REF_PORT"
declare -A PID=([REF]=$REF_PID)
start_berth() { # name jar port
  mkdir -p "$WORK/$1"
  (cd "$WORK/$1" && REGISTRY_AUTH=none REGISTRY_HTTP_ADDR=127.0.0.1:$3 REGISTRY_LOG_LEVEL=warn \
    exec "$JAVA" $BERTH_JAVA_OPTS -jar "$2") > "$WORK/$1.log" 2>&1 &
  PIDS+=($!)
  PID[$1]=$!
}
NAMES=(REF NEW)
declare -A URL=([REF]=http://127.0.0.1:$REF_PORT [NEW]=http://127.0.0.1:$NEW_PORT)
await_berth() { # url: one boot at a time, however long a loaded machine takes
  for _ in $(seq 1 600); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1/v2/")" = 200 ] && return 0
    sleep 1
  done
  echo "bench: $1 did not start"; exit 1
}
wait_ready "${URL[REF]}"
start_berth NEW "$PWD/deploy/target/berth.jar" "$NEW_PORT"
await_berth "${URL[NEW]}"
if [ -n "$BASE_JAR" ]; then
  start_berth BASE "$(realpath "$BASE_JAR")" "$BASE_PORT"
  NAMES+=(BASE)
  URL[BASE]=http://127.0.0.1:$BASE_PORT
  await_berth "${URL[BASE]}"
fi

echo "bench: pushing a ${BLOB_MB} MiB random blob to ${NAMES[*]}"
head -c "$((BLOB_MB * 1024 * 1024))" /dev/urandom > "$WORK/blob"
DIGEST="sha256:$(sha256sum "$WORK/blob" | cut -d' ' -f1)"
BYTES=$(stat -c %s "$WORK/blob")
for name in "${NAMES[@]}"; do
  url=${URL[$name]}
  loc=$(curl -s -D - -o /dev/null -X POST "$url/v2/bench/get/blobs/uploads/" | tr -d '\r' | awk 'tolower($1)=="location:"{print $2}')
  case "$loc" in http*) ;; *) loc=$url$loc;; esac
  case "$loc" in *\?*) loc="$loc&digest=$DIGEST";; *) loc="$loc?digest=$DIGEST";; esac
  curl -sf -o /dev/null -T "$WORK/blob" -H 'Content-Type: application/octet-stream' "$loc"
  # the bytes must come back whole before any is timed; this also warms the JVM's path
  got=$(curl -sf "$url/v2/bench/get/blobs/$DIGEST" | sha256sum | cut -d' ' -f1)
  [ "sha256:$got" = "$DIGEST" ] || { echo "bench: $name answered other bytes"; exit 1; }
done

mbps() { awk -v b="$BYTES" -v s="$1" 'BEGIN{printf "%.0f", b/1048576/s}'; }
median() { sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
with_digest() { case "$1" in *\?*) echo "$1&digest=$DIGEST";; *) echo "$1?digest=$DIGEST";; esac; }
absolute() { case "$2" in http*) echo "$2";; *) echo "$1$2";; esac; }
location() { # url repo -> upload URL
  absolute "$1" "$(curl -s -D - -o /dev/null -X POST "$1/v2/$2/blobs/uploads/" | tr -d '\r' | awk 'tolower($1)=="location:"{print $2}')"
}
put_monolithic() { # url repo -> seconds
  curl -sf -o /dev/null -w '%{time_total}' -T "$WORK/blob" -H 'Content-Type: application/octet-stream' \
    "$(with_digest "$(location "$1" "$2")")"
}
patch_then_put() { # url repo -> seconds
  local loc next start
  loc=$(location "$1" "$2")
  start=$(date +%s.%N)
  next=$(curl -sf -D - -o /dev/null -X PATCH -T "$WORK/blob" -H 'Content-Type: application/octet-stream' "$loc" \
    | tr -d '\r' | awk 'tolower($1)=="location:"{print $2}')
  curl -sf -o /dev/null -X PUT "$(with_digest "$(absolute "$1" "$next")")"
  awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{print b-a}'
}
get_blob() { curl -sf -o /dev/null -w '%{time_total}' "$1/v2/bench/get/blobs/$DIGEST"; }
KINDS=(put patch get)
if command -v skopeo > /dev/null; then
  KINDS+=(skopeo)
  printf '{"architecture":"amd64","os":"linux"}' > "$WORK/config.json"
  CONFIG_DIGEST="sha256:$(sha256sum "$WORK/config.json" | cut -d' ' -f1)"
fi
image_layout() { # run -> an OCI layout of an image whose one layer is a new random blob: skopeo remembers
  # where it pushed a layer before and would mount it instead of uploading it again
  local dir=$WORK/layout$1 layer digest manifest manifest_digest
  mkdir -p "$dir/blobs/sha256"
  printf '{"imageLayoutVersion":"1.0.0"}' > "$dir/oci-layout"
  head -c "$BYTES" /dev/urandom > "$dir/layer"
  digest=$(sha256sum "$dir/layer" | cut -d' ' -f1)
  mv "$dir/layer" "$dir/blobs/sha256/$digest"
  cp "$WORK/config.json" "$dir/blobs/sha256/${CONFIG_DIGEST#sha256:}"
  manifest="{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"$CONFIG_DIGEST\",\"size\":$(stat -c %s "$WORK/config.json")},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"sha256:$digest\",\"size\":$BYTES}]}"
  printf '%s' "$manifest" > "$dir/manifest.json"
  manifest_digest=$(sha256sum "$dir/manifest.json" | cut -d' ' -f1)
  mv "$dir/manifest.json" "$dir/blobs/sha256/$manifest_digest"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"v1"}}]}' \
    "$manifest_digest" "${#manifest}" > "$dir/index.json"
}
skopeo_push() { # url run -> seconds
  local start; start=$(date +%s.%N)
  skopeo copy -q --dest-tls-verify=false --preserve-digests "oci:$WORK/layout$2:v1" "docker://${1#http://}/bench/skopeo$2:v1"
  awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{print b-a}'
}

# the server's CPU time (user + system, in clock ticks): unlike wall time, barely moved by other load
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
TICKS=$(getconf CLK_TCK)
declare -A VALUES CPU
for run in $(seq 1 "$RUNS"); do
  [ "${KINDS[-1]}" = skopeo ] && image_layout "$run"
  # each round starts with another server: none always runs right after the others' disk writes
  ORDER=("${NAMES[@]:$(( (run - 1) % ${#NAMES[@]} ))}" "${NAMES[@]:0:$(( (run - 1) % ${#NAMES[@]} ))}")
  for kind in "${KINDS[@]}"; do
    line="bench: round $run $kind (load $(cut -d' ' -f1-3 /proc/loadavg)):"
    for name in "${ORDER[@]}"; do
      url=${URL[$name]}
      # the reference's 201 does not wait for the disk: its dirty pages would be flushed during the
      # next server's measurement; every measurement starts with none
      sync
      before=$(cpu_ticks "${PID[$name]}")
      case $kind in
        put) v=$(mbps "$(put_monolithic "$url" "bench/put$run")");;
        patch) v=$(mbps "$(patch_then_put "$url" "bench/patch$run")");;
        get) v=$(mbps "$(get_blob "$url")");;
        skopeo) v=$(skopeo_push "$url" "$run" | awk '{printf "%.1f", $1}');;
      esac
      cpu=$(awk -v t="$(( $(cpu_ticks "${PID[$name]}") - before ))" -v hz="$TICKS" -v b="$BYTES" \
        'BEGIN{printf "%.2f", t/hz/(b/1073741824)}')
      VALUES[$name-$kind]="${VALUES[$name-$kind]:-} $v"
      CPU[$name-$kind]="${CPU[$name-$kind]:-} $cpu"
      line="$line $name $v (cpu ${cpu} s/GiB)"
    done
    echo "$line"
  done
done
echo
header="| ${BLOB_MB} MiB blob, median of $RUNS |"
rule="|---|"
for name in "${NAMES[@]}"; do header="$header $name |"; rule="$rule---|"; [ "$name" = REF ] || { header="$header $name / REF |"; rule="$rule---|"; }; done
echo "$header"
echo "$rule"
for kind in "${KINDS[@]}"; do
  case $kind in
    put) row="| monolithic PUT (MB/s) |";; patch) row="| PATCH then PUT (MB/s) |";;
    get) row="| GET (MB/s) |";; skopeo) row="| skopeo push (s, lower is better) |";;
  esac
  ref=$(printf '%s\n' ${VALUES[REF-$kind]} | median)
  for name in "${NAMES[@]}"; do
    m=$(printf '%s\n' ${VALUES[$name-$kind]} | median)
    row="$row $m |"
    [ "$name" = REF ] || row="$row $(awk -v a="$m" -v b="$ref" 'BEGIN{printf "%.2f", a/b}') |"
  done
  echo "$row"
done
echo
echo "Server CPU seconds per GiB moved (user + system, median; lower is better):"
for kind in "${KINDS[@]}"; do
  row="  $kind:"
  for name in "${NAMES[@]}"; do row="$row $name $(printf '%s\n' ${CPU[$name-$kind]} | median)"; done
  echo "$row"
done
echo "(runs: $(for k in "${!VALUES[@]}"; do printf '%s:%s; ' "$k" "${VALUES[$k]}"; done))"
