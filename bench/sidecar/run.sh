#!/usr/bin/env bash
# Benchmark of `ssm-cache serve` answering a cached parameter, next to nginx serving the same
# JSON body from its config (the ceiling of HTTP serving on this machine), in the same run,
# with wrk. Prints requests/s and p99 latency of both, and a Markdown table row.
#
#   bench/sidecar/run.sh [BUILD_DIR] [DURATION_S] [CONNECTIONS] [WRK_THREADS]
#
# Needs wrk and nginx (Debian wrk, nginx-light); everything runs on 127.0.0.1 and is stopped
# on exit.
#
# Environment:
#   SIDECAR_ARGS  extra `ssm-cache serve` options (e.g. "--threads 4")
#   SERVER_CPUS, WRK_CPUS  CPU lists (taskset -c) to keep the load generator off the servers'
#       cores, e.g. SERVER_CPUS=0 WRK_CPUS=1; nginx then runs one worker per server CPU.
#       Unset: everything shares all cores.
#   HUNG_MISS_CONNECTIONS=N  while the sidecar is measured, the upstream hangs (ssm-cache-local
#       latency fault, 60 s) and a second wrk keeps N connections asking for names never
#       cached (each answered 504 at the request timeout): the hits' p99 under a hung upstream.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${1:-$ROOT/build/cli}"
DURATION="${2:-10}"
CONNECTIONS="${3:-64}"
WRK_THREADS="${4:-2}"
SSM_CACHE="$BUILD/tools/ssm-cache/ssm-cache"
LOCAL="$BUILD/tools/ssm-cache-local/ssm-cache-local"
for bin in "$SSM_CACHE" "$LOCAL"; do
  [ -x "$bin" ] || { echo "missing $bin (build the ssm-cache and ssm-cache-local targets)" >&2; exit 2; }
done
command -v wrk >/dev/null || { echo "wrk not installed (apt-get install wrk)" >&2; exit 2; }
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
[ -x "$NGINX" ] || { echo "nginx not installed (apt-get install nginx-light)" >&2; exit 2; }

SERVER_CPUS="${SERVER_CPUS:-}"
WRK_CPUS="${WRK_CPUS:-}"
# cpu-list command... -> the command, pinned to the CPUs if any. It execs, so that the PID
# recorded for cleanup is the program's: call it only in a subshell ( &, $(...) ).
on_cpus() {
  local cpus="$1"; shift
  if [ -n "$cpus" ]; then exec taskset -c "$cpus" "$@"; else exec "$@"; fi
}
NGINX_WORKERS=auto
if [ -n "$SERVER_CPUS" ]; then
  NGINX_WORKERS="$(taskset -c "$SERVER_CPUS" nproc)"
fi

TMP="$(mktemp -d)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_line() {  # file pattern -> first matching line (waits up to 10 s)
  for _ in $(seq 100); do
    if grep -q "$2" "$1" 2>/dev/null; then grep -m1 "$2" "$1"; return 0; fi
    sleep 0.1
  done
  echo "timed out waiting for '$2' in $1" >&2; cat "$1" >&2; return 1
}

# 1. Upstream: ssm-cache-local with one parameter.
cat > "$TMP/data.json" <<'JSON'
{"format": "ssm-cache-local", "version": 1,
 "parameters": [{"Name": "/bench/db-url", "Type": "String", "Value": "postgres://db.internal:5432/app"}]}
JSON
"$LOCAL" --port 0 --admin-token bench-admin --data "$TMP/data.json" --quiet > "$TMP/local.out" 2> "$TMP/local.err" &
PIDS+=($!)
LOCAL_URL="$(wait_line "$TMP/local.out" 'listening on' | sed 's/.*listening on //')"

# 2. The sidecar, parameter prefetched, quiet logs.
SIDECAR_PORT="$(free_port)"
AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 \
  on_cpus "$SERVER_CPUS" "$SSM_CACHE" --endpoint-url "$LOCAL_URL" serve --port "$SIDECAR_PORT" \
  --token bench-token --prefetch /bench/db-url --log-level warn ${SIDECAR_ARGS:-} \
  > "$TMP/sidecar.out" 2> "$TMP/sidecar.err" &
PIDS+=($!)
wait_line "$TMP/sidecar.out" 'listening on' > /dev/null
SIDECAR_URL="http://127.0.0.1:$SIDECAR_PORT/systemsmanager/parameters/get?name=%2Fbench%2Fdb-url"
BODY="$(curl -sf -H 'X-Aws-Parameters-Secrets-Token: bench-token' "$SIDECAR_URL")"

