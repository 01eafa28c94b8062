#!/usr/bin/env bash
# The Debian packages each job needs, installed only when some are missing:
#   demo     build the library and the programs, run scripts/demo.sh;
#   test     the test suite, sanitizers, fuzzers, benchmarks and their comparisons;
#   package  scripts/package.sh: the .deb (CPack, lintian, man pages) and the Lambda layer zip.
# Sourced by scripts/demo.sh (ssm_cache_install_deps demo), scripts/package.sh
# (ssm_cache_install_deps demo package) and scripts/test.sh (ssm_cache_install_deps: all).
# With SSM_CACHE_NO_INSTALL=1 a missing package is an error instead of an apt-get (offline).
#
# Usage: scripts/deps.sh [demo|test|package]...   (no argument: all of them)
set -euo pipefail

SSM_CACHE_DEMO_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config curl ca-certificates
  libcurl4-openssl-dev libssl-dev nlohmann-json3-dev libcli11-dev libevent-dev
  libre2-dev libsqlite3-dev libhiredis-dev
)
SSM_CACHE_TEST_PACKAGES=(
  git libcpp-httplib-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  awscli python3 python3-botocore
  clang-14 libclang-rt-14-dev libfuzzer-14-dev clang-format-14 clang-tidy-14
  wrk nginx-light gnuplot-nox hyperfine valgrind strace
  redis-server redis-tools
)
SSM_CACHE_PACKAGE_PACKAGES=(
  dpkg-dev lintian help2man zip unzip binutils file
  libcurl4-openssl-dev libssl-dev
)

# The packages of the named jobs (all jobs when none is named), one per line.
ssm_cache_packages_for() {
  local jobs=("$@")
  if [ ${#jobs[@]} -eq 0 ]; then jobs=(demo test package); fi
  local job
  for job in "${jobs[@]}"; do
    case "$job" in
      demo) printf '%s\n' "${SSM_CACHE_DEMO_PACKAGES[@]}" ;;
      test) printf '%s\n' "${SSM_CACHE_TEST_PACKAGES[@]}" ;;
      package) printf '%s\n' "${SSM_CACHE_PACKAGE_PACKAGES[@]}" ;;
      *) echo "scripts/deps.sh: unknown job '$job' (demo, test, package)" >&2; return 2 ;;
    esac
  done | sort -u
}

# The packages of the named jobs that are not installed, space-separated.
ssm_cache_missing_packages() {
  local wanted missing=() p
  wanted="$(ssm_cache_packages_for "$@")" || return 2
  for p in $wanted; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  echo "${missing[*]}"
}

ssm_cache_install_deps() {
  local missing
  missing="$(ssm_cache_missing_packages "$@")" || return 2
  if [ -z "$missing" ]; then
    echo "== Debian packages: all present for ${*:-demo test package}, nothing to install"
    return 0
  fi
  if [ "${SSM_CACHE_NO_INSTALL:-0}" = 1 ]; then
    echo "missing Debian packages (SSM_CACHE_NO_INSTALL=1, not installing): $missing" >&2
    return 1
  fi
  echo "== installing Debian packages: $missing"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  # shellcheck disable=SC2086  # one word per package
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  ssm_cache_install_deps "$@"
fi
