// Incidents (漏えい等事案, [002 第31-33条], [003 II.2(8)]) over HTTPS with
// real logons, sessions and the real authoriser (stack_fixture.h): a handler
// reports, the CSIRT triages, the CISO line decides, and the flow runs to
// its close with the Commission's reports recorded and the form generated.
// Each attack on the routes is its own refusal, audited and changing
// nothing: a handler reading another's incident, a handler taking the SIRT's
// step, the CISO taking it, a step out of order, a second close, bad dates,
// an unknown finding. Also the same at the console (`mamori incidents …`).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/stack_fixture.h"
#include "governance/incidents.h"

namespace mamori::api::testing {
namespace {

using json = nlohmann::json;

class IncidentsApiTest : public StackApiTest {
 protected:
  void SetUp() override {
    StackApiTest::SetUp();
    AddUser("mgr1", {"section_manager"});
    AddUser("hana", {"handler"}, "mgr1");
    AddUser("kenji", {"handler"}, "mgr1");
    AddUser("sirt1", {"sirt"}, "", "情報セキュリティ室");
    AddUser("chief1", {"chief_officer"}, "", "情報セキュリティ室");
    AddUser("audit1", {"auditor"}, "", "監査室");
    StartStackServer();
  }

  static std::string Today(int plus_days = 0) {
    return FormatDate(CivilFromDays(DaysFromCivil(JstDate(NowMicros())) + plus_days));
  }
  static json Leak() {
    return {{"aware", Today()},          {"people_affected", 1200},
            {"records", 1200},           {"items", {"name", "address", "phone"}},
            {"subjects", {"customers"}}, {"route", "email"},
            {"cause", "misdelivery"},    {"leaked", "yes"},
            {"departments", {"総務部"}}, {"summary", "顧客名簿を誤って外部に送信した"}};
  }
  std::string Reported(const std::string& token, const json& body = Leak()) {
    auto r = Send(token, "POST", "/v1/incidents", body.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json().value("id", "");
  }
  HttpResponse Step(const std::string& token, const std::string& id, json body) {
    return Send(token, "POST", "/v1/incidents/" + id + "/steps", body.dump());
  }
  std::string StateOf(const std::string& id) {
    auto i = stack_->incidents().Get(id);
    EXPECT_TRUE(i.has_value());
    return i ? i->state : "";
  }
};

TEST_F(IncidentsApiTest, AReportRunsThroughTheFlowToItsClose) {
  const std::string hana = Login("hana"), sirt = Login("sirt1"), chief = Login("chief1"),
                    audit = Login("audit1");
  auto made = Send(hana, "POST", "/v1/incidents", Leak().dump());
  ASSERT_EQ(made.status, 201) << made.body;
  const json i = made.Json();
  const std::string id = i["id"];
  EXPECT_EQ(i["state"], "reported");
  EXPECT_EQ(i["reporter"], "hana");
  EXPECT_TRUE(i["reportable"].get<bool>());
  EXPECT_EQ(i["grounds"], json({"over_1000_people"}));
  EXPECT_EQ(i["final_report_due"], Today(30));
  EXPECT_EQ(i["overdue"], json::array());
  // The event carries ids and codes, never the summary.
  auto ev = EventsOf("incident.report");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].attrs.at("incident"), id);
  EXPECT_EQ(ev[0].attrs.at("reportable"), "true");
  for (const auto& [k, v] : ev[0].attrs) EXPECT_EQ(v.find("顧客"), std::string::npos) << k;