# 3. nginx with the same body, as a normal process on its own port and prefix.
NGINX_PORT="$(free_port)"
mkdir -p "$TMP/nginx/logs"
# The body is in the config (return 200 '...'): nginx answers from memory, no file access
# (its workers may run as another user that cannot read our temp dir).
NGINX_BODY="${BODY//\\/\\\\}"
NGINX_BODY="${NGINX_BODY//\'/\\\'}"
cat > "$TMP/nginx/nginx.conf" <<CONF
worker_processes $NGINX_WORKERS;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/logs/error.log warn;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $TMP/nginx/body;
  proxy_temp_path $TMP/nginx/proxy;
  fastcgi_temp_path $TMP/nginx/fastcgi;
  uwsgi_temp_path $TMP/nginx/uwsgi;
  scgi_temp_path $TMP/nginx/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location = /json { default_type application/json; return 200 '$NGINX_BODY'; }
  }
}
CONF
on_cpus "$SERVER_CPUS" "$NGINX" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" 2> "$TMP/nginx.err" &
PIDS+=($!)
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$NGINX_PORT/json" > /dev/null && break; sleep 0.1; done
NGINX_URL="http://127.0.0.1:$NGINX_PORT/json"
[ "$(curl -sf "$NGINX_URL")" = "$BODY" ] || { echo "nginx does not serve the body" >&2; exit 1; }

run_wrk() {  # name url -> "rps p99"
  local out
  out="$(on_cpus "$WRK_CPUS" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency \
    -H 'X-Aws-Parameters-Secrets-Token: bench-token' "$2")"
  echo "$out" > "$TMP/wrk-$1.txt"
  if echo "$out" | grep -q 'Non-2xx\|Socket errors'; then
    echo "== $1: wrk reported errors:" >&2; echo "$out" >&2
  fi
  local rps p99
  rps="$(echo "$out" | awk '/Requests\/sec/ {print $2}')"
  p99="$(echo "$out" | awk '$1 == "99%" {print $2}')"
  echo "$rps $p99"
}

echo "== body (${#BODY} bytes): $BODY"
echo "== wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s, machine: $(nproc) CPUs${SERVER_CPUS:+, servers on CPU $SERVER_CPUS}${WRK_CPUS:+, wrk on CPU $WRK_CPUS}${SIDECAR_ARGS:+, serve $SIDECAR_ARGS}"
read -r NGINX_RPS NGINX_P99 < <(run_wrk nginx "$NGINX_URL")
MISSES=""
if [ -n "${HUNG_MISS_CONNECTIONS:-}" ]; then
  curl -sf -X PUT -H 'Authorization: Bearer bench-admin' "$LOCAL_URL/_local/faults" -d '{"latency_ms": 60000}' > /dev/null
  # Every request a name never asked before: a miss that waits for the hung upstream.
  cat > "$TMP/miss.lua" <<'LUA'
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/systemsmanager/parameters/get?name=%2Fmiss%2F" .. math.random(1, 1e9) .. "-" .. n)
end
LUA
  ( on_cpus "$WRK_CPUS" wrk -t1 -c"$HUNG_MISS_CONNECTIONS" -d"$((DURATION + 3))s" --timeout 10s \
      -s "$TMP/miss.lua" -H 'X-Aws-Parameters-Secrets-Token: bench-token' \
      "http://127.0.0.1:$SIDECAR_PORT/" > "$TMP/wrk-misses.txt" 2>&1 ) &
  MISS_PID=$!
  sleep 2  # the misses are waiting before the hits are measured
fi
read -r SIDECAR_RPS SIDECAR_P99 < <(run_wrk sidecar "$SIDECAR_URL")
if [ -n "${HUNG_MISS_CONNECTIONS:-}" ]; then
  wait "$MISS_PID" || true
  MISSES="$(awk '/requests in/ {print $1} /Non-2xx/ {print "non-2xx " $NF}' "$TMP/wrk-misses.txt" | paste -sd' ')"
  echo "== misses against the hung upstream: $MISSES (requests, non-2xx = 504 at the request timeout)"
fi
UPSTREAM_CALLS="$(curl -sf -H 'X-Aws-Parameters-Secrets-Token: bench-token' \
  "http://127.0.0.1:$SIDECAR_PORT/metrics" | awk '/^ssm_cache_sidecar_upstream_calls_total/ {s += $2} END {print s+0}')"
RATIO="$(/usr/bin/python3 -c "print(f'{$SIDECAR_RPS / $NGINX_RPS:.2f}')")"
echo "nginx static JSON:       $NGINX_RPS req/s, p99 $NGINX_P99"
echo "ssm-cache serve (cached): $SIDECAR_RPS req/s, p99 $SIDECAR_P99 (ratio $RATIO of nginx; $UPSTREAM_CALLS upstream calls in total)"
echo
echo "| server | req/s | p99 |"
echo "|---|---:|---:|"
echo "| nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///') static JSON | $NGINX_RPS | $NGINX_P99 |"
echo "| ssm-cache serve, cached parameter | $SIDECAR_RPS | $SIDECAR_P99 |"
