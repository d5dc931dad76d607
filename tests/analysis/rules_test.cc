// The rules with known answers, through the real parser and calendar: each
// test writes audit events as the log stores them (audit::CanonicalJson),
// evaluates them, and checks the findings — and, as often, that the same
// events at an innocent time or below a threshold find nothing.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "analysis/collector.h"
#include "analysis/event_view.h"
#include "analysis/rules.h"
#include "audit/event.h"

namespace mamori::analysis {
namespace {

// 2025-01-13 (成人の日) and 2025-01-14 (a Tuesday), JST.
TimeMicros Jst(CivilDate d, int hh, int mm, int ss = 0) {
  return JstMidnight(d) + ((hh * 60 + mm) * 60 + ss) * kMicrosPerSecond;
}
constexpr CivilDate kHoliday{2025, 1, 13};
constexpr CivilDate kTuesday{2025, 1, 14};

class RulesTest : public ::testing::Test {
 protected:
  RulesTest() {
    facts_.terminals = {"t-soumu-1", "t-soumu-2"};
    facts_.service_accounts = {"app-batch"};
    facts_.confidentiality = {{"loan_customer", 2}, {"employee_my_number", 3}};
  }

  // An event as the log stores it, evaluated at once.
  void Add(TimeMicros t, std::string actor, std::string op, std::string result = "ok",
           std::string dataset = "loan_customer", std::string terminal = "t-soumu-1",
           std::string purpose = "credit_screening", std::string reason = "",
           std::map<std::string, std::string> attrs = {}) {
    audit::Event ev;
    ev.time = t;
    ev.seq = seq_++;
    ev.actor = std::move(actor);
    ev.operation = std::move(op);
    ev.result = std::move(result);
    ev.dataset = ev.operation.starts_with("record.") ? std::move(dataset) : "";
    ev.terminal = std::move(terminal);
    ev.purpose = ev.operation.starts_with("record.") ? std::move(purpose) : "";
    ev.reason = std::move(reason);
    ev.attrs = std::move(attrs);
    if (ev.operation.starts_with("record.")) ev.record = "0123456789abcdef0123456789abcdef";
    const std::string json = audit::CanonicalJson(ev);
    EventView view;
    ASSERT_TRUE(parser_.Parse(json, view).ok()) << json;
    ASSERT_EQ(view.seq, ev.seq);
    Eval().Add(view);
  }
  void Read(TimeMicros t, const std::string& actor = "sato_hanako",
            const std::string& dataset = "loan_customer") {
    Add(t, actor, "record.get", "ok", dataset);
  }

  Evaluator& Eval() {
    if (!eval_) eval_ = std::make_unique<Evaluator>(params_, calendar_, facts_, collector_);
    return *eval_;
  }

  std::vector<Finding> Findings(Rule rule) {
    if (all_.empty()) {
      for (auto& c : collector_.TakeAll()) all_.push_back(c.finding);
    }
    std::vector<Finding> out;
    for (const auto& f : all_) {
      if (f.rule == rule) out.push_back(f);
    }
    return out;
  }

  Parameters params_;
  jp::BusinessCalendar calendar_;
  Facts facts_;
  Collector collector_;
  EventParser parser_;
  std::unique_ptr<Evaluator> eval_;
  std::vector<Finding> all_;
  uint64_t seq_ = 100;
};

TEST_F(RulesTest, ReadsAt2340OnANationalHolidayAreFound) {
  Read(Jst(kHoliday, 23, 40));
  Read(Jst(kHoliday, 23, 41));
  auto found = Findings(Rule::kOffHours);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].actor, "sato_hanako");
  EXPECT_EQ(found[0].count, 2u);
  EXPECT_EQ(found[0].evidence, (std::vector<uint64_t>{100, 101}));
  EXPECT_EQ(found[0].severity, Severity::kMedium);
  EXPECT_EQ(found[0].from, Jst(kHoliday, 23, 40));
  EXPECT_EQ(found[0].to, Jst(kHoliday, 23, 41));
  EXPECT_EQ(found[0].window_start, JstMidnight(kHoliday));
}

TEST_F(RulesTest, TheSameReadsAt1000OnAWeekdayAreNot) {
  Read(Jst(kTuesday, 10, 0));
  Read(Jst(kTuesday, 10, 1));
  EXPECT_TRUE(collector_.TakeAll().empty());
}

