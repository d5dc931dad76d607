// The compliance probes of the organisation's cycles (cycle_probes.cc) on a
// real SQLite store: each is not met with its reason while the store shows
// the control broken, and met once the store shows it kept.
#include <gtest/gtest.h>

#include "approval/people.h"
#include "governance/compliance_evidence.h"
#include "governance/ledger.h"
#include "governance/training.h"
#include "policy/training_gate.h"
#include "store_fixture.h"

namespace mamori::governance {
namespace {

using json = nlohmann::json;

// The directory's people as the probes read them (approval::People, the
// interface IdentityPeople implements over identity's directory).
class ListedPeople : public approval::People {
 public:
  Result<std::vector<approval::Person>> All() const override { return people; }
  std::vector<approval::Person> people;
};

class CycleProbesTest : public GovernanceStoreTest {
 protected:
  void SetUp() override {
    GovernanceStoreTest::SetUp();
    sources_.people = &people_;
    auto probes = StandardProbes();
    ASSERT_TRUE(probes.has_value()) << probes.error().ToString();
    probes_ = std::move(*probes);
  }
  ProbeResult Run(std::string_view name) {
    for (const auto& p : probes_.probes()) {
      if (p.name == name) {
        auto r = p.run(sources_);
        EXPECT_TRUE(r.has_value()) << r.error().ToString();
        return r.has_value() ? *r : ProbeResult{};
      }
    }
    ADD_FAILURE() << "no probe " << name;
    return {};
  }

  void Put(const std::function<Status(store::WriteTxn&)>& fn) {
    ASSERT_TRUE(storage_->Update(fn).ok());
  }

  static CivilDate Shifted(CivilDate d, int days) { return CivilFromDays(DaysFromCivil(d) + days); }
  CivilDate Today() const { return JstDate(sources_.now); }
  int FiscalYear() const { return Today().month >= 4 ? Today().year : Today().year - 1; }

  void Add(const std::string& id, bool active = true) {
    people_.people.push_back(approval::Person{id, "総務部", "", {"handler"}, active, "", ""});
  }

