// The Commission's reporting rules as mamori computes them: which incidents
// are reportable and when the preliminary and final reports are due, across
// the year end, with a wrongful purpose, and under a changed policy.
#include "governance/incident_reporting.h"

#include <gtest/gtest.h>

namespace mamori::governance {
namespace {

CivilDate D(int y, int m, int d) { return CivilDate{y, m, d}; }

TEST(ReportabilityTest, EachGroundOfTheRulesMakesAnIncidentReportable) {
  EXPECT_FALSE(ReportabilityOf({}).reportable);
  IncidentFacts small;
  small.people = 1000;  // "more than 1,000": 1,000 itself is not
  EXPECT_FALSE(ReportabilityOf(small).reportable);
  IncidentFacts many;
  many.people = 1200;
  EXPECT_EQ(ReportabilityOf(many).grounds, std::vector<std::string>{"over_1000_people"});
  IncidentFacts one;
  one.people = 1;
  one.sensitive = true;
  EXPECT_TRUE(ReportabilityOf(one).reportable);
  one = {};
  one.people = 1;
  one.financial_damage = true;
  EXPECT_TRUE(ReportabilityOf(one).reportable);
  one = {};
  one.people = 1;
  one.wrongful_purpose = true;
  EXPECT_TRUE(ReportabilityOf(one).reportable);
  one = {};
  one.people = 1;
  one.my_number = true;
  EXPECT_EQ(ReportabilityOf(one).grounds, std::vector<std::string>{"my_number"});
  IncidentFacts all{true, true, true, 5000, true};
  EXPECT_EQ(ReportabilityOf(all).grounds,
            (std::vector<std::string>{"sensitive", "financial_damage", "wrongful_purpose",
                                      "over_1000_people", "my_number"}));
}

// Aware on Monday 2025-12-22: three business days is Thursday 12-25; 30
// calendar days is 2026-01-21 (past the year-end closure, not moved), 60
// days for a wrongful purpose 2026-02-20; overdue from the day after.
TEST(DeadlinesTest, ThirtyOrSixtyCalendarDaysAndThreeBusinessDays) {
  jp::BusinessCalendar cal;
  auto d = DeadlinesFor(D(2025, 12, 22), false, {}, cal);
  ASSERT_TRUE(d.has_value()) << d.error().ToString();
  EXPECT_EQ(FormatDate(d->preliminary_report_due), "2025-12-25");
  EXPECT_EQ(FormatDate(d->final_report_due), "2026-01-21");
  EXPECT_EQ(d->final_days, 30);
  EXPECT_FALSE(Overdue(d->final_report_due, D(2026, 1, 21)));
  EXPECT_TRUE(Overdue(d->final_report_due, D(2026, 1, 22)));
  auto w = DeadlinesFor(D(2025, 12, 22), true, {}, cal);
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(FormatDate(w->final_report_due), "2026-02-20");
  EXPECT_EQ(w->final_days, 60);
}

// The preliminary report counts business days: aware on Friday 2025-12-26,
// the year-end closure (12-29..01-03) and the weekend push it to 2026-01-07.
TEST(DeadlinesTest, ThePreliminaryReportSkipsTheYearEndClosure) {
  jp::BusinessCalendar cal;
  auto d = DeadlinesFor(D(2025, 12, 26), false, {}, cal);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(FormatDate(d->preliminary_report_due), "2026-01-07");
  EXPECT_EQ(FormatDate(d->final_report_due), "2026-01-25");  // a Sunday: not moved
}

TEST(DeadlinesTest, ThePeriodsArePolicyAndOutOfRangeIsRefused) {
  jp::BusinessCalendar cal;
  ReportingPolicy p;
  p.preliminary_business_days = 5;
  p.final_days = 20;
  auto d = DeadlinesFor(D(2026, 3, 2), false, p, cal);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(FormatDate(d->preliminary_report_due), "2026-03-09");
  EXPECT_EQ(FormatDate(d->final_report_due), "2026-03-22");
  for (auto bad : {ReportingPolicy{0, 30, 60}, ReportingPolicy{31, 30, 60},
                   ReportingPolicy{3, 0, 60}, ReportingPolicy{3, 30, 367}}) {
    auto r = DeadlinesFor(D(2026, 3, 2), false, bad, cal);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code(), Code::kInvalidArgument);
  }
  auto outside = DeadlinesFor(D(2099, 12, 30), false, {}, cal);
  EXPECT_FALSE(outside.has_value());
}

}  // namespace
}  // namespace mamori::governance
