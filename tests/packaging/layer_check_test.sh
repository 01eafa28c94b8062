#!/usr/bin/env bash
# The Lambda layer's contract:
#   1. check-layer.sh itself, on layers made here: it passes a good one and names each fault of
#      a bad one (two extension files, a library not carried, a glibc symbol newer than 2.34);
#   2. scripts/package.sh layer: the zip, unzipped, passes check-layer.sh, holds
#      extensions/ssm-cache only, and inside a private mount namespace with the layer
#      bind-mounted on /opt every library but glibc's resolves under /opt/lib, and the program
#      reads a parameter (get) and serves one (serve) from there;
#   3. the run: /opt/extensions/ssm-cache started with no arguments, as Lambda does, against a
#      loopback Extensions API stand-in (extensions_api_standin.py) and ssm-cache-local: it
#      registers as "ssm-cache", its port is open before it registers, and it serves a
#      parameter.
#
# Usage: layer_check_test.sh SOURCE_DIR WORK_DIR SSM_CACHE_LOCAL_BIN
set -euo pipefail
source_dir="$1"
work="$2"
local_bin="$3"
check="$source_dir/packaging/lambda/check-layer.sh"
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$work"
mkdir -p "$work"

# --- 1. the checker
good="$work/good"
mkdir -p "$good/extensions" "$good/lib"
cp /usr/bin/true "$good/extensions/true"   # Debian 12's true needs GLIBC_2.34 at most
"$check" "$good" >/dev/null || fail "check-layer.sh refused a layer with only /usr/bin/true"
expect_refused() {  # expect_refused DIR MESSAGE
  local out
  if out="$("$check" "$1" 2>&1)"; then fail "check-layer.sh passed $1"; fi
  [[ "$out" == *"$2"* ]] || fail "check-layer.sh on $1 did not say '$2': $out"
}
two="$work/two"; cp -r "$good" "$two"; cp /usr/bin/true "$two/extensions/other"
expect_refused "$two" "exactly one file"
uncarried="$work/uncarried"; mkdir -p "$uncarried/extensions"
cp "$(command -v curl)" "$uncarried/extensions/curl"
expect_refused "$uncarried" "needs libcurl.so.4, which the layer does not carry"
newer="$work/newer"; cp -r "$good" "$newer"
cp "$(readlink -f /usr/lib/x86_64-linux-gnu/libstdc++.so.6)" "$newer/lib/libstdc++.so.6"
expect_refused "$newer" "lib/libstdc++.so.6 needs arc4random@GLIBC_2.36"
echo "check-layer.sh: passes a good layer, refuses each bad one"

# --- 2. the layer
if [ "${SSM_CACHE_NO_INSTALL:-1}" = 1 ]; then
  source "$source_dir/scripts/deps.sh"
  missing="$(ssm_cache_missing_packages demo package)"
  if [ -n "$missing" ]; then echo "SKIP: packages missing for package.sh: $missing"; exit 77; fi
fi
SSM_CACHE_BUILD_ROOT="$work/build" SSM_CACHE_DIST="$work/dist" \
  "$source_dir/scripts/package.sh" layer >"$work/package.log" 2>&1 ||
  { cat "$work/package.log"; fail "scripts/package.sh layer failed"; }
zip_file="$(ls "$work"/dist/ssm-cache-lambda-layer-*.zip)"
layer="$work/opt"
mkdir -p "$layer" && (cd "$layer" && unzip -q "$zip_file")
"$check" "$layer" || fail "the zipped layer fails check-layer.sh"
[ "$(ls "$layer/extensions")" = "ssm-cache" ] || fail "extensions/ holds: $(ls "$layer/extensions")"

if ! unshare -m --propagation private true 2>/dev/null; then
  echo "SKIP: no private mount namespace here (unshare -m needs root or CAP_SYS_ADMIN);"
  echo "      the zip passed check-layer.sh"
  exit 77
