// Exception measures (例外措置, [002 第26-27条]) over HTTPS with real logons,
// sessions and the real authoriser (stack_fixture.h): the CISO designates
// the approvers, a handler applies citing a rule, the designated person
// approves through /v1/approvals, the ledger, the monthly report and its
// acknowledgement by the chief security manager, the trends, the end. Every
// refusal is its own test, changes nothing and is audited. Also here: an
// emergency filed late across a holiday becomes a late_filing finding owned
// by the applicant's section manager, and policy changes need an approved
// policy_change request (approval/flows.h).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>

#include <nlohmann/json.hpp>

#include "analysis/monitor.h"
#include "analysis/parameters.h"
#include "api/stack_fixture.h"
#include "approval/exception_reports.h"
#include "approval/exceptions.h"
#include "approval/flow_parameters.h"
#include "approval/flows.h"

namespace mamori::api::testing {
namespace {

const std::string kExceptionFormHash(64, 'c');

class ExceptionsApiTest : public StackApiTest {
 protected:
  void SetUp() override {
    StackApiTest::SetUp();
    CreateEmployees();
    AddUser("dept1", {"department_officer"});
    AddUser("mgr1", {"section_manager"}, "dept1");
    AddUser("hana", {"handler"}, "mgr1");
    AddUser("kenji", {"handler"}, "mgr1");
    AddUser("ciso1", {"ciso"}, "", "情報セキュリティ室");
    AddUser("chief1", {"chief_officer"}, "ciso1", "情報セキュリティ室");
    AddUser("audit1", {"auditor"}, "", "監査室");
    StartStackServer();
  }

  static std::string Today(int plus_days = 0) {
    return FormatDate(CivilFromDays(DaysFromCivil(JstDate(NowMicros())) + plus_days));
  }
  static nlohmann::json Application() {
    return {{"rule", "002.art47"},
            {"measure", "takeout.unencrypted"},
            {"scope", "employee_my_number"},
            {"reason", "business.deadline"},
            {"start", Today()},
            {"end", Today(30)},
            {"attachments", {kExceptionFormHash}}};
  }
  HttpResponse Apply(const std::string& token, const nlohmann::json& body) {
    return Send(token, "POST", "/v1/exceptions", body.dump());
  }
  std::string Applied(const std::string& token) {
    auto r = Apply(token, Application());
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json().value("id", "");
  }
  HttpResponse Designate(const std::string& token, const nlohmann::json& body) {
    return Send(token, "PUT", "/v1/exceptions/approvers", body.dump());
  }
  HttpResponse Approve(const std::string& token, const std::string& id) {
    return Send(token, "POST", "/v1/approvals/" + id + "/approve");
  }
  std::string StateOf(const std::string& id) {
    auto e = stack_->exceptions().Get(id);
    EXPECT_TRUE(e.has_value());
    return e ? approval::LedgerState(*e, NowMicros()) : "";
  }
};

TEST_F(ExceptionsApiTest, DesignatedApproverApprovesAndTheLedgerReportsAndTrendsShowIt) {
  const std::string ciso = Login("ciso1"), hana = Login("hana"), dept = Login("dept1"),
                    chief = Login("chief1"), audit = Login("audit1");
  // [002 第26条1]: the CISO designates who approves exceptions.
  auto d = Designate(ciso, {{"persons", {"dept1"}}});
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(Send(hana, "GET", "/v1/exceptions/approvers").Json()["persons"][0], "dept1");

  auto applied = Apply(hana, Application());
  ASSERT_EQ(applied.status, 201) << applied.body;
  const std::string id = applied.Json()["id"];
  EXPECT_EQ(applied.Json()["state"], "pending");
  EXPECT_EQ(applied.Json()["approvers"][0]["persons"][0], "dept1");
  EXPECT_EQ(applied.Json()["emergency"], nullptr);

  // The designated person approves through the approval engine.
  auto ok = Approve(dept, id);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.Json()["state"], "approved");

