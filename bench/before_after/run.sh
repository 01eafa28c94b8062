#!/usr/bin/env bash
# Before/after benchmark of one change, both trees measured alternately in the same run
# (before, after, before, after, ...), so that the machine's load hits both alike:
#   1. cached read    bench/cache_read_bench, hit-path rows only (baseline copy, value(), value_view())
#   2. cold start     hyperfine -N of `ssm-cache get NAME` against ssm-cache-local (the method of
#                     bench/coldstart/run.sh: same small environment, loopback, plain http)
#   3. RSS            max RSS of that same `ssm-cache get NAME` (/usr/bin/time -f %M)
#   4. sidecar        bench/sidecar/run.sh (this tree's script) with each build's binaries
# Prints one Markdown table per measurement, before and after side by side.
#
#   bench/before_after/run.sh [options] BEFORE_REF [AFTER_DIR]
#
# BEFORE_REF is any commit of this repository; its tree is exported with git archive into
# /tmp/ssm-before-<sha>. AFTER_DIR is the source tree of "after" (default: this checkout). Each
# is built with its own `default` preset (Release, -O2 -DNDEBUG, benchmarks on) in its
# build/default, at nice 19, only the three measured programs; a build already there is reused
# (ninja only rebuilds what changed).
#
# Options:
#   --rounds N        before/after rounds of every measurement (default 2: A B A B)
#   --min-time S      cache_read_bench --benchmark_min_time per row (default 0.5)
#   --runs N          hyperfine runs of each CLI per round (default 20)
#   --rss-runs N      RSS samples of each CLI per round (default 10)
#   --duration S      wrk duration of each sidecar run in seconds (default 10)
#   --connections N   wrk connections of the sidecar runs (default 8)
#   -j N              build jobs (default 2)
#   --build-only      build both trees and stop
# Needs hyperfine, wrk, nginx (Debian: hyperfine, wrk, nginx-light) and /usr/bin/time.
set -euo pipefail
script_dir="$(cd "$(dirname "$0")" && pwd)"
here="$(cd "$script_dir/../.." && pwd)"
rounds=2 min_time=0.5 runs=20 rss_runs=10 duration=10 connections=8 jobs=2 build_only=0
usage() { sed -n '/^#   bench\/before_after/p' "$0" | sed 's/^#   /usage: /' >&2; exit 2; }
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift ;;
    --min-time) min_time="$2"; shift ;;
    --runs) runs="$2"; shift ;;
    --rss-runs) rss_runs="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --connections) connections="$2"; shift ;;
    -j) jobs="$2"; shift ;;
    --build-only) build_only=1 ;;
    -h|--help) usage ;;
    -*) echo "run.sh: unknown option $1" >&2; usage ;;
    *) args+=("$1") ;;
  esac
  shift
done
if [ "${#args[@]}" -lt 1 ] || [ "${#args[@]}" -gt 2 ]; then usage; fi
before_sha="$(git -C "$here" rev-parse --verify "${args[0]}^{commit}")"
after_src="$(cd "${args[1]:-$here}" && pwd)"
before_src="/tmp/ssm-before-${before_sha:0:12}"
before_bin="$before_src/build/default"
after_bin="$after_src/build/default"

# source-dir: configure the tree's `default` preset once, then build the measured programs.
# The preset's own build directory, so that an existing build (and ccache's objects of other
# builds of the same sources) is reused.
build_tree() {
  local src="$1"
  if [ ! -f "$src/build/default/build.ninja" ]; then
    (cd "$src" && CCACHE_BASEDIR="$src" CCACHE_NOHASHDIR=1 cmake --preset default >/dev/null)
  fi
  local log="$src/build/default/before_after_build.log"
  (cd "$src" && CCACHE_BASEDIR="$src" CCACHE_NOHASHDIR=1 nice -n 19 cmake --build build/default \
    -j "$jobs" --target cache_read_bench ssm-cache ssm-cache-local >"$log" 2>&1) \
    || { tail -n 40 "$log" >&2; echo "run.sh: build of $src failed (log: $log)" >&2; exit 1; }
}
if [ ! -f "$before_src/CMakeLists.txt" ]; then
  mkdir -p "$before_src"
  git -C "$here" archive "$before_sha" | tar -x -C "$before_src"
