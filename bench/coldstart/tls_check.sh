#!/usr/bin/env bash
# Checks the https trust of a cold request with the default trust store (no CA bundle set):
# the transport looks CAs up by hash in libcurl's CA directory instead of parsing the whole
# bundle, and falls back to libcurl's default trust when the directory misses a CA.
# Needs root (a private mount namespace shows the program a modified /etc/ssl/certs; the real
# one is never touched), openssl and strace. Usage: bench/coldstart/tls_check.sh (after run.sh
# has built build/coldstart-bench, or it builds the probe itself).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="$root/build/coldstart-bench"
certs=/etc/ssl/certs
[ -d "$bin" ] || cmake -S "$root/bench/coldstart" -B "$bin" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$bin" -j 2 --target coldstart_tls_probe >/dev/null
probe="$bin/coldstart_tls_probe"

source "$root/bench/local_server.sh"  # $work, $server_pid, start_ssm_cache_local
cd "$work"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=ssm-cache tls_check CA" \
  -keyout ca.key -out ca.pem 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout srv.key -out srv.csr 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' >ext
openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 -extfile ext \
  -out srv.pem 2>/dev/null
port="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
openssl s_server -accept "127.0.0.1:$port" -cert srv.pem -key srv.key -www -quiet >/dev/null 2>&1 &
server_pid=$!
url="https://127.0.0.1:$port/"
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

hash="$(openssl x509 -hash -noout -in ca.pem)"
mkdir in_dir in_bundle
cp -a "$certs/." in_dir/ && cp ca.pem "in_dir/$hash.0"                         # CA found by hash
cp -a "$certs/." in_bundle/ && cat ca.pem >>in_bundle/ca-certificates.crt      # CA in the bundle only

failed=0
check() {  # NAME EXPECT(ok|refused) DIR-OR-EMPTY
  local name="$1" expect="$2" dir="$3" out got
  if [ -n "$dir" ]; then
    out="$(unshare -m --propagation private sh -c "mount --bind '$work/$dir' '$certs' && \
      strace -f -e trace=openat -o '$work/$name.trace' '$probe' '$url' twice" || true)"
  else
    out="$(strace -f -e trace=openat -o "$work/$name.trace" "$probe" "$url" twice || true)"
  fi
  got=ok
  grep -q '^error' <<<"$out" && got=refused
  local bundle lookups
  bundle="$(grep -c 'ca-certificates.crt' "$work/$name.trace" || true)"
  lookups="$(grep -c "$certs/$hash\." "$work/$name.trace" || true)"
  printf '%-34s %-8s (expected %-7s) bundle opened %sx, CA looked up by hash %sx\n' \
    "$name" "$got" "$expect" "$bundle" "$lookups"
  [ "$got" = "$expect" ] || failed=1
}
check "system store (CA unknown)" refused ""
check "CA hashed in the directory" ok in_dir
check "CA only in the bundle (fallback)" ok in_bundle
if [ "$failed" = 0 ]; then echo "tls_check: ok"; else echo "tls_check: FAILED"; exit 1; fi