  // The ledger (例外措置台帳): in force, with its decision.
  auto ledger = Send(audit, "GET", "/v1/exceptions?in_force=true");
  ASSERT_EQ(ledger.status, 200) << ledger.body;
  ASSERT_EQ(ledger.Json()["exceptions"].size(), 1u);
  const nlohmann::json e = ledger.Json()["exceptions"][0];
  EXPECT_EQ(e["id"], id);
  EXPECT_EQ(e["state"], "in_force");
  EXPECT_EQ(e["rule"], "002.art47");
  EXPECT_EQ(e["decisions"][0]["by"], "dept1");
  EXPECT_EQ(Send(hana, "GET", "/v1/exceptions/" + id).status, 200);
  EXPECT_EQ(Send(Login("kenji"), "GET", "/v1/exceptions/" + id).status, 404);

  // The month's report, acknowledged by the chief security manager.
  const std::string month = approval::FormatMonth(approval::MonthOf(NowMicros()));
  auto report =
      Send(ciso, "POST", "/v1/exceptions/reports", nlohmann::json{{"period", month}}.dump());
  ASSERT_EQ(report.status, 201) << report.body;
  const nlohmann::json rep = report.Json();
  EXPECT_EQ(rep["exceptions"]["applied"], nlohmann::json::array({id}));
  EXPECT_EQ(rep["exceptions"]["approved"], nlohmann::json::array({id}));
  EXPECT_EQ(rep["exceptions"]["in_force"], nlohmann::json::array({id}));
  EXPECT_EQ(rep["counts"]["emergencies"], 0);
  EXPECT_EQ(rep["acknowledged_by"], nullptr);
  auto ack = Send(chief, "POST",
                  "/v1/exceptions/reports/" + rep["id"].get<std::string>() + "/acknowledge");
  ASSERT_EQ(ack.status, 200) << ack.body;
  EXPECT_EQ(ack.Json()["acknowledged_by"], "chief1");
  auto kept = Send(audit, "GET", "/v1/exceptions/reports");
  ASSERT_EQ(kept.status, 200) << kept.body;
  EXPECT_EQ(kept.Json()["reports"][0]["acknowledged_by"], "chief1");

  // Trends: per month, per rule, department and state.
  auto trends = Send(audit, "GET", "/v1/exceptions/trends?from=" + month + "&to=" + month);
  ASSERT_EQ(trends.status, 200) << trends.body;
  const nlohmann::json m = trends.Json()["months"][0];
  EXPECT_EQ(m["month"], month);
  EXPECT_EQ(m["total"], 1);
  EXPECT_EQ(m["by_rule"]["002.art47"], 1);
  EXPECT_EQ(m["by_department"]["総務部"], 1);
  EXPECT_EQ(m["by_state"]["in_force"], 1);

  // The applicant ends it early.
  auto end = Send(hana, "POST", "/v1/exceptions/" + id + "/end",
                  nlohmann::json{{"reason", "work.completed"}}.dump());
  ASSERT_EQ(end.status, 200) << end.body;
  EXPECT_EQ(end.Json()["state"], "ended");
  EXPECT_EQ(end.Json()["in_force"], false);