TEST_F(RulesTest, BusinessHoursAndClosedDaysAreEdges) {
  Read(Jst(kTuesday, 7, 59));        // before 08:00
  Read(Jst(kTuesday, 8, 0));         // in
  Read(Jst(kTuesday, 19, 59));       // in
  Read(Jst(kTuesday, 20, 0));        // after
  Read(Jst({2025, 1, 11}, 12, 0));   // Saturday noon
  Read(Jst({2025, 12, 30}, 12, 0));  // the year-end closure, a Tuesday
  auto found = Findings(Rule::kOffHours);
  ASSERT_EQ(found.size(), 3u);  // three days
  EXPECT_EQ(found[0].count + found[1].count + found[2].count, 4u);
}

TEST_F(RulesTest, BusinessHoursArePolicy) {
  params_.business_start_minute = 7 * 60;
  Read(Jst(kTuesday, 7, 30));
  EXPECT_TRUE(Findings(Rule::kOffHours).empty());
}

TEST_F(RulesTest, OffHoursBecomesHighFromTheThreshold) {
  params_.off_hours_high_count = 3;
  Read(Jst(kHoliday, 22, 0));
  Read(Jst(kHoliday, 22, 1));
  EXPECT_EQ(collector_.TakeAll()[0].finding.severity, Severity::kMedium);
  Read(Jst(kHoliday, 22, 2));
  Read(Jst(kHoliday, 22, 3));
  auto found = collector_.TakeAll();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].finding.severity, Severity::kHigh);
}

TEST_F(RulesTest, C3ReadsOutsideHoursAreTheirOwnHighFinding) {
  Read(Jst(kTuesday, 23, 0), "sato_hanako", "employee_my_number");
  Read(Jst(kTuesday, 11, 0), "sato_hanako", "employee_my_number");
  EXPECT_TRUE(Findings(Rule::kOffHours).empty());
  auto found = Findings(Rule::kC3OffHours);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].severity, Severity::kHigh);
  EXPECT_EQ(found[0].dataset, "employee_my_number");
  EXPECT_EQ(found[0].count, 1u);
}

TEST_F(RulesTest, RefusedAccessIsNoAccess) {
  Add(Jst(kHoliday, 23, 40), "sato_hanako", "record.get", "refused");
  EXPECT_TRUE(Findings(Rule::kOffHours).empty());
}

TEST_F(RulesTest, FrequencySpikeAgainstTheirOwnBaseline) {
  // Ten weekdays of 10 reads, then a day of 60: 600 % of the mean.
  CivilDate d{2025, 2, 3};
  for (int day = 0; day < 10; ++day, d = *calendar_.NextBusinessDay(d)) {
    for (int i = 0; i < 10; ++i) Read(Jst(d, 10, i));
  }
  for (int i = 0; i < 60; ++i) Read(Jst(d, 10, 0, i));
  auto found = Findings(Rule::kFrequencySpike);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].count, 60u);  // the whole day, including before the threshold
  EXPECT_EQ(found[0].evidence.size(), 60u);
  EXPECT_EQ(found[0].window_start, JstMidnight(d));
}

TEST_F(RulesTest, NoSpikeBelowThePercentOrTheMinimumOrWithoutHistory) {
  CivilDate d{2025, 2, 3};
  for (int i = 0; i < 80; ++i) Read(Jst(d, 10, 0, i), "new_person");  // no history yet
  for (int day = 0; day < 10; ++day, d = *calendar_.NextBusinessDay(d)) {
    for (int i = 0; i < 20; ++i) Read(Jst(d, 10, i));
  }
  for (int i = 0; i < 55; ++i) Read(Jst(d, 10, 0, i));  // 275 % of 20
  EXPECT_TRUE(Findings(Rule::kFrequencySpike).empty());
}

TEST_F(RulesTest, BulkAccessInAnHourAndByExport) {
  for (int i = 0; i < 150; ++i) Read(Jst(kTuesday, 10, i / 3, i % 3));
  for (int i = 0; i < 90; ++i) Read(Jst(kTuesday, 10, i / 2, i % 2), "ito_ken");
  Add(Jst(kTuesday, 11, 0), "ito_ken", "record.export", "ok", "loan_customer", "t-soumu-1",
      "credit_screening", "", {{"count", "600"}});
  // sato_hanako's hour; ito_ken's export, which is also 600 records in the
  // hour from 11:00 (his 90 at 10:00 were not enough).
  auto found = Findings(Rule::kBulkAccess);
  ASSERT_EQ(found.size(), 3u);
  std::map<std::string, Finding> by;
  for (const auto& f : found) by[f.actor + "/" + f.detail] = f;
  ASSERT_EQ(by.size(), 3u);
  const Finding& hour = by["sato_hanako/hour"];
  const Finding& exp = by["ito_ken/export"];
  EXPECT_EQ(by["ito_ken/hour"].count, 600u);
  EXPECT_EQ(hour.actor, "sato_hanako");
  EXPECT_EQ(hour.count, 150u);
  EXPECT_EQ(hour.evidence.size(), kMaxEvidence);
  EXPECT_FALSE(hour.evidence_complete);
  EXPECT_EQ(exp.actor, "ito_ken");
  EXPECT_EQ(exp.severity, Severity::kHigh);
}

