#!/usr/bin/env bash
# Storage benchmark: Berth with the filesystem driver against Berth with the S3 driver (S3Proxy on
# loopback, filesystem backend), push and pull MB/s of one blob, and Berth's peak resident memory
# while a multi-GB blob streams into S3. Measures, never fails on a number.
#
#   deploy/bench/storage-bench.sh          # needs: java 21+, curl, skopeo; berth.jar built
#   BLOB_MB=1024 BIG_MB=3072 RUNS=3 deploy/bench/storage-bench.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

BLOB_MB=${BLOB_MB:-1024}
BIG_MB=${BIG_MB:-3072}
RUNS=${RUNS:-3}
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA=$JAVA_HOME/bin/java
BERTH_PORT=${BERTH_PORT:-5112}
S3_PORT=${S3_PORT:-5113}
BERTH_JAVA_OPTS=${BERTH_JAVA_OPTS:--Xmx256m}
WORK=$(mktemp -d /tmp/berth-storage-bench.XXXXXX)
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

for tool in curl skopeo sha256sum; do
  command -v "$tool" >/dev/null || { echo "bench: $tool missing"; exit 2; }
done
[ -f deploy/target/berth.jar ] || { echo "bench: build first: ./mvnw -q -DskipTests install"; exit 2; }

echo "bench: starting S3Proxy (filesystem backend) on 127.0.0.1:$S3_PORT"
./mvnw -q -o dependency:build-classpath -pl adapters-storage -Dmdep.includeScope=test \
  -Dmdep.outputFile="$WORK/s3proxy.classpath" > /dev/null
mkdir -p "$WORK/s3/bench"   # jclouds' filesystem backend: a directory per bucket
cat > "$WORK/s3proxy.conf" <<CONF
s3proxy.endpoint=http://127.0.0.1:$S3_PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=bench-access
s3proxy.credential=bench-secret
jclouds.provider=filesystem
jclouds.filesystem.basedir=$WORK/s3
CONF
"$JAVA" -cp "$(cat "$WORK/s3proxy.classpath")" org.gaul.s3proxy.Main --properties "$WORK/s3proxy.conf" \
  > "$WORK/s3proxy.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 300); do
  curl -s -o /dev/null "http://127.0.0.1:$S3_PORT/" && break
  sleep 0.2
done

echo "bench: generating a ${BLOB_MB} MiB random blob"
head -c "$((BLOB_MB * 1024 * 1024))" /dev/urandom > "$WORK/blob"
DIGEST="sha256:$(sha256sum "$WORK/blob" | cut -d' ' -f1)"
BYTES=$(stat -c %s "$WORK/blob")

location() { # repo -> absolute upload URL
  local loc; loc=$(curl -s -D - -o /dev/null -X POST "$BERTH/v2/$1/blobs/uploads/" | tr -d '\r' | awk 'tolower($1)=="location:"{print $2}')
  case "$loc" in http*) echo "$loc";; *) echo "$BERTH$loc";; esac
}
with_digest() { # url digest
  case "$1" in *\?*) echo "$1&digest=$2";; *) echo "$1?digest=$2";; esac
}
mbps() { awk -v b="$2" -v s="$1" 'BEGIN{printf "%.0f", b/1048576/s}'; }
median() { sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }

start_berth() { # name env...
  local name=$1; shift
  mkdir -p "$WORK/$name"
  (cd "$WORK/$name" && env "$@" REGISTRY_HTTP_ADDR=127.0.0.1:$BERTH_PORT REGISTRY_LOG_LEVEL=warn \
     "$JAVA" $BERTH_JAVA_OPTS -jar "$OLDPWD/deploy/target/berth.jar") > "$WORK/$name.log" 2>&1 &
  BERTH_PID=$!
  PIDS+=($BERTH_PID)
  BERTH=http://127.0.0.1:$BERTH_PORT
  for _ in $(seq 1 900); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$BERTH/v2/")" = 200 ] && break
    kill -0 "$BERTH_PID" 2>/dev/null || { echo "bench: Berth ($name) did not start"; tail -20 "$WORK/$name.log"; exit 1; }
    sleep 0.2
  done
  ( while kill -0 "$BERTH_PID" 2>/dev/null; do ps -o rss= -p "$BERTH_PID"; sleep 0.5; done ) > "$WORK/$name.rss" 2>/dev/null &
  PIDS+=($!)
}
stop_berth() {
  kill "$BERTH_PID"; wait "$BERTH_PID" 2>/dev/null || true
}
peak_rss() { sort -n "$WORK/$1.rss" | tail -1 | awk '{printf "%.0f", $1/1024}'; }

put_monolithic() { # repo
  curl -s -o /dev/null -w '%{time_total}' -T "$WORK/blob" -H 'Content-Type: application/octet-stream' \
    "$(with_digest "$(location "$1")" "$DIGEST")"
}
patch_then_put() { # repo file digest
  local loc next start end
  loc=$(location "$1")
  start=$(date +%s.%N)
  next=$(curl -s -D - -o /dev/null -X PATCH -T "$2" -H 'Content-Type: application/octet-stream' "$loc" \
    | tr -d '\r' | awk 'tolower($1)=="location:"{print $2}')
  case "$next" in http*) ;; *) next=$BERTH$next;; esac
  [ "$(curl -s -o /dev/null -w '%{http_code}' -X PUT "$(with_digest "$next" "$3")")" = 201 ] || { echo "bench: commit failed"; exit 1; }
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN{print b-a}'
}
get_blob() { # -L follows a pull redirect to the store, as clients do
  curl -s -L -o /dev/null -w '%{time_total}' "$BERTH/v2/bench/mono1/blobs/$DIGEST"
}

