// Information-security training ([002 第28-29条]; [003 II.3(4)]) and the
// training switch on data roles over HTTPS with real logons and the real
// authoriser (stack_fixture.h): a handler whose training lapsed loses data
// access when the switch is on, keeps it when it is off, and regains it
// after attending; the switch changes only with an approved policy_change
// request; plans and attendance are refused to the wrong person, for
// oneself, across departments and for bad dates — each refusal audited and
// changing nothing.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/governance_fixture.h"
#include "approval/flows.h"
#include "governance/ledger.h"
#include "governance/training.h"

namespace mamori::api::testing {
namespace {

class TrainingApiTest : public GovernanceApiTest {
 protected:
  void SetUp() override {
    GovernanceApiTest::SetUp();
    CreateEmployees();
    AddUser("dept1", {"department_officer"});
    AddUser("admin1", {"admin"}, "", "情報システム課");
    AddUser("mgr1", {"section_manager"}, "dept1");
    AddUser("hana", {"handler"}, "mgr1");
    AddUser("mgr2", {"section_manager"}, "", "融資部");
    AddUser("ciso1", {"ciso"}, "", "情報セキュリティ室");
    AddUser("chief1", {"chief_officer"}, "ciso1", "情報セキュリティ室");
    AddUser("audit1", {"auditor"}, "", "監査室");
    StartStackServer();
    policy::Right read;
    read.role = "handler";
    read.category = "specific_personal_information";
    read.dataset = kDataset;
    read.operation = policy::Operation::kRead;
    read.purpose = "withholding";
    read.department = "総務部";
    GrantThroughFlow(read, "mgr1", "dept1", "admin1");
    policy::Right write = read;
    write.operation = policy::Operation::kWrite;
    GrantThroughFlow(write, "mgr1", "dept1", "admin1");
  }

  static std::string Records() {
    return std::string("/v1/datasets/") + kDataset + "/records?purpose=withholding";
  }
  int Write(const std::string& token) {
    return Send(token, "POST", Records(), RecordJson(1)).status;
  }
  int List(const std::string& token) { return Send(token, "GET", Records()).status; }

