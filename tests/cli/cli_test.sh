#!/usr/bin/env bash
# End-to-end test of the `mamori` command as an operator uses it: real
# binary, real files, tampering with the audit log through sqlite3.
# Prints "N passed, N failed" and exits non-zero on any failure.
set -uo pipefail
M=${1:?usage: cli_test.sh path/to/mamori}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d "${MAMORI_TEST_TMP:-/tmp}/mamori-cli-XXXXXX" 2>/dev/null || mktemp -d)
trap 'rm -rf "$T"' EXIT
D=$T/data
export MAMORI_COMPACT_JSON=1
passed=0; failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
expect_rc() { # expect_rc CODE DESCRIPTION -- command...
  local want=$1 what=$2; shift 3
  "$@" >"$T/out" 2>"$T/err"; local rc=$?
  if [ "$rc" = "$want" ]; then ok; else bad "$what: exit $rc, wanted $want; stderr: $(cat "$T/err")"; fi
}
contains() { # contains FILE TEXT DESCRIPTION
  if grep -qF -- "$2" "$1"; then ok; else bad "$3: '$2' not in $(head -c 400 "$1")"; fi
}
not_contains() { # not_contains FILE TEXT DESCRIPTION
  if grep -qF -- "$2" "$1"; then bad "$3: '$2' found in $(head -c 400 "$1")"; else ok; fi
}
json_get() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

expect_rc 0 "help" -- "$M" --help
expect_rc 0 "record put help" -- "$M" record put --help
expect_rc 2 "unknown verb" -- "$M" frobnicate
expect_rc 0 "init" -- "$M" init --data "$D"
expect_rc 1 "init twice is refused" -- "$M" init --data "$D"
contains "$T/err" "already exists" "init twice says why"
[ "$(stat -c %a "$D/keys/root.key")" = 600 ] && ok || bad "root key mode"

# My Number tools.
mn=$("$M" mynumber generate --count 3 | head -1)
expect_rc 0 "generated number is valid" -- "$M" mynumber check "$mn"
wrong=${mn:0:11}$(( (${mn:11:1} + 1) % 10 ))
expect_rc 1 "wrong check digit is invalid" -- "$M" mynumber check "$wrong"
expect_rc 0 "corporate number of 国税庁" -- "$M" mynumber check --corporate 7000012050002

# Datasets.
cat >"$T/ds.json" <<'JSON'
{"name": "employee_my_number",
 "title": "従業員等の個人番号",
 "department": "総務部",
 "category": "specific_personal_information",
 "classification": {"confidentiality": 3, "integrity": 2, "availability": 2},
 "handling": ["no_copy", "encrypt_required"],
 "retention": {"years": 7, "from": "end_of_use"},
 "purposes": [{"id": "withholding", "title": "源泉徴収票作成事務", "basis": "所得税法第226条"}],
 "fields": [
   {"name": "my_number", "type": "my_number", "required": true, "indexed": true},
   {"name": "name", "type": "name", "required": true, "indexed": true},
   {"name": "name_kana", "type": "kana", "indexed": true},
   {"name": "birth_date", "type": "date"}]}
JSON
expect_rc 0 "dataset create" -- "$M" dataset create --data "$D" --file "$T/ds.json"
expect_rc 1 "duplicate dataset" -- "$M" dataset create --data "$D" --file "$T/ds.json"
expect_rc 0 "dataset list" -- "$M" dataset list --data "$D"
contains "$T/out" '"name":"employee_my_number"' "dataset list shows it"
expect_rc 0 "dataset show" -- "$M" dataset show --data "$D" --dataset employee_my_number
contains "$T/out" "items_collected" "ledger view"
contains "$T/out" "利用終了日から7年" "ledger retention"

# Records.
expect_rc 0 "record put" -- "$M" record put --data "$D" --dataset employee_my_number --purpose withholding \
  --json "{\"my_number\":\"$mn\",\"name\":\"山田 太郎\",\"name_kana\":\"ﾔﾏﾀﾞ ﾀﾛｳ\",\"birth_date\":\"1980-04-01\"}"
