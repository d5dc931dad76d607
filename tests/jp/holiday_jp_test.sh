#!/usr/bin/env bash
# The national holidays of 1970-2050 as mamori computes them, against the
# data of the npm package @holiday-jp/holiday_jp (pinned below), compared by
# compare_holiday_jp.js. The package is installed once into a directory of
# the build tree and reused, so the test runs offline once it has run once.
# Without node and npm the test fails: scripts/install-deps installs them.
# Usage: holiday_jp_test.sh MAMORI NPM_DIR
set -euo pipefail
mamori=$1
dir=$2
here=$(cd "$(dirname "$0")" && pwd)
version=2.5.1

for tool in node npm; do
  command -v "$tool" >/dev/null || {
    echo "FAIL: $tool is not installed (scripts/install-deps installs nodejs and npm)"
    exit 1
  }
done
pkg="$dir/node_modules/@holiday-jp/holiday_jp/package.json"
if [ ! -f "$pkg" ] || ! grep -q "\"version\": \"$version\"" "$pkg"; then
  mkdir -p "$dir"
  if ! npm install --prefix "$dir" --no-audit --no-fund --silent --prefer-offline \
      "@holiday-jp/holiday_jp@$version" >"$dir/npm.log" 2>&1; then
    echo "FAIL: npm install @holiday-jp/holiday_jp@$version failed:"
    cat "$dir/npm.log"
    exit 1
  fi
fi
"$mamori" calendar holidays --from 1970 --to 2050 >"$dir/mamori-holidays.tsv"
NODE_PATH="$dir/node_modules" node "$here/compare_holiday_jp.js" "$dir/mamori-holidays.tsv"
