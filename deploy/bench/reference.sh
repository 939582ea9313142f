# Sourced by the benchmarks that run the reference registry (side-by-side.sh, gc-bench.sh): starts
# Debian's docker-registry (CNCF Distribution 2.8.2). The caller sets WORK and PIDS and stops PIDS on exit.

start_reference() { # port: Distribution on loopback, data under $WORK/ref-data, deletes on, no access log; PID in REF_PID
  cat > "$WORK/ref.yml" <<YML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $WORK/ref-data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$1
YML
  docker-registry serve "$WORK/ref.yml" > "$WORK/ref.log" 2>&1 &
  REF_PID=$!
  PIDS+=($REF_PID)
}
