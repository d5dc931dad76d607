// Approval requests over HTTPS with real logons, sessions and the real
// authoriser (stack_fixture.h): applying, approving by the section manager
// of the applicant's department, escalation to the superior, every refusal
// (self-approval, wrong role, wrong department, expired, cancelled, not the
// applicant, free text), after-the-fact filing and its deadline, who sees
// what, and a rights request decided through /v1/approvals.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "api/stack_fixture.h"
#include "approval/approvals.h"

namespace mamori::api::testing {
namespace {

const std::string kHash(64, 'e');

class ApprovalsApiTest : public StackApiTest {
 protected:
  void SetUp() override {
    StackApiTest::SetUp();
    CreateEmployees();
    AddUser("dept1", {"department_officer"});
    AddUser("mgr1", {"section_manager"}, "dept1");
    AddUser("mgr2", {"section_manager"}, "dept1", "融資部");
    AddUser("admin1", {"admin"});
    AddUser("ciso1", {"ciso"});
    AddUser("audit1", {"auditor"});
    AddUser("hana", {"handler"}, "mgr1");
    AddUser("kenji", {"handler"}, "mgr1");
    StartStackServer();
  }

  static nlohmann::json Work(const std::string& type = "non_standard_work") {
    return {{"type", type},
            {"subject", "employee_my_number/0123456789abcdef"},
            {"action", "record.shred"},
            {"reason", "retention.early_disposal"},
            {"attachments", {kHash}}};
  }
  HttpResponse Submit(const std::string& token, const nlohmann::json& body) {
    return Send(token, "POST", "/v1/approvals", body.dump());
  }
  // A pending non-standard-work request of `token`'s holder; its id.
  std::string Applied(const std::string& token) {
    auto r = Submit(token, Work());
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json().value("id", "");
  }
  HttpResponse Step(const std::string& token, const std::string& id, const std::string& verb,
                    const nlohmann::json& body = nullptr) {
    return Send(token, "POST", "/v1/approvals/" + id + "/" + verb,
                body.is_null() ? "" : body.dump());
  }
  std::string StateOf(const std::string& token, const std::string& id) {
    auto r = Send(token, "GET", "/v1/approvals/" + id);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json().value("state", "");
  }
  static std::string Subject(const HttpResponse& r) { return r.Json().value("subject", ""); }
};

TEST_F(ApprovalsApiTest, TheSectionManagerOfTheApplicantsDepartmentApproves) {
  const std::string hana = Login("hana"), mgr = Login("mgr1");
  const std::string id = Applied(hana);
  auto r = Step(mgr, id, "approve");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["state"], "approved");
  EXPECT_EQ(r.Json()["decisions"][0]["by"], "mgr1");
  auto events = EventsOf("approval.approve");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].result, "ok");
  EXPECT_EQ(events[0].attrs["approval"], id);
  EXPECT_EQ(events[0].attrs["reason_code"], "retention.early_disposal");
  auto submitted = EventsOf("approval.submit");
  ASSERT_EQ(submitted.size(), 1u);
  EXPECT_EQ(submitted[0].actor, "hana");
}

TEST_F(ApprovalsApiTest, AHandlerCannotApproveAtAll) {
  const std::string hana = Login("hana"), kenji = Login("kenji");
  const std::string id = Applied(hana);
  auto r = Step(kenji, id, "approve");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(StateOf(hana, id), "pending");
  // Nor with the body of another route, nor by rejecting.
  EXPECT_EQ(Step(kenji, id, "reject", {{"reason", "x"}}).status, 403);
  EXPECT_EQ(Step(hana, id, "approve").status, 403);
  EXPECT_TRUE(EventsOf("approval.approve").empty());  // refused before the engine
}

TEST_F(ApprovalsApiTest, AManagerOfAnotherDepartmentIsRefusedByTheEngine) {
  const std::string hana = Login("hana"), mgr2 = Login("mgr2"), ciso = Login("ciso1");
  const std::string id = Applied(hana);
  for (const auto& token : {mgr2, ciso}) {
    auto r = Step(token, id, "approve");
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(Subject(r), approval::kNotApprover);
  }
  EXPECT_EQ(StateOf(hana, id), "pending");
  auto events = EventsOf("approval.approve");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].result, "refused");
  EXPECT_EQ(events[0].reason, approval::kNotApprover);
}

