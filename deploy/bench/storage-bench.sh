#!/usr/bin/env bash
# Storage benchmark: Berth with the filesystem driver, with the S3 driver (S3Proxy on loopback,
# filesystem backend) and with the Azure driver (Azurite on loopback): push and pull MB/s of one
# blob, skopeo push/pull of a one-layer image, CPU seconds of Berth and of the store, and Berth's
# peak resident memory while a multi-GB blob streams into S3 and into Azure. Measures, never fails
# on a number.
#
#   deploy/bench/storage-bench.sh          # needs: java 21+, curl, skopeo, openssl, npm; berth.jar built
#   BLOB_MB=1024 BIG_MB=3072 RUNS=3 deploy/bench/storage-bench.sh
#   DRIVERS="filesystem azure" BIG_MB=0 deploy/bench/storage-bench.sh   # a subset; BIG_MB=0: no big blob
#
# The warm-up round (WARMUP_MB, 64 MiB by default) is discarded. Every measured upload sends bytes
# that the registry has not seen (the blob with a run number written over its first 16 bytes), so
# each one pays the driver's whole commit, not a "content already there" shortcut.
set -euo pipefail
cd "$(dirname "$0")/../.."

BLOB_MB=${BLOB_MB:-1024}
BIG_MB=${BIG_MB:-3072}
WARMUP_MB=${WARMUP_MB:-64}   # the discarded first upload: enough to compile the hot paths
RUNS=${RUNS:-3}
DRIVERS=${DRIVERS:-filesystem s3 azure}
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA=$JAVA_HOME/bin/java
BERTH_JAVA_OPTS=${BERTH_JAVA_OPTS:--Xmx256m}
AZURITE_VERSION=3.37.0
AZURITE=${BERTH_AZURITE:-.ci/tools/node_modules/.bin/azurite-blob}
# Azurite's well-known development account, published in its documentation
AZ_ACCOUNT=devstoreaccount1
AZ_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
WORK=$(mktemp -d /tmp/berth-storage-bench.XXXXXX)
PIDS=()

cleanup() { # by PID: TERM, up to 15 s, then KILL (Azurite sometimes ignores TERM)
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 75); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

for tool in curl skopeo sha256sum openssl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool missing"; exit 2; }
done
BERTH_JAR=$(realpath -m "${BERTH_JAR:-deploy/target/berth.jar}") # another build to compare: BERTH_JAR=/path/berth.jar
[ -f "$BERTH_JAR" ] || { echo "bench: build first: ./mvnw -q -DskipTests install"; exit 2; }
[ "$RUNS" -ge 1 ] && [ "$BLOB_MB" -ge 1 ] || { echo "bench: RUNS and BLOB_MB must be at least 1"; exit 2; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
BERTH_PORT=${BERTH_PORT:-$(free_port)}
S3_PORT=${S3_PORT:-$(free_port)}
AZ_PORT=${AZ_PORT:-$(free_port)}
load() { cut -d' ' -f1-3 /proc/loadavg; }
LOAD_START=$(load)
echo "bench: $(date -u '+%F %T') UTC, load average $LOAD_START"

# CPU seconds (user + system) a process has used so far
cpu_seconds() { awk -v t="$(getconf CLK_TCK)" '{print ($14 + $15) / t}' "/proc/$1/stat" 2>/dev/null || echo 0; }
wait_for() { # url
  for _ in $(seq 1 300); do curl -s -o /dev/null "$1" && return 0; sleep 0.2; done
  echo "bench: nothing answers at $1"; exit 1
}
has() { case " $DRIVERS " in *" $1 "*) return 0;; *) return 1;; esac; }

if has s3; then
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
  # without a configuration logback logs everything at DEBUG: Jetty then logs several lines for
  # every read of a request body (many are one-byte reads of the aws-chunked framing), and S3Proxy
  # is busy logging instead of storing
  cat > "$WORK/s3proxy-logback.xml" <<'XML'
<configuration>
  <appender name="out" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d %level %logger{20} - %msg%n</pattern></encoder>
  </appender>
  <root level="WARN"><appender-ref ref="out"/></root>
</configuration>
XML
  "$JAVA" -Dlogback.configurationFile="$WORK/s3proxy-logback.xml" -cp "$(cat "$WORK/s3proxy.classpath")" \
    org.gaul.s3proxy.Main --properties "$WORK/s3proxy.conf" \
    > "$WORK/s3proxy.log" 2>&1 &
  S3_PID=$!
  PIDS+=($S3_PID)
  wait_for "http://127.0.0.1:$S3_PORT/"
fi

