#!/usr/bin/env bash
# A one-node OpenStack Swift ("Swift All In One") for the driver tests, from Debian's packages:
# memcached, account, container and object servers and a proxy with tempauth, TempURL and static
# large objects, all on 127.0.0.1 and free ports, one replica, data and configuration under DIR.
#   saio.sh start DIR   prints the proxy's port once it answers; PIDs go to DIR/pids
#   saio.sh stop DIR    stops exactly those PIDs
# The test account is AUTH_test, user test:tester, key testing (tempauth, /auth/v1.0).
set -euo pipefail

command=${1:?usage: saio.sh start|stop DIR}
dir=$(realpath -m "${2:?usage: saio.sh start|stop DIR}")

stop() {
  [ -f "$dir/pids" ] || return 0
  while read -r pid; do
    kill "$pid" 2>/dev/null || true
  done < "$dir/pids"
  for _ in $(seq 50); do
    alive=0
    while read -r pid; do kill -0 "$pid" 2>/dev/null && alive=1; done < "$dir/pids"
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  while read -r pid; do kill -9 "$pid" 2>/dev/null || true; done < "$dir/pids"
  rm -f "$dir/pids"
}

if [ "$command" = stop ]; then
  stop
  exit 0
fi
[ "$command" = start ] || { echo "usage: saio.sh start|stop DIR" >&2; exit 2; }

for tool in swift-proxy-server swift-account-server swift-container-server swift-object-server memcached; do
  command -v "$tool" >/dev/null || { echo "saio: $tool is missing (apt-get install swift swift-proxy swift-account swift-container swift-object memcached)" >&2; exit 3; }
done

stop
rm -rf "$dir"
mkdir -p "$dir/etc" "$dir/node/d1" "$dir/run" "$dir/log" "$dir/cache"

# five free loopback ports, chosen by the kernel
# Debian's python3, which has the swift modules (a python3 earlier on PATH may not)
python=/usr/bin/python3

read -r memcache_port proxy_port account_port container_port object_port < <("$python" -c '
import socket
socks = [socket.socket() for _ in range(5)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])
for s in socks: s.close()')

common="[DEFAULT]
bind_ip = 127.0.0.1
workers = 0
user = $(id -un)
swift_dir = $dir/etc
devices = $dir/node
mount_check = false
disable_fallocate = true
log_name = saio
log_level = WARNING
"

cat > "$dir/etc/account-server.conf" <<CONF
$common
bind_port = $account_port
[pipeline:main]
pipeline = account-server
[app:account-server]
use = egg:swift#account
CONF

cat > "$dir/etc/container-server.conf" <<CONF
$common
bind_port = $container_port
[pipeline:main]
pipeline = container-server
[app:container-server]
use = egg:swift#container
CONF

cat > "$dir/etc/object-server.conf" <<CONF
$common
bind_port = $object_port
[pipeline:main]
pipeline = object-server
[app:object-server]
use = egg:swift#object
# a loaded CI machine must not turn container updates into async pendings: listings would lag
container_update_timeout = 30
CONF

cat > "$dir/etc/proxy-server.conf" <<CONF
$common
bind_port = $proxy_port
[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk tempurl tempauth copy slo proxy-logging proxy-server
[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
allow_account_management = true
[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = testing .admin http://127.0.0.1:$proxy_port/v1/AUTH_test
user_test_reader = reading
[filter:tempurl]
use = egg:swift#tempurl
[filter:slo]
use = egg:swift#slo
# low, so that the kit's larger uploads need nested manifests
max_manifest_segments = 16
[filter:copy]
use = egg:swift#copy
[filter:bulk]
use = egg:swift#bulk
[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$memcache_port
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:proxy-logging]
use = egg:swift#proxy_logging
CONF

cat > "$dir/etc/swift.conf" <<CONF
[swift-hash]
swift_hash_path_prefix = berth-test
swift_hash_path_suffix = berth-test
[storage-policy:0]
name = gold
default = yes
CONF

# one device, one replica, partition power 6: tiny rings, built in one process (the CLI is slow to start)
"$python" - <<PY
from swift.common.ring import RingBuilder
for name, port in (("account", $account_port), ("container", $container_port), ("object", $object_port)):
    builder = RingBuilder(6, 1, 1)
    builder.add_dev({"region": 1, "zone": 1, "ip": "127.0.0.1", "port": port, "device": "d1", "weight": 1})
    builder.rebalance()
    builder.get_ring().save("$dir/etc/%s.ring.gz" % name)
PY

start() {
  local name=$1; shift
  "$@" > "$dir/log/$name.log" 2>&1 &
  echo $! >> "$dir/pids"
}
start memcached memcached -l 127.0.0.1 -p "$memcache_port" -U 0 -m 16 -u "$(id -un)"
# swift reads swift.conf from /etc/swift unless told; SWIFT_CONF_FILE is not an option, so the
# servers get our swift_dir through their configuration and swift.conf through a wrapper
for server in account container object proxy; do
  start "$server" "$python" -c "
import sys
from swift.common import utils
utils.set_swift_dir('$dir/etc')
from swift.common.wsgi import run_wsgi
sys.exit(run_wsgi('$dir/etc/$server-server.conf', '$server-server', verbose=True))"
done

for _ in $(seq 150); do
  if curl -fsS "http://127.0.0.1:$proxy_port/healthcheck" >/dev/null 2>&1 \
      && curl -fsS -o /dev/null -H 'X-Auth-User: test:tester' -H 'X-Auth-Key: testing' "http://127.0.0.1:$proxy_port/auth/v1.0" 2>/dev/null; then
    echo "$proxy_port"
    exit 0
  fi
  while read -r pid; do
    kill -0 "$pid" 2>/dev/null || { echo "saio: a server exited; logs in $dir/log" >&2; tail -n 20 "$dir"/log/*.log >&2; stop; exit 1; }
  done < "$dir/pids"
  sleep 0.2
done
echo "saio: the proxy did not answer within 30 s; logs in $dir/log" >&2
tail -n 20 "$dir"/log/*.log >&2
stop
exit 1