id=$(json_get "['id']" <"$T/out")
[ ${#id} = 32 ] && ok || bad "put prints an id"
expect_rc 0 "record get" -- "$M" record get --data "$D" --dataset employee_my_number --purpose withholding --id "$id"
[ "$(json_get "['name_kana']" <"$T/out")" = "ヤマダ タロウ" ] && ok || bad "get returns normalised kana"
[ "$(json_get "['my_number']" <"$T/out")" = "$mn" ] && ok || bad "get returns the number"
expect_rc 0 "record find" -- "$M" record find --data "$D" --dataset employee_my_number --purpose withholding --field name_kana --value "やまだ　たろう"
contains "$T/out" "$id" "find by kana in another script"
expect_rc 0 "record update" -- "$M" record update --data "$D" --dataset employee_my_number --purpose withholding --id "$id" --json '{"name":"山田 一郎"}'
expect_rc 0 "record history" -- "$M" record history --data "$D" --dataset employee_my_number --purpose withholding --id "$id"
[ "$(json_get "[0]['name']" <"$T/out")" = "山田 太郎" ] && ok || bad "history keeps the old version"
[ "$(json_get "[1]['_meta']['version']" <"$T/out")" = 2 ] && ok || bad "history carries versions"
expect_rc 0 "record list" -- "$M" record list --data "$D" --dataset employee_my_number --purpose withholding --limit 10
expect_rc 0 "record find, one per page" -- "$M" record find --data "$D" --dataset employee_my_number --purpose withholding --field name_kana --value "ヤマダ タロウ" --limit 1
[ "$(json_get "['ids']" <"$T/out")" = "['$id']" ] && ok || bad "find pages ids"
[ "$(json_get "['next_cursor']" <"$T/out")" = "" ] && ok || bad "find says it is the last page"
expect_rc 0 "record verify" -- "$M" record verify --data "$D" --dataset employee_my_number
[ "$(json_get "['ok']" <"$T/out")" = True ] && ok || bad "record verify is ok on an untouched store"

# An older version copied over the current one with sqlite3, no key: refused.
expect_rc 0 "record put (rollback)" -- "$M" record put --data "$D" --dataset employee_my_number --purpose withholding \
  --json "{\"my_number\":\"$("$M" mynumber generate)\",\"name\":\"巻戻 一\"}"
rid=$(json_get "['id']" <"$T/out")
expect_rc 0 "record update (rollback)" -- "$M" record update --data "$D" --dataset employee_my_number --purpose withholding --id "$rid" --json '{"name":"巻戻 二"}'
rkey="r/employee_my_number/$rid"
saved=$(sqlite3 "$D/mamori.db" "SELECT hex(v) FROM kv WHERE k = CAST('$rkey' AS BLOB);")
sqlite3 "$D/mamori.db" "UPDATE kv SET v = (SELECT v FROM kv WHERE k = CAST('h/employee_my_number/$rid/00000001' AS BLOB)) WHERE k = CAST('$rkey' AS BLOB);"
expect_rc 1 "rolled-back record is refused" -- "$M" record get --data "$D" --dataset employee_my_number --purpose withholding --id "$rid"
contains "$T/err" "data_loss" "rollback is data_loss"
contains "$T/err" "$rid" "rollback names the record"
if grep -qF "巻戻" "$T/err"; then bad "rollback error shows a value"; else ok; fi
expect_rc 1 "record verify finds it" -- "$M" record verify --data "$D" --dataset employee_my_number
contains "$T/out" "$rid" "record verify names the record"
sqlite3 "$D/mamori.db" "UPDATE kv SET v = X'$saved' WHERE k = CAST('$rkey' AS BLOB);"
expect_rc 0 "restored record reads" -- "$M" record get --data "$D" --dataset employee_my_number --purpose withholding --id "$rid"

# Refusals: clear, named, nothing written.
expect_rc 1 "unregistered purpose" -- "$M" record get --data "$D" --dataset employee_my_number --purpose marketing --id "$id"
contains "$T/err" "not registered" "refusal says the purpose is not registered"
not_contains "$T/err" "marketing" "refusal does not echo what was typed as the purpose"
expect_rc 2 "purpose is required" -- "$M" record get --data "$D" --dataset employee_my_number --id "$id"
expect_rc 1 "bad check digit" -- "$M" record put --data "$D" --dataset employee_my_number --purpose withholding --json "{\"my_number\":\"$wrong\",\"name\":\"x\"}"
contains "$T/err" "my_number" "bad check digit names the field"
if grep -qF "$wrong" "$T/err"; then bad "error message leaks the number"; else ok; fi
expect_rc 1 "malformed JSON" -- "$M" record put --data "$D" --dataset employee_my_number --purpose withholding --json '{"name":'
expect_rc 0 "refusals are audited" -- "$M" audit events --data "$D" --result refused --limit 0
[ "$(json_get ".__len__()" <"$T/out")" -ge 3 ] && ok || bad "refused events recorded"

# Audit: head, proof, verify.
expect_rc 0 "audit head --sign" -- "$M" audit head --data "$D" --sign
size=$(json_get "['size']" <"$T/out")
expect_rc 0 "inclusion proof" -- "$M" audit proof --data "$D" --seq 3
[ "$(json_get "['verified']" <"$T/out")" = True ] && ok || bad "inclusion proof verifies"
expect_rc 0 "consistency proof" -- "$M" audit proof --data "$D" --from 2
[ "$(json_get "['verified']" <"$T/out")" = True ] && ok || bad "consistency proof verifies"
expect_rc 0 "audit verify (pinned key)" -- "$M" audit verify --data "$D" --public-key "$D/audit-public-key.pem"

# Keys and disposal.
expect_rc 0 "keys rotate" -- "$M" keys rotate --data "$D"
expect_rc 0 "keys rotate --root" -- "$M" keys rotate --data "$D" --root
expect_rc 0 "get after rotations" -- "$M" record get --data "$D" --dataset employee_my_number --purpose withholding --id "$id"
expect_rc 0 "end of use" -- "$M" record end-use --data "$D" --dataset employee_my_number --purpose withholding --id "$id" --date 2015-03-31
expect_rc 0 "retention sweep" -- "$M" retention sweep --data "$D" --today 2026-11-22
[ "$(json_get "['shredded']" <"$T/out")" = 1 ] && ok || bad "sweep shreds the expired record"
expect_rc 1 "shredded record is gone" -- "$M" record get --data "$D" --dataset employee_my_number --purpose withholding --id "$id"
expect_rc 0 "disposal records" -- "$M" record disposals --data "$D" --dataset employee_my_number
contains "$T/out" '"signature"' "disposal record is signed"
expect_rc 0 "verify after everything" -- "$M" audit verify --data "$D"

# Wrong root key: refused, nothing changed.
cp "$D/keys/root.key" "$T/root.key.saved"
head -c 32 /dev/urandom >"$D/keys/root.key"
sum_before=$(sha256sum "$D/mamori.db" "$D/keys/keys.db")
expect_rc 1 "wrong root key" -- "$M" dataset list --data "$D"
contains "$T/err" "root key does not match" "wrong key says why"
[ "$sum_before" = "$(sha256sum "$D/mamori.db" "$D/keys/keys.db")" ] && ok || bad "wrong key changed files"
cp "$T/root.key.saved" "$D/keys/root.key"

# Tampering with the audit log: each kind is caught and named.
for i in 1 2 3; do "$M" record put --data "$D" --dataset employee_my_number --purpose withholding \
  --json "{\"my_number\":\"$("$M" mynumber generate)\",\"name\":\"検証 $i\"}" >/dev/null; done
sqlite3 "$D/mamori.db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
key() { printf 'audit/e/%016x' "$1"; }
cp "$D/mamori.db" "$T/pristine.db"
sqlite3 "$D/mamori.db" "UPDATE kv SET v = CAST(replace(CAST(v AS TEXT), 'os:', 'xx:') AS BLOB) WHERE k = CAST('$(key 5)' AS BLOB);"
expect_rc 1 "modified event" -- "$M" audit verify --data "$D"
contains "$T/out" '"first_bad_seq":5' "modified event is named"
cp "$T/pristine.db" "$D/mamori.db"
sqlite3 "$D/mamori.db" "DELETE FROM kv WHERE k = CAST('$(key 7)' AS BLOB);"
expect_rc 1 "deleted event" -- "$M" audit verify --data "$D"
contains "$T/out" '"first_bad_seq":7' "deleted event is named"
cp "$T/pristine.db" "$D/mamori.db"
sqlite3 "$D/mamori.db" "UPDATE kv SET k = CAST('tmp' AS BLOB) WHERE k = CAST('$(key 8)' AS BLOB);
  UPDATE kv SET k = CAST('$(key 8)' AS BLOB) WHERE k = CAST('$(key 9)' AS BLOB);
  UPDATE kv SET k = CAST('$(key 9)' AS BLOB) WHERE k = CAST('tmp' AS BLOB);"
expect_rc 1 "reordered events" -- "$M" audit verify --data "$D"
contains "$T/out" '"first_bad_seq":8' "reordering is named"
cp "$T/pristine.db" "$D/mamori.db"
expect_rc 0 "pristine copy verifies" -- "$M" audit verify --data "$D"

echo "cli: $passed passed, $failed failed"
[ "$failed" = 0 ]
