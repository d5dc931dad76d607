#!/usr/bin/env bash
# `mamori analysis run` over the log of a real store and
# over a JSON-lines file of another system's events, with known answers:
# reads at 23:40 on a national holiday are found, the same reads at 10:00 on
# a weekday are not. Also `findings list` and `lists show` on a fresh store,
# and the refusals of bad input (exit 1, a message that quotes nothing).
# Prints "N passed, N failed" and exits non-zero on any failure.
set -uo pipefail
M=${1:?usage: analysis_test.sh path/to/mamori}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d "${MAMORI_TEST_TMP:-/tmp}/mamori-analysis-XXXXXX" 2>/dev/null || mktemp -d)
trap 'rm -rf "$T"' EXIT
D=$T/data
export MAMORI_COMPACT_JSON=1
passed=0; failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
check() { # check DESCRIPTION PYTHON-EXPRESSION-ON-j < json
  if python3 -c "import json,sys; j=json.load(sys.stdin); sys.exit(0 if ($2) else 1)" <"$T/out"; then ok
  else bad "$1: $(head -c 600 "$T/out")"; fi
}

"$M" init --data "$D" >/dev/null || { echo "init failed"; exit 1; }
"$M" dataset create --data "$D" --file "$SRC/scripts/demo-data/loan_customer.json" >/dev/null
"$M" dataset create --data "$D" --file "$SRC/scripts/demo-data/resident_tax.json" >/dev/null

# Another system's log, in the shape `mamori audit events` prints.
ev() { # ev SEQ TIME(UTC) ACTOR OPERATION [DATASET] [TERMINAL] [RESULT] [REASON]
  printf '{"seq":%s,"time":"%s","actor":"%s","operation":"%s","result":"%s"%s%s%s,"purpose":"credit_screening","record":"r%s"}\n' \
    "$1" "$2" "$3" "$4" "${7:-ok}" "${5:+,\"dataset\":\"$5\"}" "${6:+,\"terminal\":\"$6\"}" \
    "${8:+,\"reason\":\"$8\"}" "$1"
}
{
  # 2025-01-13 (成人の日) 23:40 and 23:41 JST = 14:40, 14:41 UTC.
  ev 1 2025-01-13T14:40:00Z ito_ken record.get resident_tax
  ev 2 2025-01-13T14:41:00Z ito_ken record.get resident_tax
  # 2025-01-14 (a Tuesday) 10:00 JST: the same reads, by someone else.
  ev 3 2025-01-14T01:00:00Z sato_hanako record.get resident_tax
  ev 4 2025-01-14T01:01:00Z sato_hanako record.get resident_tax
  # A read of credit information (confidentiality 3) at 22:30 that Tuesday.
  ev 5 2025-01-14T13:30:00Z sato_hanako record.get loan_customer
  # Five wrong passwords for one ID in two minutes.
  for i in 0 1 2 3 4; do ev $((10 + i)) 2025-01-14T02:0${i}:00Z kato_kacho identity.login "" "" refused wrong_password; done
  echo
  # Outside the period asked for: not reported.
  ev 20 2025-01-16T14:40:00Z ito_ken record.get resident_tax
} >"$T/events.jsonl"

"$M" analysis run --data "$D" --events "$T/events.jsonl" --from 2025-01-13 --to 2025-01-14 >"$T/out" 2>"$T/err"
[ $? = 0 ] && ok || bad "analysis run over a file: $(cat "$T/err")"
check "one object with findings" "list(j.keys()) == ['findings']"
check "every finding has the members of the issue" \
  "all(set(['rule','severity','actor','from','to','count','evidence']) <= set(f) for f in j['findings'])"
check "the holiday reads at 23:40 are found" \
  "[(f['actor'], f['count'], f['evidence'], f['from'], f['to']) for f in j['findings'] if f['rule']=='off_hours'] == [('ito_ken', 2, [1, 2], '2025-01-13T23:40:00+09:00', '2025-01-13T23:41:00+09:00')]"
check "the weekday reads at 10:00 are not" \
  "not any(f['actor']=='sato_hanako' and f['rule']=='off_hours' for f in j['findings'])"
