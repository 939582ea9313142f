#!/usr/bin/env bash
# Start-up of Berth's container image (issue 15): seconds from `docker run` to the first 200 on
# GET /v2/, a fresh container and volume each time, for the image as built (its entrypoint maps the
# AOT cache trained at build time) and for the same image with the cache off (-XX:AOTMode=off), and
# for Debian's docker-registry (Distribution 2.8.2) started natively as the reference. Runs
# alternate, so that the machine's load falls on each alike. Measures, never fails on a number.
# Starts its own Docker engine (Debian's docker.io) on a private socket and stops it again.
#
#   deploy/bench/image-start-bench.sh      # needs: root, docker.io, docker-registry, curl; the image built
#   RUNS=5 deploy/bench/image-start-bench.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-3}
IMAGE_TAR=$PWD/deploy/target/berth-image.tar
WORK=$(mktemp -d /tmp/berth-image-bench.XXXX)
[ -f "$IMAGE_TAR" ] || { echo "bench: build the image first: ./mvnw -DskipTests verify"; exit 2; }
for tool in dockerd docker docker-registry curl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool missing (apt-get install docker.io docker-registry curl)"; exit 2; }
done
DOCKER=(docker --host "unix://$WORK/docker.sock")
dockerd --storage-driver=vfs --iptables=false --ip6tables=false --bridge=none --host="unix://$WORK/docker.sock" \
  --data-root="$WORK/data" --exec-root="$WORK/exec" --pidfile="$WORK/docker.pid" > "$WORK/dockerd.log" 2>&1 &
DOCKERD=$!
cleanup() {
  "${DOCKER[@]}" rm -f -v berth-bench > /dev/null 2>&1 || true
  kill "$DOCKERD" 2>/dev/null || true
  wait "$DOCKERD" 2>/dev/null || true
  umount "$WORK/exec/netns/default" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
until "${DOCKER[@]}" info > /dev/null 2>&1; do kill -0 "$DOCKERD" || { cat "$WORK/dockerd.log"; exit 1; }; sleep 0.2; done
TAG=$("${DOCKER[@]}" load -i "$IMAGE_TAR" | sed -n 's/^Loaded image: //p')
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

# one start: prints the seconds to the first 200 on /v2/, then removes the container or stops the process
start() {
  local label=$1 port; port=$(free_port)
  local began; began=$(date +%s.%N)
  local pid=
  case "$label" in
    reference)
      printf 'version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\n' \
        "$WORK/ref-$port" "$port" > "$WORK/ref.yml"
      docker-registry serve "$WORK/ref.yml" > "$WORK/ref.log" 2>&1 & pid=$! ;;
    aot)
      "${DOCKER[@]}" run -d --name berth-bench --network host -e REGISTRY_AUTH=none -e "REGISTRY_HTTP_ADDR=127.0.0.1:$port" "$TAG" > /dev/null ;;
    no-aot)
      "${DOCKER[@]}" run -d --name berth-bench --network host -e REGISTRY_AUTH=none -e "REGISTRY_HTTP_ADDR=127.0.0.1:$port" \
        --entrypoint /opt/java/bin/java "$TAG" -XX:AOTMode=off -jar /opt/berth/berth.jar serve /etc/docker/registry/config.yml > /dev/null ;;
  esac
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v2/" || true)" = 200 ]; do sleep 0.05; done
  local ready; ready=$(date +%s.%N)
  if [ -n "$pid" ]; then kill "$pid"; wait "$pid" 2>/dev/null || true; else "${DOCKER[@]}" rm -f -v berth-bench > /dev/null; fi
  python3 -c "print(round($ready - $began, 2))"
}
echo "bench: $(date -u +%H:%M:%S) [load $(cut -d' ' -f1-3 /proc/loadavg)] image $TAG"
start aot > /dev/null # the first container start also creates Docker's layers: not counted
declare -A times
for run in $(seq "$RUNS"); do
  for label in aot no-aot reference; do times[$label]+="$(start $label) "; done
  echo "bench: run $run done [load $(cut -d' ' -f1-3 /proc/loadavg)]"
done
echo
echo "| docker run to first 200 on /v2/ (s) | runs | mean | vs the image without its AOT cache |"
echo "|---|---|---|---|"
for label in aot no-aot reference; do
  python3 - "$label" ${times[$label]} ${times[no-aot]} <<'PY'
import sys
label, values = sys.argv[1], sys.argv[2:]
n = len(values) // 2
mine, base = [float(v) for v in values[:n]], [float(v) for v in values[n:]]
names = {"aot": "Berth's image as built (AOT cache)", "no-aot": "the same image, -XX:AOTMode=off",
         "reference": "docker-registry 2.8.2, native"}
mean = sum(mine) / n
print(f"| {names[label]} | {' / '.join(f'{v:.1f}' for v in mine)} | {mean:.2f} | {mean / (sum(base) / n):.2f} |")
PY
done
echo
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores. Rerun: RUNS=$RUNS deploy/bench/image-start-bench.sh"