# Shared Key signature for one container-level REST call (Azure's "Authorization: SharedKey")
az_container() { # verb container
  local date ver=2021-08-06 sts sig
  date=$(TZ=GMT LC_ALL=C date '+%a, %d %b %Y %H:%M:%S GMT')
  sts=$(printf '%s\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:%s\nx-ms-version:%s\n/%s/%s/%s\nrestype:container' \
    "$1" "$date" "$ver" "$AZ_ACCOUNT" "$AZ_ACCOUNT" "$2")
  sig=$(printf '%s' "$sts" | openssl dgst -sha256 -mac HMAC \
    -macopt "hexkey:$(printf '%s' "$AZ_KEY" | base64 -d | od -An -tx1 -v | tr -d ' \n')" -binary | base64 -w0)
  curl -s -o /dev/null -w '%{http_code}' -X "$1" "http://127.0.0.1:$AZ_PORT/$AZ_ACCOUNT/$2?restype=container" \
    -H "x-ms-date: $date" -H "x-ms-version: $ver" -H 'Content-Length: 0' -H "Authorization: SharedKey $AZ_ACCOUNT:$sig"
}

if has azure; then
  if [ ! -x "$AZURITE" ]; then
    echo "bench: installing azurite@$AZURITE_VERSION into .ci/tools (as .ci/run does)"
    npm install --no-save --no-package-lock --no-audit --no-fund --prefix .ci/tools "azurite@$AZURITE_VERSION" > /dev/null
    AZURITE=.ci/tools/node_modules/.bin/azurite-blob
  fi
  echo "bench: starting Azurite on 127.0.0.1:$AZ_PORT"
  mkdir -p "$WORK/azurite"
  # as the tests' Azurite helper starts it
  "$AZURITE" --blobHost 127.0.0.1 --blobPort "$AZ_PORT" --location "$WORK/azurite" \
    --skipApiVersionCheck --loose --silent > "$WORK/azurite.log" 2>&1 &
  AZ_PID=$!
  PIDS+=($AZ_PID)
  wait_for "http://127.0.0.1:$AZ_PORT/"
  [ "$(az_container PUT bench)" = 201 ] || { echo "bench: could not create the Azurite container"; exit 1; }
fi

echo "bench: generating a ${BLOB_MB} MiB random blob"
head -c "$((BLOB_MB * 1024 * 1024))" /dev/urandom > "$WORK/blob"
DIGEST="sha256:$(sha256sum "$WORK/blob" | cut -d' ' -f1)"
BYTES=$(stat -c %s "$WORK/blob")
cp "$WORK/blob" "$WORK/fresh"
FRESH=0
fresh() { # new bytes in $WORK/fresh: the next number over its first 16 bytes; sets FRESH_DIGEST
  FRESH=$((FRESH + 1))
  printf '%016d' "$FRESH" | dd of="$WORK/fresh" bs=16 count=1 conv=notrunc status=none
  FRESH_DIGEST="sha256:$(sha256sum "$WORK/fresh" | cut -d' ' -f1)"
}

