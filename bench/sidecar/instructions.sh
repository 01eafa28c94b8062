#!/usr/bin/env bash
# Instructions per cached answer of `ssm-cache serve`, counted by callgrind: a figure that does
# not move with the machine's load (unlike run.sh's requests/s), for comparing two builds.
#
#   bench/sidecar/instructions.sh [BUILD_DIR] [REQUESTS] [SSM_CACHE_BINARY]
#
# Starts ssm-cache-local (from BUILD_DIR) and the sidecar (SSM_CACHE_BINARY, default
# BUILD_DIR's) under valgrind --tool=callgrind with one event loop, sends REQUESTS cached reads
# (default 5000) on one kept-alive connection, then the same number again with collection on,
# and prints the user-space instructions (Ir) of the whole sidecar process per request, the
# top functions, and the syscalls per request (strace -c, a second run). Everything is on
# 127.0.0.1 and stopped on exit. Needs valgrind and strace (Debian packages).
# CALLGRIND_OUT=FILE keeps the callgrind profile (callgrind_annotate FILE, kcachegrind).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${1:-$ROOT/build/default}"
REQUESTS="${2:-5000}"
SSM_CACHE="${3:-$BUILD/tools/ssm-cache/ssm-cache}"
LOCAL="$BUILD/tools/ssm-cache-local/ssm-cache-local"
for bin in "$SSM_CACHE" "$LOCAL"; do
  [ -x "$bin" ] || { echo "missing $bin (build the ssm-cache and ssm-cache-local targets)" >&2; exit 2; }
done
for tool in valgrind callgrind_control callgrind_annotate strace; do
  command -v "$tool" >/dev/null || { echo "$tool not installed (apt-get install valgrind strace)" >&2; exit 2; }
done

TMP="$(mktemp -d)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_line() {  # file pattern -> first matching line (waits up to 60 s: valgrind starts slowly)
  for _ in $(seq 600); do
    if grep -q "$2" "$1" 2>/dev/null; then grep -m1 "$2" "$1"; return 0; fi
    sleep 0.1
  done
  echo "timed out waiting for '$2' in $1" >&2; cat "$1" >&2; return 1
}

cat > "$TMP/data.json" <<'JSON'
{"format": "ssm-cache-local", "version": 1,
 "parameters": [{"Name": "/bench/db-url", "Type": "String", "Value": "postgres://db.internal:5432/app"}]}
JSON
"$LOCAL" --port 0 --admin-token bench-admin --data "$TMP/data.json" --quiet > "$TMP/local.out" 2> "$TMP/local.err" &
PIDS+=($!)
LOCAL_URL="$(wait_line "$TMP/local.out" 'listening on' | sed 's/.*listening on //')"

# A client that costs the sidecar nothing beyond the requests: one kept-alive connection,
# the same request as run.sh's wrk, every answer checked.
cat > "$TMP/client.py" <<'PY'
import http.client, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
c = http.client.HTTPConnection("127.0.0.1", port)
for _ in range(n):
    c.request("GET", "/systemsmanager/parameters/get?name=%2Fbench%2Fdb-url",
              headers={"X-Aws-Parameters-Secrets-Token": "bench-token"})
    r = c.getresponse()
    r.read()
    if r.status != 200:
        sys.exit(f"answer {r.status}")
PY

start_sidecar() {  # wrapper... -> starts the sidecar under the wrapper; sets PORT
  PORT="$(free_port)"
  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 \
    "$@" "$SSM_CACHE" --endpoint-url "$LOCAL_URL" serve --port "$PORT" --token bench-token \
    --prefetch /bench/db-url --log-level warn --threads 1 > "$TMP/sidecar.out" 2> "$TMP/sidecar.err" &
  SIDECAR_PID=$!
  PIDS+=($SIDECAR_PID)
  wait_line "$TMP/sidecar.out" 'listening on' > /dev/null
}

# 1. Instructions: collection off during start-up and a warm-up run, on for the measured run.
start_sidecar valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$TMP/cg.out"
/usr/bin/python3 "$TMP/client.py" "$PORT" "$REQUESTS"
callgrind_control --instr=on "$SIDECAR_PID" > /dev/null
/usr/bin/python3 "$TMP/client.py" "$PORT" "$REQUESTS"
callgrind_control --instr=off "$SIDECAR_PID" > /dev/null
kill -INT "$SIDECAR_PID"
wait "$SIDECAR_PID" 2>/dev/null || true
if [ -n "${CALLGRIND_OUT:-}" ]; then cp "$TMP/cg.out" "$CALLGRIND_OUT"; fi
IR="$(callgrind_annotate "$TMP/cg.out" 2>/dev/null | awk '/PROGRAM TOTALS/ && !ir {ir = $1; gsub(",", "", ir)} END {print ir}')"
echo "== $SSM_CACHE"
echo "instructions per request: $((IR / REQUESTS)) ($IR over $REQUESTS requests)"
echo "top functions (self instructions per request):"
callgrind_annotate "$TMP/cg.out" 2>/dev/null | grep -v 'PROGRAM TOTALS' |
  sed -nE 's/^ *([0-9,]+) \( *[0-9.]+%\)  (.*)$/\1 \2/p' | sed -n '1,25p' |
  awk -v n="$REQUESTS" '{ir = $1; gsub(",", "", ir); $1 = ""; printf "  %6.0f %s\n", ir / n, substr($0, 2)}' |
  sed -E 's/ \[[^]]*\]$//; s/std::basic_string_view<char, std::char_traits<char> >/std::string_view/g'

# 2. Syscalls per request: strace attached to every thread of a running sidecar for the
# measured run only (it slows the sidecar, not the count).
start_sidecar
/usr/bin/python3 "$TMP/client.py" "$PORT" "$REQUESTS"
strace -f -c -p "$SIDECAR_PID" -o "$TMP/strace.out" 2> /dev/null &
STRACE_PID=$!
PIDS+=($STRACE_PID)
sleep 1  # attached
/usr/bin/python3 "$TMP/client.py" "$PORT" "$REQUESTS"
kill -INT "$STRACE_PID"
wait "$STRACE_PID" 2>/dev/null || true
echo "syscalls per request (the signal thread's 10 wake-ups a second left out):"
awk -v n="$REQUESTS" '$NF ~ /^[a-z_0-9]+$/ && $4 ~ /^[0-9]+$/ && $NF != "total" &&
                      $NF != "rt_sigtimedwait" && $4 / n >= 0.05 {printf "  %-14s %.2f\n", $NF, $4 / n}' \
  "$TMP/strace.out"
