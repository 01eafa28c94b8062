#!/usr/bin/env bash
# Runs clang-tidy-14 with the checked-in .clang-tidy over the library (src/) and the programs
# (tools/), with the compile commands of the clang preset's build tree (configured here when
# missing: clang-tidy then sees exactly the flags clang compiles with).
#
# Usage: scripts/tidy.sh [--check] [-j N] [FILE...]
#   (no option)  apply clang-tidy's fixes in place (one file at a time), then list what is left;
#   --check      change nothing; list every finding and exit 1 if any (scripts/test.sh).
# Without FILE: every tracked .cpp of src/ and tools/ (headers are checked through them, as
# .clang-tidy's HeaderFilterRegex says). -j: parallel clang-tidy runs (default: nproc).
set -euo pipefail
cd "$(dirname "$0")/.."

check=0
jobs="$(nproc)"
files=()
while [ $# -gt 0 ]; do
  case "$1" in
    --check) check=1 ;;
    -j) jobs="$2"; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    -*) echo "scripts/tidy.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    *) files+=("$1") ;;
  esac
  shift
done

clang_tidy="${CLANG_TIDY:-clang-tidy-14}"
if ! command -v "$clang_tidy" >/dev/null; then
  echo "scripts/tidy.sh: $clang_tidy not found (scripts/deps.sh test installs it)" >&2
  exit 2
fi
build=build/clang
if [ ! -f "$build/compile_commands.json" ]; then
  cmake --preset clang >/dev/null
fi
if [ ${#files[@]} -eq 0 ]; then
  # Not the Lambda example handler: it needs the AWS Lambda C++ runtime's headers, not a Debian
  # package, so it is built only where that runtime is installed; left out everywhere, the
  # check is the same on every machine. Then only what the clang preset compiles.
  mapfile -t files < <(git ls-files 'src/*.cpp' 'tools/*.cpp' ':!tools/ssm-cache/lambda/example/' |
    while read -r f; do grep -qF "\"$PWD/$f\"" "$build/compile_commands.json" && echo "$f"; done)
fi

if [ "$check" -eq 0 ]; then
  # One at a time: two runs fixing the same header would garble it.
  for f in "${files[@]}"; do "$clang_tidy" -p "$build" --quiet -fix "$f" 2>/dev/null || true; done
fi

# Each file's findings in a file of its own (parallel runs would interleave their lines), then
# every distinct one once (a header's shows in each file that includes it).
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
printf '%s\0' "${files[@]}" |
  xargs -0 -r -n 1 -P "$jobs" sh -c '"$0" -p "$1" --quiet "$3" >"$2/$(echo "$3" | tr / _).txt" 2>/dev/null' \
    "$clang_tidy" "$build" "$out" || true
findings="$(cat "$out"/*.txt | grep -E '^[^ ].*: (warning|error): ' | sort -u || true)"
if [ -n "$findings" ]; then
  echo "$findings"
  echo "tidy: $(echo "$findings" | wc -l) findings in ${#files[@]} files ($clang_tidy -p $build FILE for the context)" >&2
  exit 1
fi
echo "tidy: ${#files[@]} files pass .clang-tidy's checks"