  ProbeRegistry probes_;
  ListedPeople people_;
};

TEST_F(CycleProbesTest, RowsNamingTheCyclesCodeAreJudgedByTheirProbes) {
  auto names = [&](std::vector<std::string> code) {
    std::vector<std::string> out;
    for (const auto* p : probes_.For(code)) out.push_back(p->name);
    return out;
  };
  EXPECT_EQ(names({"src/governance/training.h#Training"}), std::vector<std::string>{"training"});
  EXPECT_EQ(names({"src/policy/training_gate.h"}), std::vector<std::string>{"training"});
  EXPECT_EQ(names({"src/governance/incidents.h#Incidents"}),
            std::vector<std::string>{"incident_reports"});
  EXPECT_EQ(names({"src/governance/self_inspection.h"}),
            std::vector<std::string>{"self_inspection"});
  EXPECT_EQ(names({"src/governance/internal_audit.h#InternalAudits"}),
            std::vector<std::string>{"internal_audit"});
  EXPECT_EQ(names({"src/governance/register_rules.cc#CheckEntryRules"}),
            std::vector<std::string>{"registers"});
}

TEST_F(CycleProbesTest, TrainingJudgesEveryActivePersonOfTheDirectory) {
  ProbeResult empty = Run("training");
  EXPECT_FALSE(empty.pass);
  EXPECT_NE(empty.reason.find("no active person"), std::string::npos) << empty.reason;

  Add("sato_hanako");
  Add("ito_ken");
  Add("taishoku", /*active=*/false);  // a disabled ID is not judged
  Put([&](store::WriteTxn& txn) {
    return policy::WriteTrainingCurrency(txn, "sato_hanako", Shifted(Today(), 100));
  });
  // ito_ken has no training record at all: not current.
  ProbeResult never = Run("training");
  EXPECT_FALSE(never.pass);
  EXPECT_NE(never.reason.find("1 active person(s) with no training recorded"), std::string::npos)
      << never.reason;
  EXPECT_EQ(never.evidence["people_active"], 2);
  EXPECT_EQ(never.evidence["people_current"], 1);
  EXPECT_EQ(never.evidence["people_never_trained"], 1);
  ASSERT_EQ(never.overdue.size(), 1u);
  EXPECT_EQ(never.overdue[0], "ito_ken (no training recorded)");

  Put([&](store::WriteTxn& txn) {
    return policy::WriteTrainingCurrency(txn, "ito_ken", Shifted(Today(), -1));
  });
  ProbeResult lapsed = Run("training");
  EXPECT_FALSE(lapsed.pass);
  EXPECT_NE(lapsed.reason.find("1 person(s) whose training lapsed"), std::string::npos)
      << lapsed.reason;
  ASSERT_EQ(lapsed.overdue.size(), 1u);
  EXPECT_EQ(lapsed.overdue[0].rfind("ito_ken", 0), 0u);

  Put([&](store::WriteTxn& txn) {
    return policy::WriteTrainingCurrency(txn, "ito_ken", Shifted(Today(), 30));
  });
  ProbeResult kept = Run("training");
  EXPECT_TRUE(kept.pass) << kept.reason;
  EXPECT_EQ(kept.evidence["people_current"], 2);
}

TEST_F(CycleProbesTest, NewAndMidCareerHiresAreNotMetUntilTheyAttendTheirPlan) {
  const std::string this_year = FormatDate(Today());
  const std::string last_year = FormatDate(Shifted(Today(), -400));
  auto hire = [&](const std::string& id, const std::string& hired, const std::string& kind) {
    approval::Person p{id, "総務部", "", {"handler"}, true, hired, kind};
    people_.people.push_back(p);
    Put([&](store::WriteTxn& txn) {
      return policy::WriteTrainingCurrency(txn, id, Shifted(Today(), 100));
    });
  };
  hire("shinsotsu", this_year, "new_graduate");
  hire("chuto", this_year, "mid_career");
  hire("kyonen", last_year, "new_graduate");  // hired in an earlier fiscal year
  hire("kizon", "", "");                      // no hire recorded
  EXPECT_TRUE(Run("training").pass) << "no hire plan yet";

  auto plan = [&](const std::string& id, const std::string& audience) {
    json p = {{"id", id},
              {"year", FiscalYear()},
              {"course", "security_basics"},
              {"audience", audience},
              {"planned_by", "yamamoto_ciso"},
              {"at", FormatUtc(sources_.now)}};
    Put([&](store::WriteTxn& txn) { return WriteRecord(txn, "trp", id, p); });
  };
  plan("TP000001", "new_hire");
  plan("TP000002", "mid_career");
  auto plans = [&](const std::string& audience) {
    TrainingPlan p;
    p.year = FiscalYear();
    p.audience = audience;
    return Training::AudienceOf(p, people_.people);
  };
  EXPECT_EQ(plans("new_hire"), std::vector<std::string>{"shinsotsu"});
  EXPECT_EQ(plans("mid_career"), std::vector<std::string>{"chuto"});

  ProbeResult missing = Run("training");
  EXPECT_FALSE(missing.pass);
  EXPECT_EQ(missing.evidence["hires_not_attended"], 2);
  EXPECT_NE(missing.reason.find("2 new or mid-career hire(s)"), std::string::npos)
      << missing.reason;
  ASSERT_EQ(missing.overdue.size(), 2u);
  EXPECT_EQ(missing.overdue[0], "shinsotsu (TP000001 new_hire not attended)");

  auto attend = [&](const std::string& id, const std::string& plan_id, const std::string& who,
                    bool passed) {
    json a = {{"id", id},
              {"plan", plan_id},
              {"person", who},
              {"date", this_year},
              {"passed", passed},
              {"recorded_by", "yamamoto_ciso"},
              {"at", FormatUtc(sources_.now)}};
    Put([&](store::WriteTxn& txn) { return WriteRecord(txn, "tra", id, a); });
  };
  attend("TA000001", "TP000001", "shinsotsu", true);
  attend("TA000002", "TP000002", "chuto", false);  // attended, not passed
  ProbeResult one = Run("training");
  EXPECT_FALSE(one.pass);
  EXPECT_EQ(one.evidence["hires_not_attended"], 1);
  attend("TA000003", "TP000002", "chuto", true);
  ProbeResult kept = Run("training");
  EXPECT_TRUE(kept.pass) << kept.reason;
}

TEST_F(CycleProbesTest, TrainingWithoutTheDirectoryIsNotJudgedMet) {
  sources_.people = nullptr;
  ProbeResult r = Run("training");
  EXPECT_FALSE(r.pass);
  EXPECT_NE(r.reason.find("evidence not available"), std::string::npos) << r.reason;
}

TEST_F(CycleProbesTest, SelfInspectionNeedsThisYearsPlanAndNoOverdueOrder) {
  EXPECT_FALSE(Run("self_inspection").pass);

  json insp = {
      {"id", "SI" + std::to_string(FiscalYear())},
      {"year", FiscalYear()},
      {"state", "evaluated"},
      {"orders",
       json::array(
           {{{"id", "O1"}, {"due", FormatDate(Shifted(Today(), -1))}, {"state", "open"}}})}};
  Put([&](store::WriteTxn& txn) {
    return WriteRecord(txn, "insp", insp["id"].get<std::string>(), insp);
  });
  ProbeResult late = Run("self_inspection");
  EXPECT_FALSE(late.pass);
  EXPECT_NE(late.reason.find("1 improvement order(s) overdue"), std::string::npos) << late.reason;
  EXPECT_EQ(late.overdue.size(), 1u);

  insp["orders"][0]["state"] = "done";
  Put([&](store::WriteTxn& txn) {
    return WriteRecord(txn, "insp", insp["id"].get<std::string>(), insp);
  });
  ProbeResult kept = Run("self_inspection");
  EXPECT_TRUE(kept.pass) << kept.reason;
}

TEST_F(CycleProbesTest, InternalAuditNeedsThisYearsPlanAndNoOverdueImprovement) {
  ProbeResult none = Run("internal_audit");
  EXPECT_FALSE(none.pass);
  EXPECT_NE(none.reason.find("no internal audit planned"), std::string::npos);

  json last_year = {{"id", "IA000001"}, {"year", FiscalYear() - 1}, {"findings", json::array()}};
  Put([&](store::WriteTxn& txn) { return WriteRecord(txn, "aud", "IA000001", last_year); });
  EXPECT_FALSE(Run("internal_audit").pass);

  json this_year = {{"id", "IA000002"}, {"year", FiscalYear()}, {"findings", json::array()}};
  Put([&](store::WriteTxn& txn) { return WriteRecord(txn, "aud", "IA000002", this_year); });
  ProbeResult kept = Run("internal_audit");
  EXPECT_TRUE(kept.pass) << kept.reason;
  EXPECT_EQ(kept.evidence["audits"], 2);

  // A finding whose improvement plan passed its due day unreported.
  this_year["findings"] =
      json::array({{{"id", "F1"},
                    {"department", "経理課"},
                    {"improvement", {{"due", FormatDate(Shifted(Today(), -1))}, {"by", "sato"}}},
                    {"state", "planned"}}});
  Put([&](store::WriteTxn& txn) { return WriteRecord(txn, "aud", "IA000002", this_year); });
  ProbeResult late = Run("internal_audit");
  EXPECT_FALSE(late.pass);
  EXPECT_NE(late.reason.find("1 improvement plan(s) overdue"), std::string::npos) << late.reason;
  ASSERT_EQ(late.overdue.size(), 1u);
  EXPECT_EQ(late.overdue[0].rfind("IA000002.F1", 0), 0u);
}

TEST_F(CycleProbesTest, AnEmptyStoreHasNoOverdueReportsOrRegisterChecks) {
  ProbeResult incidents = Run("incident_reports");
  EXPECT_TRUE(incidents.pass) << incidents.reason;
  EXPECT_EQ(incidents.evidence["incidents"], 0);
  ProbeResult registers = Run("registers");
  EXPECT_TRUE(registers.pass) << registers.reason;
  EXPECT_EQ(registers.evidence["entries_overdue"], 0);
}

}  // namespace
}  // namespace mamori::governance
