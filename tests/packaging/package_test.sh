#!/usr/bin/env bash
# The .deb as a user gets it: scripts/package.sh deb (CPack, lintian without errors) into
# WORK_DIR, then the package extracted (dpkg-deb -x, no install) and its programs run from
# there: both --version print the project version, and `ssm-cache get` reads a parameter from
# the packaged ssm-cache-local started here on 127.0.0.1 port 0. Also checks the man pages,
# the systemd unit and that bash completion offers every option the programs' --help lists.
#
# Usage: package_test.sh SOURCE_DIR WORK_DIR VERSION
set -euo pipefail
source_dir="$1"
work="$2"
version="$3"

if [ "${SSM_CACHE_NO_INSTALL:-1}" = 1 ]; then
  source "$source_dir/scripts/deps.sh"
  missing="$(ssm_cache_missing_packages demo package)"
  if [ -n "$missing" ]; then echo "packages missing for package.sh: $missing"; exit 77; fi
fi
rm -rf "$work/dist" "$work/root"
SSM_CACHE_BUILD_ROOT="$work/build" SSM_CACHE_DIST="$work/dist" "$source_dir/scripts/package.sh" deb

deb="$work/dist/ssm-cache_${version}_$(dpkg --print-architecture).deb"
[ -f "$deb" ] || { echo "no $deb"; ls "$work/dist"; exit 1; }
dpkg-deb -x "$deb" "$work/root"
bin="$work/root/usr/bin"
fail() { echo "FAIL: $*"; exit 1; }

[ "$("$bin/ssm-cache" --version)" = "ssm-cache $version" ] || fail "ssm-cache --version: $("$bin/ssm-cache" --version)"
[ "$("$bin/ssm-cache-local" --version)" = "ssm-cache-local $version" ] || fail "ssm-cache-local --version"
depends="$(dpkg-deb -f "$deb" Depends)"
for lib in libc6 libcurl4 libssl3; do
  [[ "$depends" == *"$lib"* ]] || fail "Depends lacks $lib: $depends"
done
for f in usr/share/man/man1/ssm-cache.1.gz usr/share/man/man1/ssm-cache-local.1.gz \
         usr/share/bash-completion/completions/ssm-cache usr/lib/systemd/system/ssm-cache.service \
         usr/include/ssm_cache/version.hpp usr/share/doc/ssm-cache/copyright; do
  [ -f "$work/root/$f" ] || fail "the package lacks /$f"
done
zcat "$work/root/usr/share/man/man1/ssm-cache.1.gz" | grep -q '^\.SH "EXIT-STATUS"' \
  || fail "the man page lacks the exit-status topic"
grep -q '^ExecStart=/usr/bin/ssm-cache serve' "$work/root/usr/lib/systemd/system/ssm-cache.service" \
  || fail "the systemd unit does not run ssm-cache serve"

# Completion: every option of every subcommand's --help is offered.
completion="$work/root/usr/share/bash-completion/completions/ssm-cache"
offered() {  # offered WORDS...: what completing those words proposes
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _ssm_cache; echo "${COMPREPLY[*]}"' _ "$completion" "$@"
}
for sub in get path secret exec serve; do
  got=" $(offered ssm-cache "$sub" --) "
  for opt in $("$bin/ssm-cache" "$sub" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
    [[ "$got" == *" $opt "* ]] || fail "completion of 'ssm-cache $sub --' lacks $opt"
  done
done
got=" $(offered ssm-cache '') "
for sub in get path secret exec serve help; do
  [[ "$got" == *" $sub "* ]] || fail "completion of subcommands lacks $sub: $got"
done

# A round trip through the packaged programs, on loopback only.
cat >"$work/store.json" <<'JSON'
{"format": "ssm-cache-local", "version": 1,
 "parameters": [{"Name": "/pkg/greeting", "Value": "hello from the .deb"}], "secrets": []}
JSON
coproc server { exec "$bin/ssm-cache-local" --port 0 --quiet --data "$work/store.json" 2>"$work/server.log"; }
trap 'kill "$server_PID" 2>/dev/null || true; wait 2>/dev/null || true' EXIT
read -r -t 30 line <&"${server[0]}" || fail "ssm-cache-local did not start: $(cat "$work/server.log")"
url="${line#listening on }"
[[ "$url" == http://127.0.0.1:* ]] || fail "unexpected first line: $line"
value="$(env -i PATH=/usr/bin:/bin AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 \
  AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true \
  "$bin/ssm-cache" --endpoint-url "$url" get /pkg/greeting)"
[ "$value" = "hello from the .deb" ] || fail "ssm-cache get printed '$value'"
echo "package: $(basename "$deb") passed (Depends: $depends)"
