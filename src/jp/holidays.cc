#include "jp/holidays.h"

#include <algorithm>
#include <string>

namespace mamori::jp {
namespace {

// 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday).
int Weekday(CivilDate d) {
  const int64_t w = (DaysFromCivil(d) + 4) % 7;
  return static_cast<int>(w < 0 ? w + 7 : w);
}

CivilDate Plus(CivilDate d, int days) { return CivilFromDays(DaysFromCivil(d) + days); }

// The n-th Monday of the month.
int NthMonday(int year, int month, int n) {
  const int first = Weekday({year, month, 1});
  const int first_monday = 1 + (8 - first) % 7;
  return first_monday + 7 * (n - 1);
}

// One holiday of art. 2 for the years it was on this rule: a fixed day, the
// n-th Monday (week > 0), or an equinox (day < 0: -1 vernal, -2 autumnal).
struct Rule {
  std::string_view name;
  int from, to;  // years, inclusive
  int month, day, week;
};

constexpr int kEver = kLastHolidayYear;
constexpr int kVernal = -1;
constexpr int kAutumnal = -2;

// The law as amended over the years. 1948 held only the three holidays after
// it came into force on 7/20; the others start in 1949.
constexpr Rule kRules[] = {
    {"元日", 1949, kEver, 1, 1, 0},           {"成人の日", 1949, 1999, 1, 15, 0},
    {"成人の日", 2000, kEver, 1, 0, 2},  // ハッピーマンデー (平成10年改正)
    {"建国記念の日", 1967, kEver, 2, 11, 0},  {"天皇誕生日", 2020, kEver, 2, 23, 0},
    {"春分の日", 1949, kEver, 3, kVernal, 0}, {"天皇誕生日", 1949, 1988, 4, 29, 0},
    {"みどりの日", 1989, 2006, 4, 29, 0},     {"昭和の日", 2007, kEver, 4, 29, 0},
    {"憲法記念日", 1949, kEver, 5, 3, 0},     {"みどりの日", 2007, kEver, 5, 4, 0},
    {"こどもの日", 1949, kEver, 5, 5, 0},     {"海の日", 1996, 2002, 7, 20, 0},
    {"海の日", 2003, 2019, 7, 0, 3},  // ハッピーマンデー (平成13年改正)
    {"海の日", 2022, kEver, 7, 0, 3},         {"山の日", 2016, 2019, 8, 11, 0},
    {"山の日", 2022, kEver, 8, 11, 0},        {"敬老の日", 1966, 2002, 9, 15, 0},
    {"敬老の日", 2003, kEver, 9, 0, 3},       {"秋分の日", 1948, kEver, 9, kAutumnal, 0},
    {"体育の日", 1966, 1999, 10, 10, 0},      {"体育の日", 2000, 2019, 10, 0, 2},
    {"スポーツの日", 2022, kEver, 10, 0, 2},  // 体育の日 renamed (令和2年)
    {"文化の日", 1948, kEver, 11, 3, 0},      {"勤労感謝の日", 1948, kEver, 11, 23, 0},
    {"天皇誕生日", 1989, 2018, 12, 23, 0},
};

struct Fixed {
  CivilDate date;
  std::string_view name;
  HolidayKind kind;
};

// Days of their own law: the imperial ceremonies, and the 2020/2021 moves of
// 海の日, スポーツの日 and 山の日 for the Olympic Games (オリンピック・パラリンピック
// 特別措置法 as amended in 2018 and 2020).
constexpr Fixed kFixed[] = {
    {{1959, 4, 10}, "皇太子明仁親王の結婚の儀", HolidayKind::kSpecial},
    {{1989, 2, 24}, "昭和天皇の大喪の礼", HolidayKind::kSpecial},
    {{1990, 11, 12}, "即位礼正殿の儀", HolidayKind::kSpecial},
    {{1993, 6, 9}, "皇太子徳仁親王の結婚の儀", HolidayKind::kSpecial},
    {{2019, 5, 1}, "天皇の即位の日", HolidayKind::kSpecial},
    {{2019, 10, 22}, "即位礼正殿の儀", HolidayKind::kSpecial},
    {{2020, 7, 23}, "海の日", HolidayKind::kNational},
    {{2020, 7, 24}, "スポーツの日", HolidayKind::kNational},
    {{2020, 8, 10}, "山の日", HolidayKind::kNational},
    {{2021, 7, 22}, "海の日", HolidayKind::kNational},
    {{2021, 7, 23}, "スポーツの日", HolidayKind::kNational},
    {{2021, 8, 8}, "山の日", HolidayKind::kNational},
};

// 振替休日 exist for 祝日 from the amendment of 1973-04-12; 国民の休日 from
// that of 1985-12-27; the 2007 amendment (平成17年改正, in force 2007-01-01)
// changed both.
constexpr CivilDate kSubstituteFrom{1973, 4, 12};
constexpr CivilDate kCitizensFrom{1985, 12, 27};
constexpr CivilDate kAmended2007{2007, 1, 1};
constexpr CivilDate kLawInForce{1948, 7, 20};

Status YearOutOfRange(std::string subject) {
  return Status::InvalidArgument("the holiday calendar covers the years " +
                                     std::to_string(kFirstHolidayYear) + " to " +
                                     std::to_string(kLastHolidayYear),
                                 "祝日の計算は" + std::to_string(kFirstHolidayYear) + "年から" +
                                     std::to_string(kLastHolidayYear) + "年までに対応しています",
                                 std::move(subject));
}

}  // namespace

// The formula of 海上保安庁水路部 (now 海洋情報部) for the equinox day in JST,
// in integer arithmetic (millionths of a day) so that no rounding of a
// double can move a day: day = trunc(A + 0.242194 (Y − 1980) − trunc(B / 4)).
int VernalEquinoxDay(int year) {
  if (year < 1900 || year > 2099) return 0;
  const int64_t y = year - 1980;
  const int64_t a = year <= 1979 ? 20'835'700 : 20'843'100;
  const int64_t leap = year <= 1979 ? (year - 1983) / 4 : (year - 1980) / 4;
  return static_cast<int>((a + 242'194 * y - 1'000'000 * leap) / 1'000'000);
}

int AutumnalEquinoxDay(int year) {
  if (year < 1900 || year > 2099) return 0;
  const int64_t y = year - 1980;
  const int64_t a = year <= 1979 ? 23'258'800 : 23'248'800;
  const int64_t leap = year <= 1979 ? (year - 1983) / 4 : (year - 1980) / 4;
  return static_cast<int>((a + 242'194 * y - 1'000'000 * leap) / 1'000'000);
}

Result<std::vector<Holiday>> HolidaysOfYear(int year) {
  if (year < kFirstHolidayYear || year > kLastHolidayYear) return Fail(YearOutOfRange("year"));
  // The 祝日 (art. 2 and the special laws) first: the other two kinds are
  // defined in terms of them.
  std::vector<Holiday> days;
  for (const Rule& r : kRules) {
    if (year < r.from || year > r.to) continue;
    int day = r.day;
    if (r.week > 0) day = NthMonday(year, r.month, r.week);
    if (day == kVernal) day = VernalEquinoxDay(year);
    if (day == kAutumnal) day = AutumnalEquinoxDay(year);
    CivilDate d{year, r.month, day};
    if (d < kLawInForce) continue;
    days.push_back({d, r.name, HolidayKind::kNational, {}});
  }
  for (const Fixed& f : kFixed) {
    if (f.date.year == year && f.date.day > 0) days.push_back({f.date, f.name, f.kind, {}});
  }
  std::sort(days.begin(), days.end(),
            [](const Holiday& a, const Holiday& b) { return a.date < b.date; });
  const std::vector<Holiday> shukujitsu = days;
  auto is_shukujitsu = [&](CivilDate d) {
    return std::any_of(shukujitsu.begin(), shukujitsu.end(),
                       [&](const Holiday& h) { return h.date == d; });
  };

  // 振替休日: before 2007 "その翌日", from 2007 "その日後においてその日に最も
  // 近い「国民の祝日」でない日".
  std::vector<Holiday> substitutes;
  for (const Holiday& h : shukujitsu) {
    if (Weekday(h.date) != 0 || h.date < kSubstituteFrom) continue;
    CivilDate next = Plus(h.date, 1);
    if (h.date >= kAmended2007) {
      while (is_shukujitsu(next)) next = Plus(next, 1);
    }
    if (next.year == year)
      substitutes.push_back({next, "振替休日", HolidayKind::kSubstitute, h.name});
  }
  auto is_substitute = [&](CivilDate d) {
    return std::any_of(substitutes.begin(), substitutes.end(),
                       [&](const Holiday& h) { return h.date == d; });
  };

  // 国民の休日: "その前日及び翌日が「国民の祝日」である日" — before 2007 also
  // "日曜日にあたる日及び前項に規定する休日にあたる日を除く".
  std::vector<Holiday> citizens;
  for (size_t i = 0; i + 1 < shukujitsu.size(); ++i) {
    const CivilDate between = Plus(shukujitsu[i].date, 1);
    if (Plus(between, 1) != shukujitsu[i + 1].date || between < kCitizensFrom) continue;
    if (between < kAmended2007 && (Weekday(between) == 0 || is_substitute(between))) continue;
    citizens.push_back({between, "国民の休日", HolidayKind::kCitizens, {}});
  }

  days.insert(days.end(), substitutes.begin(), substitutes.end());
  days.insert(days.end(), citizens.begin(), citizens.end());
  std::sort(days.begin(), days.end(),
            [](const Holiday& a, const Holiday& b) { return a.date < b.date; });
  return days;
}

Result<std::optional<Holiday>> HolidayOn(CivilDate d) {
  if (d.year < kFirstHolidayYear || d.year > kLastHolidayYear) {
    return Fail(YearOutOfRange("date"));
  }
  MAMORI_ASSIGN_OR_RETURN(auto days, HolidaysOfYear(d.year));
  for (const Holiday& h : days) {
    if (h.date == d) return std::optional<Holiday>(h);
  }
  return std::optional<Holiday>();
}

}  // namespace mamori::jp
