#!/usr/bin/env bash
# End to end on PostgreSQL: a PostgreSQL server of the test's own
# (tests/store/pg-test-server), the demo store made with --store (through
# MAMORI_STORE, so every command of scripts/demo uses it), `mamori serve
# --store`, a put and a get over the API, a restart of the mamori server and
# a read of what was put, then an offline audit verify against the database.
# Two servers on the one database; an embedded store moved with `mamori store
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
  for p in $server_pid ${PA:-} ${PB:-}; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  "$SRC/tests/store/pg-test-server" stop "$PGDIR" >/dev/null 2>&1
  rm -rf "$T"
}
trap cleanup EXIT
export MAMORI_COMPACT_JSON=1
passed=0; failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
check() { # check DESCRIPTION WANT GOT
  if [ "$2" = "$3" ]; then ok; else bad "$1: got '$3', wanted '$2'"; fi
}
json_get() { python3 -c "import json,sys; d=json.load(sys.stdin); print(d$1)" 2>/dev/null; }

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

# Two servers on the one database: a session made on one is valid on the
# other, a record put through one is read through the other, and puts through
# both at once leave one audit log that verifies.
start_server; PA=$server_pid; UA=$U
mv "$T/serve.out" "$T/serve-a.out"
start_server; PB=$server_pid; UB=$U
U=$UA; login
check "session from A valid on B" 200 "$("${C[@]}" -o /dev/null -w '%{http_code}' "$UB/v1/datasets" "${A[@]}")"
MN2=$("$M" mynumber generate --count 1 | tail -1)
put() { # put BASE-URL MY-NUMBER OUT
  "${C[@]}" -o "$3" -w '%{http_code}' -X POST "$1/v1/datasets/employee_my_number/records?purpose=withholding" "${J[@]}" "${A[@]}" \
    -d "{\"my_number\":\"$2\",\"name\":\"試験 花子\",\"name_kana\":\"シケン ハナコ\",\"birth_date\":\"1991-05-02\"}"
}
check "put through A" 201 "$(put "$UA" "$MN2" "$T/put-a.json")"
"${C[@]}" "$UB/v1/datasets/employee_my_number/records/$(json_get '["id"]' <"$T/put-a.json")?purpose=withholding" "${A[@]}" >"$T/get-b.json"
check "read through B" "$MN2" "$(json_get '["my_number"]' <"$T/get-b.json")"
mapfile -t many < <("$M" mynumber generate --count 16)
for i in $(seq 0 15); do
  if [ $((i % 2)) = 0 ]; then base=$UA; else base=$UB; fi
  put "$base" "${many[$i]}" "$T/many-$i.json" >"$T/many-$i.code" &
done
wait_puts() { for j in $(jobs -p); do [ "$j" = "$PA" ] || [ "$j" = "$PB" ] || wait "$j"; done; }
wait_puts
check "16 puts through both servers at once" 16 "$(cat "$T"/many-*.code | grep -o 201 | wc -l)"
server_pid=$PA; stop_server
server_pid=$PB; stop_server

"$M" audit verify --data "$D" --store "$URI" --public-key "$D/audit-public-key.pem" >"$T/verify.json" 2>&1
check "audit verify on PostgreSQL" 0 $?
check "audit verify ok" True "$(json_get '["ok"]' <"$T/verify.json")"

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

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