check "a C3 read at night is its own high finding" \
  "[(f['actor'], f['severity'], f['evidence']) for f in j['findings'] if f['rule']=='c3_off_hours'] == [('sato_hanako', 'high', [5])]"
check "a logon-failure burst is found" \
  "[(f['actor'], f['count']) for f in j['findings'] if f['rule']=='logon_failures'] == [('kato_kacho', 5)]"
check "nothing after the period" "all(20 not in f['evidence'] for f in j['findings'])"
check "events without a terminal come from no registered one" \
  "sorted(f['actor'] for f in j['findings'] if f['rule']=='unregistered_terminal' and f['terminal']=='(none)') == ['ito_ken', 'sato_hanako']"

# One day only: the Tuesday.
"$M" analysis run --data "$D" --events "$T/events.jsonl" --from 2025-01-14 --to 2025-01-14 >"$T/out"
check "one day only" "not any(f['rule']=='off_hours' and f['actor']=='ito_ken' for f in j['findings'])"
# Standard input works the same.
"$M" analysis run --data "$D" --events - --from 2025-01-13 --to 2025-01-13 <"$T/events.jsonl" >"$T/out"
check "events from standard input" "[f['evidence'] for f in j['findings'] if f['rule']=='off_hours'] == [[1, 2]]"

# The store's own log (today): a valid answer whatever the time.
today=$(TZ=Asia/Tokyo date +%F)
"$M" analysis run --data "$D" --from "$today" --to "$today" >"$T/out" 2>"$T/err"
[ $? = 0 ] && ok || bad "analysis run over the store: $(cat "$T/err")"
check "the store's log gives findings too" "isinstance(j['findings'], list)"
# Its evidence is the store's audit seqs: each has an inclusion proof.
seq=$(python3 -c "import json; f=json.load(open('$T/out'))['findings']; print(f[0]['evidence'][0] if f else 0)")
"$M" audit proof --data "$D" --seq "$seq" >/dev/null && ok || bad "an inclusion proof of evidence $seq"

"$M" findings list --data "$D" >"$T/out" && check "no findings before serve ran" "j == {'findings': []}"
"$M" lists show --data "$D" --date 2025-01-14 >"$T/out" && check "no lists yet" "j == {'lists': []}"
"$M" findings list --data "$D" --csv >"$T/out.csv"
head -c 3 "$T/out.csv" | od -An -tx1 | grep -q "ef bb bf" && ok || bad "CSV starts with a BOM"
grep -q $'\r$' "$T/out.csv" && ok || bad "CSV lines end in CRLF"

# Refusals: exit 1 and a message; nothing of the input quoted.
printf '%s\n' '{"seq":1,"time":"2025-01-13T14:40:00Z","actor":"x","operation":"record.get","result":"ok"}' \
  '{"seq":2,"time":"tomorrow","actor":"TOPSECRET-1234","operation":"record.get","result":"ok"}' >"$T/bad.jsonl"
"$M" analysis run --data "$D" --events "$T/bad.jsonl" --from 2025-01-13 --to 2025-01-13 >"$T/out" 2>"$T/err"
[ $? = 1 ] && ok || bad "a malformed line is refused"
grep -q "line 2" "$T/err" && ok || bad "the refusal names the line: $(cat "$T/err")"
grep -q "TOPSECRET" "$T/err" && bad "the refusal quotes the input" || ok
"$M" analysis run --data "$D" --events "$T/missing.jsonl" --from 2025-01-13 --to 2025-01-13 >/dev/null 2>&1
[ $? = 1 ] && ok || bad "a missing events file"
"$M" analysis run --data "$D" --from 2025-01-14 --to 2025-01-13 >/dev/null 2>"$T/err"
[ $? = 1 ] && grep -q -- "--to" "$T/err" && ok || bad "--to before --from"
"$M" analysis run --data "$D" --from 2025-1-13 --to 2025-01-13 >/dev/null 2>&1
[ $? = 1 ] && ok || bad "a malformed date"
"$M" analysis run --data "$D" --to 2025-01-13 >/dev/null 2>&1
[ $? = 2 ] && ok || bad "--from is required"
"$M" analysis run --data "$T/nowhere" --from 2025-01-13 --to 2025-01-13 >/dev/null 2>&1
[ $? = 1 ] && ok || bad "no store"
"$M" findings list --data "$D" --status closed >/dev/null 2>&1
[ $? = 1 ] && ok || bad "an unknown status"
"$M" lists show --data "$D" --date yesterday >/dev/null 2>&1
[ $? = 1 ] && ok || bad "a malformed list date"

