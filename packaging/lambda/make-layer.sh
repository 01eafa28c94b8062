#!/usr/bin/env bash
# Assembles the Lambda layer from a layer build of ssm-cache (cmake/lambda_layer.cmake):
#   LAYER_DIR/extensions/ssm-cache   the program itself (Lambda starts it with no arguments,
#                                    and it registers under its file name)
#   LAYER_DIR/lib/                   every library it needs but glibc's, found with ldd
# then checks it (check-layer.sh: a glibc symbol newer than 2.34 fails the build) and zips it.
#
# A bundled library that names libstdc++.so.6 or libgcc_s.so.1 (Debian's cpp-httplib) gets
# stand-ins, not Debian's (which need glibc 2.35/2.36): libstdc++.so.6 defines only the symbol
# versions asked for, the functions coming from ssm-cache's static libstdc++; libgcc_s.so.1
# forwards its two functions to ssm-cache's static unwinder (libgcc_s_shim.cpp). Any libstdc++
# or libgcc_s function the program does not export fails the build here.
#
# Usage: make-layer.sh SSM_CACHE_BINARY LAYER_DIR ZIP CXX
set -euo pipefail
binary="$1"
layer="$2"
zip_file="$3"
cxx="$4"
here="$(cd "$(dirname "$0")" && pwd)"
glibc_libs="$(grep -v '^#' "$here/glibc-libraries.txt")"

rm -rf "$layer" "$zip_file"
mkdir -p "$layer/extensions" "$layer/lib"
install -m 0755 "$binary" "$layer/extensions/ssm-cache"
strip --strip-unneeded "$layer/extensions/ssm-cache"

# ldd lists the whole dependency tree, as the build machine resolves it.
ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// {print $1, $3}' | while read -r soname path; do
  if grep -qxF "$soname" <<<"$glibc_libs"; then continue; fi
  install -m 0644 "$(readlink -f "$path")" "$layer/lib/$soname"
  strip --strip-unneeded "$layer/lib/$soname"
done

# The symbol versions the bundled libraries require from LIBRARY ("required from X:" blocks).
versions_required_from() {
  local f
  for f in "$layer"/lib/*; do
    objdump -p "$f" | awk -v lib="$1" '
      /^  required from / { on = ($3 == lib ":") ; next }
      /^  required from |^[^ ]/ { on = 0 }
      on && NF >= 4 { print $4 }'
  done | sort -u
}

# Symbols the bundled libraries take with one of the given version prefixes.
symbols_used_with() {
  local f
  for f in "$layer"/lib/*; do
    objdump -T "$f" | awk -v re="\\(($1)_" '$0 ~ /\*UND\*/ && $0 ~ re {print $NF}'
  done | sort -u
}

# The version script of a stand-in: every version the bundled libraries require from it, with
# the symbols it defines under the version libgcc_s gives them.
stand_in_versions() {
  versions_required_from "$1" | awk '
    $1 == "GCC_3.0" { print $1 " { global: _Unwind_Resume; local: *; };"; next }
    $1 == "GCC_3.3.1" { print $1 " { global: __gcc_personality_v0; local: *; };"; next }
    { print $1 " { };" }'
}

# Builds the stand-in SONAME from SOURCE (empty: no code, only symbol versions).
make_stand_in() {
  local soname="$1" source="$2" work
  work="$(mktemp -d)"
  stand_in_versions "$soname" >"$work/versions.map"
  if [ -z "$source" ]; then source="$work/empty.cpp"; : >"$source"; fi
  "$cxx" -shared -fPIC -O2 -nostdlib -o "$layer/lib/$soname" -Wl,-soname,"$soname" \
    -Wl,--version-script="$work/versions.map" "$source"
  rm -rf "$work"
}

if [ -f "$layer/lib/libstdc++.so.6" ] || [ -f "$layer/lib/libgcc_s.so.1" ]; then
  rm -f "$layer/lib/libstdc++.so.6" "$layer/lib/libgcc_s.so.1"
  exported="$(objdump -T "$layer/extensions/ssm-cache" | grep -v '\*UND\*' | awk '{print $NF}' | sort -u)"
  missing="$(comm -23 <(symbols_used_with 'GLIBCXX|CXXABI') <(echo "$exported"))"
  if [ -n "$missing" ]; then
    echo "make-layer: ssm-cache does not export these libstdc++ symbols the bundled libraries use:" >&2
    echo "$missing" >&2
    exit 1
  fi
  unknown="$(symbols_used_with GCC | grep -vxE '_Unwind_Resume|__gcc_personality_v0' || true)"
  if [ -n "$unknown" ]; then
    echo "make-layer: libgcc_s functions without a forwarder in libgcc_s_shim.cpp: $unknown" >&2
    exit 1
  fi
  if [ -n "$(versions_required_from libstdc++.so.6)" ]; then make_stand_in libstdc++.so.6 ""; fi
  if [ -n "$(versions_required_from libgcc_s.so.1)" ]; then
    make_stand_in libgcc_s.so.1 "$here/libgcc_s_shim.cpp"
  fi
fi

"$here/check-layer.sh" "$layer"
(cd "$layer" && find . -exec touch -h -d @0 {} + && zip -qrX -y "$zip_file" extensions lib)
echo "Lambda layer: $zip_file ($(du -h "$zip_file" | cut -f1); $(ls "$layer/lib" | wc -l) bundled libraries)"