  // The training policy changed to `body` through an approved
  // policy_change request: ciso1 applies, chief1 approves, ciso1 changes.
  void SetRule(const nlohmann::json& body) {
    const std::string ciso = Login("ciso1");
    auto applied = Send(ciso, "POST", "/v1/approvals",
                        nlohmann::json{{"type", "policy_change"},
                                       {"subject", "policy/training"},
                                       {"action", "policy.set"},
                                       {"reason", "training.rule"},
                                       {"attachments", {approval::PolicyChangeDigest(body)}}}
                            .dump());
    ASSERT_EQ(applied.status, 201) << applied.body;
    const std::string id = applied.Json()["id"];
    ASSERT_EQ(Send(Login("chief1"), "POST", "/v1/approvals/" + id + "/approve").status, 200);
    auto put = Send(ciso, "PUT", "/v1/policy/training?approval=" + id, body.dump());
    ASSERT_EQ(put.status, 200) << put.body;
  }
  std::string Plan(int year) {
    auto r = Send(
        Login("ciso1"), "POST", "/v1/training/plans",
        nlohmann::json{{"year", year}, {"course", "security.basic"}, {"audience", "all"}}.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json().value("id", "");
  }
  HttpResponse Attend(const std::string& token, const std::string& plan, const std::string& person,
                      CivilDate date, bool passed = true) {
    return Send(token, "POST", "/v1/training/attendance",
                nlohmann::json{{"plan", plan},
                               {"person", person},
                               {"date", FormatDate(date)},
                               {"score", 80},
                               {"passed", passed}}
                    .dump());
  }
  size_t Attendances() {
    auto r = Send(Login("audit1"), "GET", "/v1/training/attendance");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json()["attendance"].size();
  }
};

TEST_F(TrainingApiTest, LapsedTrainingLosesDataAccessWhenTheSwitchIsOnAndAttendingRegainsIt) {
  const std::string hana = Login("hana"), mgr = Login("mgr1");
  // Off by default: never trained, and still a working handler.
  EXPECT_EQ(Send(hana, "GET", "/v1/policy/training").Json()["required"], false);
  ASSERT_EQ(Write(hana), 201);
  EXPECT_EQ(List(hana), 200);

  // Trained yesterday, with training valid one day: lapsed today.
  SetRule({{"validity_days", 1}});
  const std::string plan = Plan(governance::FiscalYear(Day(-1)));
  auto old = Attend(mgr, plan, "hana", Day(-1));
  ASSERT_EQ(old.status, 201) << old.body;
  EXPECT_EQ(old.Json()["current_until"], FormatDate(Day(-1)));
  EXPECT_EQ(List(hana), 200);  // the switch is still off

  SetRule({{"required", true}});
  auto refused = Send(hana, "GET", Records());
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(Subject(refused), "policy.training_lapsed");
  EXPECT_NE(refused.body.find("研修"), std::string::npos);
  EXPECT_EQ(Write(hana), 403);
  ExpectRefused("policy.authorize", "policy.training_lapsed");
  auto standing = Send(hana, "GET", "/v1/training/people/hana");
  ASSERT_EQ(standing.status, 200) << standing.body;
  EXPECT_EQ(standing.Json()["current"], false);
  EXPECT_EQ(standing.Json()["required"], true);

  // Switched off: the same person works again; on: refused again.
  SetRule({{"required", false}});
  EXPECT_EQ(List(hana), 200);
  SetRule({{"required", true}});
  EXPECT_EQ(List(hana), 403);

  // A failed attendance does not make anyone current; a passed one does.
  const std::string this_year = Plan(governance::FiscalYear(Day(0)));
  auto failed = Attend(mgr, this_year, "hana", Day(0), /*passed=*/false);
  ASSERT_EQ(failed.status, 201) << failed.body;
  EXPECT_TRUE(failed.Json()["current_until"].is_null());
  EXPECT_EQ(List(hana), 403);
  auto passed = Attend(mgr, this_year, "hana", Day(0));
  ASSERT_EQ(passed.status, 201) << passed.body;
  EXPECT_EQ(passed.Json()["current_until"], FormatDate(Day(0)));
  EXPECT_EQ(List(hana), 200);
  EXPECT_EQ(Write(hana), 201);
  EXPECT_EQ(Send(hana, "GET", "/v1/training/people/hana").Json()["current"], true);

  auto events = EventsOf("training.attend");
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().actor, "mgr1");
  EXPECT_EQ(AttrOf(events.back(), "person"), "hana");
  EXPECT_EQ(AttrOf(events.back(), "passed"), "true");
}

TEST_F(TrainingApiTest, TheSwitchChangesOnlyWithAnApprovedPolicyChange) {
  const std::string ciso = Login("ciso1");
  auto alone = Send(ciso, "PUT", "/v1/policy/training", R"({"required": true})");
  EXPECT_EQ(alone.status, 400) << alone.body;
  EXPECT_EQ(Subject(alone), approval::kPolicyApprovalRequired);
  ExpectRefused("training.policy_set", approval::kPolicyApprovalRequired);
  EXPECT_EQ(Send(Login("hana"), "PUT", "/v1/policy/training", R"({"required": true})").status, 403);
  EXPECT_EQ(Send(Login("mgr1"), "PUT", "/v1/policy/training", R"({"required": true})").status, 403);
  EXPECT_EQ(Send(ciso, "PUT", "/v1/policy/training", R"({"validity_days": 0})").status, 400);
  EXPECT_EQ(Send(ciso, "PUT", "/v1/policy/training", R"({"validity_days": 5000})").status, 400);
  EXPECT_EQ(Send(ciso, "PUT", "/v1/policy/training", R"({"required": "yes"})").status, 400);
  EXPECT_EQ(Send(ciso, "PUT", "/v1/policy/training", R"({"strict": true})").status, 400);
  EXPECT_EQ(Send(ciso, "GET", "/v1/policy/training").Json()["required"], false);
  EXPECT_EQ(List(Login("hana")), 200);
}

TEST_F(TrainingApiTest, OnlyTheCisoLinePlansWithAValidYearCourseAndAudience) {
  const std::string ciso = Login("ciso1");
  const int year = governance::FiscalYear(Day(0));
  auto plan = [&](const std::string& token, const nlohmann::json& body) {
    return Send(token, "POST", "/v1/training/plans", body.dump());
  };
  const nlohmann::json good = {{"year", year}, {"course", "security.basic"}, {"audience", "all"}};
  EXPECT_EQ(plan(Login("mgr1"), good).status, 403);
  EXPECT_EQ(plan(Login("hana"), good).status, 403);
  EXPECT_EQ(plan(Login("audit1"), good).status, 403);
  nlohmann::json bad = good;
  bad["year"] = year + 5;
  EXPECT_EQ(plan(ciso, bad).status, 400);
  bad = good;
  bad["audience"] = "everyone";
  EXPECT_EQ(plan(ciso, bad).status, 400);
  bad = good;
  bad["role"] = "handler";  // a role only with audience "role"
  EXPECT_EQ(plan(ciso, bad).status, 400);
  bad = good;
  bad["audience"] = "role";  // …and then required
  EXPECT_EQ(plan(ciso, bad).status, 400);
  bad = good;
  bad["course"] = "情報セキュリティ";  // a code, not text
  EXPECT_EQ(plan(ciso, bad).status, 400);
  ExpectRefused("training.plan", "course");
  EXPECT_EQ(Send(ciso, "GET", "/v1/training/plans").Json()["plans"].size(), 0u);

  auto hires =
      plan(ciso, {{"year", year}, {"course", "security.newcomer"}, {"audience", "new_hire"}});
  ASSERT_EQ(hires.status, 201) << hires.body;
  auto mid =
      plan(ciso, {{"year", year}, {"course", "security.newcomer"}, {"audience", "mid_career"}});
  ASSERT_EQ(mid.status, 201) << mid.body;
  auto managers = plan(ciso, {{"year", year},
                              {"course", "security.manager"},
                              {"audience", "role"},
                              {"role", "section_manager"}});
  ASSERT_EQ(managers.status, 201) << managers.body;
  auto listed = Send(Login("audit1"), "GET", "/v1/training/plans");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.Json()["plans"].size(), 3u);
  EXPECT_EQ(listed.Json()["plans"][2]["role"], "section_manager");

