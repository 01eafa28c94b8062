#!/usr/bin/env bash
# Cold start of ssm-cache: process start to first value printed (hyperfine measures to exit,
# which is later still). Builds the Release programs (build/coldstart-bench), starts
# ssm-cache-local on 127.0.0.1 port 0, stores one parameter, then measures in the same run:
#   baseline     a C program doing one libcurl POST to the same server (the floor),
#   minimal_get  bench/compare/minimal_get.cpp: SSMParameter(name).value() and print it,
#   ssm-cache    `ssm-cache get NAME`.
# Every program runs with the same small environment (credentials, region and endpoint in
# AWS_* variables, HOME an empty directory), as in a Lambda function.
# Prints a table of min / median / mean; with --instructions also the instruction count of one
# run of each (valgrind callgrind: repeatable on a busy machine, where wall times are not).
# Usage: bench/coldstart/run.sh [--instructions] [--runs N]   (needs hyperfine; Debian: hyperfine)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
instructions=0
runs=40
while [ $# -gt 0 ]; do
  case "$1" in
    --instructions) instructions=1 ;;
    --runs) runs="$2"; shift ;;
    *) echo "usage: $0 [--instructions] [--runs N]" >&2; exit 2 ;;
  esac
  shift
done
command -v hyperfine >/dev/null || { echo "run.sh: hyperfine (Debian: hyperfine) is required" >&2; exit 1; }

bin=build/coldstart-bench
echo "== build (Release, $bin)"
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S bench/coldstart -B "$bin" -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" >/dev/null
cmake --build "$bin" -j 2 --target coldstart_baseline minimal_get ssm-cache ssm-cache-local >/dev/null
baseline="$bin/coldstart_baseline"
minimal="$bin/minimal_get"
cli="$bin/ssm_cache/tools/ssm-cache/ssm-cache"
local_server="$bin/ssm_cache/tools/ssm-cache-local/ssm-cache-local"

source "$root/bench/local_server.sh"  # $work, $server_pid, start_ssm_cache_local
mkdir -p "$work/home"

start_ssm_cache_local "$local_server" --quiet

name=/bench/coldstart
value="cold start value"
/usr/bin/python3 - "$url" "$name" "$value" <<'PY'
import sys
import botocore.session
url, name, value = sys.argv[1:]
ssm = botocore.session.get_session().create_client(
    "ssm", region_name="us-east-1", endpoint_url=url,
    aws_access_key_id="test", aws_secret_access_key="test")
ssm.put_parameter(Name=name, Value=value, Type="String", Overwrite=True)
PY

# The programs' whole environment.
run_env=(env -i "PATH=/usr/bin:/bin" "HOME=$work/home" AWS_ACCESS_KEY_ID=test
         AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 "AWS_ENDPOINT_URL_SSM=$url")
for prog in "$minimal $name" "$cli get $name"; do
  got="$("${run_env[@]}" $prog)"
  [ "$got" = "$value" ] || { echo "run.sh: '$prog' printed '$got', expected '$value'" >&2; exit 1; }
done
"${run_env[@]}" "$baseline" "$url" >/dev/null

echo "== hyperfine -N -w 5 -r $runs (load: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores)"
"${run_env[@]}" "$(command -v hyperfine)" -N -w 5 -r "$runs" --style none \
  --export-json "$work/hyperfine.json" \
  -n baseline "$baseline $url" -n minimal_get "$minimal $name" -n "ssm-cache get" "$cli get $name" \
  >/dev/null 2>"$work/hyperfine.err" || { cat "$work/hyperfine.err" >&2; exit 1; }

if [ "$instructions" = 1 ]; then
  command -v valgrind >/dev/null || { echo "run.sh: --instructions needs valgrind" >&2; exit 1; }
  i=0
  for prog in "$baseline $url" "$minimal $name" "$cli get $name"; do
    "${run_env[@]}" valgrind --tool=callgrind --callgrind-out-file="$work/cg.$i" $prog \
      >/dev/null 2>"$work/cg.$i.log"
    grep -o 'Collected : [0-9]*' "$work/cg.$i.log" | grep -o '[0-9]*$' >"$work/ir.$i"
    i=$((i + 1))
  done
fi

/usr/bin/python3 - "$work" "$instructions" <<'PY'
import json, os, statistics, sys
work, with_ir = sys.argv[1], sys.argv[2] == "1"
results = json.load(open(os.path.join(work, "hyperfine.json")))["results"]
base = statistics.median(results[0]["times"])
head = f"{'program':<15} {'min ms':>8} {'median ms':>10} {'mean ms':>8} {'user ms':>8} {'sys ms':>7} {'median - baseline':>18}"
if with_ir:
    head += f" {'instructions':>13}"
print(head)
for i, r in enumerate(results):
    t = r["times"]
    row = (f"{r['command']:<15} {min(t)*1e3:>8.1f} {statistics.median(t)*1e3:>10.1f} "
           f"{statistics.mean(t)*1e3:>8.1f} {r['user']*1e3:>8.1f} {r['system']*1e3:>7.1f} "
           f"{(statistics.median(t)-base)*1e3:>+18.1f}")
    if with_ir:
        row += f" {int(open(os.path.join(work, f'ir.{i}')).read()):>13,}"
    print(row)
PY