  ASSERT_EQ(Step(sirt, id, {{"step", "triage"}}).status, 200);
  ASSERT_EQ(Step(chief, id, {{"step", "decide"}, {"note", "全社対応"}}).status, 200);
  ASSERT_EQ(Step(chief, id, {{"step", "preliminary_report"}, {"date", Today()}}).status, 200);
  ASSERT_EQ(Step(sirt, id, {{"step", "contain"}}).status, 200);
  ASSERT_EQ(Step(sirt, id, {{"step", "check_systems"}}).status, 200);
  // Not an attack: the police step records "not_attack".
  auto police = Step(chief, id, {{"step", "police"}, {"reported", false}});
  ASSERT_EQ(police.status, 200) << police.body;
  EXPECT_EQ(police.Json()["steps"].back()["outcome"], "not_attack");
  auto amend = Step(sirt, id,
                    {{"step", "amend"},
                     {"fields",
                      {{"secondary_damage", "なし"},
                       {"subject_response", "対象者へ通知済み"},
                       {"publication", "ウェブサイトで公表"},
                       {"prevention", "送信前の二者確認"},
                       {"notes", "なし"}}}});
  ASSERT_EQ(amend.status, 200) << amend.body;
  auto form = Send(audit, "GET", "/v1/incidents/" + id + "/report-form?kind=final");
  ASSERT_EQ(form.status, 200) << form.body;
  EXPECT_TRUE(form.Json()["complete"].get<bool>()) << form.body;
  EXPECT_EQ(form.Json()["due"], Today(30));
  EXPECT_EQ(form.Json()["items"][2]["value"], "1200 人");
  ASSERT_EQ(Step(chief, id, {{"step", "final_report"}, {"date", Today()}}).status, 200);
  ASSERT_EQ(Step(sirt, id, {{"step", "lessons"}, {"note", "宛先の二者確認を導入"}}).status, 200);
  auto closed = Step(chief, id, {{"step", "close"}});
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(closed.Json()["state"], "closed");
  EXPECT_EQ(closed.Json()["final_submitted"], Today());
  // Read by its reporter, the SIRT and the auditor.
  for (const auto& t : {hana, sirt, audit}) {
    EXPECT_EQ(Send(t, "GET", "/v1/incidents/" + id).status, 200);
  }
  auto listed = Send(audit, "GET", "/v1/incidents?state=closed&reportable=true");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.Json()["incidents"].size(), 1u);
}

TEST_F(IncidentsApiTest, AHandlerDoesNotReadAnothersIncident) {
  const std::string id = Reported(Login("hana"));
  const std::string kenji = Login("kenji"), mgr = Login("mgr1");
  auto r = Send(kenji, "GET", "/v1/incidents/" + id);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body.find("顧客"), std::string::npos);
  EXPECT_EQ(Send(mgr, "GET", "/v1/incidents/" + id).status, 404);
  auto list = Send(kenji, "GET", "/v1/incidents");
  ASSERT_EQ(list.status, 200);
  EXPECT_TRUE(list.Json()["incidents"].empty());
  // The form is not for a handler, not even the reporter.
  EXPECT_EQ(
      Send(Login("hana"), "GET", "/v1/incidents/" + id + "/report-form?kind=preliminary").status,
      403);
}

TEST_F(IncidentsApiTest, AHandlerOrTheCisoDoesNotTakeTheSirtsStep) {
  const std::string hana = Login("hana");
  const std::string id = Reported(hana);
  // The route is not the handler's at all.
  EXPECT_EQ(Step(hana, id, {{"step", "triage"}}).status, 403);
  // The CISO line may record steps, but triage is the SIRT's.
  auto chief = Step(Login("chief1"), id, {{"step", "triage"}});
  EXPECT_EQ(chief.status, 403) << chief.body;
  EXPECT_EQ(Subject(chief), governance::kIncidentNotAllowed);
  ExpectRefused("incident.triage", governance::kIncidentNotAllowed);
  // And the SIRT does not decide for the CISO.
  const std::string sirt = Login("sirt1");
  ASSERT_EQ(Step(sirt, id, {{"step", "triage"}}).status, 200);
  EXPECT_EQ(Subject(Step(sirt, id, {{"step", "decide"}})), governance::kIncidentNotAllowed);
  EXPECT_EQ(StateOf(id), "triaged");
}