  // A role plan is attended by holders of the role only.
  auto handler = Attend(Login("dept1"), managers.Json()["id"], "hana", Day(0));
  EXPECT_EQ(handler.status, 409) << handler.body;
  EXPECT_EQ(Subject(handler), "training.not_audience");
  EXPECT_EQ(Attend(Login("dept1"), managers.Json()["id"], "mgr1", Day(0)).status, 201);
}

TEST_F(TrainingApiTest, AttendanceIsRecordedByTheTrainerSideNeverForOneselfNorAcrossDepartments) {
  const std::string plan = Plan(governance::FiscalYear(Day(0)));
  const std::string mgr = Login("mgr1");
  // A trainee never records their own attendance: refused at the route
  // (a handler records nobody's) and by the register (a manager's own).
  EXPECT_EQ(Attend(Login("hana"), plan, "hana", Day(0)).status, 403);
  auto own = Attend(mgr, plan, "mgr1", Day(0));
  EXPECT_EQ(own.status, 403) << own.body;
  EXPECT_EQ(Subject(own), governance::kTrainingSelfRecord);
  ExpectRefused("training.attend", governance::kTrainingSelfRecord);
  // A manager of another department records nobody here.
  auto other = Attend(Login("mgr2"), plan, "hana", Day(0));
  EXPECT_EQ(other.status, 403) << other.body;
  EXPECT_EQ(Subject(other), governance::kTrainingNotTrainer);
  // The auditor reads, and records nothing.
  EXPECT_EQ(Attend(Login("audit1"), plan, "hana", Day(0)).status, 403);
  // Bad dates, plans, people and scores.
  EXPECT_EQ(Attend(mgr, plan, "hana", Day(1)).status, 400);  // the future
  auto last_year = Attend(mgr, plan, "hana", AddToDate(Day(0), -1, 0, 0));
  EXPECT_EQ(last_year.status, 400) << last_year.body;  // outside the plan's fiscal year
  EXPECT_EQ(Subject(last_year), "date");
  EXPECT_EQ(Attend(mgr, "TP999999", "hana", Day(0)).status, 404);
  EXPECT_EQ(Attend(mgr, plan, "zz-nobody", Day(0)).status, 404);
  auto score = Send(mgr, "POST", "/v1/training/attendance",
                    nlohmann::json{{"plan", plan},
                                   {"person", "hana"},
                                   {"date", FormatDate(Day(0))},
                                   {"score", 101},
                                   {"passed", true}}
                        .dump());
  EXPECT_EQ(score.status, 400) << score.body;
  EXPECT_EQ(Send(mgr, "POST", "/v1/training/attendance",
                 R"({"plan": "TP000001", "person": "hana", "date": "2026-13-01", "passed": true})")
                .status,
            400);
  EXPECT_EQ(Attendances(), 0u);

  // The CISO line records anyone's; the own department's manager their people's.
  EXPECT_EQ(Attend(Login("chief1"), plan, "mgr2", Day(0)).status, 201);
  EXPECT_EQ(Attend(mgr, plan, "hana", Day(0)).status, 201);
  EXPECT_EQ(Attendances(), 2u);
  auto mine = Send(Login("audit1"), "GET", "/v1/training/attendance?person=hana");
  ASSERT_EQ(mine.status, 200);
  ASSERT_EQ(mine.Json()["attendance"].size(), 1u);
  EXPECT_EQ(mine.Json()["attendance"][0]["recorded_by"], "mgr1");
}

TEST_F(TrainingApiTest, APersonSeesTheirOwnStandingAndOnlyReadersSeeOthers) {
  EXPECT_EQ(Send(Login("hana"), "GET", "/v1/training/people/hana").status, 200);
  EXPECT_EQ(Send(Login("hana"), "GET", "/v1/training/people/mgr1").status, 404);
  EXPECT_EQ(Send(Login("hana"), "GET", "/v1/training/attendance").status, 403);
  EXPECT_EQ(Send(Login("hana"), "GET", "/v1/training/plans").status, 403);
  auto seen = Send(Login("mgr1"), "GET", "/v1/training/people/hana");
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_TRUE(seen.Json()["current_until"].is_null());
  EXPECT_EQ(Send(Login("audit1"), "GET", "/v1/training/people/hana").status, 200);
}

// The CLI verbs are the routes, through the API's own pipeline at the
// console: the same answers and the same refusals.
TEST_F(TrainingApiTest, TheTrainingCommandsMirrorTheRoutes) {
  const std::string year = std::to_string(governance::FiscalYear(Day(0)));
  std::string out;
  ASSERT_EQ(RunMamori("training plan --user ciso1 --password-file - --year " + year +
                          " --course security.basic --audience all",
                      kStackPassword, &out),
            0)
      << out;
  EXPECT_NE(out.find("TP000001"), std::string::npos) << out;
  // A trainee never records their own attendance, at the console either.
  EXPECT_EQ(RunMamori("training attend --user mgr1 --password-file - --plan TP000001 --person mgr1 "
                      "--date " +
                          FormatDate(Day(0)) + " --passed",
                      kStackPassword, &out),
            1);
  EXPECT_NE(out.find("自分の研修受講は記録できません"), std::string::npos) << out;
  ASSERT_EQ(RunMamori("training attend --user mgr1 --password-file - --plan TP000001 --person hana "
                      "--date " +
                          FormatDate(Day(0)) + " --score 90 --passed",
                      kStackPassword, &out),
            0)
      << out;
  EXPECT_EQ(RunMamori("training standing --user hana --password-file - --person hana",
                      kStackPassword, &out),
            0)
      << out;
  EXPECT_NE(out.find("\"current\""), std::string::npos) << out;
  EXPECT_EQ(Attendances(), 1u);
}

}  // namespace
}  // namespace mamori::api::testing