  for (const char* op : {"exception.designate", "exception.apply", "approval.approve",
                         "exception.report", "exception.report_ack", "exception.end"}) {
    auto events = EventsOf(op);
    ASSERT_EQ(events.size(), 1u) << op;
    EXPECT_EQ(events[0].result, "ok") << op;
  }
  EXPECT_EQ(EventsOf("exception.apply")[0].attrs["rule"], "002.art47");
}

TEST_F(ExceptionsApiTest, WithoutADesignationTheCisoLineApprovesButNotTheirOwn) {
  const std::string ciso = Login("ciso1"), chief = Login("chief1");
  const std::string id = Applied(ciso);
  auto self = Approve(ciso, id);
  EXPECT_EQ(self.status, 403) << self.body;
  EXPECT_EQ(Subject(self), approval::kSelfApproval);
  EXPECT_EQ(StateOf(id), "pending");
  ExpectRefused("approval.approve", approval::kSelfApproval);
  // Someone else of the CISO line does.
  EXPECT_EQ(Approve(chief, id).status, 200);
  EXPECT_EQ(StateOf(id), "in_force");
}

TEST_F(ExceptionsApiTest, APersonNotDesignatedCannotApprove) {
  const std::string ciso = Login("ciso1"), hana = Login("hana"), mgr = Login("mgr1"),
                    chief = Login("chief1");
  ASSERT_EQ(Designate(ciso, {{"persons", {"dept1"}}}).status, 200);
  const std::string id = Applied(hana);
  // The CISO line no longer approves requests opened after the designation.
  for (const auto& token : {chief, mgr}) {
    auto r = Approve(token, id);
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(Subject(r), approval::kNotApprover);
  }
  // A role that decides no approvals at all (a handler, even the applicant's
  // colleague) is refused by the route table before the engine.
  auto handler = Approve(Login("kenji"), id);
  EXPECT_EQ(handler.status, 403) << handler.body;
  EXPECT_EQ(Subject(handler), "policy.no_role");
  EXPECT_EQ(StateOf(id), "pending");
  auto events = EventsOf("approval.approve");
  ASSERT_EQ(events.size(), 2u);
  for (const auto& e : events) EXPECT_EQ(e.result, "refused");
  auto decide = EventsOf("approval.decide");
  ASSERT_EQ(decide.size(), 1u);
  EXPECT_EQ(decide[0].actor, "kenji");
  EXPECT_EQ(decide[0].result, "refused");
  // Then the designated person approves.
  EXPECT_EQ(Approve(Login("dept1"), id).status, 200);
  EXPECT_EQ(StateOf(id), "in_force");
}

TEST_F(ExceptionsApiTest, OnlyTheCisoLineDesignatesApprovers) {
  const std::string dept = Login("dept1"), hana = Login("hana"), ciso = Login("ciso1");
  auto r = Designate(dept, {{"persons", {"dept1"}}});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(Subject(r), approval::kExceptionNotCisoLine);
  ExpectRefused("exception.designate", approval::kExceptionNotCisoLine);
  // A handler is refused by the route table before the ledger.
  EXPECT_EQ(Designate(hana, {{"persons", {"hana"}}}).status, 403);
  // The CISO designates only people who can approve at all.
  auto handler = Designate(ciso, {{"persons", {"kenji"}}});
  EXPECT_EQ(handler.status, 400) << handler.body;
  EXPECT_EQ(Subject(handler), "persons");
  auto role = Designate(ciso, {{"roles", {"handler"}}});
  EXPECT_EQ(role.status, 400) << role.body;
  // Nothing changed: the CISO line still approves.
  auto now = Send(hana, "GET", "/v1/exceptions/approvers");
  EXPECT_EQ(now.Json()["designated"], false);
  auto approvers = stack_->exceptions().Approvers();
  ASSERT_TRUE(approvers.has_value());
  EXPECT_FALSE(approvers->has_value());
  for (const auto& e : EventsOf("exception.designate")) EXPECT_EQ(e.result, "refused");
}

TEST_F(ExceptionsApiTest, SomeoneOutsideDoesNotSeeTheLedger) {
  const std::string hana = Login("hana"), kenji = Login("kenji"), ciso = Login("ciso1");
  const std::string id = Applied(hana);
  const std::string month = approval::FormatMonth(approval::MonthOf(NowMicros()));
  ASSERT_EQ(
      Send(ciso, "POST", "/v1/exceptions/reports", nlohmann::json{{"period", month}}.dump()).status,
      201);
  // A handler reads neither the ledger, nor its reports, nor its trends:
  // the route table refuses them before anything is read, and audits it.
  for (const std::string& path :
       {std::string("/v1/exceptions"), std::string("/v1/exceptions?in_force=true"),
        std::string("/v1/exceptions/reports"), std::string("/v1/exceptions/reports/XR00000001"),
        "/v1/exceptions/trends?from=" + month + "&to=" + month}) {
    auto r = Send(kenji, "GET", path);
    EXPECT_EQ(r.status, 403) << path << " " << r.body;
    EXPECT_EQ(r.body.find(id), std::string::npos) << path;
  }
  auto ledger = EventsOf("exception.ledger");
  ASSERT_EQ(ledger.size(), 2u);
  for (const auto& e : ledger) {
    EXPECT_EQ(e.actor, "kenji");
    EXPECT_EQ(e.result, "refused");
  }
  // Nor another person's exception: as if there were none.
  auto other = Send(kenji, "GET", "/v1/exceptions/" + id);
  EXPECT_EQ(other.status, 404) << other.body;
  EXPECT_EQ(Send(kenji, "GET", "/v1/exceptions/A99999999").status, 404);
  EXPECT_EQ(Send("", "GET", "/v1/exceptions").status, 401);
  // Its applicant does, and the ledger's readers.
  EXPECT_EQ(Send(hana, "GET", "/v1/exceptions/" + id).status, 200);
  auto all = Send(Login("audit1"), "GET", "/v1/exceptions");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.Json()["exceptions"].size(), 1u);
  // Who read the ledger is recorded too.
  ledger = EventsOf("exception.ledger");
  ASSERT_EQ(ledger.size(), 3u);
  EXPECT_EQ(ledger.back().actor, "audit1");
  EXPECT_EQ(ledger.back().result, "ok");
}

