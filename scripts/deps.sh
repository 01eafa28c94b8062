#!/usr/bin/env bash
# Installs the Debian packages the build, the tests, the demo and the benchmarks need,
# only when some are missing. Sourced by scripts/test.sh and scripts/demo.sh.
set -euo pipefail

SSM_CACHE_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git curl ca-certificates
  libcurl4-openssl-dev libssl-dev nlohmann-json3-dev libcpp-httplib-dev libcli11-dev libevent-dev libre2-dev libsqlite3-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  awscli python3 python3-botocore
  clang-14 libclang-rt-14-dev libfuzzer-14-dev
  wrk nginx-light gnuplot-nox hyperfine
)

ssm_cache_install_deps() {
  local missing=()
  for p in "${SSM_CACHE_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  echo "== installing Debian packages: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  ssm_cache_install_deps
fi
