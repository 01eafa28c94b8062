#!/usr/bin/env bash
# Assembles the Lambda layer from a layer build of ssm-cache (cmake/lambda_layer.cmake):
#   LAYER_DIR/extensions/ssm-cache   the program itself (Lambda starts it with no arguments,
#                                    and it registers under its file name)
#   LAYER_DIR/lib/                   every library it needs but glibc's, found with ldd
# then checks it (check-layer.sh: a glibc symbol newer than 2.34 fails the build) and zips it.
#
# ssm-cache links libstdc++ and libgcc statically, and no bundled library is C++ (the program
# links libcurl and libevent only): a bundled library naming libstdc++.so.6 or libgcc_s.so.1
# (Debian's need glibc 2.35/2.36) fails the build here rather than at start on Lambda.
#
# Usage: make-layer.sh SSM_CACHE_BINARY LAYER_DIR ZIP
set -euo pipefail
binary="$1"
layer="$2"
zip_file="$3"
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

if [ -f "$layer/lib/libstdc++.so.6" ] || [ -f "$layer/lib/libgcc_s.so.1" ]; then
  echo "make-layer: a bundled library needs libstdc++.so.6 or libgcc_s.so.1, which the layer" \
    "cannot carry (Debian's need a newer glibc than Lambda's): $(ls "$layer/lib")" >&2
  exit 1
fi

"$here/check-layer.sh" "$layer"
(cd "$layer" && find . -exec touch -h -d @0 {} + && zip -qrX -y "$zip_file" extensions lib)
echo "Lambda layer: $zip_file ($(du -h "$zip_file" | cut -f1); $(ls "$layer/lib" | wc -l) bundled libraries)"
