// Internal audit ([002 第37-39条]; governance/internal_audit.h) over HTTPS
// with real logons and the real authoriser: plan → independent auditors →
// findings with audit-log proof references → report → acknowledgement by
// the CISO line → improvement plans and progress by the audited department →
// closed. An auditor from the audited department is refused, and so is a
// person in no audit role; every step is refused to the wrong person and in
// the wrong state, audited, and changes nothing.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/governance_fixture.h"
#include "governance/internal_audit.h"
#include "governance/ledger.h"

namespace mamori::api::testing {
namespace {

class AuditsApiTest : public GovernanceApiTest {
 protected:
  void SetUp() override {
    GovernanceApiTest::SetUp();
    AddUser("lead1", {"audit_lead"}, "", "監査室");
    AddUser("audit1", {"auditor"}, "", "監査室");
    AddUser("audit2", {"auditor"}, "", "総務部");  // an auditor of the audited department
    AddUser("mgr1", {"section_manager"});
    AddUser("hana", {"handler"}, "mgr1");
    AddUser("mgr2", {"section_manager"}, "", "融資部");
    AddUser("ciso1", {"ciso"}, "", "情報セキュリティ室");
    StartStackServer();
  }

  static int Year() { return governance::FiscalYear(Day(0)); }
  std::string Planned() {
    auto r = Post("lead1", "/v1/audits",
                  {{"year", Year()}, {"departments", {"総務部"}}, {"scope", "mynumber.handling"}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json().value("id", "");
  }
  nlohmann::json Audit(const std::string& id) {
    auto r = Send(Login("audit1"), "GET", "/v1/audits/" + id);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json();
  }
  nlohmann::json Finding(const std::string& clause = "002.art47") {
    const uint64_t seq = EventsOf("identity.login").front().seq;
    return {
        {"clause", clause}, {"department", "総務部"}, {"severity", "minor"}, {"evidence", {seq}}};
  }
};

TEST_F(AuditsApiTest, AnAuditorFromTheAuditedDepartmentOrInNoAuditRoleIsRefused) {
  const std::string id = Planned();
  const std::string auditors = "/v1/audits/" + id + "/auditors";
  auto own = Post("lead1", auditors, {{"auditor", "audit2"}});
  EXPECT_EQ(own.status, 403) << own.body;
  EXPECT_EQ(Subject(own), governance::kAuditNotIndependent);
  ExpectRefused("internal_audit.assign", governance::kAuditNotIndependent);
  auto handler = Post("lead1", auditors, {{"auditor", "hana"}});
  EXPECT_EQ(handler.status, 403) << handler.body;
  EXPECT_EQ(Subject(handler), governance::kAuditNotAuditor);
  // A manager of another department is not an auditor either.
  EXPECT_EQ(Subject(Post("lead1", auditors, {{"auditor", "mgr2"}})), governance::kAuditNotAuditor);
  EXPECT_EQ(Post("lead1", auditors, {{"auditor", "zz-nobody"}}).status, 404);
  // Only the audit lead and the CISO line assign.
  EXPECT_EQ(Post("audit1", auditors, {{"auditor", "audit1"}}).status, 403);
  EXPECT_EQ(Post("mgr1", auditors, {{"auditor", "audit1"}}).status, 403);
  EXPECT_EQ(Audit(id)["auditors"].size(), 0u);
  EXPECT_EQ(Audit(id)["state"], "planned");

  auto ok = Post("ciso1", auditors, {{"auditor", "audit1"}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.Json()["auditors"], nlohmann::json::array({"audit1"}));
  EXPECT_EQ(ok.Json()["state"], "fieldwork");
  // The independence holds for a plan covering the auditor's department too.
  auto both = Post("lead1", "/v1/audits",
                   {{"year", Year()}, {"departments", {"総務部", "監査室"}}, {"scope", "all"}});
  ASSERT_EQ(both.status, 201) << both.body;
  EXPECT_EQ(
      Subject(Post("lead1", "/v1/audits/" + both.Json()["id"].get<std::string>() + "/auditors",
                   {{"auditor", "audit1"}})),
      governance::kAuditNotIndependent);
}

TEST_F(AuditsApiTest, PlansNeedThePlannerAKnownDepartmentAYearAndAScope) {
  const nlohmann::json good = {
      {"year", Year()}, {"departments", {"総務部"}}, {"scope", "mynumber.handling"}};
  EXPECT_EQ(Post("audit1", "/v1/audits", good).status, 403);
  EXPECT_EQ(Post("hana", "/v1/audits", good).status, 403);
  EXPECT_EQ(Post("mgr1", "/v1/audits", good).status, 403);
  nlohmann::json bad = good;
  bad["departments"] = {"存在しない部"};
  EXPECT_EQ(Post("lead1", "/v1/audits", bad).status, 400);
  bad = good;
  bad["departments"] = nlohmann::json::array();
  EXPECT_EQ(Post("lead1", "/v1/audits", bad).status, 400);
  bad = good;
  bad["year"] = Year() - 3;
  EXPECT_EQ(Post("lead1", "/v1/audits", bad).status, 400);
  bad = good;
  bad["scope"] = "マイナンバー";
  auto scope = Post("lead1", "/v1/audits", bad);
  EXPECT_EQ(scope.status, 400);
  EXPECT_EQ(scope.body.find("マイナンバー"), std::string::npos);  // input never echoed
  EXPECT_EQ(Send(Login("audit1"), "GET", "/v1/audits").Json()["audits"].size(), 0u);
  EXPECT_EQ(Send(Login("hana"), "GET", "/v1/audits").status, 403);
}

TEST_F(AuditsApiTest, OneAuditFromPlanToClosedWithProofsAndImprovement) {
  const std::string id = Planned();
  const std::string base = "/v1/audits/" + id;
  ASSERT_EQ(Post("lead1", base + "/auditors", {{"auditor", "audit1"}}).status, 200);

  // Findings: by the assigned auditor only, about an audited department,
  // citing a clause and audit-log events.
  EXPECT_EQ(Subject(Post("audit2", base + "/findings", Finding())), governance::kAuditNotAssigned);
  EXPECT_EQ(Post("lead1", base + "/findings", Finding()).status, 403);  // not assigned
  EXPECT_EQ(Post("audit1", base + "/findings", Finding("article 47")).status, 400);
  nlohmann::json other = Finding();
  other["department"] = "融資部";
  EXPECT_EQ(Post("audit1", base + "/findings", other).status, 400);
  nlohmann::json missing = Finding();
  missing["evidence"] = {99999999};
  EXPECT_EQ(Post("audit1", base + "/findings", missing).status, 400);
  auto found = Post("audit1", base + "/findings", Finding());
  ASSERT_EQ(found.status, 201) << found.body;
  const nlohmann::json f = found.Json()["findings"][0];
  EXPECT_EQ(f["id"], "F1");
  const nlohmann::json proof_ref = f["evidence"][0];
  // The stored reference proves the event against the log as it was.
  auto proof = Send(Login("audit1"), "GET",
                    "/v1/audit/proof?seq=" + std::to_string(proof_ref["seq"].get<uint64_t>()) +
                        "&size=" + std::to_string(proof_ref["tree_size"].get<uint64_t>()));
  ASSERT_EQ(proof.status, 200) << proof.body;
  EXPECT_EQ(proof.Json()["root"], proof_ref["root"]);
  EXPECT_EQ(proof.Json()["leaf_hash"], proof_ref["leaf_hash"]);
  EXPECT_EQ(proof.Json()["verified"], true);

  // Improvement waits for the report.
  auto early = Post("mgr1", base + "/findings/F1/improvement",
                    {{"measure", "procedure.revise"}, {"due", FormatDate(Day(30))}});
  EXPECT_EQ(early.status, 409) << early.body;
  EXPECT_EQ(Post("audit2", base + "/report").status, 403);
  ASSERT_EQ(Post("audit1", base + "/report").status, 200);
  EXPECT_EQ(Post("audit1", base + "/findings", Finding()).status, 409);  // reported
  EXPECT_EQ(Post("audit1", base + "/acknowledge").status, 403);
  EXPECT_EQ(Post("mgr1", base + "/acknowledge").status, 403);
  auto ack = Post("ciso1", base + "/acknowledge");
  ASSERT_EQ(ack.status, 200) << ack.body;
  EXPECT_EQ(ack.Json()["state"], "acknowledged");
  EXPECT_EQ(Post("ciso1", base + "/acknowledge").status, 409);

  // The audited department's manager plans and reports; nobody else.
  const nlohmann::json plan = {{"measure", "procedure.revise"}, {"due", FormatDate(Day(30))}};
  auto other_dept = Post("mgr2", base + "/findings/F1/improvement", plan);
  EXPECT_EQ(Subject(other_dept), governance::kAuditNotAuditee);
  EXPECT_EQ(Post("hana", base + "/findings/F1/improvement", plan).status, 403);
  EXPECT_EQ(Post("mgr1", base + "/findings/F1/improvement",
                 {{"measure", "procedure.revise"}, {"due", FormatDate(Day(-1))}})
                .status,
            400);
  EXPECT_EQ(Post("mgr1", base + "/findings/F9/improvement", plan).status, 404);
  EXPECT_EQ(Post("mgr1", base + "/findings/F1/progress", {{"status", "done"}}).status, 409);
  ASSERT_EQ(Post("mgr1", base + "/findings/F1/improvement", plan).status, 200);
  ASSERT_EQ(Post("mgr1", base + "/findings/F1/progress",
                 {{"status", "in_progress"}, {"note", "training.held"}})
                .status,
            200);
  EXPECT_EQ(Post("mgr1", base + "/findings/F1/progress", {{"status", "finished"}}).status, 400);
  auto not_done = Post("audit1", base + "/findings/F1/close");
  EXPECT_EQ(Subject(not_done), governance::kAuditNotDone);
  ASSERT_EQ(Post("mgr1", base + "/findings/F1/progress", {{"status", "done"}}).status, 200);
  EXPECT_EQ(Post("mgr1", base + "/findings/F1/close").status, 403);
  EXPECT_EQ(Post("audit2", base + "/findings/F1/close").status, 403);
  auto closed = Post("audit1", base + "/findings/F1/close");
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(closed.Json()["state"], "closed");
  EXPECT_EQ(closed.Json()["findings"][0]["progress"].size(), 2u);
  EXPECT_EQ(Post("mgr1", base + "/findings/F1/progress", {{"status", "done"}}).status, 409);

  for (const char* op :
       {"internal_audit.plan", "internal_audit.assign", "internal_audit.finding",
        "internal_audit.report", "internal_audit.acknowledge", "internal_audit.improve",
        "internal_audit.progress", "internal_audit.close"}) {
    auto events = EventsOf(op);
    ASSERT_FALSE(events.empty()) << op;
    EXPECT_EQ(AttrOf(events.back(), "audit"), id) << op;
  }
}

}  // namespace
}  // namespace mamori::api::testing
