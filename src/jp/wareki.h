// jp/wareki: 和暦 — the Japanese era (元号) and year of a date, as forms and
// registers print it: "令和元年5月1日", "平成31年4月30日".
//
// Eras change on the day the law (元号法 and the 政令 of each era) names:
//   明治 (Gregorian dates from 1873-01-01, see below), 大正 1912-07-30,
//   昭和 1926-12-25, 平成 1989-01-08, 令和 2019-05-01.
// The first year of an era is written 元年, never 1年.
//
// Decision: dates before 1873-01-01 (明治6年1月1日, when Japan adopted the
// Gregorian calendar) are refused. Before it the lunisolar calendar was in
// use, so a Gregorian date has a different month and day in 和暦 and this
// module would print a wrong date rather than an unsupported one.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "core/time.h"

namespace mamori::jp {

struct Wareki {
  std::string_view era;  // "明治", "大正", "昭和", "平成", "令和"
  int year = 1;          // 1 = 元年
  int month = 1, day = 1;
};

// kInvalidArgument (subject "date") for an impossible date or one before
// 1873-01-01.
Result<Wareki> ToWareki(CivilDate d);

// "令和元年5月1日", "平成31年4月30日": era, year (元 for 1), month and day
// in ASCII digits without padding.
Result<std::string> FormatWareki(CivilDate d);

}  // namespace mamori::jp