TEST_F(ExceptionsApiTest, AnExpiredExceptionRequestIsRefused) {
  const std::string hana = Login("hana"), ciso = Login("ciso1");
  const std::string id = Applied(hana);
  // The request as it would stand fifteen days later: past its expiry.
  ASSERT_TRUE(engine_->data_store()
                  .Update([&](store::WriteTxn& txn) -> Status {
                    MAMORI_ASSIGN_OR_RETURN(auto r, approval::Approvals::Read(txn, id));
                    r->expires_at = NowMicros() - kMicrosPerSecond;
                    return txn.Put("apv/r/" + id, approval::RequestToJson(*r).dump());
                  })
                  .ok());
  auto r = Approve(ciso, id);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(Subject(r), approval::kExpired);
  EXPECT_EQ(StateOf(id), "expired");
  auto stored = stack_->approvals().Get(id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_TRUE(stored->decisions.empty());
  ExpectRefused("approval.approve", approval::kExpired);
  // An expired exception is never in force, and cannot be ended.
  auto end = Send(hana, "POST", "/v1/exceptions/" + id + "/end");
  EXPECT_EQ(end.status, 409) << end.body;
  ExpectRefused("exception.end", approval::kExceptionNotInForce);
}

TEST_F(ExceptionsApiTest, AnEmergencyFiledLateAcrossAHolidayBecomesAFindingOfTheSectionManager) {
  const std::string hana = Login("hana");
  auto body = Application();
  // Taken on Friday 2025-01-10; Monday 01-13 is 成人の日, so the filing was
  // due by Wednesday 01-15 (2 business days): filed today, it is late.
  body["start"] = "2025-01-10";
  body["end"] = "2025-01-17";
  body["acted_at"] = "2025-01-10T09:00:00Z";
  auto r = Apply(hana, body);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Json()["emergency"]["filing_due"], "2025-01-15");
  EXPECT_EQ(r.Json()["emergency"]["late"], true);
  auto events = EventsOf("exception.apply");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].result, "ok");
  EXPECT_EQ(events[0].reason, approval::kLateFiling);
  // An emergency taken an hour ago is on time.
  body["acted_at"] = FormatUtc(NowMicros() - 3600 * kMicrosPerSecond);
  body["start"] = Today();
  body["end"] = Today(10);
  auto on_time = Apply(hana, body);
  ASSERT_EQ(on_time.status, 201) << on_time.body;
  EXPECT_EQ(on_time.Json()["emergency"]["late"], false);

  // The analysis raises the late filing, owned by hana's section manager.
  analysis::Monitor monitor(engine_->data_store(), stack_->directory());
  auto round = monitor.Round(NowMicros());
  ASSERT_TRUE(round.has_value()) << round.error().ToString();
  auto findings = Send(Login("mgr1"), "GET", "/v1/findings?rule=late_filing");
  ASSERT_EQ(findings.status, 200) << findings.body;
  ASSERT_EQ(findings.Json()["findings"].size(), 1u) << findings.body;
  EXPECT_EQ(findings.Json()["findings"][0]["actor"], "hana");
  EXPECT_EQ(findings.Json()["findings"][0]["owner"], "mgr1");

  // The month's report lists both emergencies and the late one.
  const std::string month = approval::FormatMonth(approval::MonthOf(NowMicros()));
  auto rep = Send(Login("ciso1"), "POST", "/v1/exceptions/reports",
                  nlohmann::json{{"period", month}}.dump());
  ASSERT_EQ(rep.status, 201) << rep.body;
  EXPECT_EQ(rep.Json()["counts"]["emergencies"], 2);
  EXPECT_EQ(rep.Json()["exceptions"]["late"],
            nlohmann::json::array({r.Json()["id"].get<std::string>()}));
}