location() { # repo -> absolute upload URL
  local loc; loc=$(curl -s -D - -o /dev/null -X POST "$BERTH/v2/$1/blobs/uploads/" | tr -d '\r' | awk 'tolower($1)=="location:"{print $2}')
  case "$loc" in http*) echo "$loc";; *) echo "$BERTH$loc";; esac
}
with_digest() { # url digest
  case "$1" in *\?*) echo "$1&digest=$2";; *) echo "$1?digest=$2";; esac
}
mbps() { awk -v b="$2" -v s="$1" 'BEGIN{printf "%.0f", b/1048576/s}'; }
median() { sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
now() { date +%s.%N; }
minus() { awk -v a="$2" -v b="$1" 'BEGIN{printf "%.1f", b-a}'; }

start_berth() { # name env...
  local name=$1; shift
  mkdir -p "$WORK/$name"
  (cd "$WORK/$name" && env "$@" REGISTRY_AUTH=none REGISTRY_HTTP_ADDR=127.0.0.1:$BERTH_PORT REGISTRY_LOG_LEVEL=warn \
     "$JAVA" $BERTH_JAVA_OPTS -jar "$BERTH_JAR") > "$WORK/$name.log" 2>&1 &
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

put_monolithic() { # repo file digest -> seconds
  curl -s -o /dev/null -w '%{time_total}' -T "$2" -H 'Content-Type: application/octet-stream' \
    "$(with_digest "$(location "$1")" "$3")"
}
patch_then_put() { # repo file digest -> "total-seconds commit-seconds" (commit: the final PUT alone)
  local loc next start mid end code
  loc=$(location "$1")
  start=$(now)
  next=$(curl -s -D - -o /dev/null -X PATCH -T "$2" -H 'Content-Type: application/octet-stream' "$loc" \
    | tr -d '\r' | awk 'tolower($1)=="location:"{print $2}')
  case "$next" in http*) ;; *) next=$BERTH$next;; esac
  mid=$(now)
  code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT "$(with_digest "$next" "$3")")
  end=$(now)
  [ "$code" = 201 ] || { echo "bench: commit failed (HTTP $code)" >&2; exit 1; }
  awk -v a="$start" -v m="$mid" -v b="$end" 'BEGIN{print b-a, b-m}'
}
get_blob() { # repo digest; -L follows a pull redirect to the store, as clients do
  curl -s -L -o /dev/null -w '%{time_total}' "$BERTH/v2/$1/blobs/$2"
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
if [ "$BIG_MB" -gt 0 ]; then
  BIG_DIGEST="sha256:$(head -c "$((BIG_MB * 1024 * 1024))" /dev/zero | sha256sum | cut -d' ' -f1)"
fi

declare -A RESULT
S3_ENV=(REGISTRY_STORAGE=s3 REGISTRY_STORAGE_S3_BUCKET=bench REGISTRY_STORAGE_S3_REGION=us-east-1
  REGISTRY_STORAGE_S3_REGIONENDPOINT=http://127.0.0.1:$S3_PORT REGISTRY_STORAGE_S3_FORCEPATHSTYLE=true
  REGISTRY_STORAGE_S3_ACCESSKEY=bench-access REGISTRY_STORAGE_S3_SECRETKEY=bench-secret)
AZ_ENV=(REGISTRY_STORAGE=azure REGISTRY_STORAGE_AZURE_ACCOUNTNAME=$AZ_ACCOUNT REGISTRY_STORAGE_AZURE_ACCOUNTKEY=$AZ_KEY
  REGISTRY_STORAGE_AZURE_CONTAINER=bench REGISTRY_STORAGE_AZURE_SERVICEURL=http://127.0.0.1:$AZ_PORT/$AZ_ACCOUNT)
for name in $DRIVERS; do
  case $name in
    filesystem) start_berth filesystem REGISTRY_STORAGE=filesystem; STORE_PID=;;
    s3) start_berth s3 "${S3_ENV[@]}"; STORE_PID=$S3_PID;;
    azure) start_berth azure "${AZ_ENV[@]}"; STORE_PID=$AZ_PID;;
    *) echo "bench: unknown driver $name"; exit 2;;
  esac
  echo "bench: $name: warm-up round, ${WARMUP_MB} MiB ($(load))"
  head -c "$((WARMUP_MB * 1024 * 1024))" /dev/urandom > "$WORK/warmup"
  put_monolithic bench/warmup "$WORK/warmup" "sha256:$(sha256sum "$WORK/warmup" | cut -d' ' -f1)" > /dev/null
  rm "$WORK/warmup"
  berth_cpu=$(cpu_seconds "$BERTH_PID"); store_cpu=$([ -n "$STORE_PID" ] && cpu_seconds "$STORE_PID" || echo 0)
  column_start=$(now)
  GET_DIGEST=; commits=()
  for kind in put patch get; do
    values=()
    for run in $(seq 1 "$RUNS"); do
      case $kind in
        put) fresh
          t=$(put_monolithic "bench/mono$run" "$WORK/fresh" "$FRESH_DIGEST")
          [ -n "$GET_DIGEST" ] || GET_DIGEST=$FRESH_DIGEST;;
        patch) fresh
          read -r t c < <(patch_then_put "bench/chunk$run" "$WORK/fresh" "$FRESH_DIGEST")
          commits+=("$c");;
        get) t=$(get_blob bench/mono1 "$GET_DIGEST");;
      esac
      values+=("$(mbps "$t" "$BYTES")")
    done
    RESULT[$name-$kind]=$(printf '%s\n' "${values[@]}" | median)
    echo "bench: $name $kind MB/s runs: ${values[*]} ($(load))"
  done
  RESULT[$name-commit]=$(printf '%s\n' "${commits[@]}" | median | awk '{printf "%.1f", $1}')
  echo "bench: $name commit (final PUT) s runs: ${commits[*]}"
  start=$(now)
  skopeo copy -q --dest-tls-verify=false --preserve-digests "oci:$WORK/layout:v1" "docker://127.0.0.1:$BERTH_PORT/bench/skopeo:v1"
  mid=$(now)
  skopeo copy -q --src-tls-verify=false "docker://127.0.0.1:$BERTH_PORT/bench/skopeo:v1" "oci:$WORK/pulled-$name:v1"
  end=$(now)
  RESULT[$name-skopeo-push]=$(minus "$mid" "$start")
  RESULT[$name-skopeo-pull]=$(minus "$end" "$mid")
  # skopeo gzips an uncompressed layer on its way to a registry: the pulled layer is the largest
  # blob, and it must decompress to the pushed bytes
  pulled=$(ls -S "$WORK/pulled-$name/blobs/sha256/"* | head -1)
  if [ "$(head -c2 "$pulled" | od -An -tx1 | tr -d ' \n')" = 1f8b ]; then unpack=(gzip -dc); else unpack=(cat); fi
  if "${unpack[@]}" "$pulled" | cmp -s - "$WORK/blob"; then
    echo "bench: $name: skopeo pulled the layer back, the same bytes"
  else
    echo "bench: $name: the pulled layer DIFFERS from the pushed one; pulled:"
    ls -l "$WORK/pulled-$name/blobs/sha256" || true
    RESULT[$name-skopeo-pull]="${RESULT[$name-skopeo-pull]} (layer differs!)"
  fi
  rm -rf "$WORK/pulled-$name"
  RESULT[$name-cpu]="$(minus "$(cpu_seconds "$BERTH_PID")" "$berth_cpu") / $([ -n "$STORE_PID" ] && minus "$(cpu_seconds "$STORE_PID")" "$store_cpu" || echo -)"
  RESULT[$name-wall]=$(minus "$(now)" "$column_start")
  RESULT[$name-rss]=$(peak_rss "$name")
  if [ "$BIG_MB" -gt 0 ] && [ "$name" != filesystem ]; then
    echo "bench: $name: streaming a ${BIG_MB} MiB blob (one chunked PATCH with no length, then PUT) ($(load))"
    mkfifo "$WORK/big-$name"
    ( head -c "$((BIG_MB * 1024 * 1024))" /dev/zero > "$WORK/big-$name" ) &
    read -r t c < <(patch_then_put "bench/big" "$WORK/big-$name" "$BIG_DIGEST")
    RESULT[$name-big]="$(mbps "$t" "$((BIG_MB * 1024 * 1024))") (commit $(awk -v c="$c" 'BEGIN{printf "%.1f", c}') s) / $(peak_rss "$name")"
  else
    RESULT[$name-big]="-"
  fi
  echo "bench: $name results: put ${RESULT[$name-put]}, patch ${RESULT[$name-patch]}, commit ${RESULT[$name-commit]} s," \
    "get ${RESULT[$name-get]}, skopeo push ${RESULT[$name-skopeo-push]} s, pull ${RESULT[$name-skopeo-pull]} s," \
    "cpu ${RESULT[$name-cpu]}, wall ${RESULT[$name-wall]} s, rss ${RESULT[$name-rss]}, big ${RESULT[$name-big]}"
  stop_berth
  # what the driver stored is not needed any more: keep the disk from filling up
  case $name in
    filesystem) rm -rf "$WORK/filesystem";;
    s3) rm -rf "$WORK/s3/bench"/*;;
    azure) az_container DELETE bench > /dev/null || true;;
  esac
  echo "bench: $name done ($(load))"
done
LOAD_END=$(load)

col() { # key -> one cell per driver
  local line="" name
  for name in $DRIVERS; do line="$line ${RESULT[$name-$1]:-} |"; done
  echo "$line"
}
header=""; rule=""
for name in $DRIVERS; do
  case $name in filesystem) header="$header filesystem |";; s3) header="$header S3 (S3Proxy) |";; azure) header="$header Azure (Azurite) |";; esac
  rule="$rule---|"
done
echo
echo "Load average at start: $LOAD_START; at end: $LOAD_END"
echo
echo "| measure (${BLOB_MB} MiB blob, median of $RUNS, Berth $BERTH_JAVA_OPTS) |$header"
echo "|---|$rule"
echo "| blob upload, monolithic PUT (MB/s) |$(col put)"
echo "| blob upload, PATCH then PUT (MB/s) |$(col patch)"
echo "| of which the final PUT, the commit (s) |$(col commit)"
echo "| blob GET, following the redirect (MB/s) |$(col get)"
echo "| skopeo push of the one-layer image, skopeo gzips the layer (s) |$(col skopeo-push)"
echo "| skopeo pull of the one-layer image (s) |$(col skopeo-pull)"
echo "| CPU seconds, Berth / the store, for the rows above |$(col cpu)"
echo "| wall-clock seconds for the rows above |$(col wall)"
echo "| Berth peak resident memory for the rows above (MiB) |$(col rss)"
echo "| ${BIG_MB} MiB chunked PATCH + PUT (MB/s) / Berth peak RSS after it (MiB) |$(col big)"
