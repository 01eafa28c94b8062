#!/usr/bin/env bash
# The ssm-cache demo, from a fresh clone: installs only what the demo needs (scripts/deps.sh
# demo), builds the library demo, the ssm-cache CLI and the local server (Release, build/demo),
# starts ssm-cache-local on a free port with the bundled sample data (examples/data/store.json,
# through a temporary copy), runs example_demo against it — values (secrets masked), AWS calls
# made, cached-read speed — then a CLI round trip (get, path, exec), and stops the server, also
# when something fails. A second run rebuilds nothing and takes seconds.
#
# Usage: scripts/demo.sh        (SSM_CACHE_NO_INSTALL=1: fail instead of installing packages)
set -euo pipefail
cd "$(dirname "$0")/.."

start=$(date +%s)
step() { printf '[%3d s] %s\n' "$(( $(date +%s) - start ))" "$*"; }

build=build/demo
workdir="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$workdir"
}
trap cleanup EXIT

# Runs "$@" with its output in a log; shows the log's end only when it fails.
quietly() {
  local log="$1"; shift
  if ! "$@" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "failed: $* (whole log: $log)" >&2
    return 1
  fi
}

source scripts/deps.sh
missing="$(ssm_cache_missing_packages demo)"
if [ -n "$missing" ]; then
  step "installing $(wc -w <<<"$missing") Debian packages the demo needs (1-3 min): $missing"
  ssm_cache_install_deps demo
else
  step "Debian packages: all present"
fi

mkdir -p "$build"
launcher=()
if command -v ccache >/dev/null 2>&1; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
if [ ! -f "$build/build.ninja" ]; then
  step "configuring $build (about 10 s)"
  quietly "$build/configure.log" cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DBUILD_TESTING=OFF -DSSM_CACHE_BUILD_EXAMPLES=ON -DSSM_CACHE_BUILD_BENCHMARKS=OFF \
    "${launcher[@]}"
fi
if [ -f "$build/tools/ssm-cache/ssm-cache" ]; then
  step "building ssm-cache, ssm-cache-local and example_demo (seconds when nothing changed)"
else
  step "building ssm-cache, ssm-cache-local and example_demo (first time: 3-10 min on 2 cores)"
fi
quietly "$build/build.log" cmake --build "$build" --target ssm-cache ssm-cache-local example_demo \
  -j "$(nproc)"
if grep -q "no work to do" "$build/build.log"; then step "build: up to date"; fi

ssm_cache="$build/tools/ssm-cache/ssm-cache"
step "starting ssm-cache-local with examples/data/store.json (under 1 s)"
# A copy, so that the sample data in the repository is never written to. --admin-token turns on
# the /_local/ endpoints example_demo reads its call counts from (the only use of them here).
cp examples/data/store.json "$workdir/store.json"
SSM_CACHE_LOCAL_ADMIN_TOKEN="demo-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
export SSM_CACHE_LOCAL_ADMIN_TOKEN
exec 3< <(exec "$build/tools/ssm-cache-local/ssm-cache-local" --port 0 \
  --admin-token "$SSM_CACHE_LOCAL_ADMIN_TOKEN" --quiet \
  --data "$workdir/store.json" 2>"$workdir/server.log")
server_pid=$!
line=""
if ! read -r -t 30 line <&3 || [[ "$line" != "listening on http://"* ]]; then
  echo "ssm-cache-local did not start (first line: '$line'):" >&2
  cat "$workdir/server.log" >&2
  exit 1
fi
url="${line#listening on }"
step "ssm-cache-local serving on $url"

step "library demo: examples/demo.cpp (about 1 s)"
"$build/examples/example_demo" "$url"
echo "  (not the README's 12 ns: this loop copies 10 values of mixed sizes, once, on a machine"
echo "   that also runs the server; docs/BENCHMARKS.md is Google Benchmark's median for one"
echo "   43-byte value on an idle machine)"

step "CLI round trip against the same server (about 1 s)"
# The local server accepts the test credentials; the environment keeps the CLI off any real
# AWS account, profile or instance metadata.
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 \
  AWS_ENDPOINT_URL="$url" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
  AWS_EC2_METADATA_DISABLED=true
unset AWS_SESSION_TOKEN AWS_PROFILE
run() { printf '  $'; printf ' %q' "$@"; printf '\n'; "$@" | sed 's/^/    /'; }
run "$ssm_cache" get my_param_name
run "$ssm_cache" get db:prod param_1 -o json
run "$ssm_cache" path /Foo --no-recursive
run "$ssm_cache" exec --path /demo/db -- sh -c 'echo "connecting to $HOST:$PORT as a pool of $MAX_CONNECTIONS"'

step "done"
cat <<NEXT
next: read docs/usage.md (the library), docs/cli.md (ssm-cache), docs/deploying.md (Lambda, ECS, EKS, EC2)
next: try it yourself: $build/tools/ssm-cache-local/ssm-cache-local --data /tmp/store.json, then
      AWS_ENDPOINT_URL=http://127.0.0.1:4583 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 $ssm_cache get my_param_name
next: against AWS: unset AWS_ENDPOINT_URL, give credentials (aws configure, or an IAM role) and a region, then
      $ssm_cache path /your/app   (ssm-cache help credentials says where they are looked for)
next: scripts/test.sh runs every test; scripts/package.sh builds the .deb and the Lambda layer into dist/
NEXT