TEST_F(ExceptionsApiTest, AnApplicationWithoutARuleReferenceIsRefused) {
  const std::string hana = Login("hana");
  auto body = Application();
  body.erase("rule");
  EXPECT_EQ(Apply(hana, body).status, 400);  // the route table's required member
  body["rule"] = "";
  auto empty = Apply(hana, body);
  EXPECT_EQ(empty.status, 400) << empty.body;
  EXPECT_EQ(Subject(empty), "rule");
  ExpectRefused("exception.apply", "rule");
  EXPECT_TRUE(stack_->exceptions().Ledger()->empty());
  EXPECT_TRUE(stack_->approvals().List()->empty());
}

TEST_F(ExceptionsApiTest, AMalformedRuleReferenceIsRefused) {
  const std::string hana = Login("hana");
  for (const char* bad : {"第47条", "002.art", "2.art47", "002.article47", "policy.", "policy.A",
                          "Takeout rule 47 (田中さん)", "002.art47.x"}) {
    auto body = Application();
    body["rule"] = bad;
    auto r = Apply(hana, body);
    EXPECT_EQ(r.status, 400) << bad << " " << r.body;
    EXPECT_EQ(Subject(r), "rule") << bad;
    // The refusal never quotes what was sent.
    EXPECT_EQ(r.body.find("田中"), std::string::npos);
  }
  auto events = EventsOf("exception.apply");
  ASSERT_EQ(events.size(), 8u);
  for (const auto& e : events) {
    EXPECT_EQ(e.result, "refused");
    EXPECT_EQ(e.reason, "rule");
  }
  EXPECT_TRUE(stack_->exceptions().Ledger()->empty());
  EXPECT_TRUE(stack_->approvals().List()->empty());
  // The accepted forms.
  for (const char* good : {"002.art47.2", "003.VI.1", "policy.password.min_length"}) {
    auto body = Application();
    body["rule"] = good;
    EXPECT_EQ(Apply(hana, body).status, 201) << good;
  }
}

TEST_F(ExceptionsApiTest, NobodyEndsSomeoneElsesException) {
  const std::string hana = Login("hana"), kenji = Login("kenji"), ciso = Login("ciso1");
  const std::string id = Applied(hana);
  ASSERT_EQ(Approve(ciso, id).status, 200);
  for (const auto& token : {kenji, ciso}) {
    auto r = Send(token, "POST", "/v1/exceptions/" + id + "/end");
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(Subject(r), approval::kExceptionNotApplicant);
  }
  EXPECT_EQ(StateOf(id), "in_force");
  auto events = EventsOf("exception.end");
  ASSERT_EQ(events.size(), 2u);
  for (const auto& e : events) EXPECT_EQ(e.reason, approval::kExceptionNotApplicant);
}

TEST_F(ExceptionsApiTest, OnlyTheChiefSecurityManagerAcknowledgesAReport) {
  const std::string ciso = Login("ciso1"), dept = Login("dept1"), chief = Login("chief1");
  const std::string month = approval::FormatMonth(approval::MonthOf(NowMicros()));
  auto made =
      Send(ciso, "POST", "/v1/exceptions/reports", nlohmann::json{{"period", month}}.dump());
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string path =
      "/v1/exceptions/reports/" + made.Json()["id"].get<std::string>() + "/acknowledge";
  // The CISO produced it, but the chief security manager receives it.
  auto by_ciso = Send(ciso, "POST", path);
  EXPECT_EQ(by_ciso.status, 403) << by_ciso.body;
  EXPECT_EQ(Subject(by_ciso), approval::kReportNotChiefOfficer);
  ExpectRefused("exception.report_ack", approval::kReportNotChiefOfficer);
  EXPECT_EQ(Send(dept, "POST", path).status, 403);  // the route table
  auto list = stack_->exception_reports().List();
  ASSERT_TRUE(list.has_value());
  EXPECT_EQ(list->at(0).acknowledged_at, 0);
  // Once, by the chief security manager.
  ASSERT_EQ(Send(chief, "POST", path).status, 200);
  auto again = Send(chief, "POST", path);
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(Subject(again), approval::kReportAcknowledged);
}

