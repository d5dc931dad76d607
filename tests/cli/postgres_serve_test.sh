#!/usr/bin/env bash
# End to end on PostgreSQL: a PostgreSQL server of the test's own
# (tests/store/pg-test-server), the demo store made with --store (through
# MAMORI_STORE, so every command of scripts/demo uses it), `mamori serve
# --store`, a put and a get over the API, a restart of the mamori server and
# a read of what was put, then an offline audit verify against the database.
# Three servers on the one database (scripts/cluster-demo, on the same demo
# store); an embedded store moved with `mamori store
# copy`. The data lives in PostgreSQL only; the keys stay in the data
# directory. A connection URI with a password is refused without being
# echoed.
# Prints "N passed, N failed" and exits non-zero on any failure.
set -uo pipefail
M=${1:?usage: postgres_serve_test.sh path/to/mamori}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d "${MAMORI_TEST_TMP:-/tmp}/mamori-pgserve-XXXXXX" 2>/dev/null || mktemp -d)
D=$T/demo
PGDIR=$T/pg
server_pid=
cleanup() {
  for p in $server_pid; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  "$SRC/tests/store/pg-test-server" stop "$PGDIR" >/dev/null 2>&1
  rm -rf "$T"
}
trap cleanup EXIT
. "$SRC/tests/cli/check_lib.sh"

"$SRC/tests/store/pg-test-server" start "$PGDIR" || { echo "cannot start PostgreSQL" >&2; exit 1; }
URI="postgresql:///postgres?host=$(cat "$PGDIR/sockdir")&port=$(cat "$PGDIR/port")&user=mamori"

# A password in the URI is refused, and not repeated in the error.
"$M" init --data "$T/refused" --store "postgresql://mamori:Zx9-hunter2@localhost/postgres" >"$T/refused.out" 2>&1
check "URI with a password refused" 1 $?
grep -q "Zx9-hunter2" "$T/refused.out" && bad "the password was echoed: $(cat "$T/refused.out")" || ok

MAMORI_STORE=$URI MAMORI_DEMO_NO_SERVE=1 MAMORI=$M bash "$SRC/scripts/demo" "$D" >"$T/demo.out" 2>&1
check "demo store created on PostgreSQL" 0 $?
[ -e "$D/mamori.db" ] && bad "the data went to the data directory" || ok
[ -e "$D/keys/keys.db" ] && ok || bad "no local key store"
"$M" init --data "$T/second" --store "$URI" >"$T/again.out" 2>&1
check "a second init on the same database refused" 1 $?
PW=$(cat "$D/demo-initial-password")
pki=$D/demo-pki

nserver=0
start_server() {
  : >"$T/serve.out"
  nserver=$((nserver + 1))
  # A witness directory per server process: they share the log, not the file.
  "$M" serve --data "$D" --store "$URI" --listen 127.0.0.1:0 --client-ca "$pki/ca.crt" \
    --require-terminal-certificate --witness-dir "$T/witness-$nserver" \
    >"$T/serve.out" 2>"$T/serve.err" &
  server_pid=$!
  for _ in $(seq 100); do [ -s "$T/serve.out" ] && break; sleep 0.1; done
  PORT=$(head -1 "$T/serve.out" | json_get '["port"]')
  [ -n "$PORT" ] && ok || { bad "server did not start: $(cat "$T/serve.err")"; echo "$passed passed, $failed failed"; exit 1; }
  U=https://127.0.0.1:$PORT
}
stop_server() {
  kill -TERM "$server_pid"; wait "$server_pid"; check "graceful stop" 0 $?; server_pid=
}
C=(curl -s --cacert "$D/tls/server.crt" --cert "$pki/terminal.crt" --key "$pki/terminal.key")
J=(-H 'Content-Type: application/json')

start_server
"${C[@]}" -X POST "$U/v1/auth/login" "${J[@]}" -d "{\"user\":\"sato_hanako\",\"password\":\"$PW\"}" >"$T/login.json"
TOKEN=$(json_get '["token"]' <"$T/login.json")
NEW='Rq8!vTz3#Lm5wP'
check "password changed" 200 "$("${C[@]}" -o /dev/null -w '%{http_code}' -X POST "$U/v1/auth/password" "${J[@]}" -H "Authorization: Bearer $TOKEN" -d "{\"current\":\"$PW\",\"new\":\"$NEW\"}")"
login() {
  "${C[@]}" -X POST "$U/v1/auth/login" "${J[@]}" -d "{\"user\":\"sato_hanako\",\"password\":\"$NEW\"}" >"$T/login2.json"
  A=(-H "Authorization: Bearer $(json_get '["token"]' <"$T/login2.json")")
}
login
MN=$("$M" mynumber generate --count 1)
check "put over the API" 201 "$("${C[@]}" -o "$T/put.json" -w '%{http_code}' -X POST "$U/v1/datasets/employee_my_number/records?purpose=withholding" "${J[@]}" "${A[@]}" -d "{\"my_number\":\"$MN\",\"name\":\"試験 太郎\",\"name_kana\":\"シケン タロウ\",\"birth_date\":\"1990-04-01\"}")"
RID=$(json_get '["id"]' <"$T/put.json")
[ -n "$RID" ] && ok || bad "put: $(head -c 300 "$T/put.json")"
"${C[@]}" "$U/v1/datasets/employee_my_number/records/$RID?purpose=withholding" "${A[@]}" >"$T/get.json"
check "get over the API" "$MN" "$(json_get '["my_number"]' <"$T/get.json")"
stop_server