TEST_F(ApprovalsApiTest, SelfApprovalIsRefusedAndTheSuperiorApprovesInstead) {
  const std::string mgr = Login("mgr1"), dept = Login("dept1");
  const std::string id = Applied(mgr);
  auto self = Step(mgr, id, "approve");
  EXPECT_EQ(self.status, 403) << self.body;
  EXPECT_EQ(Subject(self), approval::kSelfApproval);
  EXPECT_EQ(StateOf(mgr, id), "pending");
  // dept1 sees it pending for them: mgr1 is the only section manager of 総務部.
  auto pending = Send(dept, "GET", "/v1/approvals?view=pending");
  ASSERT_EQ(pending.status, 200) << pending.body;
  ASSERT_EQ(pending.Json()["approvals"].size(), 1u);
  auto r = Step(dept, id, "approve");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["state"], "approved");
  EXPECT_EQ(r.Json()["decisions"][0]["escalated_from"], "mgr1");
  EXPECT_EQ(EventsOf("approval.approve").back().attrs["escalated_from"], "mgr1");
}

TEST_F(ApprovalsApiTest, AnExpiredRequestIsRefusedAndRecordedExpired) {
  const std::string hana = Login("hana"), mgr = Login("mgr1");
  const std::string id = Applied(hana);
  // The request as it would stand a week later: its expiry in the past.
  ASSERT_TRUE(engine_->data_store()
                  .Update([&](store::WriteTxn& txn) -> Status {
                    MAMORI_ASSIGN_OR_RETURN(auto r, approval::Approvals::Read(txn, id));
                    r->expires_at = NowMicros() - kMicrosPerSecond;
                    return txn.Put("apv/r/" + id, approval::RequestToJson(*r).dump());
                  })
                  .ok());
  EXPECT_EQ(StateOf(hana, id), "expired");
  auto r = Step(mgr, id, "approve");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(Subject(r), approval::kExpired);
  auto stored = stack_->approvals().Get(id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->state, approval::State::kExpired);
  EXPECT_TRUE(stored->decisions.empty());
  EXPECT_EQ(EventsOf("approval.approve").back().result, "refused");
}

TEST_F(ApprovalsApiTest, OnlyTheApplicantCancelsAndACancelledRequestIsNotApproved) {
  const std::string hana = Login("hana"), kenji = Login("kenji"), mgr = Login("mgr1");
  const std::string id = Applied(hana);
  auto other = Step(kenji, id, "cancel");
  EXPECT_EQ(other.status, 403) << other.body;
  EXPECT_EQ(Subject(other), approval::kNotApplicant);
  auto text = Step(hana, id, "cancel", {{"reason", "間違い"}});
  EXPECT_EQ(text.status, 400) << text.body;
  EXPECT_EQ(StateOf(hana, id), "pending");
  auto r = Step(hana, id, "cancel");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["state"], "cancelled");
  auto late = Step(mgr, id, "approve");
  EXPECT_EQ(late.status, 409) << late.body;
  EXPECT_EQ(Subject(late), approval::kNotPending);
}

