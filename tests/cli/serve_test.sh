#!/usr/bin/env bash
# End-to-end test of `make run`'s path: the demo store and organisation
# (scripts/demo with MAMORI_DEMO_NO_SERVE=1), then `mamori serve` with the
# demo client CA, driven with curl as a handler at the demo terminal would:
# logon, forced password change, a read under a registered purpose, a
# refusal under another, logout; then SIGTERM and offline audit verify.
# Prints "N passed, N failed" and exits non-zero on any failure.
set -uo pipefail
M=${1:?usage: serve_test.sh path/to/mamori}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d "${MAMORI_TEST_TMP:-/tmp}/mamori-serve-XXXXXX" 2>/dev/null || mktemp -d)
D=$T/demo
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
export MAMORI_COMPACT_JSON=1
passed=0; failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
check() { # check DESCRIPTION WANT GOT
  if [ "$2" = "$3" ]; then ok; else bad "$1: got '$3', wanted '$2'"; fi
}
json_get() { python3 -c "import json,sys; d=json.load(sys.stdin); print(d$1)" 2>/dev/null; }

MAMORI_DEMO_NO_SERVE=1 MAMORI=$M bash "$SRC/scripts/demo" "$D" >"$T/demo.out" 2>&1
check "demo store created" 0 $?
check "demo password file is 0600" 600 "$(stat -c %a "$D/demo-initial-password")"
PW=$(cat "$D/demo-initial-password")
"$M" user list --data "$D" >"$T/users.json"
check "demo users" 8 "$(json_get '["users"].__len__()' <"$T/users.json")"
grep -q "$PW" "$T/users.json" && bad "user list shows the password" || ok

"$M" serve --data "$D" --listen 127.0.0.1:0 --client-ca "$D/demo-pki/ca.crt" \
  >"$T/serve.out" 2>"$T/serve.err" &
server_pid=$!
for _ in $(seq 50); do [ -s "$T/serve.out" ] && break; sleep 0.1; done
PORT=$(head -1 "$T/serve.out" | json_get '["port"]')
[ -n "$PORT" ] && ok || { bad "server did not start: $(cat "$T/serve.err")"; echo "$passed passed, $failed failed"; exit 1; }
U=https://127.0.0.1:$PORT
C=(curl -s --cacert "$D/tls/server.crt" --cert "$D/demo-pki/terminal.crt" --key "$D/demo-pki/terminal.key")
J=(-H 'Content-Type: application/json')

# Without credentials nothing but health.
check "healthz" 200 "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$D/tls/server.crt" "$U/healthz")"
check "no token: 401" 401 "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$D/tls/server.crt" "$U/v1/datasets")"

"${C[@]}" -X POST "$U/v1/auth/login" "${J[@]}" -d "{\"user\":\"sato_hanako\",\"password\":\"$PW\"}" >"$T/login.json"
TOKEN=$(json_get '["token"]' <"$T/login.json")
[ -n "$TOKEN" ] && ok || bad "login: $(cat "$T/login.json")"
check "first logon must change the password" True "$(json_get '["must_change_password"]' <"$T/login.json")"
check "restricted session" 403 "$("${C[@]}" -o /dev/null -w '%{http_code}' "$U/v1/datasets" -H "Authorization: Bearer $TOKEN")"
NEW='Rq8!vTz3#Lm5wP'
check "weak new password refused" 400 "$("${C[@]}" -o /dev/null -w '%{http_code}' -X POST "$U/v1/auth/password" "${J[@]}" -H "Authorization: Bearer $TOKEN" -d "{\"current\":\"$PW\",\"new\":\"password\"}")"
check "password changed" 200 "$("${C[@]}" -o /dev/null -w '%{http_code}' -X POST "$U/v1/auth/password" "${J[@]}" -H "Authorization: Bearer $TOKEN" -d "{\"current\":\"$PW\",\"new\":\"$NEW\"}")"
"${C[@]}" -X POST "$U/v1/auth/login" "${J[@]}" -d "{\"user\":\"sato_hanako\",\"password\":\"$NEW\"}" >"$T/login2.json"
TOKEN=$(json_get '["token"]' <"$T/login2.json")
check "previous logon shown" ok "$(json_get '["last_logon"]["result"]' <"$T/login2.json")"
A=(-H "Authorization: Bearer $TOKEN")
"${C[@]}" "$U/v1/datasets/employee_my_number/records?purpose=withholding&limit=1" "${A[@]}" >"$T/list.json"
RID=$(json_get '["records"][0]["_meta"]["id"]' <"$T/list.json")
[ -n "$RID" ] && ok || bad "list: $(head -c 300 "$T/list.json")"
check "read under a registered purpose" 200 "$("${C[@]}" -o "$T/rec.json" -w '%{http_code}' "$U/v1/datasets/employee_my_number/records/$RID?purpose=withholding" "${A[@]}")"
check "refused under an unregistered purpose" 403 "$("${C[@]}" -o /dev/null -w '%{http_code}' "$U/v1/datasets/employee_my_number/records/$RID?purpose=marketing" "${A[@]}")"
# The session is bound to the terminal it logged on from.
check "token refused from another terminal" 401 "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$D/tls/server.crt" "$U/v1/datasets/employee_my_number/records/$RID?purpose=withholding" "${A[@]}")"
check "logout" 200 "$("${C[@]}" -o /dev/null -w '%{http_code}' -X POST "$U/v1/auth/logout" "${A[@]}")"
check "token after logout" 401 "$("${C[@]}" -o /dev/null -w '%{http_code}' "$U/v1/datasets" "${A[@]}")"

kill -TERM "$server_pid"; wait "$server_pid"; rc=$?; server_pid=
check "graceful stop" 0 "$rc"
check "signed head at shutdown" 1 "$(tail -1 "$T/serve.out" | grep -c '"signed_head":{')"
grep -q "$NEW\|$PW" "$T/serve.err" "$T/serve.out" && bad "a password reached the server log" || ok
"$M" audit verify --data "$D" --public-key "$D/audit-public-key.pem" >"$T/verify.json" 2>&1
check "audit verify after the session" 0 $?
# The default witness: a directory beside the data directory, not in it.
check "the final head is on the default witness" \
  "$(tail -1 "$T/serve.out" | json_get '["signed_head"]["size"]')" \
  "$(tail -1 "$D.witness/heads.jsonl" | json_get '["size"]')"
"$M" audit verify --data "$D" --public-key "$D/audit-public-key.pem" \
  --trusted-head "$D.witness/heads.jsonl" >/dev/null 2>&1
check "audit verify against the witness" 0 $?
"$M" audit events --data "$D" --operation identity.login --limit 100 >"$T/logins.json"
check "logons audited" 2 "$(json_get '.__len__()' <"$T/logins.json")"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
