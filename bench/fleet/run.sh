#!/usr/bin/env bash
# Runs the fleet simulation with its default scenarios and regenerates docs/bench/fleet.md and
# docs/bench/fleet.png (needs /usr/bin/python3 and gnuplot), with the real-run points of
# docs/bench/fleet-real.dat (bench/fleet/shared_real.py --dat) when that file exists. Extra arguments go to fleet.py,
# e.g. bench/fleet/run.sh --max-age 900 --jitter 0.3. A run takes about 10 s.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
command -v gnuplot >/dev/null || { echo "bench/fleet/run.sh: gnuplot not found (Debian: gnuplot-nox)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$root/docs/bench"
# The points measured on this machine by bench/fleet/shared_real.py --dat, when there are some.
real=()
[ -f "$root/docs/bench/fleet-real.dat" ] && real=(--real "$root/docs/bench/fleet-real.dat")
/usr/bin/python3 "$root/bench/fleet/fleet.py" --out "$work" \
  --png "$root/docs/bench/fleet.png" --markdown "$root/docs/bench/fleet.md" "${real[@]}" "$@"
echo "wrote docs/bench/fleet.md and docs/bench/fleet.png"
