// jp/holidays: the national holidays of Japan under 国民の祝日に関する法律
// (昭和23年法律第178号, in force 1948-07-20) and the special laws that made
// single days holidays, computed by rule rather than read from a table, so
// that the law is visible in the code and future years need no data update.
//
// What the rules cover (each with the years it applied):
//   - fixed-date holidays and their moves (天皇誕生日 4/29 → 12/23 → 2/23,
//     みどりの日 4/29 → 5/4 with 昭和の日 taking 4/29 from 2007);
//   - the Happy Monday holidays (成人の日 and 体育の日 from 2000, 海の日 and
//     敬老の日 from 2003) — the 2nd/3rd Monday of their month;
//   - 春分の日 and 秋分の日 from the equinox formula published for
//     1900–2099 (below). The Cabinet fixes each year's equinox day in the
//     官報 of February of the year before; the formula gives the same day
//     for every year so far, and for later years it is the forecast the
//     National Astronomical Observatory itself publishes;
//   - 振替休日 (law art. 3(2), from 1973-04-12): a 祝日 on a Sunday makes
//     the next day a holiday; from 2007 the next day that is not a 祝日;
//   - 国民の休日 (art. 3(3), from 1985-12-27): a day between two 祝日; before
//     2007 not a Sunday and not a 振替休日;
//   - the special days: 1959-04-10 皇太子明仁親王の結婚の儀, 1989-02-24
//     昭和天皇の大喪の礼, 1990-11-12 即位礼正殿の儀, 1993-06-09
//     皇太子徳仁親王の結婚の儀, 2019-05-01 天皇の即位の日 and 2019-10-22
//     即位礼正殿の儀 (the 2019 law deems both 国民の祝日, which is what makes
//     2019-04-30 and 2019-05-02 国民の休日), and the Olympic moves of
//     海の日, スポーツの日 and 山の日 in 2020 and 2021.
//
// Names are the law's: 振替休日 and 国民の休日 are the names in common use
// for the days of art. 3(2) and 3(3) (the Cabinet Office's table calls both
// "休日"). Supported years: kFirstHolidayYear..kLastHolidayYear; the formula
// for the equinoxes is not published beyond 2099.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"

namespace mamori::jp {

inline constexpr int kFirstHolidayYear = 1948;
inline constexpr int kLastHolidayYear = 2099;

enum class HolidayKind {
  kNational,    // 国民の祝日 named in art. 2
  kSpecial,     // a single day made a holiday by its own law (皇室の儀式)
  kSubstitute,  // 振替休日, art. 3(2)
  kCitizens,    // 国民の休日, art. 3(3)
};

struct Holiday {
  CivilDate date;
  std::string_view name;  // e.g. "成人の日", "振替休日", "国民の休日"
  HolidayKind kind = HolidayKind::kNational;
  // kSubstitute: the name of the 祝日 that fell on the Sunday before.
  std::string_view substitutes;
};

// The holidays of `year`, by date. kInvalidArgument (subject "year") outside
// kFirstHolidayYear..kLastHolidayYear. 1948 has only those from 7/20 on.
Result<std::vector<Holiday>> HolidaysOfYear(int year);

// The holiday on `d`, nullopt for a day that is none. kInvalidArgument
// (subject "date") outside the supported years.
Result<std::optional<Holiday>> HolidayOn(CivilDate d);

// The day of March (春分日) and of September (秋分日) of the equinox in
// JST by the published formula, for 1900..2099 (else 0).
int VernalEquinoxDay(int year);
int AutumnalEquinoxDay(int year);

}  // namespace mamori::jp