TEST_F(RulesTest, RarePurpose) {
  for (int i = 0; i < 120; ++i) {
    Add(Jst(kTuesday, 10, i / 60, i % 60), "ito_ken", "record.get", "ok", "loan_customer",
        "t-soumu-1", "credit_screening");
  }
  Add(Jst(kTuesday, 11, 0), "ito_ken", "record.get", "ok", "loan_customer", "t-soumu-1",
      "loan_management");
  // Someone with too little history is not judged.
  Add(Jst(kTuesday, 11, 0), "sato_hanako", "record.get", "ok", "loan_customer", "t-soumu-1",
      "loan_management");
  auto found = Findings(Rule::kRarePurpose);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].actor, "ito_ken");
  EXPECT_EQ(found[0].detail, "loan_management");
  EXPECT_EQ(found[0].severity, Severity::kLow);
}

TEST_F(RulesTest, UnregisteredTerminals) {
  Add(Jst(kTuesday, 10, 0), "sato_hanako", "record.get", "ok", "loan_customer", "cert:0a1b2c3d");
  Add(Jst(kTuesday, 10, 1), "sato_hanako", "identity.login", "ok", "", "remote:192.0.2.7");
  Add(Jst(kTuesday, 10, 2), "sato_hanako", "record.get", "ok", "loan_customer", "t-soumu-1");
  Add(Jst(kTuesday, 10, 3), "os:root", "record.get", "ok", "loan_customer", "local:server");
  Add(Jst(kTuesday, 10, 4), "app-batch", "record.get", "ok", "loan_customer", "cert:ffee");
  auto found = Findings(Rule::kUnregisteredTerminal);
  ASSERT_EQ(found.size(), 2u);
  for (const auto& f : found) EXPECT_EQ(f.actor, "sato_hanako");
}

TEST_F(RulesTest, DisabledAndLockedIds) {
  Add(Jst(kTuesday, 9, 0), "taishoku_sha", "identity.login", "refused", "", "", "", "disabled");
  Add(Jst(kTuesday, 9, 1), "ito_ken", "identity.login", "refused", "", "", "", "locked");
  Add(Jst(kTuesday, 9, 2), "ito_ken", "identity.login", "refused", "", "", "", "wrong_password");
  auto found = Findings(Rule::kDisabledId);
  ASSERT_EQ(found.size(), 2u);
  for (const auto& f : found) {
    EXPECT_EQ(f.severity, f.detail == "disabled" ? Severity::kHigh : Severity::kMedium) << f.actor;
  }
}

TEST_F(RulesTest, LogonFailureBurstsPerUserAndPerSource) {
  // Five wrong passwords in four minutes: a burst of the user.
  for (int i = 0; i < 5; ++i) {
    Add(Jst(kTuesday, 9, i), "ito_ken", "identity.login", "refused", "", "t-soumu-1", "",
        "wrong_password");
  }
  // Four: none. Five spread over an hour: none.
  for (int i = 0; i < 4; ++i) {
    Add(Jst(kTuesday, 9, i), "sato_hanako", "identity.login", "refused", "", "t-soumu-2", "",
        "wrong_password");
  }
  for (int i = 0; i < 5; ++i) {
    Add(Jst(kTuesday, 13, i * 12), "kato_kacho", "identity.login", "refused", "", "t-soumu-2", "",
        "wrong_password");
  }
  // Ten users, one address, one minute: a source burst (password spraying).
  for (int i = 0; i < 10; ++i) {
    Add(Jst(kTuesday, 15, 0, i), "user" + std::to_string(i), "identity.login", "refused", "",
        "remote:203.0.113.9", "", "wrong_password");
  }
  auto found = Findings(Rule::kLogonFailures);
  ASSERT_EQ(found.size(), 2u);
  const Finding& user = found[0].detail == "source" ? found[1] : found[0];
  const Finding& source = found[0].detail == "source" ? found[0] : found[1];
  EXPECT_EQ(user.actor, "ito_ken");
  EXPECT_EQ(user.count, 5u);
  EXPECT_EQ(source.terminal, "remote:203.0.113.9");
  EXPECT_EQ(source.count, 10u);
  EXPECT_EQ(source.severity, Severity::kHigh);
}