TEST_F(ExceptionsApiTest, TheServerProducesLastMonthsReportOnce) {
  auto first = stack_->exception_reports().Tick(NowMicros());
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  ASSERT_TRUE(first->has_value());
  approval::Month last = approval::MonthOf(NowMicros());
  last = last.month == 1 ? approval::Month{last.year - 1, 12}
                         : approval::Month{last.year, last.month - 1};
  EXPECT_EQ((*first)->period, last);
  EXPECT_EQ((*first)->produced_by, approval::kReportSystemActor);
  auto second = stack_->exception_reports().Tick(NowMicros());
  ASSERT_TRUE(second.has_value());
  EXPECT_FALSE(second->has_value());
  auto events = EventsOf("exception.report");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].actor, approval::kReportSystemActor);
}

// --- Policy changes need an approved policy_change request ---------------

class PolicyChangeApiTest : public ExceptionsApiTest {
 protected:
  // A policy_change request of `token`'s holder for `subject` and `body`.
  std::string ApplyForChange(const std::string& token, const std::string& subject,
                             const nlohmann::json& body) {
    auto r = Send(token, "POST", "/v1/approvals",
                  nlohmann::json{{"type", "policy_change"},
                                 {"subject", subject},
                                 {"action", "policy.set"},
                                 {"reason", "threshold.review"},
                                 {"attachments", {approval::PolicyChangeDigest(body)}}}
                      .dump());
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json().value("id", "");
  }
  HttpResponse PutAnalysis(const std::string& token, const nlohmann::json& body,
                           const std::string& approval = "") {
    return Send(token, "PUT",
                "/v1/policy/analysis" + (approval.empty() ? "" : "?approval=" + approval),
                body.dump());
  }
  uint32_t Spike() {
    auto p = analysis::GetParameters(engine_->data_store());
    EXPECT_TRUE(p.has_value());
    return p ? p->spike_percent : 0;
  }
  const nlohmann::json kChange = {{"spike_percent", 400}};
};

TEST_F(PolicyChangeApiTest, WithoutAnApprovedRequestNothingChanges) {
  const std::string ciso = Login("ciso1");
  auto r = PutAnalysis(ciso, kChange);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(Subject(r), approval::kPolicyApprovalRequired);
  // The refusal says what to apply with.
  EXPECT_NE(r.body.find(approval::PolicyChangeDigest(kChange)), std::string::npos);
  EXPECT_EQ(Spike(), 300u);
  ExpectRefused("analysis.policy_set", approval::kPolicyApprovalRequired);
  auto flows =
      Send(ciso, "PUT", "/v1/policy/approval", nlohmann::json{{"exception_filing_days", 5}}.dump());
  EXPECT_EQ(flows.status, 400) << flows.body;
  ExpectRefused("approval.policy_set", approval::kPolicyApprovalRequired);
  EXPECT_EQ(approval::GetFlowParameters(engine_->data_store())->exception_filing_days, 2u);
}

TEST_F(PolicyChangeApiTest, ARequestApprovedByTheApplicantsOwnHandIsNotAnApproval) {
  const std::string ciso = Login("ciso1"), chief = Login("chief1");
  const std::string id = ApplyForChange(ciso, "policy/analysis", kChange);
  auto self = Approve(ciso, id);
  EXPECT_EQ(self.status, 403) << self.body;
  EXPECT_EQ(Subject(self), approval::kSelfApproval);
  auto r = PutAnalysis(ciso, kChange, id);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(Subject(r), approval::kPolicyNotApproved);
  EXPECT_EQ(Spike(), 300u);
  ExpectRefused("analysis.policy_set", approval::kPolicyNotApproved);
  // Once approved by chief1, the approver does not make the change either:
  // the applicant does.
  ASSERT_EQ(Approve(chief, id).status, 200);
  auto by_approver = PutAnalysis(chief, kChange, id);
  EXPECT_EQ(by_approver.status, 403) << by_approver.body;
  EXPECT_EQ(Subject(by_approver), approval::kPolicyNotApplicant);
  EXPECT_EQ(Spike(), 300u);
}

