#!/usr/bin/env bash
# Runs the fleet simulation with its default scenarios and regenerates docs/bench/fleet.md and
# docs/bench/fleet.png (needs /usr/bin/python3 and gnuplot). Extra arguments go to fleet.py,
# e.g. bench/fleet/run.sh --max-age 900 --jitter 0.3. A run takes about 10 s.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
command -v gnuplot >/dev/null || { echo "bench/fleet/run.sh: gnuplot not found (Debian: gnuplot-nox)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$root/docs/bench"
/usr/bin/python3 "$root/bench/fleet/fleet.py" --out "$work" \
  --png "$root/docs/bench/fleet.png" --markdown "$root/docs/bench/fleet.md" "$@"
echo "wrote docs/bench/fleet.md and docs/bench/fleet.png"