# The export's destination. The operator who runs it can write into the
# data directory and the key store: appending there would corrupt the store
# or leave the log beside the keys, so a destination inside them — named
# directly, through "..", through a symbolic link to the file or to its
# directory, or as a hard link — is refused with exit 1, nothing is written,
# the store still verifies, and the error quotes no path.
db_before=$(sha256sum "$D/mamori.db" | cut -d' ' -f1)
ln -s "$D/mamori.db" "$T/link.jsonl"
ln -s "$D" "$T/datalink"
ln "$D/mamori.db" "$T/hard.jsonl"
mkdir -p "$T/sub"
for dest in "$D/mamori.db" "$D/keys/export.jsonl" "$T/sub/../data/export.jsonl" \
            "$T/link.jsonl" "$T/datalink/export.jsonl" "$T/hard.jsonl" "$T/sub"; do
  "$M" analysis export --data "$D" --jsonl "$dest" >"$T/out" 2>"$T/err"
  [ $? = 1 ] && ok || bad "an export to $dest is refused"
  grep -q -e "mamori.db" -e "export.jsonl" -e "$T" "$T/err" && bad "the refusal quotes the path: $(cat "$T/err")" || ok
done
[ ! -e "$D/export.jsonl" ] && [ ! -e "$D/keys/export.jsonl" ] && ok || bad "nothing is created in the store"
[ "$(sha256sum "$D/mamori.db" | cut -d' ' -f1)" = "$db_before" ] && ok || bad "the store is unchanged"
"$M" audit verify --data "$D" >/dev/null && ok || bad "the store still verifies"
# Findings and events in one file would not read back as events.
"$M" analysis export --data "$D" --jsonl "$T/one.jsonl" --findings-jsonl "$T/one.jsonl" >/dev/null 2>&1
[ $? = 1 ] && ok || bad "one file for events and findings is refused"
# A file of its own is written, 0600.
"$M" analysis export --data "$D" --jsonl "$T/events-out.jsonl" --findings-jsonl "$T/findings-out.jsonl" >"$T/out" 2>"$T/err"
[ $? = 0 ] && ok || bad "an export to a file of its own: $(cat "$T/err")"
[ "$(stat -c %a "$T/events-out.jsonl")" = 600 ] && ok || bad "the export file is 0600"
"$M" analysis run --data "$D" --events "$T/events-out.jsonl" --from "$today" --to "$today" >/dev/null && ok \
  || bad "the exported events read back"

# An OS user without the right to the store (not its owner) reads nothing:
# the data directory is 0700 and its files 0600, whatever the directory
# above allows. Run as nobody when this test runs as root.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  chmod 755 "$T"
  [ "$(stat -c %a "$D")" = 700 ] && ok || bad "the data directory is 0700"
  as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
  for cmd in "findings list" "lists show --date 2025-01-14" "analysis run --from 2025-01-13 --to 2025-01-14"; do
    # shellcheck disable=SC2086
    as_nobody "$M" $cmd --data "$D" >"$T/out" 2>"$T/err"
    [ $? = 1 ] && ok || bad "$cmd as another OS user fails"
    [ ! -s "$T/out" ] && ok || bad "$cmd as another OS user prints nothing: $(head -c 300 "$T/out")"
  done
  echo pw | as_nobody "$M" lists confirm --data "$D" --list L00000001 --user kato_kacho >"$T/out" 2>"$T/err"
  [ $? = 1 ] && ok || bad "lists confirm as another OS user fails"
  chmod 700 "$T"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
