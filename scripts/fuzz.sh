#!/usr/bin/env bash
# Builds the libFuzzer targets (clang-14, ASan + UBSan, build/fuzz) and runs one or all of
# them; exits non-zero on any finding (crash, leak, UB, timeout, broken invariant).
#
# Usage: scripts/fuzz.sh TARGET|all [SECONDS]     (default 60 s per target)
#   targets: fuzz_aws_responses fuzz_names_filters fuzz_sidecar_query fuzz_local_request
# New inputs go to build/fuzz/corpus/<target> (the seeds in fuzz/corpus/ are only read);
# a finding is saved in build/fuzz/artifacts/<target>/ and can be replayed with
#   build/fuzz/fuzz/<target> build/fuzz/artifacts/<target>/crash-...
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(fuzz_aws_responses fuzz_names_filters fuzz_sidecar_query fuzz_local_request)
which="${1:-}"
seconds="${2:-60}"
if [ -z "$which" ] || [ "$which" = "-h" ] || [ "$which" = "--help" ]; then
  sed -n '2,10p' "$0"; exit 2
fi
if [ "$which" != "all" ]; then
  found=0
  for t in "${targets[@]}"; do [ "$t" = "$which" ] && found=1; done
  [ "$found" -eq 1 ] || { echo "scripts/fuzz.sh: unknown target '$which' (${targets[*]})" >&2; exit 2; }
  targets=("$which")
fi
cxx="${SSM_CACHE_FUZZ_CXX:-clang++-14}"
command -v "$cxx" >/dev/null || { echo "scripts/fuzz.sh: $cxx not found (Debian: clang-14 libclang-rt-14-dev libfuzzer-14-dev)" >&2; exit 1; }

build=build/fuzz
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
# Only the library and the fuzz targets: no programs, tests, examples or benchmarks. The
# library is instrumented for coverage (fuzzer-no-link) and checked by ASan + UBSan.
cmake -S . -B "$build" -G Ninja "${launcher[@]}" \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS="-O1 -g -fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DSSM_CACHE_BUILD_FUZZERS=ON -DSSM_CACHE_BUILD_TOOLS=OFF -DBUILD_TESTING=OFF \
  -DSSM_CACHE_BUILD_EXAMPLES=OFF -DSSM_CACHE_BUILD_BENCHMARKS=OFF -DSSM_CACHE_INSTALL=OFF \
  -DSSM_CACHE_WERROR=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target "${targets[@]}"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
failed=()
for t in "${targets[@]}"; do
  exe="$(find "$build" -type f -name "$t" -perm -u+x | head -n 1)"
  corpus="$build/corpus/$t"
  artifacts="$build/artifacts/$t"
  mkdir -p "$corpus" "$artifacts"
  echo "== $t: ${seconds} s"
  # -timeout: one input taking over 10 s is a hang; -rss_limit_mb: runaway memory is a finding.
  if ! "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
      -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" "fuzz/corpus/$t" \
      > "$build/$t.log" 2>&1; then
    echo "== $t: FINDING (log: $build/$t.log, input in $artifacts/)"
    grep -E "ERROR|runtime error|SUMMARY|deadly signal|Test unit written" "$build/$t.log" | head -n 20 || true
    failed+=("$t")
  else
    grep -E "^stat::number_of_executed_units|^Done" "$build/$t.log" | tr '\n' ' ' || true
    echo
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "scripts/fuzz.sh: findings in: ${failed[*]}" >&2
  exit 1
fi
echo "scripts/fuzz.sh: no finding in ${targets[*]}"
