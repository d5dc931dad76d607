#!/usr/bin/env bash
# `mamori serve` as an operator runs it, probed from outside with
# `openssl s_client` and curl: TLS 1.0/1.1, CBC, non-ECDHE and ChaCha20
# suites are refused; TLS 1.2 ECDHE + AES-GCM and TLS 1.3 are accepted; no
# compression, no renegotiation, no plain HTTP; the generated certificate
# verifies and can be pinned; /v1 answers 401 until identity is wired in;
# SIGTERM stops the server cleanly with a signed tree head.
# Prints "N passed, N failed" and exits non-zero on any failure.
set -uo pipefail
M=${1:?usage: tls_test.sh path/to/mamori}
T=$(mktemp -d "${MAMORI_TEST_TMP:-/tmp}/mamori-tls-XXXXXX" 2>/dev/null || mktemp -d)
D=$T/data
PID=
cleanup() {
  [ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
passed=0; failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
json_get() { python3 -c "import json,sys; print(json.loads(sys.stdin.readline())$1)"; }

"$M" init --data "$D" >/dev/null 2>"$T/init.err" || { echo "init failed: $(cat "$T/init.err")" >&2; exit 1; }
"$M" serve --data "$D" --listen 127.0.0.1:0 --log-level warn >"$T/serve.out" 2>"$T/serve.err" &
PID=$!
for _ in $(seq 1 200); do [ -s "$T/serve.out" ] && break; sleep 0.05; done
if [ ! -s "$T/serve.out" ]; then
  echo "serve did not start: $(cat "$T/serve.err")" >&2
  exit 1
fi
PORT=$(head -1 "$T/serve.out" | json_get '["port"]')
PIN=$(head -1 "$T/serve.out" | json_get '["public_key_pin"]')
CERT=$D/tls/server.crt
[ "$(stat -c %a "$D/tls/server.key")" = 600 ] && ok || bad "server.key is not 0600"
[ "$(head -1 "$T/serve.out" | json_get '["certificate_created"]')" = True ] && ok || bad "certificate not reported as created"

# handshake WANT DESCRIPTION -- s_client options...
handshake() {
  local want=$1 what=$2; shift 3
  timeout 10 openssl s_client -connect "127.0.0.1:$PORT" -servername localhost "$@" \
    </dev/null >"$T/hs.out" 2>&1
  local got=refused
  grep -qE '^New, TLSv1\.[0-9], Cipher is ' "$T/hs.out" && got=accepted
  if [ "$got" = "$want" ]; then ok; else bad "$what: $got, wanted $want: $(grep -E 'New,|alert|error' "$T/hs.out" | head -3)"; fi
}

# Debian's OpenSSL will not even offer TLS 1.0/1.1 without SECLEVEL=0.
handshake refused "TLS 1.0" -- -tls1 -cipher 'ALL:@SECLEVEL=0'
handshake refused "TLS 1.1" -- -tls1_1 -cipher 'ALL:@SECLEVEL=0'
handshake refused "TLS 1.2 CBC (ECDHE-ECDSA-AES128-SHA)" -- -tls1_2 -cipher 'ECDHE-ECDSA-AES128-SHA:@SECLEVEL=0'
handshake refused "TLS 1.2 CBC (ECDHE-ECDSA-AES256-SHA384)" -- -tls1_2 -cipher ECDHE-ECDSA-AES256-SHA384
handshake refused "TLS 1.2 RSA key exchange (AES128-GCM-SHA256)" -- -tls1_2 -cipher AES128-GCM-SHA256
handshake refused "TLS 1.2 RSA key exchange (AES256-GCM-SHA384)" -- -tls1_2 -cipher AES256-GCM-SHA384
handshake refused "TLS 1.2 ChaCha20" -- -tls1_2 -cipher ECDHE-ECDSA-CHACHA20-POLY1305
handshake refused "TLS 1.3 ChaCha20 only" -- -tls1_3 -ciphersuites TLS_CHACHA20_POLY1305_SHA256
handshake refused "TLS 1.2 X25519 only" -- -tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256 -groups X25519
handshake accepted "TLS 1.2 ECDHE-ECDSA-AES128-GCM-SHA256" -- -tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256
grep -q 'Compression: NONE' "$T/hs.out" && ok || bad "TLS 1.2 compression not NONE"
handshake accepted "TLS 1.2 ECDHE-ECDSA-AES256-GCM-SHA384" -- -tls1_2 -cipher ECDHE-ECDSA-AES256-GCM-SHA384
handshake accepted "TLS 1.3" -- -tls1_3 -CAfile "$CERT" -verify_return_error
grep -q 'Verify return code: 0 (ok)' "$T/hs.out" && ok || bad "certificate does not verify against itself"
grep -qE 'Cipher is TLS_AES_(128|256)_GCM' "$T/hs.out" && ok || bad "TLS 1.3 suite is not AES-GCM"

# Renegotiation: the client asks ("R"), the server must not renegotiate.
(echo R; sleep 1) | timeout 10 openssl s_client -connect "127.0.0.1:$PORT" -tls1_2 \
  -cipher ECDHE-ECDSA-AES128-GCM-SHA256 >"$T/reneg.out" 2>&1
if grep -q 'RENEGOTIATING' "$T/reneg.out" && grep -qiE 'no renegotiation|alert|error' "$T/reneg.out"; then
  ok
else
  bad "renegotiation was not refused: $(tail -5 "$T/reneg.out")"
fi

# No plain HTTP on the port.
if curl -s -m 5 "http://127.0.0.1:$PORT/healthz" >"$T/plain.out" 2>&1; then
  bad "plain HTTP answered: $(head -c 200 "$T/plain.out")"
else
  ok
fi

# The certificate verifies for 127.0.0.1 and localhost, and its key can be pinned.
code=$(curl -s -m 5 -o "$T/health.out" -w '%{http_code}' --cacert "$CERT" "https://127.0.0.1:$PORT/healthz")
[ "$code" = 200 ] && ok || bad "healthz over verified TLS: $code"
code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' --cacert "$CERT" --resolve "localhost:$PORT:127.0.0.1" \
  --pinnedpubkey "$PIN" "https://localhost:$PORT/readyz")
[ "$code" = 200 ] && ok || bad "readyz with localhost and a pinned key: $code"
code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' --cacert "$CERT" \
  --pinnedpubkey 'sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' "https://127.0.0.1:$PORT/healthz")
[ "$code" = 000 ] && ok || bad "a wrong pin was not refused: $code"
code=$(curl -s -m 5 -o "$T/v1.out" -w '%{http_code}' --cacert "$CERT" "https://127.0.0.1:$PORT/v1/datasets")
[ "$code" = 401 ] && ok || bad "/v1/datasets without identity: $code"
grep -q '"code":"unauthenticated"' "$T/v1.out" && ok || bad "401 is not an unauthenticated problem: $(cat "$T/v1.out")"

# SIGTERM: clean stop, a signed tree head covering the whole log.
kill -TERM "$PID"
wait "$PID"; rc=$?
PID=
[ "$rc" = 0 ] && ok || bad "serve exited $rc: $(tail -3 "$T/serve.err")"
sed -n 2p "$T/serve.out" >"$T/stop.json"
[ "$(json_get '["clean"]' <"$T/stop.json")" = True ] && ok || bad "shutdown not clean: $(cat "$T/stop.json")"
signed=$(json_get '["signed_head"]["size"]' <"$T/stop.json" 2>/dev/null)
size=$("$M" audit head --data "$D" | python3 -c 'import json,sys; print(json.load(sys.stdin)["size"])')
[ -n "$signed" ] && [ "$signed" = "$size" ] && ok || bad "signed head $signed does not cover the log ($size)"

# A second start keeps the certificate clients pinned.
"$M" serve --data "$D" --listen 127.0.0.1:0 --log-level off >"$T/serve2.out" 2>"$T/serve2.err" &
PID=$!
for _ in $(seq 1 200); do [ -s "$T/serve2.out" ] && break; sleep 0.05; done
[ "$(head -1 "$T/serve2.out" | json_get '["public_key_pin"]')" = "$PIN" ] && ok || bad "certificate changed on restart"
kill -INT "$PID"; wait "$PID"; rc=$?; PID=
[ "$rc" = 0 ] && ok || bad "serve exited $rc after SIGINT"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
