#!/usr/bin/env bash
# Witnessed heads and the audit signing key held apart, end to end with the
# real binary: `mamori serve` writes signed heads to a directory witness and
# to a syslog listener (a real UDP socket); a data directory replaced by an
# earlier copy of itself is refused by serve and by `audit verify
# --trusted-head`; a log re-signed without the key held apart fails a pinned
# verification; the key on a SoftHSM2 token signs heads.
# Prints "N passed, N failed" and exits non-zero on any failure.
set -uo pipefail
M=${1:?usage: witness_test.sh path/to/mamori}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d "${MAMORI_TEST_TMP:-/tmp}/mamori-witness-XXXXXX" 2>/dev/null || mktemp -d)
server_pid=
listener_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  [ -n "$listener_pid" ] && kill "$listener_pid" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
. "$SRC/tests/cli/check_lib.sh"
contains() { # contains FILE TEXT DESCRIPTION
  if grep -qF -- "$2" "$1"; then ok; else bad "$3: '$2' not in $(head -c 600 "$1")"; fi
}
mn() { "$M" mynumber generate; }
put() { # put DATA [signer flags...]
  local d=$1; shift
  "$M" record put --data "$d" "$@" --dataset employee_my_number --purpose withholding \
    --json "{\"my_number\":\"$(mn)\",\"name\":\"検証 太郎\"}" >/dev/null
}

# serve DATA OUT ERR [flags...]: starts the server, waits for its first line.
start_server() {
  local d=$1 out=$2 err=$3; shift 3
  "$M" serve --data "$d" --listen 127.0.0.1:0 "$@" >"$out" 2>"$err" &
  server_pid=$!
  for _ in $(seq 100); do [ -s "$out" ] && return 0; kill -0 "$server_pid" 2>/dev/null || return 1; sleep 0.1; done
  return 1
}
stop_server() {
  kill -TERM "$server_pid"; wait "$server_pid"; local rc=$?; server_pid=
  return $rc
}

D=$T/data
W=$T/witness
"$M" init --data "$D" >/dev/null
"$M" dataset create --data "$D" --file "$SRC/scripts/demo-data/employee_my_number.json" >/dev/null
put "$D"

# A syslog server: a real UDP socket that writes each datagram to a file.
python3 - "$T/syslog.port" "$T/syslog.log" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
with open(sys.argv[2], "ab", buffering=0) as out:
    while True:
        out.write(s.recv(65535) + b"\n")
PY
listener_pid=$!
for _ in $(seq 50); do [ -s "$T/syslog.port" ] && break; sleep 0.1; done
SYSLOG_PORT=$(cat "$T/syslog.port")

# 1. serve witnesses heads: at start, at the interval, at shutdown.
start_server "$D" "$T/s1.out" "$T/s1.err" --witness-dir "$W" --witness-interval 1 \
  --witness-syslog "udp://127.0.0.1:$SYSLOG_PORT"
check "serve starts with a fresh witness" 0 $?
contains "$T/s1.out" "\"directory:$W\"" "the first line names the directory witness"
contains "$T/s1.out" "\"syslog:udp://127.0.0.1:$SYSLOG_PORT\"" "and the syslog witness"
contains "$T/s1.err" "same filesystem" "a witness on the data's filesystem is warned about"
check "readyz reports the witness" ok "$(curl -s --cacert "$D/tls/server.crt" "https://127.0.0.1:$(head -1 "$T/s1.out" | json_get '["port"]')/readyz" | json_get '["witness"]')"
put "$D"  # the log grows while the server runs (another process, same store)
for _ in $(seq 50); do [ "$(wc -l <"$W/heads.jsonl")" -ge 2 ] && break; sleep 0.1; done
check "a head each interval once the log grew" 1 "$([ "$(wc -l <"$W/heads.jsonl")" -ge 2 ] && echo 1)"
stop_server
check "graceful stop" 0 $?
check "the stop line says the final head was witnessed" True "$(tail -1 "$T/s1.out" | json_get '["witnessed"]')"
final=$(tail -1 "$T/s1.out" | json_get '["signed_head"]["size"]')
check "the witness's last head is the final one" "$final" "$(tail -1 "$W/heads.jsonl" | json_get '["size"]')"
check "witness file is 0600" 600 "$(stat -c %a "$W/heads.jsonl")"
contains "$T/syslog.log" "\"size\":$final," "syslog received the final head"
contains "$T/syslog.log" "<110>1 " "as an RFC 5424 message"
"$M" audit verify --data "$D" --trusted-head "$W/heads.jsonl" >"$T/v.json" 2>&1
check "verify --trusted-head against the witness file" 0 $?
check "  and says the log extends it" True "$(json_get '["trusted_head"]["ok"]' <"$T/v.json")"