TEST_F(PolicyChangeApiTest, ARequestForADifferentChangeIsRefused) {
  const std::string ciso = Login("ciso1"), chief = Login("chief1");
  const std::string id = ApplyForChange(ciso, "policy/analysis", kChange);
  ASSERT_EQ(Approve(chief, id).status, 200);
  // Other values than those approved.
  auto other = PutAnalysis(ciso, {{"spike_percent", 1000}}, id);
  EXPECT_EQ(other.status, 403) << other.body;
  EXPECT_EQ(Subject(other), approval::kPolicyApprovalMismatch);
  // The same body on another policy.
  const std::string flows = ApplyForChange(ciso, "policy/approval", {{"exception_filing_days", 5}});
  ASSERT_EQ(Approve(chief, flows).status, 200);
  auto wrong = PutAnalysis(ciso, {{"exception_filing_days", 5}}, flows);
  EXPECT_EQ(wrong.status, 400) << wrong.body;  // not an analysis parameter at all
  auto crossed = Send(ciso, "PUT", "/v1/policy/approval?approval=" + id,
                      nlohmann::json{{"exception_filing_days", 5}}.dump());
  EXPECT_EQ(crossed.status, 403) << crossed.body;
  EXPECT_EQ(Subject(crossed), approval::kPolicyApprovalMismatch);
  EXPECT_EQ(Spike(), 300u);
  EXPECT_EQ(approval::GetFlowParameters(engine_->data_store())->exception_filing_days, 2u);
  ExpectRefused("approval.policy_set", approval::kPolicyApprovalMismatch);
}

TEST_F(PolicyChangeApiTest, AnApprovedChangeIsMadeOnceByItsApplicant) {
  const std::string ciso = Login("ciso1"), chief = Login("chief1"), hana = Login("hana");
  const std::string id = ApplyForChange(ciso, "policy/analysis", kChange);
  ASSERT_EQ(Approve(chief, id).status, 200);
  auto r = PutAnalysis(ciso, kChange, id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Spike(), 400u);
  auto set = EventsOf("analysis.policy_set");
  ASSERT_EQ(set.size(), 1u);
  EXPECT_EQ(set[0].result, "ok");
  EXPECT_EQ(set[0].attrs["approval"], id);
  // One approval, one change.
  auto again = PutAnalysis(ciso, kChange, id);
  EXPECT_EQ(again.status, 403) << again.body;
  EXPECT_EQ(Subject(again), approval::kPolicyApprovalUsed);

  // The flows' parameters the same way; a later emergency uses them.
  const nlohmann::json flows = {{"exception_filing_days", 5}};
  const std::string fid = ApplyForChange(ciso, "policy/approval", flows);
  ASSERT_EQ(Approve(chief, fid).status, 200);
  auto out_of_range = Send(ciso, "PUT", "/v1/policy/approval?approval=" + fid,
                           nlohmann::json{{"exception_filing_days", 0}}.dump());
  EXPECT_EQ(out_of_range.status, 400) << out_of_range.body;
  EXPECT_EQ(Subject(out_of_range), "policy.exception_filing_days");
  auto put = Send(ciso, "PUT", "/v1/policy/approval?approval=" + fid, flows.dump());
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(Send(hana, "GET", "/v1/policy/approval").Json()["exception_filing_days"], 5);
  auto body = Application();
  body["start"] = "2025-01-10";
  body["end"] = "2025-01-17";
  body["acted_at"] = "2025-01-10T09:00:00Z";  // Fri; 01-13 a holiday
  auto late = Apply(hana, body);
  ASSERT_EQ(late.status, 201) << late.body;
  EXPECT_EQ(late.Json()["emergency"]["filing_due"], "2025-01-20");
}

// --- At the console ----------------------------------------------------

// `mamori exceptions …` as a separate process on the same store, as a
// person who logs on at the server's console: the same operations, the same
// ledger rules and refusals as the routes.
class ExceptionsCliTest : public ExceptionsApiTest {
 protected:
  // The exit code; stdout and stderr in *out.
  int Mamori(const std::string& args, std::string* out,
             const std::string& password = kStackPassword) {
    return RunMamori(args, password, out);
  }
  static std::string ApplyArgs(const std::string& user) {
    return "exceptions apply --user " + user +
           " --rule 002.art47 --measure takeout.unencrypted --scope employee_my_number"
           " --reason business.deadline --start " +
           Today() + " --end " + Today(30) + " --attachment " + kExceptionFormHash;
  }
};