fi
in_opt() {  # in_opt COMMAND...: runs it where the layer is /opt, as on Lambda
  unshare -m --propagation private sh -c 'mount --bind "$0" /opt && exec "$@"' "$layer" "$@"
}
resolved="$(in_opt ldd /opt/extensions/ssm-cache)"
glibc_libs="$(grep -v '^#' "$source_dir/packaging/lambda/glibc-libraries.txt")"
while read -r soname _ path _; do
  grep -qxF "$soname" <<<"$glibc_libs" && continue
  [[ "$path" == /opt/lib/* || "$path" == /opt/extensions/../lib/* ]] ||
    fail "$soname resolves to $path, not /opt/lib: $resolved"
done < <(grep "=>" <<<"$resolved")
echo "layer: one extension, glibc <= 2.34, every library but glibc's from /opt/lib"

cat >"$work/store.json" <<'JSON'
{"format": "ssm-cache-local", "version": 1,
 "parameters": [{"Name": "/layer/greeting", "Value": "hello from /opt"}], "secrets": []}
JSON
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT
coproc local_server { exec "$local_bin" --port 0 --quiet --data "$work/store.json" 2>"$work/local.log"; }
pids+=("$local_server_PID")
read -r -t 30 line <&"${local_server[0]}" || fail "ssm-cache-local did not start"
endpoint="${line#listening on }"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
aws_env=(AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1
         AWS_ENDPOINT_URL="$endpoint" AWS_EC2_METADATA_DISABLED=true LD_BIND_NOW=1)

# --- 2b. the program at /opt works: a CLI read (libcurl) and serve (libevent), with the
# bundled libraries only; LD_BIND_NOW=1 makes a symbol they do not provide fail at start.
value="$(in_opt env -i "${aws_env[@]}" /opt/extensions/ssm-cache get /layer/greeting)" ||
  fail "ssm-cache get at /opt failed"
[ "$value" = "hello from /opt" ] || fail "ssm-cache get at /opt printed '$value'"
serve_port="$(free_port)"
coproc serve { exec unshare -m --propagation private sh -c 'mount --bind "$0" /opt && exec "$@"' \
  "$layer" env -i "${aws_env[@]}" /opt/extensions/ssm-cache serve \
  --port "$serve_port" --token serve-token 2>"$work/serve.log"; }
pids+=("$serve_PID")
read -r -t 30 line <&"${serve[0]}" || fail "serve at /opt did not start: $(cat "$work/serve.log")"
served="$(curl -fsS -H 'X-Aws-Parameters-Secrets-Token: serve-token' \
  "http://127.0.0.1:$serve_port/systemsmanager/parameters/get?name=%2Flayer%2Fgreeting")" ||
  fail "serve at /opt did not answer: $(cat "$work/serve.log")"
[[ "$served" == *'"Value":"hello from /opt"'* ]] || fail "serve at /opt answered $served"
status="$(curl -s -o /dev/null -w '%{http_code}' \
  "http://127.0.0.1:$serve_port/systemsmanager/parameters/get?name=%2Flayer%2Fnope" \
  -H 'X-Aws-Parameters-Secrets-Token: serve-token')"
[ "$status" = 400 ] || [ "$status" = 404 ] || fail "serve at /opt answered $status for a missing parameter"
kill "$serve_PID"
echo "run at /opt: get and serve work"

# --- 3. the run as a Lambda extension
extension_port="$(free_port)"
token="layer-test-session-token"
coproc standin { exec python3 "$source_dir/tests/packaging/extensions_api_standin.py" \
  "$extension_port" "$token" /layer/greeting "$work/standin.json"; }
pids+=("$standin_PID")
read -r -t 30 api_port <&"${standin[0]}" || fail "the Extensions API stand-in did not start"
set +e
in_opt env -i PATH=/usr/bin:/bin AWS_LAMBDA_RUNTIME_API="127.0.0.1:$api_port" \
  "${aws_env[@]}" AWS_SESSION_TOKEN="$token" PARAMETERS_SECRETS_EXTENSION_HTTP_PORT="$extension_port" \
  timeout 60 /opt/extensions/ssm-cache >"$work/extension.log" 2>&1
status=$?
set -e
wait "$standin_PID" 2>/dev/null || true
result="$(cat "$work/standin.json" 2>/dev/null || echo '{}')"
python3 - "$result" "$status" "$work/extension.log" <<'PY' || exit 1
import json, sys
r = json.loads(sys.argv[1])
problems = []
if r.get("registered_name") != "ssm-cache":
    problems.append(f"registered as {r.get('registered_name')!r}, not 'ssm-cache'")
if r.get("port_open_at_register") is not True:
    problems.append("its HTTP port was not open when it registered")
if r.get("parameter") != "hello from /opt":
    problems.append(f"served {r.get('parameter')!r} ({r.get('error')})")
if sys.argv[2] != "0":
    problems.append(f"exit status {sys.argv[2]} after SHUTDOWN")
if problems:
    print("FAIL: the extension at /opt: " + "; ".join(problems))
    print(open(sys.argv[3]).read())
    sys.exit(1)
print("run: registered as ssm-cache, port open before register, parameter served, clean exit")
PY
