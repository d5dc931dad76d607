// The registers over HTTPS with real logons, sessions and the real
// authoriser (api/stack_fixture.h): /v1/contractors, /v1/cloud-services
// and /v1/registers/{kind}, then `mamori contractors|registers` at the
// console on the same store. Every refusal is its own test through the
// real policy, changes nothing and is audited.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/stack_fixture.h"
#include "governance/register_samples.h"
#include "governance/registers.h"

namespace mamori::api::testing {
namespace {

using json = nlohmann::json;

class RegistersApiTest : public StackApiTest {
 protected:
  void SetUp() override {
    StackApiTest::SetUp();
    AddUser("admin1", {"admin"}, "", "情報システム課");
    AddUser("mgr1", {"section_manager"});
    AddUser("chief1", {"chief_officer"}, "", "情報セキュリティ室");
    AddUser("audit1", {"auditor"}, "", "監査室");
    AddUser("hana", {"handler"}, "mgr1");
    StartStackServer();
  }

  static json Contractor() { return governance::testing::SampleContractor(); }
  static json Cloud() { return governance::testing::SampleCloud(); }
  static std::string Today() { return FormatDate(JstDate(NowMicros())); }
  static std::string Subject(const HttpResponse& r) { return r.Json().value("subject", ""); }
  size_t Count(const std::string& kind) {
    auto list = stack_->registers().List(kind);
    EXPECT_TRUE(list.has_value());
    return list ? list->size() : 0;
  }
  // The last event of `operation` is a refusal with `reason`.
  void ExpectRefused(const std::string& operation, std::string_view reason) {
    auto events = EventsOf(operation);
    ASSERT_FALSE(events.empty()) << operation;
    EXPECT_EQ(events.back().result, "refused");
    EXPECT_EQ(events.back().reason, reason);
  }
};

TEST_F(RegistersApiTest, AContractorIsRegisteredChangedCheckedAndReadByTheAuditor) {
  const std::string mgr = Login("mgr1"), audit = Login("audit1");
  auto made = Send(mgr, "POST", "/v1/contractors", Contractor().dump());
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(made.Json()["id"], "CT00001");
  EXPECT_EQ(made.Json()["version"], 1);
  EXPECT_FALSE(made.Json()["overdue"].get<bool>());

  auto changed =
      Send(mgr, "PATCH", "/v1/contractors/CT00001", json{{"contract_end", "2027-03-31"}}.dump());
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(changed.Json()["version"], 2);

  auto checked = Send(mgr, "POST", "/v1/contractors/CT00001/checks",
                      json{{"date", Today()}, {"result", "ok"}}.dump());
  ASSERT_EQ(checked.status, 200) << checked.body;
  EXPECT_EQ(checked.Json()["checks"].size(), 1u);

  // The auditor reads every register, by its own name or as a kind.
  auto shown = Send(audit, "GET", "/v1/contractors/CT00001");
  ASSERT_EQ(shown.status, 200) << shown.body;
  ASSERT_EQ(shown.Json()["versions"].size(), 3u);
  EXPECT_EQ(shown.Json()["versions"][1]["changed"], json::array({"contract_end"}));
  auto listed = Send(audit, "GET", "/v1/registers/contractor");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.Json()["entries"].size(), 1u);
  EXPECT_EQ(Send(audit, "GET", "/v1/registers/contractor?overdue=true").Json()["entries"].size(),
            0u);
  auto kinds = Send(audit, "GET", "/v1/registers");
  ASSERT_EQ(kinds.status, 200);
  EXPECT_EQ(kinds.Json()["registers"].size(), governance::RegisterKinds().size());
}

TEST_F(RegistersApiTest, SomeoneWhoKeepsNoRegisterIsRefusedAtTheRoute) {
  const std::string hana = Login("hana"), audit = Login("audit1");
  EXPECT_EQ(Send(hana, "GET", "/v1/contractors").status, 403);
  EXPECT_EQ(Send(hana, "POST", "/v1/contractors", Contractor().dump()).status, 403);
  EXPECT_EQ(Send(audit, "POST", "/v1/contractors", Contractor().dump()).status, 403);
  EXPECT_EQ(Send(audit, "POST", "/v1/registers/media", json::object().dump()).status, 403);
  EXPECT_EQ(Count("contractor"), 0u);
}

TEST_F(RegistersApiTest, AKeeperOfAnotherKindIsRefusedByTheRegister) {
  const std::string admin = Login("admin1"), mgr = Login("mgr1");
  // The administrator passes register.keep but does not keep contractors.
  EXPECT_EQ(Send(admin, "POST", "/v1/contractors", Contractor().dump()).status, 403);
  auto r = Send(admin, "POST", "/v1/registers/contractor", Contractor().dump());
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(Subject(r), governance::kRegisterNotKeeper);
  ExpectRefused("register.create", governance::kRegisterNotKeeper);
  // A section manager does not keep the allowed-software register.
  auto sw = Send(mgr, "POST", "/v1/registers/software",
                 json{{"name", "表計算"},
                      {"version", "1.0"},
                      {"publisher", "株式会社"},
                      {"scope", "terminal"},
                      {"decided_on", "2026-11-01"}}
                     .dump());
  EXPECT_EQ(sw.status, 403) << sw.body;
  EXPECT_EQ(Subject(sw), governance::kRegisterNotKeeper);
  EXPECT_EQ(Count("contractor") + Count("software"), 0u);
}

TEST_F(RegistersApiTest, AnUnknownKindIsNotFound) {
  const std::string mgr = Login("mgr1");
  auto r = Send(mgr, "GET", "/v1/registers/vendors");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Subject(r), governance::kRegisterKindUnknown);
  auto made = Send(mgr, "POST", "/v1/registers/vendors", Contractor().dump());
  EXPECT_EQ(made.status, 404);
  ExpectRefused("register.create", governance::kRegisterKindUnknown);
}