TEST_F(ExceptionsCliTest, ApplyApproveReadAndEndAtTheConsole) {
  std::string out;
  ASSERT_EQ(Mamori(ApplyArgs("hana"), &out), 0) << out;
  const nlohmann::json applied = nlohmann::json::parse(out);
  const std::string id = applied["id"];
  EXPECT_EQ(applied["state"], "pending");
  EXPECT_EQ(applied["rule"], "002.art47");
  // Approved at the console by the CISO line's other person.
  ASSERT_EQ(Mamori("approvals approve --user dept1 --id " + id, &out), 1) << out;
  EXPECT_NE(out.find("none of the roles that approve this stage"), std::string::npos) << out;
  ExpectRefused("approval.approve", approval::kNotApprover);
  ASSERT_EQ(Approve(Login("chief1"), id).status, 200);
  ASSERT_EQ(Mamori("exceptions show --user hana --id " + id, &out), 0) << out;
  EXPECT_EQ(nlohmann::json::parse(out)["state"], "in_force");
  ASSERT_EQ(Mamori("exceptions list --user audit1 --in-force", &out), 0) << out;
  EXPECT_EQ(nlohmann::json::parse(out)["exceptions"].size(), 1u);
  const std::string month = approval::FormatMonth(approval::MonthOf(NowMicros()));
  ASSERT_EQ(Mamori("exceptions trends --user audit1 --from " + month + " --to " + month, &out), 0)
      << out;
  EXPECT_EQ(nlohmann::json::parse(out)["months"][0]["total"], 1);
  ASSERT_EQ(Mamori("exceptions end --user hana --id " + id + " --reason work.completed", &out), 0)
      << out;
  EXPECT_EQ(nlohmann::json::parse(out)["state"], "ended");
  // Each step is audited as the person, from this console.
  for (const char* op : {"exception.apply", "exception.end"}) {
    auto events = EventsOf(op);
    ASSERT_EQ(events.size(), 1u) << op;
    EXPECT_EQ(events[0].actor, "hana") << op;
    EXPECT_TRUE(events[0].terminal.starts_with("local:")) << events[0].terminal;
  }
}

TEST_F(ExceptionsCliTest, TheConsoleRefusesWhatTheRoutesRefuse) {
  std::string out;
  const std::string id = Applied(Login("hana"));
  // Someone outside: no ledger, no other person's exception, no trends.
  EXPECT_EQ(Mamori("exceptions list --user kenji", &out), 1);
  EXPECT_NE(out.find("exception.ledger"), std::string::npos) << out;
  EXPECT_EQ(Mamori("exceptions show --user kenji --id " + id, &out), 1);
  EXPECT_EQ(out.find("002.art47"), std::string::npos) << out;
  EXPECT_EQ(Mamori("exceptions trends --user kenji", &out), 1);
  // Nobody else ends it; a department officer designates nobody.
  EXPECT_EQ(Mamori("exceptions end --user kenji --id " + id, &out), 1);
  EXPECT_NE(out.find("only the applicant ends"), std::string::npos) << out;
  ExpectRefused("exception.end", approval::kExceptionNotApplicant);
  EXPECT_EQ(Mamori("exceptions designate --user dept1 --person dept1", &out), 1);
  EXPECT_NE(out.find("only the CISO line"), std::string::npos) << out;
  ExpectRefused("exception.designate", approval::kExceptionNotCisoLine);
  // A malformed rule is refused and nothing is applied.
  EXPECT_EQ(Mamori("exceptions apply --user hana --rule 第47条 --measure takeout.unencrypted"
                   " --scope employee_my_number --reason business.deadline --start " +
                       Today() + " --end " + Today(1),
                   &out),
            1);
  // A wrong password: the logon is refused and audited, nothing done.
  EXPECT_EQ(Mamori(ApplyArgs("hana"), &out, "not-the-password"), 1);
  EXPECT_EQ(EventsOf("identity.login").back().result, "refused");
  EXPECT_EQ(stack_->exceptions().Ledger()->size(), 1u);
  EXPECT_EQ(StateOf(id), "pending");
  auto ended = EventsOf("exception.end");
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].result, "refused");
}

}  // namespace
}  // namespace mamori::api::testing
