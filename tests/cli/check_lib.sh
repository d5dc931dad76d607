# The counters and checks every CLI test script shares (sourced, not run).
# A script counts with ok/bad/check and ends by printing
# "N passed, N failed" from $passed and $failed.
export MAMORI_COMPACT_JSON=1
passed=0; failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
check() { # check DESCRIPTION WANT GOT
  if [ "$2" = "$3" ]; then ok; else bad "$1: got '$3', wanted '$2'"; fi
}
# json_get PATH: prints d<PATH> of the JSON on standard input, e.g. "['id']".
json_get() { python3 -c "import json,sys; d=json.load(sys.stdin); print(d$1)" 2>/dev/null; }