TEST_F(RegistersApiTest, AMissingRequiredFieldOrAnUnknownCodeIsRefusedNamingTheField) {
  const std::string mgr = Login("mgr1");
  json missing = Contractor();
  missing.erase("clause_incident_reporting");
  auto r = Send(mgr, "POST", "/v1/contractors", missing.dump());
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(Subject(r), "clause_incident_reporting");
  json code = Contractor();
  code["handles"] = {"everything"};
  r = Send(mgr, "POST", "/v1/contractors", code.dump());
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(Subject(r), "handles");
  EXPECT_EQ(r.body.find("everything"), std::string::npos);  // what was given is not repeated
  json unknown = Contractor();
  unknown["secret_note"] = "x";
  r = Send(mgr, "POST", "/v1/contractors", unknown.dump());
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Subject(r), governance::kRegisterFields);
  EXPECT_EQ(r.body.find("secret_note"), std::string::npos);
  ExpectRefused("register.create", governance::kRegisterFields);
  EXPECT_EQ(Count("contractor"), 0u);
}

TEST_F(RegistersApiTest, ACloudServiceUsedBeforeApprovalIsRefused) {
  const std::string admin = Login("admin1"), chief = Login("chief1");
  json in_use = Cloud();
  in_use["status"] = "in_use";
  auto r = Send(admin, "POST", "/v1/cloud-services", in_use.dump());
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(Subject(r), "cloud.not_approved");
  ExpectRefused("register.create", "cloud.not_approved");
  auto made = Send(admin, "POST", "/v1/cloud-services", Cloud().dump());
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string id = made.Json()["id"];
  r = Send(admin, "PATCH", "/v1/cloud-services/" + id, json{{"status", "in_use"}}.dump());
  EXPECT_EQ(r.status, 409);
  // Only the chief officer approves; then it may be used.
  EXPECT_EQ(Send(admin, "POST", "/v1/cloud-services/" + id + "/approve").status, 403);
  auto ok = Send(chief, "POST", "/v1/cloud-services/" + id + "/approve");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_TRUE(ok.Json()["approved"].get<bool>());
  r = Send(admin, "PATCH", "/v1/cloud-services/" + id, json{{"status", "in_use"}}.dump());
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(EventsOf("register.approve").back().actor, "chief1");
}

