#!/usr/bin/env bash
# The ssm-cache demo, from a fresh clone: installs what the build needs, builds the local
# server and the demo program (Release, build/demo, only those targets), starts
# ssm-cache-local on a free port with the bundled sample data (examples/data/store.json, used
# through a temporary copy), runs example_demo against it — values (secrets masked), AWS calls
# made, cached-read speed — and stops the server, also when something fails.
#
# Usage: scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/deps.sh
ssm_cache_install_deps

build=build/demo
launcher=()
if command -v ccache >/dev/null 2>&1; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
echo "== building ssm-cache-local and example_demo in $build"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
  -DSSM_CACHE_BUILD_EXAMPLES=ON -DSSM_CACHE_BUILD_BENCHMARKS=OFF "${launcher[@]}" >/dev/null
cmake --build "$build" --target ssm-cache-local example_demo -j "$(nproc)"

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

# A copy, so that the sample data in the repository is never written to.
cp examples/data/store.json "$workdir/store.json"
exec 3< <(exec "$build/tools/ssm-cache-local/ssm-cache-local" --port 0 --admin --quiet \
  --data "$workdir/store.json" 2>"$workdir/server.log")
server_pid=$!
line=""
if ! read -r -t 30 line <&3 || [[ "$line" != "listening on http://"* ]]; then
  echo "ssm-cache-local did not start (first line: '$line'):" >&2
  cat "$workdir/server.log" >&2
  exit 1
fi
url="${line#listening on }"
echo "== ssm-cache-local serving examples/data/store.json on $url"
echo
"$build/examples/example_demo" "$url"
