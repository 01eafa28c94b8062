# shellcheck shell=bash
# Sourced by the bench scripts (bash): a temporary directory $work and at most one background
# server ($server_pid), both removed when the script exits, and start_ssm_cache_local.

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# start_ssm_cache_local BINARY [OPTIONS...]: starts it on 127.0.0.1, port 0, and sets
# server_pid and url (http://127.0.0.1:PORT) once it listens; exits the script if it does not.
# shellcheck disable=SC2034  # url and server_pid are read by the sourcing script
start_ssm_cache_local() {
  local bin="$1" line
  shift
  "$bin" --port 0 "$@" >"$work/server.out" 2>"$work/server.err" &
  server_pid=$!
  url=""
  for _ in $(seq 100); do
    line="$(head -n 1 "$work/server.out" 2>/dev/null || true)"
    if [[ "$line" == "listening on "* ]]; then url="${line#listening on }"; return 0; fi
    sleep 0.05
  done
  echo "$0: ssm-cache-local did not start: $(cat "$work/server.err")" >&2
  exit 1
}
