#!/usr/bin/env bash
# Trains a JDK AOT cache (JEP 483/514) for berth.jar: berth.jar starts once, answers a few requests
# and is stopped; the JVM writes the cache at exit, and later starts map it (-XX:AOTCache): the
# classes Berth loads and links at every start come ready. The JVM accepts a cache only with the same
# runtime and the same jar (path, size, time): checked here with -XX:AOTMode=on before it is kept.
#
# For the container image: inside the image's own file system (a chroot into the base's rootfs: its
# jlinked runtime, the jar at /opt/berth/berth.jar with the modification time Jib gives every file,
# the JVM as PID 1 of a private PID namespace). Needs root (chroot, private /proc and /dev mounts); as
# another user the image is built without the cache, and this says so.
#   aot-cache.sh BASE_DIR BERTH_JAR OUTPUT_DIR        (BASE_DIR: base-image.sh's output, with rootfs/)
# For berth.jar where it is, with the JVM and options given (the system tests' boots):
#   aot-cache.sh --here JAVA BERTH_JAR OUTPUT_DIR [JVM_OPTION ...]
set -euo pipefail
# a command that fails under set -e says nothing by itself: name it (a CI run once ended here with no word)
# every line names the cache it is about: the build trains the image's and the tests' at the same time
name=aot-cache
trap 'echo "$name: failed (status $?) at line $LINENO: $BASH_COMMAND" >&2' ERR

if [ "${1:-}" = --here ]; then
  mode=here; java=${2:?java}; jar=$(realpath "${3:?berth.jar}"); out=${4:?output directory}; shift 4; options=("$@")
else
  mode=image; base=${1:?base image directory}; jar=${2:?berth.jar}; out=${3:?output directory}; root="$base/rootfs"
fi
name="aot-cache ($mode)"
rm -rf "$out"
mkdir -p "$out"
out=$(realpath "$out")
log="$out/training.log"

# JDK 25 and later (JEP 514); with an older JDK there is no cache to make, and nothing asks for one
runtime=$([ "$mode" = image ] && echo "$root/opt/java/bin/java" || echo "$java")
if [ -x "$runtime" ] && ! "$runtime" -XX:+PrintFlagsFinal -version 2>/dev/null | grep -q ' AOTCacheOutput '; then
  echo "$name: $("$runtime" -version 2>&1 | head -1) makes no AOT cache (JDK 25 or later does): none made"
  exit 0
fi

if [ "$mode" = image ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "$name: not root: the image is built without an AOT cache (training it needs chroot)"
    exit 0
  fi
  [ -x "$root/opt/java/bin/java" ] || { echo "$name: $root has no Java runtime: run base-image.sh first" >&2; exit 1; }
  mkdir -p "$root/opt/berth" "$root/proc" "$root/dev"
  cp "$jar" "$root/opt/berth/berth.jar"
  touch -d @1 "$root/opt/berth/berth.jar" # Jib's time for every file: 1970-01-01T00:00:01Z
  cp /etc/hosts "$root/etc/hosts"          # Docker gives a container one
  training=$(mktemp -d "$root/tmp/aot-training.XXXX")
  chown 1000:1000 "$training"
  inside=${training#"$root"}
  trap 'rm -rf "$training" "$root/opt/berth" "$root/etc/hosts"' EXIT
  # java OPTION... in the image's file system (exec: call it in a subshell): /proc and /dev are mounted for it and vanish with the namespace
  jvm() {
    exec unshare --mount --pid --fork sh -c 'mount -t proc proc "$1/proc" && mount --rbind /dev "$1/dev" && root=$1 \
      && shift && exec chroot --userspec=1000:1000 "$root" /opt/java/bin/java "$@"' sh "$root" "$@"
  }
  jar_path=/opt/berth/berth.jar
else
  training=$(mktemp -d "$out/training.XXXX")
  inside=$training
  trap 'rm -rf "$training"' EXIT
  jvm() { exec "$java" "${options[@]}" "$@"; }
  jar_path=$jar
fi

get() { # GET $1 over bash's /dev/tcp: the status line
  (exec 3<>"/dev/tcp/127.0.0.1/$port" && printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$1" >&3 \
    && head -1 <&3) 2>/dev/null || true
}

started=$(date +%s)
# a port nothing answers on may still be held (a connection's end): another port when Payara cannot bind it
for attempt in 1 2 3; do
  port=
  for candidate in $(shuf -i 20000-60000 -n 50); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
  done
  [ -n "$port" ] || { echo "$name: no free port" >&2; exit 1; }
  REGISTRY_HTTP_ADDR="127.0.0.1:$port" REGISTRY_DATA_DIRECTORY="$inside/data" HOME="$inside" \
    jvm -XX:AOTCacheOutput="$inside/berth.aot" -jar "$jar_path" > "$log" 2>&1 & # a subshell: jvm's exec replaces it
  launcher=$!
  # 401: Berth serves, and requires logins as shipped (the training runs the zero-configuration default)
  until get /v2/ | grep -qE ' (200|401)'; do
    if ! kill -0 "$launcher" 2>/dev/null || [ $(( $(date +%s) - started )) -gt 900 ]; then
      break
    fi
    sleep 0.2
  done
  get /v2/ | grep -qE ' (200|401)' && break
  kill -9 "$launcher" 2>/dev/null || true; wait "$launcher" 2>/dev/null || true
  if [ "$attempt" -lt 3 ] && grep -q "BindException: Address already in use" "$log"; then
    echo "$name: port $port is taken; training again on another" >&2
    rm -rf "$training/data" "$training/berth.aot"
    continue
  fi
  echo "$name: the training run did not serve within 900 s:" >&2; tail -20 "$log" >&2; exit 1
done
echo "$name: berth.jar served after $(( $(date +%s) - started )) s; training"
for _ in 1 2 3 4 5; do get /v2/ > /dev/null; get /v2/_catalog > /dev/null; get /admin/ > /dev/null; get /health/ready > /dev/null; done
# the JVM itself: the namespace's first process in the image, the launched process here
if [ "$mode" = image ]; then kill -TERM "$(pgrep -P "$launcher")"; else kill -TERM "$launcher"; fi
status=0
wait "$launcher" || status=$?
# 143: stopped by SIGTERM, as Berth reports it
[ "$status" = 0 ] || [ "$status" = 143 ] || { echo "$name: the training run failed ($status):" >&2; tail -20 "$log" >&2; exit 1; }
[ -s "$training/berth.aot" ] || { echo "$name: no cache written:" >&2; tail -20 "$log" >&2; exit 1; }

# the cache must map with this runtime and jar: -XX:AOTMode=on fails otherwise
(jvm -XX:AOTCache="$inside/berth.aot" -XX:AOTMode=on -jar "$jar_path" --help) > "$out/check.log" 2>&1 \
  || { echo "$name: the JVM refuses the cache:" >&2; cat "$out/check.log" >&2; exit 1; }
cp "$training/berth.aot" "$out/berth.aot"
echo "$name: $out/berth.aot ($(du -h "$out/berth.aot" | cut -f1)) in $(( $(date +%s) - started )) s"
