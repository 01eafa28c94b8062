#!/usr/bin/env bash
# Checks an unzipped Lambda layer (LAYER_DIR, what Lambda puts at /opt):
#   - extensions/ holds exactly one file, an executable (Lambda starts every file there);
#   - no ELF file in it asks glibc for a symbol version newer than GLIBC_CEILING (2.34:
#     Amazon Linux 2023);
#   - every NEEDED library of every ELF file is glibc's or carried in lib/.
# Prints each problem; exits 1 when there is any.
#
# Usage: check-layer.sh LAYER_DIR [GLIBC_CEILING]
set -euo pipefail
layer="$1"
ceiling="${2:-2.34}"
here="$(cd "$(dirname "$0")" && pwd)"
glibc_libs="$(grep -v '^#' "$here/glibc-libraries.txt")"
problems=0
problem() { echo "layer check: $*" >&2; problems=$((problems + 1)); }

shopt -s nullglob
extensions=("$layer"/extensions/*)
if [ ${#extensions[@]} -ne 1 ]; then
  problem "extensions/ must hold exactly one file, holds ${#extensions[@]}: ${extensions[*]##*/}"
elif [ ! -x "${extensions[0]}" ] || [ ! -f "${extensions[0]}" ]; then
  problem "extensions/${extensions[0]##*/} is not an executable file"
fi

newer_than_ceiling() {  # reads version numbers "2.35" ..., prints those above the ceiling
  while read -r v; do
    if [ "$(printf '%s\n%s\n' "$v" "$ceiling" | sort -V | tail -n 1)" != "$ceiling" ]; then
      echo "$v"
    fi
  done
}

for elf in "$layer"/extensions/* "$layer"/lib/*; do
  [ -f "$elf" ] || continue
  file -L "$elf" | grep -q ELF || continue
  name="${elf#"$layer"/}"
  # Dynamic symbols bound to a glibc version: "... (GLIBC_2.36) arc4random".
  while read -r version symbol; do
    problem "$name needs $symbol@GLIBC_$version (newer than $ceiling)"
  done < <(objdump -T "$elf" | sed -n 's/.*[( ]GLIBC_\([0-9.]*\))\{0,1\} \{1,\}\([^ ]*\)$/\1 \2/p' |
           while read -r v s; do
             if [ -n "$(echo "$v" | newer_than_ceiling)" ]; then echo "$v $s"; fi
           done | sort -u)
  # Version requirements not tied to a listed symbol (weak ones included).
  for v in $(objdump -p "$elf" | sed -n 's/.*GLIBC_\([0-9.]*\)$/\1/p' | sort -u | newer_than_ceiling); do
    objdump -T "$elf" | grep -q "GLIBC_$v" || problem "$name requires GLIBC_$v (newer than $ceiling)"
  done
  for needed in $(objdump -p "$elf" | awk '$1 == "NEEDED" {print $2}'); do
    if grep -qxF "$needed" <<<"$glibc_libs"; then continue; fi
    [ -f "$layer/lib/$needed" ] || problem "$name needs $needed, which the layer does not carry in lib/"
  done
done

if [ "$problems" -gt 0 ]; then
  echo "layer check: $problems problem(s) in $layer" >&2
  exit 1
fi
echo "layer check: $layer: one extension (${extensions[0]##*/}), glibc <= $ceiling, every NEEDED library carried"
