// The overdue steps of the organisation's cycles raised as findings by the
// continuous evaluation's daily pass (governance/cycle_findings.h), over a
// real engine, store and monitor: an improvement plan of an internal audit,
// an improvement order of a self-inspection and the 180-day inventory of a
// medium of the media register, each not overdue on its due day, one
// finding for its department and responsible person the day after, and no
// second finding on the next day's pass.
#include "governance/cycle_findings.h"

#include <nlohmann/json.hpp>

#include "analysis/analysis_fixture.h"
#include "governance/ledger.h"
#include "governance/registers.h"

namespace mamori::governance {
namespace {

using analysis::Rule;
using analysis::testing::Jst;
using json = nlohmann::json;

constexpr CivilDate kDue{2026, 6, 30};

class CycleFindingsTest : public analysis::testing::AnalysisTest {
 protected:
  void SetUp() override {
    AnalysisTest::SetUp();
    analysis::MonitorOptions o;
    store::Storage* data = &engine_->data_store();
    o.overdue_steps = [data](CivilDate today, TimeMicros now) {
      return CycleOverdueFindings(*data, today, now);
    };
    monitor_ = std::make_unique<analysis::Monitor>(engine_->data_store(), people_, o);
  }

  void Put(std::string_view kind, const json& record) {
    ASSERT_TRUE(engine_->data_store()
                    .Update([&](store::WriteTxn& txn) {
                      return WriteRecord(txn, kind, record["id"].get<std::string>(), record);
                    })
                    .ok());
  }

  // An internal audit of 経理課 whose finding F1 sato planned to improve by
  // kDue, in `state` ("planned", or "done" once reported done).
  void AuditWithPlan(const std::string& state) {
    Put("aud",
        {{"id", "IA000001"},
         {"year", 2026},
         {"state", "acknowledged"},
         {"findings",
          {{{"id", "F1"},
            {"department", "経理課"},
            {"improvement", {{"measure", "review_access"}, {"due", "2026-06-30"}, {"by", "sato"}}},
            {"state", state}}}}});
  }

  void Pass(CivilDate day) { RoundAt(*monitor_, Jst(day, 1, 0)); }
  std::vector<analysis::Finding> Of(Rule rule) { return AllFindings(rule); }

  std::unique_ptr<analysis::Monitor> monitor_;
};

TEST_F(CycleFindingsTest, AnOverdueImprovementPlanIsOneFindingForItsManager) {
  AuditWithPlan("planned");
  Pass(kDue);
  EXPECT_TRUE(Of(Rule::kImprovementOverdue).empty()) << "not overdue on its due day";

  Pass(CivilDate{2026, 7, 1});
  auto found = Of(Rule::kImprovementOverdue);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].detail, "IA000001.F1");
  EXPECT_EQ(found[0].department, "経理課");
  EXPECT_EQ(found[0].owner, "sato");
  EXPECT_EQ(found[0].severity, analysis::Severity::kMedium);

  Pass(CivilDate{2026, 7, 2});
  EXPECT_EQ(Of(Rule::kImprovementOverdue).size(), 1u) << "one finding, not one a day";
  EXPECT_EQ(RaisedEvents(Rule::kImprovementOverdue).size(), 1u);
}

TEST_F(CycleFindingsTest, AnImprovementReportedDoneIsNeverOverdue) {
  AuditWithPlan("done");
  Pass(CivilDate{2026, 7, 1});
  EXPECT_TRUE(Of(Rule::kImprovementOverdue).empty());
  auto steps = OverdueCycleSteps(engine_->data_store(), CivilDate{2026, 8, 1});
  ASSERT_TRUE(steps.has_value());
  EXPECT_TRUE(steps->empty());
}

TEST_F(CycleFindingsTest, AnOverdueInspectionOrderGoesToItsDepartmentsManager) {
  Put("insp",
      {{"id", "SI2026"},
       {"year", 2026},
       {"state", "evaluated"},
       {"orders",
        {{{"id", "O1"}, {"department", "総務部"}, {"due", "2026-06-30"}, {"state", "open"}},
         {{"id", "O2"}, {"department", "経理課"}, {"due", "2026-06-30"}, {"state", "done"}},
         {{"id", "O3"}, {"department", "経理課"}, {"due", "2026-07-31"}, {"state", "open"}}}}});
  Pass(kDue);
  EXPECT_TRUE(Of(Rule::kInspectionOrderOverdue).empty());
  Pass(CivilDate{2026, 7, 1});
  auto found = Of(Rule::kInspectionOrderOverdue);
  ASSERT_EQ(found.size(), 1u) << "the done order and the one not yet due are not overdue";
  EXPECT_EQ(found[0].detail, "SI2026.O1");
  EXPECT_EQ(found[0].department, "総務部");
  EXPECT_EQ(found[0].owner, "tanaka");  // 総務部's section manager
  Pass(CivilDate{2026, 7, 2});
  EXPECT_EQ(Of(Rule::kInspectionOrderOverdue).size(), 1u);
}

TEST_F(CycleFindingsTest, AMediumPastItsInventoryIsOneFindingForItsCustodian) {
  Registers registers(engine_->data_store(), nullptr);
  approval::Caller tanaka{principals_["tanaka"], "req-tanaka", Jst(CivilDate{2026, 1, 5}, 10, 0)};
  auto e = registers.Create(tanaka, "media",
                            {{"type", "usb"},
                             {"label", "SOUMU-USB-003"},
                             {"location", "総務部金庫"},
                             {"custodian", "ken"},
                             {"department", "soumu"},
                             {"handles", {"personal"}},
                             {"encrypted", true}});
  ASSERT_TRUE(e.has_value()) << e.error().ToString();
  ASSERT_TRUE(e->check_due.has_value());
  const CivilDate due = *e->check_due;  // 180 days on
  EXPECT_EQ(FormatDate(due), "2026-07-04");

  Pass(due);
  EXPECT_TRUE(Of(Rule::kRegisterCheckOverdue).empty());
  Pass(CivilFromDays(DaysFromCivil(due) + 1));
  auto found = Of(Rule::kRegisterCheckOverdue);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].detail, "media." + e->id);
  EXPECT_EQ(found[0].owner, "ken");
  EXPECT_EQ(found[0].department, "総務部");
  Pass(CivilFromDays(DaysFromCivil(due) + 2));
  EXPECT_EQ(Of(Rule::kRegisterCheckOverdue).size(), 1u);
}

}  // namespace
}  // namespace mamori::governance
