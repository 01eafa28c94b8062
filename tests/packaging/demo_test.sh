#!/usr/bin/env bash
# The newcomer path as a test: scripts/demo.sh from a fresh copy of the repository's tracked
# files (what a clone holds, with this checkout's edits), on a machine with the packages present
# and no network (SSM_CACHE_NO_INSTALL=1: a missing package fails instead of installing). Runs
# it twice: the second run must rebuild nothing.
#
# Usage: demo_test.sh SOURCE_DIR WORK_DIR
set -euo pipefail
source_dir="$1"
work="$2"

if ! git -C "$source_dir" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "not a git checkout: nothing to clone from"; exit 77
fi
rm -rf "$work/clone"
mkdir -p "$work/clone"
git -C "$source_dir" ls-files -z | (cd "$source_dir" && tar --null -T - -cf -) | tar -C "$work/clone" -xf -
# ccache hits across the two trees (same relative layout), so that a rerun is quick.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$source_dir}"
export SSM_CACHE_NO_INSTALL=1

expect() {  # expect FILE TEXT: the demo's output holds TEXT
  grep -qF -- "$2" "$1" || { echo "demo output lacks: $2"; cat "$1"; exit 1; }
}
for run in 1 2; do
  (cd "$work/clone" && scripts/demo.sh) >"$work/run$run.log" 2>&1 || {
    echo "demo.sh run $run failed:"; cat "$work/run$run.log"; exit 1; }
  expect "$work/run$run.log" "ssm-cache-local serving on http://127.0.0.1:"
  expect "$work/run$run.log" "cost 6 AWS calls"
  expect "$work/run$run.log" "hello from the README"
  expect "$work/run$run.log" "postgres://db-v3.internal.example/app"
  expect "$work/run$run.log" "/Foo/1	foo-1"
  expect "$work/run$run.log" "connecting to db.internal.example:5432 as a pool of 20"
  expect "$work/run$run.log" "next: "
  if grep -q "correct-horse-battery-staple\|Tr0ub4dor\|sk_live_51HxDemoKeyDoNotUse" "$work/run$run.log"; then
    echo "a secret value appeared in the demo's output"; exit 1
  fi
done
expect "$work/run2.log" "build: up to date"
if grep -q "installing" "$work/run1.log" "$work/run2.log"; then
  echo "the demo tried to install packages"; exit 1
fi
echo "demo: both runs passed; the second rebuilt nothing"
