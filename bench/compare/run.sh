#!/usr/bin/env bash
# Side-by-side benchmark of ssm-cache and Powertools for AWS Lambda (TypeScript) Parameters:
# installs the pinned npm packages (npm ci, package-lock.json), builds the ssm-cache programs
# (Release, build/compare), starts ssm-cache-local on loopback, runs both, prints one table,
# writes docs/bench/compare.md and regenerates docs/BENCHMARKS.md (scripts/bench-docs.sh).
# Takes a few minutes. Usage: bench/compare/run.sh [--quick]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
quick=()
if [ "${1:-}" = "--quick" ]; then quick=(--quick); fi

command -v node >/dev/null || { echo "run.sh: node (Debian: nodejs, npm) is required" >&2; exit 1; }
echo "== npm ci (pinned by bench/compare/package-lock.json)"
(cd bench/compare && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

echo "== build (Release, build/compare)"
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S bench/compare -B build/compare -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" >/dev/null
cmake --build build/compare -j "$(nproc)" --target ssm_cache_compare minimal_get ssm-cache ssm-cache-local

mkdir -p docs/bench
/usr/bin/python3 bench/compare/driver.py --bin build/compare --out docs/bench/compare.md "${quick[@]}"
if [ -x scripts/bench-docs.sh ]; then scripts/bench-docs.sh; fi
echo "wrote docs/bench/compare.md"