fi
echo "== build before (${before_sha:0:12}) in $before_bin"
build_tree "$before_src"
echo "== build after ($after_src$(git -C "$after_src" rev-parse --short HEAD 2>/dev/null | sed 's/^/ at /')) in $after_bin"
build_tree "$after_src"
[ "$build_only" = 1 ] && exit 0

for tool in hyperfine wrk; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is required (Debian: $tool)" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "run.sh: /usr/bin/time is required (Debian: time)" >&2; exit 1; }

source "$here/bench/local_server.sh"  # $work, $server_pid, start_ssm_cache_local
sides=(before after)
declare -A bin=([before]="$before_bin" [after]="$after_bin")
echo "== load before the runs: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs; $rounds rounds"

# 1. Cached read: the hit-path rows, each side's binary in turn.
bench_args=(--benchmark_filter='BM_(Baseline|Value_MaxAge|ValueView)' --benchmark_min_time="$min_time"
            --benchmark_repetitions=3 --benchmark_report_aggregates_only=true --benchmark_out_format=json)
for r in $(seq "$rounds"); do
  for s in "${sides[@]}"; do
    echo "== cached read, round $r, $s"
    "${bin[$s]}/bench/cache_read_bench" "${bench_args[@]}" --benchmark_out="$work/read.$s.$r.json" >/dev/null
  done
done

# 2 and 3 read from one ssm-cache-local (after's: the server is not what is compared).
mkdir -p "$work/home"
cat >"$work/data.json" <<'JSON'
{"format": "ssm-cache-local", "version": 1,
 "parameters": [{"Name": "/bench/coldstart", "Type": "String", "Value": "cold start value"}]}
JSON
start_ssm_cache_local "$after_bin/tools/ssm-cache-local/ssm-cache-local" \
  --admin-token bench-admin --data "$work/data.json" --quiet
# As bench/coldstart/run.sh: the programs' whole environment, as in a Lambda function.
run_env=(env -i "PATH=/usr/bin:/bin" "HOME=$work/home" AWS_ACCESS_KEY_ID=test
         AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 "AWS_ENDPOINT_URL_SSM=$url")
declare -A cli
for s in "${sides[@]}"; do
  cli[$s]="${bin[$s]}/tools/ssm-cache/ssm-cache"
  got="$("${run_env[@]}" "${cli[$s]}" get /bench/coldstart)"
  [ "$got" = "cold start value" ] || { echo "run.sh: $s CLI printed '$got'" >&2; exit 1; }
done
for r in $(seq "$rounds"); do
  echo "== cold start, round $r (hyperfine -N -w 3 -r $runs, before then after)"
  "${run_env[@]}" "$(command -v hyperfine)" -N -w 3 -r "$runs" --style none \
    --export-json "$work/cold.$r.json" \
    -n before "${cli[before]} get /bench/coldstart" -n after "${cli[after]} get /bench/coldstart" \
    >/dev/null 2>"$work/hyperfine.err" || { cat "$work/hyperfine.err" >&2; exit 1; }
done
for r in $(seq "$rounds"); do
  echo "== RSS, round $r ($rss_runs runs of each, alternating)"
  for _ in $(seq "$rss_runs"); do
    for s in "${sides[@]}"; do
      "${run_env[@]}" /usr/bin/time -f %M -a -o "$work/rss.$s" "${cli[$s]}" get /bench/coldstart >/dev/null
    done
  done
done
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""

# 4. Sidecar: this tree's bench/sidecar/run.sh against each build (its own ssm-cache-local).
for r in $(seq "$rounds"); do
  for s in "${sides[@]}"; do
    echo "== sidecar, round $r, $s (wrk -t2 -c$connections -d${duration}s)"
    "$after_src/bench/sidecar/run.sh" "${bin[$s]}" "$duration" "$connections" 2 >"$work/sidecar.$s.$r.txt" 2>&1 \
      || { cat "$work/sidecar.$s.$r.txt" >&2; exit 1; }
  done
done

/usr/bin/python3 "$script_dir/tables.py" "$work" "$rounds" "${before_sha:0:12}" \
  "$(git -C "$after_src" rev-parse --short HEAD 2>/dev/null || echo "$after_src")"