# 2. The whole data directory replaced by an earlier copy of itself.
cp -a "$D" "$T/data-copy"
put "$D"; put "$D"
start_server "$D" "$T/s2.out" "$T/s2.err" --witness-dir "$W"
check "serve on the grown store" 0 $?
stop_server
newest=$(tail -1 "$W/heads.jsonl" | json_get '["size"]')
rm -rf "$D"; cp -a "$T/data-copy" "$D"
sum_before=$(sha256sum "$D/mamori.db")
"$M" audit verify --data "$D" >/dev/null 2>&1
check "the earlier copy verifies on its own (the hole)" 0 $?
"$M" serve --data "$D" --listen 127.0.0.1:0 --witness-dir "$W" >"$T/s3.out" 2>"$T/s3.err"
check "serve refuses the store replaced by an earlier copy" 1 $?
contains "$T/s3.err" "refusing to start" "the refusal says so"
contains "$T/s3.err" "behind_trusted_head" "and names the problem"
contains "$T/s3.err" "起動を中止します" "in Japanese too"
check "the refused store is left as found" "$sum_before" "$(sha256sum "$D/mamori.db")"
"$M" audit verify --data "$D" --trusted-head "$W/heads.jsonl" >"$T/v2.json" 2>"$T/v2.err"
check "verify --trusted-head refuses it" 1 $?
check "  problem" behind_trusted_head "$(json_get '["problem"]' <"$T/v2.json")"
contains "$T/v2.err" "fewer than the $newest" "  reason names the sizes"
tail -1 "$W/heads.jsonl" >"$T/kept.json"
"$M" audit verify --data "$D" --trusted-head "$T/kept.json" --public-key "$D/audit-public-key.pem" >/dev/null 2>&1
check "the same with one kept head and the key pinned" 1 $?
# Restoring on purpose: the witness file set aside first.
mv "$W/heads.jsonl" "$T/heads.set-aside"
start_server "$D" "$T/s4.out" "$T/s4.err" --witness-dir "$W"
check "a deliberate restore starts once the witness is set aside" 0 $?
stop_server

# 3. Where a witness may not be.
"$M" serve --data "$D" --listen 127.0.0.1:0 --witness-dir "$D/witness" >/dev/null 2>"$T/s5.err"
check "a witness inside the data directory is refused" 1 $?
contains "$T/s5.err" "inside the data directory" "  and says why"
[ -e "$D/witness" ] && bad "the refused witness directory was created" || ok
cat >"$T/bad.toml" <<'TOML'
[witness]
directroy = "/tmp/x"
TOML
"$M" serve --data "$D" --config "$T/bad.toml" >/dev/null 2>"$T/s6.err"
check "an unknown witness key is refused" 1 $?
contains "$T/s6.err" "witness.directroy" "  naming it"

# 4. Trusted-head files an auditor keeps: remembered head count.
"$M" audit head --data "$D" --sign >"$T/trusted.json"
"$M" audit verify --data "$D" --trusted-head "$T/trusted.json" --update-trusted-head >/dev/null 2>&1
check "verify --update-trusted-head" 0 $?
heads=$(json_get '["signed_heads"]' <"$T/trusted.json")
[ "${heads:-0}" -ge 2 ] && ok || bad "the file remembers the heads seen: '$heads'"
sqlite3 "$D/mamori.db" "DELETE FROM kv WHERE CAST(k AS TEXT) = 'audit/sth/0000000000000001';"
"$M" audit verify --data "$D" --trusted-head "$T/trusted.json" >"$T/v3.json" 2>/dev/null
check "fewer signed heads than the last verification saw" 1 $?
check "  problem" fewer_signed_heads "$(json_get '["problem"]' <"$T/v3.json")"
sqlite3 "$D/mamori.db" "DELETE FROM kv WHERE CAST(k AS TEXT) LIKE 'audit/sth/%';"
"$M" audit verify --data "$D" >"$T/v4.json" 2>/dev/null
check "a log with no signed head" 1 $?
check "  problem" no_signed_head "$(json_get '["problem"]' <"$T/v4.json")"

