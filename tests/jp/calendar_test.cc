// The calendar's known answers: holidays of each kind and special year,
// business days with the organisation's closed days, and 和暦. The whole
// range 1970-2050 is compared with @holiday-jp/holiday_jp by
// holiday_jp_test.sh; these cover what that data does not (1948-1969,
// 2051-2099, the rules' edges) and the arithmetic.
#include <gtest/gtest.h>

#include <string>

#include "jp/business_calendar.h"
#include "jp/holidays.h"
#include "jp/wareki.h"

namespace mamori::jp {
namespace {

std::string NameOn(int y, int m, int d) {
  auto h = HolidayOn({y, m, d});
  EXPECT_TRUE(h.has_value()) << h.error().ToString();
  return h && *h ? std::string((*h)->name) : "";
}

CivilDate Next(const BusinessCalendar& cal, CivilDate d, int n = 1) {
  auto r = cal.NextBusinessDay(d, n);
  EXPECT_TRUE(r.has_value()) << r.error().ToString();
  return r.value_or(CivilDate{});
}

TEST(HolidaysTest, KnownAnswersOfTheIssue) {
  EXPECT_EQ(NameOn(2025, 1, 13), "成人の日");
  EXPECT_EQ(NameOn(2025, 1, 14), "");
  BusinessCalendar cal;
  EXPECT_FALSE(*cal.IsBusinessDay({2025, 1, 13}));
  EXPECT_TRUE(*cal.IsBusinessDay({2025, 1, 14}));
  EXPECT_EQ(Next(cal, {2024, 12, 27}), (CivilDate{2025, 1, 6}));
}

TEST(HolidaysTest, TheLawStartsOn1948July20) {
  auto y1948 = HolidaysOfYear(1948);
  ASSERT_TRUE(y1948.has_value());
  ASSERT_EQ(y1948->size(), 3u);
  EXPECT_EQ((*y1948)[0].date, (CivilDate{1948, 9, 23}));
  EXPECT_EQ((*y1948)[0].name, "秋分の日");
  EXPECT_EQ(NameOn(1948, 1, 1), "");
  EXPECT_EQ(NameOn(1949, 1, 1), "元日");
  EXPECT_EQ(NameOn(1949, 4, 29), "天皇誕生日");
}

TEST(HolidaysTest, EquinoxesBefore1970) {
  // 春分の日 fell on 3/20 in 1960, 1964 and 1968, else on 3/21; 秋分の日 on
  // 9/24 in 1951, 1955, 1959, 1963 and 1967, else on 9/23 (官報).
  for (int y = 1949; y <= 1969; ++y) {
    const int vernal = (y == 1960 || y == 1964 || y == 1968) ? 20 : 21;
    const int autumnal = (y % 4 == 3) ? 24 : 23;
    EXPECT_EQ(VernalEquinoxDay(y), vernal) << y;
    EXPECT_EQ(AutumnalEquinoxDay(y), autumnal) << y;
    EXPECT_EQ(NameOn(y, 3, vernal), "春分の日") << y;
    EXPECT_EQ(NameOn(y, 9, autumnal), "秋分の日") << y;
  }
  // Published for 2026 (官報 2025-02-03): 3/20 and 9/23.
  EXPECT_EQ(VernalEquinoxDay(2026), 20);
  EXPECT_EQ(AutumnalEquinoxDay(2026), 23);
  // The formula's far end: 2092 and 2096 have 春分 on 3/19.
  EXPECT_EQ(VernalEquinoxDay(2092), 19);
  EXPECT_EQ(VernalEquinoxDay(2096), 19);
  EXPECT_EQ(VernalEquinoxDay(1899), 0);
  EXPECT_EQ(VernalEquinoxDay(2100), 0);
}

TEST(HolidaysTest, SpecialYears) {
  EXPECT_EQ(NameOn(1959, 4, 10), "皇太子明仁親王の結婚の儀");
  EXPECT_EQ(NameOn(1989, 2, 24), "昭和天皇の大喪の礼");
  EXPECT_EQ(NameOn(1989, 4, 29), "みどりの日");
  EXPECT_EQ(NameOn(1989, 12, 23), "天皇誕生日");
  EXPECT_EQ(NameOn(1990, 11, 12), "即位礼正殿の儀");
  EXPECT_EQ(NameOn(1993, 6, 9), "皇太子徳仁親王の結婚の儀");
  // 2019: no 天皇誕生日; 5/1 deemed a 祝日, so 4/30 and 5/2 lie between two.
  EXPECT_EQ(NameOn(2019, 12, 23), "");
  EXPECT_EQ(NameOn(2019, 2, 23), "");
  EXPECT_EQ(NameOn(2019, 4, 30), "国民の休日");
  EXPECT_EQ(NameOn(2019, 5, 1), "天皇の即位の日");
  EXPECT_EQ(NameOn(2019, 5, 2), "国民の休日");
  EXPECT_EQ(NameOn(2019, 10, 22), "即位礼正殿の儀");
  EXPECT_EQ(NameOn(2020, 2, 23), "天皇誕生日");
}

TEST(HolidaysTest, OlympicMoves) {
  EXPECT_EQ(NameOn(2020, 7, 23), "海の日");
  EXPECT_EQ(NameOn(2020, 7, 24), "スポーツの日");
  EXPECT_EQ(NameOn(2020, 8, 10), "山の日");
  EXPECT_EQ(NameOn(2020, 7, 20), "");  // the 3rd Monday, not in 2020
  EXPECT_EQ(NameOn(2020, 8, 11), "");
  EXPECT_EQ(NameOn(2020, 10, 12), "");  // the 2nd Monday, not in 2020
  EXPECT_EQ(NameOn(2021, 7, 22), "海の日");
  EXPECT_EQ(NameOn(2021, 7, 23), "スポーツの日");
  EXPECT_EQ(NameOn(2021, 8, 8), "山の日");
  EXPECT_EQ(NameOn(2021, 8, 9), "振替休日");
  EXPECT_EQ(NameOn(2021, 10, 11), "");
  EXPECT_EQ(NameOn(2022, 7, 18), "海の日");
  EXPECT_EQ(NameOn(2022, 10, 10), "スポーツの日");
}

TEST(HolidaysTest, SubstituteHolidays) {
  // Before the 1973-04-12 amendment a Sunday 祝日 gave no day off.
  EXPECT_EQ(NameOn(1973, 2, 11), "建国記念の日");  // a Sunday
  EXPECT_EQ(NameOn(1973, 2, 12), "");
  EXPECT_EQ(NameOn(1973, 4, 30), "振替休日");  // the first
  // From 2007 the next day that is not a 祝日: 5/4 (Sunday) → 5/6.
  auto h = HolidayOn({2008, 5, 6});
  ASSERT_TRUE(h && *h);
  EXPECT_EQ((*h)->kind, HolidayKind::kSubstitute);
  EXPECT_EQ((*h)->substitutes, "みどりの日");
  EXPECT_EQ(NameOn(2008, 5, 5), "こどもの日");
  // Before 2007 the next day only: 1987-05-03 (Sunday) → 5/4, which the
  // 国民の休日 rule then does not claim.
  EXPECT_EQ(NameOn(1987, 5, 4), "振替休日");
}

TEST(HolidaysTest, CitizensHolidays) {
  EXPECT_EQ(NameOn(1985, 5, 4), "");  // before the 1985-12-27 amendment
  EXPECT_EQ(NameOn(1986, 5, 4), "");  // a Sunday, excluded before 2007
  EXPECT_EQ(NameOn(1988, 5, 4), "国民の休日");
  EXPECT_EQ(NameOn(2006, 5, 4), "国民の休日");
  EXPECT_EQ(NameOn(2007, 5, 4), "みどりの日");
  EXPECT_EQ(NameOn(2009, 9, 22), "国民の休日");  // シルバーウィーク
  EXPECT_EQ(NameOn(2026, 9, 22), "国民の休日");
  EXPECT_EQ(NameOn(2032, 9, 21), "国民の休日");
}

TEST(HolidaysTest, HappyMondays) {
  EXPECT_EQ(NameOn(1999, 1, 15), "成人の日");
  EXPECT_EQ(NameOn(2000, 1, 10), "成人の日");
  EXPECT_EQ(NameOn(2000, 1, 15), "");
  EXPECT_EQ(NameOn(2002, 9, 15), "敬老の日");
  EXPECT_EQ(NameOn(2003, 9, 15), "敬老の日");  // the 3rd Monday that year
  EXPECT_EQ(NameOn(2004, 9, 20), "敬老の日");
  EXPECT_EQ(NameOn(2003, 7, 21), "海の日");
  EXPECT_EQ(NameOn(2099, 1, 12), "成人の日");
}

TEST(HolidaysTest, RefusesYearsOutsideTheLaw) {
  auto before = HolidaysOfYear(1947);
  ASSERT_FALSE(before.has_value());
  EXPECT_EQ(before.error().code(), Code::kInvalidArgument);
  EXPECT_EQ(before.error().subject(), "year");
  EXPECT_FALSE(HolidaysOfYear(2100).has_value());
  auto on = HolidayOn({2100, 1, 1});
  ASSERT_FALSE(on.has_value());
  EXPECT_EQ(on.error().subject(), "date");
}

TEST(BusinessCalendarTest, WeekendsHolidaysAndTheYearEnd) {
  BusinessCalendar cal;
  EXPECT_EQ(*cal.Kind({2025, 1, 11}), DayKind::kSaturday);
  EXPECT_EQ(*cal.Kind({2025, 1, 12}), DayKind::kSunday);
  EXPECT_EQ(*cal.Kind({2025, 1, 13}), DayKind::kHoliday);
  EXPECT_EQ(*cal.Kind({2025, 12, 29}), DayKind::kOrganisation);
  EXPECT_EQ(*cal.Kind({2026, 1, 2}), DayKind::kOrganisation);
  EXPECT_EQ(*cal.Kind({2026, 1, 1}), DayKind::kHoliday);  // 元日 is named first
  EXPECT_EQ(*cal.Kind({2025, 12, 26}), DayKind::kBusiness);
  EXPECT_EQ(*cal.Kind({2026, 1, 5}), DayKind::kBusiness);
  EXPECT_EQ(DayKindName(DayKind::kOrganisation), "organisation");
}

TEST(BusinessCalendarTest, NextBusinessDayArithmetic) {
  BusinessCalendar cal;
  // A three-day weekend: Friday 2025-01-10 → Tuesday 1/14.
  EXPECT_EQ(Next(cal, {2025, 1, 10}), (CivilDate{2025, 1, 14}));
  EXPECT_EQ(Next(cal, {2025, 1, 10}, 2), (CivilDate{2025, 1, 15}));
  EXPECT_EQ(Next(cal, {2025, 1, 11}), (CivilDate{2025, 1, 14}));
  // Golden Week 2025: 5/3 (Sat) – 5/6 (振替休日).
  EXPECT_EQ(Next(cal, {2025, 5, 2}), (CivilDate{2025, 5, 7}));
  // n = 0: the day itself when open.
  EXPECT_EQ(Next(cal, {2025, 1, 14}, 0), (CivilDate{2025, 1, 14}));
  EXPECT_EQ(Next(cal, {2025, 1, 13}, 0), (CivilDate{2025, 1, 14}));
  // Ten business days from 2024-12-20.
  EXPECT_EQ(Next(cal, {2024, 12, 20}, 10), (CivilDate{2025, 1, 10}));
  auto bad = cal.NextBusinessDay({2025, 1, 10}, -1);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().subject(), "days");
  auto beyond = cal.NextBusinessDay({2099, 12, 30}, 5);
  ASSERT_FALSE(beyond.has_value());
  EXPECT_EQ(beyond.error().subject(), "date");
}

TEST(BusinessCalendarTest, OrganisationClosedDaysArePolicy) {
  ClosedDays closed;
  closed.saturdays = false;  // a branch open on Saturdays
  closed.annual = {*ParseAnnualClosure("12-31..01-03"), *ParseAnnualClosure("08-13..08-15")};
  closed.dates = {{2025, 6, 2}};  // 創立記念日
  auto cal = BusinessCalendar::Make(closed);
  ASSERT_TRUE(cal.has_value()) << cal.error().ToString();
  EXPECT_TRUE(*cal->IsBusinessDay({2025, 1, 11}));  // a Saturday
  EXPECT_TRUE(*cal->IsBusinessDay({2025, 12, 29}));
  EXPECT_FALSE(*cal->IsBusinessDay({2025, 8, 14}));
  EXPECT_FALSE(*cal->IsBusinessDay({2025, 6, 2}));
  EXPECT_EQ(Next(*cal, {2025, 5, 30}), (CivilDate{2025, 5, 31}));
  EXPECT_EQ(Next(*cal, {2025, 5, 31}), (CivilDate{2025, 6, 3}));
  EXPECT_EQ(FormatAnnualClosure(closed.annual[1]), "08-13..08-15");

  EXPECT_FALSE(ParseAnnualClosure("12-29-01-03").has_value());
  EXPECT_FALSE(ParseAnnualClosure("13-01..01-03").has_value());
  EXPECT_FALSE(ParseAnnualClosure("02-30..03-01").has_value());
  EXPECT_TRUE(ParseAnnualClosure("02-29..02-29").has_value());
  ClosedDays out_of_range;
  out_of_range.dates = {{2200, 1, 1}};
  EXPECT_FALSE(BusinessCalendar::Make(out_of_range).has_value());
}

std::string Wa(int y, int m, int d) {
  auto w = FormatWareki({y, m, d});
  EXPECT_TRUE(w.has_value()) << y << "-" << m << "-" << d;
  return w.value_or("");
}

TEST(WarekiTest, ErasChangeOnTheExactDay) {
  EXPECT_EQ(Wa(2019, 5, 1), "令和元年5月1日");
  EXPECT_EQ(Wa(2019, 4, 30), "平成31年4月30日");
  EXPECT_EQ(Wa(2020, 1, 1), "令和2年1月1日");
  EXPECT_EQ(Wa(1989, 1, 7), "昭和64年1月7日");
  EXPECT_EQ(Wa(1989, 1, 8), "平成元年1月8日");
  EXPECT_EQ(Wa(1926, 12, 24), "大正15年12月24日");
  EXPECT_EQ(Wa(1926, 12, 25), "昭和元年12月25日");
  EXPECT_EQ(Wa(1912, 7, 29), "明治45年7月29日");
  EXPECT_EQ(Wa(1912, 7, 30), "大正元年7月30日");
  EXPECT_EQ(Wa(1873, 1, 1), "明治6年1月1日");
  EXPECT_EQ(Wa(2026, 12, 31), "令和8年12月31日");
  auto w = ToWareki({1989, 1, 8});
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->era, "平成");
  EXPECT_EQ(w->year, 1);
}

TEST(WarekiTest, RefusesTheLunisolarYearsAndImpossibleDates) {
  auto before = FormatWareki({1872, 12, 31});
  ASSERT_FALSE(before.has_value());
  EXPECT_EQ(before.error().code(), Code::kInvalidArgument);
  EXPECT_EQ(before.error().subject(), "date");
  EXPECT_FALSE(FormatWareki({2023, 2, 29}).has_value());
}

}  // namespace
}  // namespace mamori::jp
