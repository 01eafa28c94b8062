#!/usr/bin/env bash
# Installs what the build needs, builds, and runs every test:
#   0. scripts/format.sh --check (clang-format-14), before any build;
#   1. default preset (RelWithDebInfo, -Werror): the whole suite, examples and benchmarks built;
#   2. asan preset (ASan + UBSan): the whole suite;
#   3. tsan preset: the concurrency tests;
#   4. clang preset (clang-14, -Wthread-safety as an error): the library and both programs built,
#      not run (the default preset ran them), so that a mutex-annotation violation fails;
#      then scripts/tidy.sh --check over src/ and tools/ (clang-tidy-14 with its compile
#      commands; include/ headers are checked through the files that include them);
#   5. fuzz targets (clang-14, ASan + UBSan), 20 s each, when fuzz/ exists.
# Exits non-zero on any failure.
#
# Usage: scripts/test.sh [--quick] [-R REGEX]
#   --quick   default preset only (your own loop); -R passes a test regex to ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
ssm_cache_install_deps

quick=0
ctest_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    -R) ctest_args+=(-R "$2"); shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "scripts/test.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-5G}"
# Paths relative to the checkout, so the demo and package tests' own trees (and other clones)
# reuse the default build's objects.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
# Debug-info builds (asan, tsan, fuzz) otherwise hash the working directory, so that a second
# clone rebuilds every sanitizer object from scratch.
export CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"
jobs="$(nproc)"
start=$(date +%s)
step() { echo; echo "== $* ($(( $(date +%s) - start )) s)"; }

# First, since it takes seconds: every tracked C++ file is as .clang-format says (fix with
# scripts/format.sh).
step "format: scripts/format.sh --check"
scripts/format.sh --check

step "default: configure and build"
cmake --preset default >/dev/null
cmake --build --preset default -j "$jobs"
step "default: tests"
ctest --preset default "${ctest_args[@]}"

if [ "$quick" -eq 1 ]; then
  step "quick mode: done"
  exit 0
fi

step "asan+ubsan: configure and build"
cmake --preset asan >/dev/null
cmake --build --preset asan -j "$jobs"
step "asan+ubsan: tests"
ctest --preset asan "${ctest_args[@]}"

step "tsan: configure and build the concurrency tests"
cmake --preset tsan >/dev/null
cmake --build --preset tsan -j "$jobs"
step "tsan: concurrency tests"
ctest --preset tsan "${ctest_args[@]}"

step "clang: -Wthread-safety build of the library and the programs"
cmake --preset clang >/dev/null
cmake --build --preset clang -j "$jobs"
step "clang-tidy: scripts/tidy.sh --check over src/ and tools/"
scripts/tidy.sh --check -j "$jobs"

if [ -x scripts/fuzz.sh ]; then
  step "fuzz: every target, 20 s each"
  scripts/fuzz.sh all 20
fi

step "all passed"