# 5. The signing key held apart: a log re-signed with the key store's key.
K=$T/apart/audit.key
mkdir -p "$T/apart"
"$M" audit key create --out "$K" --public-out "$T/apart/audit.pub" >"$T/key.json"
check "audit key create" 0 $?
check "key file is 0600" 600 "$(stat -c %a "$K")"
grep -q "PRIVATE KEY" "$T/key.json" && bad "the key reached stdout" || ok
D2=$T/apart-data
"$M" init --data "$D2" --audit-key-file "$K" >"$T/init2.json"
check "init with the key held apart" 0 $?
cmp -s "$D2/audit-public-key.pem" "$T/apart/audit.pub" && ok || bad "the published public key is the apart key's"
"$M" dataset create --data "$D2" --audit-key-file "$K" --file "$SRC/scripts/demo-data/employee_my_number.json" >/dev/null
put "$D2" --audit-key-file "$K"
"$M" record list --data "$D2" --dataset employee_my_number --purpose withholding >/dev/null 2>"$T/nokey.err"
check "a command without the key held apart is refused" 1 $?
contains "$T/nokey.err" "--audit-key-file" "  and says which flag"
"$M" audit head --data "$D2" --sign --audit-key-file "$K" >"$T/trusted2.json"
cp -a "$D2" "$T/apart-copy"
put "$D2" --audit-key-file "$K"; put "$D2" --audit-key-file "$K"
"$M" audit head --data "$D2" --sign --audit-key-file "$K" >"$T/trusted3.json"
"$M" audit verify --data "$D2" --public-key "$T/apart/audit.pub" --trusted-head "$T/trusted3.json" >/dev/null 2>&1
check "pinned to the apart key, the log verifies" 0 $?
# The insider holds the data and the root key, not the apart key: puts an
# earlier copy back, removes its heads and signs it again with the key store.
rm -rf "$D2"; cp -a "$T/apart-copy" "$D2"
sqlite3 "$D2/mamori.db" "DELETE FROM kv WHERE CAST(k AS TEXT) LIKE 'audit/sth/%';"
"$M" audit head --data "$D2" --sign >/dev/null 2>&1
check "audit head --sign without the apart key signs with the key store's" 0 $?
"$M" audit verify --data "$D2" >/dev/null 2>&1
check "unpinned, the re-signed log passes (why auditors pin)" 0 $?
"$M" audit verify --data "$D2" --public-key "$T/apart/audit.pub" >"$T/v5.json" 2>/dev/null
check "pinned to the apart key, it fails" 1 $?
check "  problem" head_invalid "$(json_get '["problem"]' <"$T/v5.json")"
"$M" audit verify --data "$D2" --public-key "$T/apart/audit.pub" --trusted-head "$T/trusted3.json" >/dev/null 2>&1
check "and against the kept head" 1 $?

# 6. The key on a PKCS#11 token (SoftHSM2), when installed.
if command -v softhsm2-util >/dev/null && [ -e /usr/lib/softhsm/libsofthsm2.so ]; then
  mkdir -p "$T/hsm/tokens"
  echo "directories.tokendir = $T/hsm/tokens" >"$T/hsm/softhsm2.conf"
  export SOFTHSM2_CONF=$T/hsm/softhsm2.conf
  softhsm2-util --init-token --free --label mamori-audit --so-pin 5555-6666 --pin 1357-2468 >/dev/null
  "$M" audit key create --out "$T/hsm/import.key" >/dev/null
  softhsm2-util --import "$T/hsm/import.key" --token mamori-audit --label audit --id 01 --pin 1357-2468 >/dev/null
  rm -f "$T/hsm/import.key"
  (umask 077; echo 1357-2468 >"$T/hsm/pin")
  P=(--audit-pkcs11-module /usr/lib/softhsm/libsofthsm2.so --audit-pkcs11-token mamori-audit
     --audit-pkcs11-key audit --audit-pkcs11-pin-file "$T/hsm/pin")
  D3=$T/hsm-data
  "$M" init --data "$D3" "${P[@]}" >"$T/init3.json"
  check "init with the key on a PKCS#11 token" 0 $?
  contains "$T/init3.json" "pkcs11:/usr/lib/softhsm/libsofthsm2.so" "  names the token"
  "$M" audit head --data "$D3" --sign "${P[@]}" >/dev/null
  "$M" audit verify --data "$D3" --public-key "$D3/audit-public-key.pem" >"$T/v6.json" 2>&1
  check "heads signed on the token verify pinned" 0 $?
  check "  every head" 2 "$(json_get '["heads_checked"]' <"$T/v6.json")"
else
  echo "SKIP: PKCS#11 section: SoftHSM2 is not installed (scripts/install-deps installs softhsm2)" >&2
fi

echo "witness: $passed passed, $failed failed"
[ "$failed" = 0 ]