TEST_F(IncidentsApiTest, AStepOutOfOrderOrASecondCloseIsRefused) {
  const std::string id = Reported(Login("hana"));
  const std::string sirt = Login("sirt1"), chief = Login("chief1");
  auto early = Step(sirt, id, {{"step", "contain"}});
  EXPECT_EQ(early.status, 409) << early.body;
  EXPECT_EQ(Subject(early), governance::kIncidentStepOrder);
  ExpectRefused("incident.contain", governance::kIncidentStepOrder);
  EXPECT_EQ(Subject(Step(chief, id, {{"step", "close"}})), governance::kIncidentStepOrder);
  EXPECT_EQ(StateOf(id), "reported");
  EXPECT_EQ(Step(sirt, id, {{"step", "teleport"}}).status, 400);
  EXPECT_EQ(Step(sirt, id, json::object()).status, 400);

  // A small leak, run to its close; then a second close.
  json small = Leak();
  small["people_affected"] = 3;
  const std::string s = Reported(Login("hana"), small);
  ASSERT_EQ(Step(sirt, s, {{"step", "triage"}}).status, 200);
  ASSERT_EQ(Step(chief, s, {{"step", "decide"}}).status, 200);
  ASSERT_EQ(Step(sirt, s, {{"step", "contain"}}).status, 200);
  ASSERT_EQ(Step(sirt, s, {{"step", "check_systems"}}).status, 200);
  ASSERT_EQ(Step(chief, s, {{"step", "police"}, {"reported", false}}).status, 200);
  ASSERT_EQ(Step(chief, s, {{"step", "no_report"}, {"reason", "under_threshold"}}).status, 200);
  ASSERT_EQ(Step(sirt, s, {{"step", "lessons"}, {"note", "教訓"}}).status, 200);
  ASSERT_EQ(Step(chief, s, {{"step", "close"}}).status, 200);
  auto again = Step(chief, s, {{"step", "close"}});
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(Subject(again), governance::kIncidentClosed);
  ExpectRefused("incident.close", governance::kIncidentClosed);
  EXPECT_EQ(stack_->incidents().Get(s)->steps.size(), 9u);
}

TEST_F(IncidentsApiTest, BadDatesAreRefusedAndChangeNothing) {
  const std::string hana = Login("hana"), sirt = Login("sirt1"), chief = Login("chief1");
  json body = Leak();
  body["aware"] = Today(1);  // tomorrow
  auto future = Send(hana, "POST", "/v1/incidents", body.dump());
  EXPECT_EQ(future.status, 400);
  EXPECT_EQ(Subject(future), "aware");
  body["aware"] = "2025/12/22";
  EXPECT_EQ(Subject(Send(hana, "POST", "/v1/incidents", body.dump())), "aware");
  body.erase("aware");
  EXPECT_EQ(Subject(Send(hana, "POST", "/v1/incidents", body.dump())), "aware");
  ExpectRefused("incident.report", "aware");
  EXPECT_TRUE(stack_->incidents().List()->empty());

  const std::string id = Reported(hana);
  ASSERT_EQ(Step(sirt, id, {{"step", "triage"}}).status, 200);
  for (const std::string& date : {Today(1), Today(-1), std::string("yesterday")}) {
    auto r = Step(chief, id, {{"step", "preliminary_report"}, {"date", date}});
    EXPECT_EQ(r.status, 400) << date;
    EXPECT_EQ(Subject(r), "date") << date;
  }
  EXPECT_FALSE(stack_->incidents().Get(id)->preliminary_submitted.has_value());
  // Nor may an amendment move awareness into the future.
  auto moved = Step(sirt, id, {{"step", "amend"}, {"fields", {{"aware", Today(2)}}}});
  EXPECT_EQ(moved.status, 400);
  EXPECT_EQ(stack_->incidents().Get(id)->aware, JstDate(NowMicros()));
}

