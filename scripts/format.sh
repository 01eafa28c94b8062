#!/usr/bin/env bash
# Formats the C++ sources with clang-format-14 and the checked-in .clang-format.
#
# Usage: scripts/format.sh [--check] [FILE...]   (C++ files only: .cpp .hpp .h .cc)
#   (no option)  rewrite the files in place;
#   --check      change nothing; list the files that are not formatted and exit 1 if any.
# Without FILE: every tracked .cpp/.hpp/.h of the checkout (git ls-files, so build trees and
# generated headers are never touched).
set -euo pipefail
cd "$(dirname "$0")/.."

check=0
files=()
while [ $# -gt 0 ]; do
  case "$1" in
    --check) check=1 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    -*) echo "scripts/format.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    *.cpp|*.hpp|*.h|*.cc) files+=("$1") ;;
    *)
      # clang-format would rewrite a script or a Markdown file as if it were C++.
      echo "scripts/format.sh: '$1' is not a C++ source (.cpp, .hpp, .h, .cc): not touched" >&2
      exit 2 ;;
  esac
  shift
done

clang_format="${CLANG_FORMAT:-clang-format-14}"
if ! command -v "$clang_format" >/dev/null; then
  echo "scripts/format.sh: $clang_format not found (scripts/deps.sh test installs it)" >&2
  exit 2
fi
if [ ${#files[@]} -eq 0 ]; then
  mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h')
fi

if [ "$check" -eq 0 ]; then
  printf '%s\0' "${files[@]}" | xargs -0 -r "$clang_format" -i --style=file
  exit 0
fi

unformatted=()
for f in "${files[@]}"; do
  if ! "$clang_format" --style=file --dry-run -Werror "$f" >/dev/null 2>&1; then
    unformatted+=("$f")
  fi
done
if [ ${#unformatted[@]} -gt 0 ]; then
  echo "not formatted (run scripts/format.sh, or $clang_format -i FILE):" >&2
  printf '  %s\n' "${unformatted[@]}" >&2
  exit 1
fi
echo "format: ${#files[@]} files formatted as .clang-format says"
