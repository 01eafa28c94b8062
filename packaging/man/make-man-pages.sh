#!/usr/bin/env bash
# Writes ssm-cache.1.gz and ssm-cache-local.1.gz into OUT_DIR with help2man, from the programs'
# own --help and --version, and for ssm-cache every `ssm-cache help TOPIC` (each subcommand's
# --help and the text topics) as a section of its own: the man page and the help text are one.
#
# Usage: make-man-pages.sh SSM_CACHE_BIN SSM_CACHE_LOCAL_BIN OUT_DIR
set -euo pipefail
ssm_cache="$1"
ssm_cache_local="$2"
out="$3"
mkdir -p "$out"
include="$(mktemp)"
trap 'rm -f "$include"' EXIT

# Plain text as a roff block: backslashes escaped, control characters at a line start
# neutralised, no filling.
as_roff() {
  echo ".nf"
  sed -e 's/\\/\\e/g' -e 's/^\([.'"'"']\)/\\\&\1/'
  echo ".fi"
}

{
  "$ssm_cache" help | sed -n 's/^  \([a-z-]*\)$/\1/p' | while read -r sub; do
    echo "[SUBCOMMAND: ${sub^^}]"
    "$ssm_cache" help "$sub" | as_roff
  done
  "$ssm_cache" help | sed -n 's/^  \([a-z-]*\): .*$/\1/p' | while read -r topic; do
    echo "[${topic^^}]"
    "$ssm_cache" help "$topic" | as_roff
  done
  echo "[SEE ALSO]"
  echo "ssm-cache-local(1). The documentation, under /usr/share/doc/ssm-cache when packaged and"
  echo "in the source tree's docs/: cli.md, sidecar.md, configuration.md, deploying.md."
} >"$include"

help2man --no-info --section 1 --name "cached reads of AWS Parameter Store and Secrets Manager" \
  --include "$include" --output "$out/ssm-cache.1" "$ssm_cache"
help2man --no-info --section 1 --name "local AWS Parameter Store and Secrets Manager server for tests" \
  --output "$out/ssm-cache-local.1" "$ssm_cache_local"
gzip -9nf "$out/ssm-cache.1" "$out/ssm-cache-local.1"