TEST_F(ApprovalsApiTest, RejectionKeepsAReasonCodeAndRefusesText) {
  const std::string hana = Login("hana"), mgr = Login("mgr1");
  const std::string id = Applied(hana);
  auto text = Step(mgr, id, "reject", {{"reason", "山田さんに確認"}});
  EXPECT_EQ(text.status, 400) << text.body;
  EXPECT_EQ(Subject(text), "reason");
  EXPECT_EQ(StateOf(hana, id), "pending");
  auto r = Step(mgr, id, "reject", {{"reason", "retention.not_due"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["state"], "rejected");
  EXPECT_EQ(r.Json()["decisions"][0]["reason"], "retention.not_due");
}

TEST_F(ApprovalsApiTest, ApplicationsCarryCodesAndHashesOnly) {
  const std::string hana = Login("hana");
  auto body = Work();
  body["reason"] = "田中さんの依頼による";
  EXPECT_EQ(Subject(Submit(hana, body)), "reason");
  body = Work();
  body["attachments"] = {"同意書.pdf"};
  EXPECT_EQ(Subject(Submit(hana, body)), "attachments");
  body = Work();
  body["subject"] = "山田 太郎";
  EXPECT_EQ(Subject(Submit(hana, body)), "subject");
  // The rights register opens its own requests.
  auto rights = Submit(hana, Work("rights"));
  EXPECT_EQ(rights.status, 400) << rights.body;
  EXPECT_EQ(Subject(rights), approval::kUnknownFlow);
  auto events = EventsOf("approval.submit");
  ASSERT_EQ(events.size(), 4u);
  for (const auto& e : events) EXPECT_EQ(e.result, "refused");
  EXPECT_TRUE(stack_->approvals().List()->empty());
}

// Emergencies filed late are tested with the exception ledger, through
// which exceptions are applied for (exceptions_api_test.cc): not here.
TEST_F(ApprovalsApiTest, ExceptionsAreNotAppliedForHereAndWorkIsNotFiledAfterwards) {
  const std::string hana = Login("hana");
  auto body = Work("exception");
  body["subject"] = "002.art47";
  body["action"] = "takeout.unencrypted";
  body["reason"] = "incident.response";
  body["acted_at"] = "2025-01-10T09:00:00Z";
  auto r = Submit(hana, body);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(Subject(r), approval::kUnknownFlow);
  // A flow that does not allow it refuses after-the-fact filing.
  body = Work();
  body["acted_at"] = "2025-01-10T09:00:00Z";
  auto refused = Submit(hana, body);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(Subject(refused), approval::kEmergencyNotAllowed);
}

TEST_F(ApprovalsApiTest, OnlyThoseConcernedSeeARequest) {
  const std::string hana = Login("hana"), kenji = Login("kenji"), mgr = Login("mgr1"),
                    mgr2 = Login("mgr2"), audit = Login("audit1");
  const std::string id = Applied(hana);
  EXPECT_EQ(Send(kenji, "GET", "/v1/approvals/" + id).status, 404);
  EXPECT_EQ(Send(mgr2, "GET", "/v1/approvals/" + id).status, 404);
  EXPECT_EQ(Send(mgr, "GET", "/v1/approvals/" + id).status, 200);
  EXPECT_EQ(Send(audit, "GET", "/v1/approvals/" + id).status, 200);
  // Lists: mine, pending for me, the ledger.
  EXPECT_EQ(Send(hana, "GET", "/v1/approvals").Json()["approvals"].size(), 1u);
  EXPECT_EQ(Send(kenji, "GET", "/v1/approvals").Json()["approvals"].size(), 0u);
  EXPECT_EQ(Send(mgr, "GET", "/v1/approvals?view=pending").Json()["approvals"].size(), 1u);
  EXPECT_EQ(Send(mgr2, "GET", "/v1/approvals?view=pending").Json()["approvals"].size(), 0u);
  EXPECT_EQ(Send(hana, "GET", "/v1/approvals/ledger").status, 403);
  auto ledger = Send(audit, "GET", "/v1/approvals/ledger?state=pending");
  ASSERT_EQ(ledger.status, 200) << ledger.body;
  EXPECT_EQ(ledger.Json()["approvals"].size(), 1u);
  EXPECT_EQ(Send(hana, "GET", "/v1/approvals?view=everything").status, 400);
}

TEST_F(ApprovalsApiTest, ARightsRequestIsDecidedThroughItsApproval) {
  const std::string mgr = Login("mgr1"), dept = Login("dept1"), admin = Login("admin1");
  auto req = Send(mgr, "POST", "/v1/rights/requests",
                  nlohmann::json{{"kind", "role_add"},
                                 {"person", "hana"},
                                 {"role", "confirmer"},
                                 {"reason", "確認者の指定"}}
                      .dump());
  ASSERT_EQ(req.status, 201) << req.body;
  const std::string request = req.Json().value("id", "");
  const std::string id = req.Json().value("approval", "");
  ASSERT_FALSE(id.empty()) << req.body;
  // The requester cannot approve it here either; the register's rule says so.
  auto self = Step(mgr, id, "approve");
  EXPECT_EQ(self.status, 403) << self.body;
  EXPECT_EQ(Subject(self), "policy.sod_self_approval");
  auto pending = Send(dept, "GET", "/v1/approvals?view=pending&type=rights");
  ASSERT_EQ(pending.Json()["approvals"].size(), 1u) << pending.body;
  auto r = Step(dept, id, "approve", {{"comment", "了承"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["state"], "approved");
  auto rr = Send(mgr, "GET", "/v1/rights/requests/" + request);
  EXPECT_EQ(rr.Json()["state"], "approved");
  EXPECT_EQ(rr.Json()["approved"]["by"], "dept1");
  EXPECT_EQ(EventsOf("policy.approve").back().attrs["approval"], id);
  auto configured = Send(admin, "POST", "/v1/rights/requests/" + request + "/configure", "");
  EXPECT_EQ(configured.status, 200) << configured.body;
}

// A use application (利用申請): a handler applies for named persons until
// an expiry; only the section manager of the applicant's department
// approves; configured, the access holds for them alone.
TEST_F(ApprovalsApiTest, AUseApplicationIsApprovedByTheSectionManagerAndGrantsAccess) {
  const std::string hana = Login("hana"), kenji = Login("kenji"), mgr = Login("mgr1"),
                    mgr2 = Login("mgr2"), dept = Login("dept1"), admin = Login("admin1");
  const std::string list = std::string("/v1/datasets/") + kDataset + "/records?purpose=withholding";
  EXPECT_EQ(Send(hana, "GET", list).status, 403);
  nlohmann::json right = {{"role", "handler"},
                          {"category", "specific_personal_information"},
                          {"dataset", kDataset},
                          {"operation", "read"},
                          {"purpose", "withholding"},
                          {"persons", {"hana"}},
                          {"expires", FormatUtc(NowMicros() + 30LL * 86'400 * kMicrosPerSecond)}};
  // Without an end it is no use application.
  nlohmann::json forever = right;
  forever.erase("expires");
  auto refused = Send(hana, "POST", "/v1/rights/uses",
                      nlohmann::json{{"right", forever}, {"reason", "繁忙期"}}.dump());
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(Subject(refused), "expires");
  auto req = Send(hana, "POST", "/v1/rights/uses",
                  nlohmann::json{{"right", right}, {"reason", "繁忙期の応援"}}.dump());
  ASSERT_EQ(req.status, 201) << req.body;
  EXPECT_EQ(req.Json()["use"], true);
  const std::string request = req.Json().value("id", "");
  const std::string id = req.Json().value("approval", "");
  auto shown = Send(hana, "GET", "/v1/approvals/" + id);
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(shown.Json()["type"], "use");
  for (const auto& token : {mgr2, dept}) {
    auto r = Step(token, id, "approve");
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(Subject(r), approval::kNotApprover);
  }
  auto ok = Step(mgr, id, "approve");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.Json()["state"], "approved");
  auto configured = Send(admin, "POST", "/v1/rights/requests/" + request + "/configure", "");
  ASSERT_EQ(configured.status, 200) << configured.body;
  EXPECT_EQ(Send(hana, "GET", list).status, 200);
  EXPECT_EQ(Send(kenji, "GET", list).status, 403);  // holds the role, is not named
}

}  // namespace
}  // namespace mamori::api::testing

namespace mamori::api::testing {
namespace {

// `mamori approvals …` as a separate process on the same store, as a
// person at the server's console: the same rules as /v1/approvals.
class ApprovalsCliTest : public ApprovalsApiTest {
 protected:
  int Mamori(const std::string& args, const std::string& password, std::string* out) {
    return RunMamori(args, password, out);
  }
};

TEST_F(ApprovalsCliTest, ApplyApproveAndTheRefusalsOnTheCommandLine) {
  std::string out;
  const std::string submit =
      "approvals submit --type non_standard_work --subject employee_my_number/0123456789abcdef "
      "--action record.shred --reason retention.early_disposal --attachment " +
      kHash;
  ASSERT_EQ(Mamori(submit + " --user hana", kStackPassword, &out), 0) << out;
  const std::string id = nlohmann::json::parse(out)["id"];
  // Free text as a reason: refused, nothing opened.
  EXPECT_EQ(Mamori("approvals submit --type non_standard_work --subject a/b --action x "
                   "--reason '山田の依頼' --user hana",
                   kStackPassword, &out),
            1);
  // The applicant cannot approve; a handler may not decide at all.
  EXPECT_EQ(Mamori("approvals approve --id " + id + " --user kenji", kStackPassword, &out), 1);
  EXPECT_NE(out.find("approval.decide"), std::string::npos) << out;
  EXPECT_EQ(Mamori("approvals approve --id " + id + " --user mgr2", kStackPassword, &out), 1);
  EXPECT_NE(out.find("approve this stage"), std::string::npos) << out;
  ASSERT_EQ(Mamori("approvals list --view pending --user mgr1", kStackPassword, &out), 0) << out;
  EXPECT_EQ(nlohmann::json::parse(out)["approvals"].size(), 1u);
  ASSERT_EQ(Mamori("approvals approve --id " + id + " --user mgr1", kStackPassword, &out), 0)
      << out;
  EXPECT_EQ(nlohmann::json::parse(out)["state"], "approved");
  EXPECT_EQ(Mamori("approvals show --id " + id + " --user kenji", kStackPassword, &out), 1);
  ASSERT_EQ(Mamori("approvals show --id " + id + " --user hana", kStackPassword, &out), 0);
  EXPECT_EQ(nlohmann::json::parse(out)["decisions"][0]["by"], "mgr1");
  ASSERT_EQ(Mamori("approvals ledger", "", &out), 0) << out;
  EXPECT_EQ(nlohmann::json::parse(out)["approvals"].size(), 1u);
  bool approved = false;
  for (const auto& ev : EventsOf("approval.approve")) {
    approved |= ev.actor == "mgr1" && ev.result == "ok" && ev.terminal.starts_with("local:");
  }
  EXPECT_TRUE(approved);
}

}  // namespace
}  // namespace mamori::api::testing
