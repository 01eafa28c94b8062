#!/usr/bin/env bash
# Builds what a user installs, into dist/:
#   deb    ssm-cache_VERSION_ARCH.deb by CPack (build/package, prefix /usr), checked by lintian
#          (any error fails);
#   layer  ssm-cache-lambda-layer-VERSION-ARCH.zip, the AWS Lambda layer (build/layer; see
#          docs/lambda.md), checked by packaging/lambda/check-layer.sh.
# Installs the Debian packages it needs first (scripts/deps.sh demo package).
#
# Usage: scripts/package.sh [deb] [layer]     (no argument: both)
# SSM_CACHE_BUILD_ROOT (default build) and SSM_CACHE_DIST (default dist) move the build trees
# and the output, as the package tests do.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

what=("$@")
if [ ${#what[@]} -eq 0 ]; then what=(deb layer); fi
for w in "${what[@]}"; do
  case "$w" in
    deb|layer) ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "scripts/package.sh: unknown package '$w' (deb, layer)" >&2; exit 2 ;;
  esac
done

source scripts/deps.sh
ssm_cache_install_deps demo package

start=$(date +%s)
step() { printf '[%3d s] %s\n' "$(( $(date +%s) - start ))" "$*"; }
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$root}"
launcher=()
if command -v ccache >/dev/null 2>&1; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
build_root="${SSM_CACHE_BUILD_ROOT:-build}"
dist="${SSM_CACHE_DIST:-dist}"
mkdir -p "$dist"

build_deb() {
  local build="$build_root/package"
  step "deb: configure and build $build (first time: minutes)"
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
    -DBUILD_TESTING=OFF -DSSM_CACHE_BUILD_EXAMPLES=OFF -DSSM_CACHE_BUILD_BENCHMARKS=OFF \
    -DSSM_CACHE_PACKAGING=ON "${launcher[@]}" >/dev/null
  cmake --build "$build" -j "$(nproc)" >"$build/build.log" 2>&1 || { tail -40 "$build/build.log"; return 1; }
  step "deb: cpack"
  rm -rf "$build/cpack"
  (cd "$build" && cpack -G DEB >cpack.log 2>&1) || { cat "$build/cpack.log"; return 1; }
  local deb
  deb="$(ls "$build"/cpack/*.deb)"
  cp "$deb" "$dist/"
  step "deb: lintian (errors fail)"
  # --fail-on error: warnings are reported, not fatal.
  lintian --fail-on error --suppress-tags "$(tr '\n' ',' < packaging/debian/lintian-suppressed)" \
    "$dist/$(basename "$deb")"
  step "deb: $dist/$(basename "$deb") ($(dpkg-deb -f "$dist/$(basename "$deb")" Depends))"
}

build_layer() {
  local build="$build_root/layer"
  step "layer: configure and build $build (first time: minutes)"
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DBUILD_TESTING=OFF -DSSM_CACHE_BUILD_EXAMPLES=OFF -DSSM_CACHE_BUILD_BENCHMARKS=OFF \
    -DSSM_CACHE_LAMBDA_LAYER=ON "${launcher[@]}" >/dev/null
  cmake --build "$build" --target lambda_layer -j "$(nproc)" >"$build/build.log" 2>&1 || { tail -40 "$build/build.log"; return 1; }
  cp "$build"/ssm-cache-lambda-layer-*.zip "$dist/"
  step "layer: $dist/$(basename "$(ls "$build"/ssm-cache-lambda-layer-*.zip)")"
}

for w in "${what[@]}"; do
  "build_$w"
done
