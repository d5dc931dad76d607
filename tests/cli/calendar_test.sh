#!/usr/bin/env bash
# `mamori calendar` and the date rules of `mamori incidents` (the reports to
# the Commission): the exact output of each command, and its refusals.
# Prints "N passed, N failed" and exits non-zero on any failure.
set -uo pipefail
M=${1:?usage: calendar_test.sh path/to/mamori}
T=$(mktemp -d "${MAMORI_TEST_TMP:-/tmp}/mamori-calendar-XXXXXX" 2>/dev/null || mktemp -d)
trap 'rm -rf "$T"' EXIT
passed=0; failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
# same DESCRIPTION EXPECTED -- command...: stdout is exactly EXPECTED (and a
# final newline), exit 0.
same() {
  local what=$1 want=$2; shift 3
  "$@" >"$T/out" 2>"$T/err"; local rc=$?
  if [ "$rc" = 0 ] && [ "$(cat "$T/out")" = "$want" ] && [ "$(tail -c 1 "$T/out" | od -An -c | tr -d ' ')" = '\n' ]; then
    ok
  else
    bad "$what: exit $rc, got '$(cat "$T/out")', wanted '$want'; stderr: $(cat "$T/err")"
  fi
}
refused() { # refused DESCRIPTION SUBJECT_TEXT -- command...: exit 1, nothing on stdout
  local what=$1 text=$2; shift 3
  "$@" >"$T/out" 2>"$T/err"; local rc=$?
  if [ "$rc" = 1 ] && [ ! -s "$T/out" ] && grep -qF -- "$text" "$T/err"; then ok
  else bad "$what: exit $rc, stdout '$(cat "$T/out")', stderr '$(cat "$T/err")'"; fi
}

same "holidays of 2025" "$(printf '%s\n' \
  $'2025-01-01\t元日' $'2025-01-13\t成人の日' $'2025-02-11\t建国記念の日' \
  $'2025-02-23\t天皇誕生日' $'2025-02-24\t振替休日' $'2025-03-20\t春分の日' \
  $'2025-04-29\t昭和の日' $'2025-05-03\t憲法記念日' $'2025-05-04\tみどりの日' \
  $'2025-05-05\tこどもの日' $'2025-05-06\t振替休日' $'2025-07-21\t海の日' \
  $'2025-08-11\t山の日' $'2025-09-15\t敬老の日' $'2025-09-23\t秋分の日' \
  $'2025-10-13\tスポーツの日' $'2025-11-03\t文化の日' $'2025-11-23\t勤労感謝の日' \
  $'2025-11-24\t振替休日')" -- "$M" calendar holidays --from 2025 --to 2025
"$M" calendar holidays --from 2019 --to 2020 >"$T/two" && [ "$(wc -l <"$T/two")" = 40 ] && ok ||
  bad "two years: $(wc -l <"$T/two") lines"
grep -qP '^2019-05-01\t天皇の即位の日$' "$T/two" && ok || bad "2019-05-01 in the list"

same "after 2024-12-27" "2025-01-06" -- "$M" calendar next-business-day 2024-12-27
same "across a three-day weekend" "2025-01-14" -- "$M" calendar next-business-day 2025-01-10
same "two business days" "2025-01-15" -- "$M" calendar next-business-day 2025-01-10 --days 2
same "--days 0 on a holiday" "2025-01-14" -- "$M" calendar next-business-day 2025-01-13 --days 0

same "reiwa gannen" "令和元年5月1日" -- "$M" calendar wareki 2019-05-01
same "heisei 31" "平成31年4月30日" -- "$M" calendar wareki 2019-04-30
same "showa 64" "昭和64年1月7日" -- "$M" calendar wareki 1989-01-07

refused "wareki before 1873" "1873-01-01" -- "$M" calendar wareki 1872-12-31
refused "not a date" "DATE" -- "$M" calendar wareki 2019-5-1
refused "impossible date" "DATE" -- "$M" calendar next-business-day 2025-02-29
refused "negative days" "0から3660" -- "$M" calendar next-business-day 2025-01-10 --days -1
refused "year before the law" "1948" -- "$M" calendar holidays --from 1947 --to 1948
refused "to before from" "--to" -- "$M" calendar holidays --from 2025 --to 2024
"$M" calendar holidays --from 2025 >/dev/null 2>&1; [ $? = 2 ] && ok || bad "--to is required"

# The reports to the Personal Information Protection Commission: the fixed
# output shape, 30 or 60 calendar days, 3 business days for the preliminary.
export MAMORI_COMPACT_JSON=1
D='{"aware":"2025-12-22","final_days":30,"final_report_due":"2026-01-21","preliminary_business_days":3,"preliminary_report_due":"2025-12-25","wrongful_purpose":false}'
same "deadlines" "$D" -- "$M" incidents deadlines --aware 2025-12-22
"$M" incidents deadlines --aware 2025-12-22 --wrongful | grep -qF '"final_report_due":"2026-02-20"' && ok ||
  bad "wrongful purpose: 60 days"
"$M" incidents deadlines --aware 2025-12-26 | grep -qF '"preliminary_report_due":"2026-01-07"' && ok ||
  bad "preliminary across the year-end closure"
same "1,200 people" '{"grounds":["over_1000_people"],"reportable":true}' -- "$M" incidents reportable --people 1200
same "1,000 people" '{"grounds":[],"reportable":false}' -- "$M" incidents reportable --people 1000
same "one My Number" '{"grounds":["my_number"],"reportable":true}' -- "$M" incidents reportable --people 1 --my-number
refused "not a date" "--aware" -- "$M" incidents deadlines --aware 2025-12-32
refused "no preliminary days" "preliminary_business_days" -- "$M" incidents deadlines --aware 2025-12-22 --preliminary-days 0
refused "negative people" "--people" -- "$M" incidents reportable --people -5
unset MAMORI_COMPACT_JSON

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