TEST_F(IncidentsApiTest, AnUnknownFindingIsRefusedAndNothingIsReported) {
  json body = Leak();
  body["finding"] = "F00000042";
  auto r = Send(Login("chief1"), "POST", "/v1/incidents", body.dump());
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(Subject(r), governance::kIncidentUnknownFinding);
  ExpectRefused("incident.report", governance::kIncidentUnknownFinding);
  body["finding"] = 42;
  EXPECT_EQ(Send(Login("chief1"), "POST", "/v1/incidents", body.dump()).status, 400);
  EXPECT_TRUE(stack_->incidents().List()->empty());
}

TEST_F(IncidentsApiTest, TheFormIsPrintableAndSaysWhatIsNotKnown) {
  json body = {{"aware", Today()}, {"people_affected", -1}, {"my_number", true}};
  const std::string id = Reported(Login("hana"), body);
  const std::string sirt = Login("sirt1");
  auto form = Send(sirt, "GET", "/v1/incidents/" + id + "/report-form?kind=preliminary");
  ASSERT_EQ(form.status, 200) << form.body;
  EXPECT_EQ(form.Json()["grounds"], json({"my_number"}));
  EXPECT_FALSE(form.Json()["complete"].get<bool>());
  EXPECT_EQ(form.Json()["items"][2]["value"], "未確定");
  auto html =
      Send(sirt, "GET", "/v1/incidents/" + id + "/report-form?kind=preliminary&format=html");
  ASSERT_EQ(html.status, 200);
  EXPECT_NE(html.body.find("<!DOCTYPE html>"), std::string::npos);
  EXPECT_NE(html.body.find("個人情報保護委員会への報告 (速報)"), std::string::npos);
  auto text = Send(sirt, "GET", "/v1/incidents/" + id + "/report-form?kind=final&format=text");
  ASSERT_EQ(text.status, 200);
  EXPECT_NE(text.body.find("■ 本人の数"), std::string::npos);
  EXPECT_EQ(Send(sirt, "GET", "/v1/incidents/" + id + "/report-form?kind=draft").status, 400);
  EXPECT_EQ(Send(sirt, "GET", "/v1/incidents/" + id + "/report-form?kind=final&format=pdf").status,
            400);
  EXPECT_EQ(Send(sirt, "GET", "/v1/incidents/I99999999/report-form?kind=final").status, 404);
}

// --- At the console ----------------------------------------------------

TEST_F(IncidentsApiTest, ReportStepAndFormAtTheConsole) {
  std::string out;
  ASSERT_EQ(RunMamori("incidents report --user hana --aware " + Today() +
                          " --people-affected 1500 --item name --cause loss --summary 紛失",
                      kStackPassword, &out),
            0)
      << out;
  const json made = json::parse(out);
  const std::string id = made["id"];
  EXPECT_TRUE(made["reportable"].get<bool>());
  // The handler cannot triage at the console either.
  EXPECT_EQ(
      RunMamori("incidents step --user hana --id " + id + " --step triage", kStackPassword, &out),
      1);
  ASSERT_EQ(
      RunMamori("incidents step --user sirt1 --id " + id + " --step triage", kStackPassword, &out),
      0)
      << out;
  EXPECT_EQ(json::parse(out)["state"], "triaged");
  ASSERT_EQ(
      RunMamori("incidents form --user sirt1 --id " + id + " --kind preliminary --format text",
                kStackPassword, &out),
      0)
      << out;
  EXPECT_NE(out.find("紛失"), std::string::npos);
  ASSERT_EQ(RunMamori("incidents list --user hana", kStackPassword, &out), 0) << out;
  EXPECT_EQ(json::parse(out)["incidents"].size(), 1u);
  ASSERT_EQ(RunMamori("incidents show --user kenji --id " + id, kStackPassword, &out), 1);
  EXPECT_EQ(out.find("紛失"), std::string::npos);
  // The fixed commands are unchanged.
  ASSERT_EQ(RunMamori("incidents deadlines --aware 2025-12-22", "", &out), 0) << out;
  EXPECT_EQ(json::parse(out)["final_report_due"], "2026-01-21");
}

}  // namespace
}  // namespace mamori::api::testing