# Restarted, the server finds what it acknowledged.
start_server
login
"${C[@]}" "$U/v1/datasets/employee_my_number/records/$RID?purpose=withholding" "${A[@]}" >"$T/get2.json"
check "get after the restart" "$MN" "$(json_get '["my_number"]' <"$T/get2.json")"
stop_server

# Several servers on the one database: scripts/cluster-demo on this demo
# store (one set-up for both): three servers, a session and a record across
# them, the lockout over all three, one SIGKILLed under puts, the one log
# verified offline against the database, PostgreSQL restarted under puts
# (CLUSTER_PGDIR). Without the TLS certificate, so
# that the three servers, started at once, race to make it.
rm -rf "$D/tls"
CLUSTER_DATA=$D CLUSTER_PGDIR=$PGDIR CLUSTER_URI=$URI CLUSTER_PASSWORD=$NEW MAMORI=$M MAMORI_TEST_TMP=$T \
  bash "$SRC/scripts/cluster-demo" >"$T/cluster.json"
check "cluster-demo" 0 $?
check "cluster-demo summary ok" True "$(json_get '["ok"]' <"$T/cluster.json")"
check "cluster-demo: PostgreSQL restarted under load, no acknowledged put lost" 0 \
  "$(json_get '["pg_restart"]["acknowledged_lost"]' <"$T/cluster.json")"
check "cluster-demo: the servers raced to make one certificate" "True True" \
  "$(json_get '["certificate"]["raced_to_create"]' <"$T/cluster.json") $(json_get '["certificate"]["one_for_all"]' <"$T/cluster.json")"
cat "$T/cluster.json"


# An embedded store moved to PostgreSQL (a schema of its own): copied,
# verified, then used with its own key directory; a second copy is refused.
E=$T/embedded
"$M" init --data "$E" >/dev/null 2>&1
"$M" dataset create --data "$E" --file "$SRC/scripts/demo-data/employee_my_number.json" >/dev/null
check "embedded store made" 0 $?
MN3=$("$M" mynumber generate --count 1 | tail -1)
"$M" record put --data "$E" --dataset employee_my_number --purpose withholding \
  --json "{\"my_number\":\"$MN3\",\"name\":\"移行 一郎\",\"name_kana\":\"イコウ イチロウ\",\"birth_date\":\"1985-06-15\"}" >"$T/eput.json"
EID=$(json_get '["id"]' <"$T/eput.json")
psql -q "$URI" -c 'CREATE SCHEMA moved' >/dev/null
check "schema for the copy" 0 $?
URI2="$URI&options=-csearch_path%3Dmoved"
"$M" store copy --from "$E" --to "$URI2" >"$T/copy.json" 2>&1
check "store copy" 0 $?
check "store copy verified" True "$(json_get '["verified"]' <"$T/copy.json")"
"$M" audit verify --data "$E" >"$T/everify.json" 2>&1
check "the copy's audit root is the source's" "$(json_get '["root"]' <"$T/everify.json")" "$(json_get '["audit_root"]' <"$T/copy.json")"
"$M" record get --data "$E" --store "$URI2" --dataset employee_my_number --purpose withholding --id "$EID" >"$T/eget.json" 2>&1
check "record read from the copy" "$MN3" "$(json_get '["my_number"]' <"$T/eget.json")"
"$M" audit verify --data "$E" --store "$URI2" --public-key "$E/audit-public-key.pem" >"$T/everify2.json" 2>&1
check "audit verify on the copy" 0 $?
"$M" store copy --from "$E" --to "$URI2" >"$T/copy2.json" 2>&1
check "a second copy into a store that is not empty refused" 1 $?

# Crypto-shredding and backups (docs/SCALING.md "Backup and restore"): a
# pg_dump taken before a record is shredded, restored after it, holds the
# record's ciphertext again, but the current key directory no longer holds
# its record key, so it does not decrypt. The key directory as it was before
# the shred would still open it: that copy is the one the operator must not
# keep past the retention rule, and the control that shows the dump really
# holds the record.
cp -a "$E/keys" "$T/keys-before-shred"
pg_dump -d "$URI2" -n moved -Fc -f "$T/before-shred.dump"
check "pg_dump before the shred" 0 $?
"$M" record end-use --data "$E" --store "$URI2" --dataset employee_my_number --purpose withholding \
  --id "$EID" --date 2015-03-31 >/dev/null 2>&1
"$M" retention sweep --data "$E" --store "$URI2" --today 2026-11-22 >"$T/sweep.json" 2>&1
check "the record shredded on PostgreSQL" 1 "$(json_get '["shredded"]' <"$T/sweep.json")"
psql -q "$URI" -c 'DROP SCHEMA moved CASCADE' >/dev/null 2>&1
pg_restore -d "$URI" "$T/before-shred.dump"
check "pg_restore of the dump taken before" 0 $?
"$M" record get --data "$E" --store "$URI2" --dataset employee_my_number --purpose withholding --id "$EID" \
  >"$T/shredded.json" 2>"$T/shredded.err"
check "restored, the shredded record does not decrypt with the current keys" 1 $?
grep -q "$MN3" "$T/shredded.json" "$T/shredded.err" && bad "the shredded number was printed" || ok
"$M" record get --data "$E" --store "$URI2" --keys "$T/keys-before-shred" --dataset employee_my_number \
  --purpose withholding --id "$EID" >"$T/old-keys.json" 2>&1
check "with the key directory from before the shred it would" "$MN3" "$(json_get '["my_number"]' <"$T/old-keys.json")"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