TEST_F(RulesTest, OnePersonOnTwoTerminalsAtOnce) {
  Read(Jst(kTuesday, 10, 0));  // seq 100, t-soumu-1
  Add(Jst(kTuesday, 10, 2), "sato_hanako", "record.get", "ok", "loan_customer", "t-soumu-2");
  Add(Jst(kTuesday, 10, 3), "sato_hanako", "record.get", "ok", "loan_customer", "t-soumu-2");
  // Ten minutes apart is not "at once".
  Add(Jst(kTuesday, 14, 0), "ito_ken", "record.get", "ok", "loan_customer", "t-soumu-1");
  Add(Jst(kTuesday, 14, 10), "ito_ken", "record.get", "ok", "loan_customer", "t-soumu-2");
  auto found = Findings(Rule::kConcurrentTerminals);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].actor, "sato_hanako");
  EXPECT_EQ(found[0].evidence, (std::vector<uint64_t>{100, 101, 102}));
}

TEST_F(RulesTest, StateIsBoundedByPeopleNotEvents) {
  // 40 people, 120 days of work in and out of hours: the state after 40
  // days and after 120 is of the same size.
  size_t after_40 = 0;
  CivilDate d{2025, 2, 3};
  for (int day = 0; day < 120; ++day, d = *calendar_.NextBusinessDay(d)) {
    for (int p = 0; p < 40; ++p) {
      for (int i = 0; i < 12; ++i) Read(Jst(d, 6 + i, p), "p" + std::to_string(p));
    }
    if (day == 40) after_40 = Eval().StateEntries();
    collector_.TakeClosed(JstMidnight(d));
  }
  EXPECT_GT(after_40, 0u);
  EXPECT_LE(Eval().StateEntries(), after_40 * 11 / 10);
}

TEST(EventParserTest, ReadsTheStoredAndThePrintedShape) {
  audit::Event ev;
  ev.time = 1'736'779'200'000'000;
  ev.seq = 42;
  ev.actor = "sato_hanako";
  ev.operation = "record.list";
  ev.result = "ok";
  ev.dataset = "loan_customer";
  ev.attrs = {{"count", "7"}, {"other", "x"}};
  EventParser p;
  EventView v;
  const std::string stored = audit::CanonicalJson(ev);  // views point into it
  ASSERT_TRUE(p.Parse(stored, v).ok());
  EXPECT_EQ(v.seq, 42u);
  EXPECT_EQ(v.time, ev.time);
  EXPECT_EQ(v.actor, "sato_hanako");
  EXPECT_EQ(v.attr_count, "7");
  const std::string printed = audit::EventToJson(ev).dump(2);
  ASSERT_TRUE(p.Parse(printed, v).ok());
  EXPECT_EQ(v.operation, "record.list");
  // Another system's log: escapes, members in any order, extra members.
  ASSERT_TRUE(p.Parse(R"({"time":"2025-01-14T01:00:00Z","result":"ok","host":{"a":[1,2]},)"
                      R"("operation":"record.get","actor":"\u3042\"b"})",
                      v)
                  .ok());
  EXPECT_EQ(v.actor, "あ\"b");
  for (const char* bad :
       {"", "[]", "{", R"({"operation":"x","result":"ok"})",
        R"({"operation":"x","result":"ok","time":"yesterday"})",
        R"({"operation":"x","result":"ok","time":"2025-01-14T01:00:00Z"} trailing)",
        R"({"operation":1,"result":"ok","time":"2025-01-14T01:00:00Z"})",
        R"({"operation":"x","result":"ok","time":"2025-01-14T01:00:00Z","seq":-1})"}) {
    EXPECT_FALSE(p.Parse(bad, v).ok()) << bad;
  }
}

}  // namespace
}  // namespace mamori::analysis

namespace mamori::analysis {
namespace {

// An emergency action filed after its deadline (approval/approvals.h) is a
// finding about the person who filed; one filed in time, or a refused
// filing, is not.
TEST_F(RulesTest, ALateEmergencyFilingIsAFinding) {
  Add(Jst(kTuesday, 10, 0), "sato_hanako", "approval.submit", "ok", "", "t-soumu-1", "",
      "approval.late_filing", {{"approval", "A00000003"}, {"emergency", "true"}});
  Add(Jst(kTuesday, 11, 0), "ito_ken", "approval.submit", "ok", "", "t-soumu-1", "", "",
      {{"approval", "A00000004"}, {"emergency", "true"}});
  Add(Jst(kTuesday, 12, 0), "ito_ken", "approval.submit", "refused", "", "t-soumu-1", "",
      "approval.late_filing");
  auto found = Findings(Rule::kLateFiling);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].actor, "sato_hanako");
  EXPECT_EQ(found[0].severity, Severity::kMedium);
  EXPECT_EQ(found[0].evidence, (std::vector<uint64_t>{100}));
  EXPECT_EQ(RuleName(Rule::kLateFiling), "late_filing");
}

}  // namespace
}  // namespace mamori::analysis