mkdir -p "$WORK/layout/blobs/sha256"
printf '{"imageLayoutVersion":"1.0.0"}' > "$WORK/layout/oci-layout"
ln "$WORK/blob" "$WORK/layout/blobs/sha256/${DIGEST#sha256:}"
printf '{"architecture":"amd64","os":"linux"}' > "$WORK/config.json"
CONFIG_DIGEST="sha256:$(sha256sum "$WORK/config.json" | cut -d' ' -f1)"
cp "$WORK/config.json" "$WORK/layout/blobs/sha256/${CONFIG_DIGEST#sha256:}"
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":%s}]}' \
  "$CONFIG_DIGEST" "$(stat -c %s "$WORK/config.json")" "$DIGEST" "$BYTES" > "$WORK/manifest.json"
MANIFEST_DIGEST="sha256:$(sha256sum "$WORK/manifest.json" | cut -d' ' -f1)"
cp "$WORK/manifest.json" "$WORK/layout/blobs/sha256/${MANIFEST_DIGEST#sha256:}"
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"v1"}}]}' \
  "$MANIFEST_DIGEST" "$(stat -c %s "$WORK/manifest.json")" > "$WORK/layout/index.json"

declare -A RESULT
S3_ENV=(REGISTRY_STORAGE=s3 REGISTRY_STORAGE_S3_BUCKET=bench REGISTRY_STORAGE_S3_REGION=us-east-1
  REGISTRY_STORAGE_S3_REGIONENDPOINT=http://127.0.0.1:$S3_PORT REGISTRY_STORAGE_S3_FORCEPATHSTYLE=true
  REGISTRY_STORAGE_S3_ACCESSKEY=bench-access REGISTRY_STORAGE_S3_SECRETKEY=bench-secret)
for name in filesystem s3; do
  if [ "$name" = s3 ]; then start_berth s3 "${S3_ENV[@]}"; else start_berth filesystem REGISTRY_STORAGE=filesystem; fi
  echo "bench: $name: warm-up round"
  put_monolithic bench/warmup > /dev/null
  for kind in put patch get; do
    values=()
    for run in $(seq 1 "$RUNS"); do
      case $kind in
        put) t=$(put_monolithic "bench/mono$run");;
        patch) t=$(patch_then_put "bench/chunk$run" "$WORK/blob" "$DIGEST");;
        get) t=$(get_blob);;
      esac
      values+=("$(mbps "$t" "$BYTES")")
    done
    RESULT[$name-$kind]=$(printf '%s\n' "${values[@]}" | median)
    echo "bench: $name $kind MB/s runs: ${values[*]}"
  done
  start=$(date +%s.%N)
  skopeo copy -q --dest-tls-verify=false --preserve-digests "oci:$WORK/layout:v1" "docker://127.0.0.1:$BERTH_PORT/bench/skopeo:v1"
  mid=$(date +%s.%N)
  skopeo copy -q --src-tls-verify=false "docker://127.0.0.1:$BERTH_PORT/bench/skopeo:v1" "oci:$WORK/pulled-$name:v1"
  end=$(date +%s.%N)
  rm -rf "$WORK/pulled-$name"
  RESULT[$name-skopeo-push]=$(awk -v a="$start" -v b="$mid" 'BEGIN{printf "%.1f", b-a}')
  RESULT[$name-skopeo-pull]=$(awk -v a="$mid" -v b="$end" 'BEGIN{printf "%.1f", b-a}')
  RESULT[$name-rss]=$(peak_rss "$name")
  if [ "$name" = s3 ]; then
    echo "bench: s3: streaming a ${BIG_MB} MiB blob (one PATCH, then PUT)"
    BIG_DIGEST="sha256:$(head -c "$((BIG_MB * 1024 * 1024))" /dev/zero | sha256sum | cut -d' ' -f1)"
    mkfifo "$WORK/big"
    ( head -c "$((BIG_MB * 1024 * 1024))" /dev/zero > "$WORK/big" ) &
    t=$(patch_then_put bench/big "$WORK/big" "$BIG_DIGEST")
    RESULT[big-mbps]=$(mbps "$t" "$((BIG_MB * 1024 * 1024))")
    RESULT[big-rss]=$(peak_rss s3)
  fi
  stop_berth
done

echo
echo "| measure (${BLOB_MB} MiB blob, median of $RUNS, Berth $BERTH_JAVA_OPTS) | filesystem | S3 (S3Proxy) |"
echo "|---|---|---|"
echo "| blob upload, monolithic PUT (MB/s) | ${RESULT[filesystem-put]} | ${RESULT[s3-put]} |"
echo "| blob upload, PATCH then PUT (MB/s) | ${RESULT[filesystem-patch]} | ${RESULT[s3-patch]} |"
echo "| blob GET, following the redirect (MB/s) | ${RESULT[filesystem-get]} | ${RESULT[s3-get]} |"
echo "| skopeo push (s) | ${RESULT[filesystem-skopeo-push]} | ${RESULT[s3-skopeo-push]} |"
echo "| skopeo pull (s) | ${RESULT[filesystem-skopeo-pull]} | ${RESULT[s3-skopeo-pull]} |"
echo "| Berth peak resident memory (MiB) | ${RESULT[filesystem-rss]} | ${RESULT[s3-rss]} |"
echo "| ${BIG_MB} MiB PATCH + PUT into S3 (MB/s) / Berth peak RSS after it (MiB) | | ${RESULT[big-mbps]} / ${RESULT[big-rss]} |"
