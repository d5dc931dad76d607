#!/usr/bin/env bash
# End-to-end test of `make run`'s path: the demo store and organisation
# (scripts/demo with MAMORI_DEMO_NO_SERVE=1), then `mamori serve` as the
# demo starts it — the demo client CA, only registered terminals
# (--require-terminal-certificate), an operations listener — driven with
# curl as a handler at the demo terminal would: logon, forced password
# change, a read under a registered purpose, a refusal under another,
# logout; clients without a registered certificate are refused at the
# handshake; then SIGTERM and offline audit verify.
# Prints "N passed, N failed" and exits non-zero on any failure.
set -uo pipefail
M=${1:?usage: serve_test.sh path/to/mamori}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d "${MAMORI_TEST_TMP:-/tmp}/mamori-serve-XXXXXX" 2>/dev/null || mktemp -d)
D=$T/demo
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
. "$SRC/tests/cli/check_lib.sh"

MAMORI_DEMO_NO_SERVE=1 MAMORI=$M bash "$SRC/scripts/demo" "$D" >"$T/demo.out" 2>&1
check "demo store created" 0 $?
check "demo password file is 0600" 600 "$(stat -c %a "$D/demo-initial-password")"
PW=$(cat "$D/demo-initial-password")
"$M" user list --data "$D" >"$T/users.json"
check "demo users" 9 "$(json_get '["users"].__len__()' <"$T/users.json")"
grep -q "$PW" "$T/users.json" && bad "user list shows the password" || ok

# A second registered terminal of the demo CA, and a certificate the CA
# issued that nobody registered.
pki=$D/demo-pki
for n in terminal2 spare; do
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/$n.key" \
    -out "$T/$n.csr" -subj "/CN=$n" >/dev/null 2>&1
  openssl x509 -req -in "$T/$n.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -out "$T/$n.crt" -days 2 >/dev/null 2>&1
done
"$M" terminal add --data "$D" --id soumu-madoguchi-2 --cert "$T/terminal2.crt" --controlled-area >/dev/null
check "second terminal registered" 0 $?

# As scripts/demo starts it.
grep -q -- '--require-terminal-certificate' "$SRC/scripts/demo" && ok || bad "the demo does not require terminal certificates"
"$M" serve --data "$D" --listen 127.0.0.1:0 --client-ca "$pki/ca.crt" \
  --require-terminal-certificate --metrics-listen 127.0.0.1:0 \
  >"$T/serve.out" 2>"$T/serve.err" &
server_pid=$!
for _ in $(seq 50); do [ -s "$T/serve.out" ] && break; sleep 0.1; done
PORT=$(head -1 "$T/serve.out" | json_get '["port"]')
OPS=$(head -1 "$T/serve.out" | json_get '["metrics_port"]')
[ -n "$PORT" ] && ok || { bad "server did not start: $(cat "$T/serve.err")"; echo "$passed passed, $failed failed"; exit 1; }
check "server not dumpable" False "$(head -1 "$T/serve.out" | json_get '["process_protection"]["dumpable"]')"
check "server core limit 0" "0 0" "$(awk '/^Max core file size/ {print $5, $6}' /proc/$server_pid/limits)"
U=https://127.0.0.1:$PORT
C=(curl -s --cacert "$D/tls/server.crt" --cert "$pki/terminal.crt" --key "$pki/terminal.key")
C2=(curl -s --cacert "$D/tls/server.crt" --cert "$T/terminal2.crt" --key "$T/terminal2.key")
J=(-H 'Content-Type: application/json')

# Only registered terminals get in; health for a load balancer on the
# operations listener, without a certificate.
check "no certificate: refused at the handshake" 000 "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$D/tls/server.crt" "$U/healthz")"
check "unregistered certificate: refused" 000 "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$D/tls/server.crt" --cert "$T/spare.crt" --key "$T/spare.key" "$U/healthz")"
check "healthz from the terminal" 200 "$("${C[@]}" -o /dev/null -w '%{http_code}' "$U/healthz")"
check "healthz on the operations listener" 200 "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$D/tls/server.crt" "https://127.0.0.1:$OPS/healthz")"
check "metrics only on the operations listener" 404 "$("${C[@]}" -o /dev/null -w '%{http_code}' "$U/metrics")"
curl -s --cacert "$D/tls/server.crt" "https://127.0.0.1:$OPS/metrics" >"$T/metrics.txt"
grep -q '^mamori_http_connections_open ' "$T/metrics.txt" && ok || bad "metrics: $(head -c 300 "$T/metrics.txt")"
grep -q 'route=' "$T/metrics.txt" && bad "open metrics show per-route counts" || ok
check "no token: 401" 401 "$("${C[@]}" -o /dev/null -w '%{http_code}' "$U/v1/datasets")"

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
check "token refused from another terminal" 401 "$("${C2[@]}" -o /dev/null -w '%{http_code}' "$U/v1/datasets/employee_my_number/records/$RID?purpose=withholding" "${A[@]}")"
# A wrong password, a locked ID and an unknown ID answer alike.
for i in 1 2 3 4 5; do
  "${C2[@]}" -o /dev/null -X POST "$U/v1/auth/login" "${J[@]}" -d '{"user":"ito_ken","password":"Wrong#Guess-123"}'
done
"${C2[@]}" -X POST "$U/v1/auth/login" "${J[@]}" -d "{\"user\":\"ito_ken\",\"password\":\"$PW\"}" >"$T/locked.json"
"${C2[@]}" -X POST "$U/v1/auth/login" "${J[@]}" -d '{"user":"nobody","password":"Wrong#Guess-123"}' >"$T/unknown.json"
check "locked ID answers like an unknown one" "$(json_get '["subject"], d["detail"]' <"$T/unknown.json")" "$(json_get '["subject"], d["detail"]' <"$T/locked.json")"
check "out-of-range number: 400 naming the member" totp "$("${C2[@]}" -X POST "$U/v1/auth/login" "${J[@]}" -d '{"user":"nobody","password":"x","totp":1e400}' | json_get '["subject"]')"
# A token taken to another terminal cannot end the person's sessions either.
check "log off everywhere refused from another terminal" 401 "$("${C2[@]}" -o /dev/null -w '%{http_code}' -X POST "$U/v1/auth/logout" "${J[@]}" "${A[@]}" -d '{"everywhere":true}')"
check "the session still valid after that refusal" 200 "$("${C[@]}" -o /dev/null -w '%{http_code}' "$U/v1/auth/session" "${A[@]}")"
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
check "logons audited" 9 "$(json_get '.__len__()' <"$T/logins.json")"
"$M" audit events --data "$D" --operation api.connect --limit 100 >"$T/connects.json"
check "refused certificate audited" certificate.unregistered "$(json_get '[0]["reason"]' <"$T/connects.json")"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