TEST_F(RegistersApiTest, AChiefOfficerDoesNotApproveACloudServiceTheyRegistered) {
  const std::string chief = Login("chief1");
  auto made = Send(chief, "POST", "/v1/cloud-services", Cloud().dump());
  ASSERT_EQ(made.status, 201) << made.body;
  auto r = Send(chief, "POST",
                "/v1/cloud-services/" + made.Json()["id"].get<std::string>() + "/approve");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(Subject(r), "cloud.self_approval");
  ExpectRefused("register.approve", "cloud.self_approval");
}

TEST_F(RegistersApiTest, MyNumbersStoredOutsideJapanAreRefused) {
  const std::string admin = Login("admin1");
  json abroad = Cloud();
  abroad["storage_country"] = "US";
  auto r = Send(admin, "POST", "/v1/cloud-services", abroad.dump());
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(Subject(r), "cloud.outside_japan");
  ExpectRefused("register.create", "cloud.outside_japan");
  EXPECT_EQ(Count("cloud_service"), 0u);
}

TEST_F(RegistersApiTest, ACheckOnARetiredEntryIsRefused) {
  const std::string mgr = Login("mgr1");
  json none = Contractor();
  none["handles"] = {"none"};
  auto made = Send(mgr, "POST", "/v1/contractors", none.dump());
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string id = made.Json()["id"];
  ASSERT_EQ(Send(mgr, "POST", "/v1/contractors/" + id + "/retire",
                 json{{"reason", "contract.ended"}}.dump())
                .status,
            200);
  auto r = Send(mgr, "POST", "/v1/contractors/" + id + "/checks",
                json{{"date", Today()}, {"result", "ok"}}.dump());
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(Subject(r), governance::kRegisterRetired);
  ExpectRefused("register.check", governance::kRegisterRetired);
  EXPECT_EQ(stack_->registers().Get("contractor", id)->version, 2);
  // Retired entries are listed only when asked for.
  EXPECT_EQ(Send(mgr, "GET", "/v1/contractors").Json()["entries"].size(), 0u);
  EXPECT_EQ(Send(mgr, "GET", "/v1/contractors?retired=true").Json()["entries"].size(), 1u);
}

TEST_F(RegistersApiTest, ASubContractorWithoutItsPriorApprovalIsRefused) {
  const std::string mgr = Login("mgr1");
  ASSERT_EQ(Send(mgr, "POST", "/v1/contractors", Contractor().dump()).status, 201);
  json sub = Contractor();
  sub["parent"] = "CT00001";
  auto r = Send(mgr, "POST", "/v1/contractors", sub.dump());
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(Subject(r), "contractor.subcontract_not_approved");
  EXPECT_EQ(Count("contractor"), 1u);
}

TEST_F(RegistersApiTest, TheConsoleCommandsAreTheRoutes) {
  std::string out;
  ASSERT_EQ(RunMamori("contractors create --user mgr1 --set name=株式会社保守 --set service=保守 "
                      "--set department=soumu --set supervisor=mgr1 --set handles=none "
                      "--set contract_start=2026-04-01 --set selection_criteria_met=true "
                      "--set clause_supervision_audit=true --set clause_confidentiality=true "
                      "--set clause_incident_reporting=true --set clause_return_disposal=true "
                      "--set clause_damages_termination=true --set clause_safety_measures=true "
                      "--set clause_staff_supervision=true --set subcontracting=prohibited",
                      kStackPassword, &out),
            0)
      << out;
  EXPECT_NE(out.find("CT00001"), std::string::npos) << out;
  ASSERT_EQ(RunMamori("registers list --user audit1 --kind contractor", kStackPassword, &out), 0)
      << out;
  EXPECT_NE(out.find("CT00001"), std::string::npos);
  // The same refusals: the auditor keeps nothing; an unknown kind.
  EXPECT_EQ(
      RunMamori("registers create --user audit1 --kind media --set type=usb", kStackPassword, &out),
      1);
  EXPECT_EQ(RunMamori("registers list --user mgr1 --kind vendors", kStackPassword, &out), 1);
  EXPECT_EQ(RunMamori("cloud-services approve --user mgr1 --id CS00001", kStackPassword, &out), 1);
  EXPECT_EQ(Count("contractor"), 1u);
}

}  // namespace
}  // namespace mamori::api::testing
