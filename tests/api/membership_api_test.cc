// Regression: one administrator could give anyone data access, by
// creating a user with a data role, by adding the role, by moving a person
// into a designated department, or by resetting a data holder's password and
// logging on as them. Holding a role that carries rights is a right: it goes
// through the rights register (three people), and a credential reset of a
// holder of rights needs a second person (docs/ARCHITECTURE.md decision 12;
// [003 II.5(4) 必須 A-B]). All through the real server, the real identity and
// the real policy (stack_fixture.h).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/stack_fixture.h"

namespace mamori::api::testing {
namespace {

constexpr char kTemporary[] = "Zt4$wN8q!bHe2u";

class MembershipApiTest : public StackApiTest {
 protected:
  void SetUp() override {
    StackApiTest::SetUp();
    AddUser("kanri", {"admin"}, "", "情報システム課");
    AddUser("kanri2", {"admin"}, "", "情報システム課");
    AddUser("kacho", {"section_manager"});
    AddUser("bucho", {"department_officer"});
    AddUser("sato", {"handler"}, "kacho");
    auto def = engine_->CreateDataset(Local(), engine::EmployeeDataset());
    ASSERT_TRUE(def.has_value()) << def.error().ToString();
    policy::Right read;
    read.role = "handler";
    read.category = def->category;
    read.dataset = kDataset;
    read.operation = policy::Operation::kRead;
    read.purpose = "withholding";
    read.unmask = true;
    read.department = "総務部";
    ASSERT_FALSE(GrantThroughFlow(read, "kacho", "bucho", "kanri").empty());
    StartStackServer();
    admin_ = Login("kanri");
  }

  static std::string Code(const HttpResponse& r) { return r.Json().value("subject", ""); }

  nlohmann::json NewUser(const std::string& id, const std::string& department,
                         std::vector<std::string> roles) {
    return {{"id", id},
            {"display_name", "人形 一郎"},
            {"department", department},
            {"roles", roles},
            {"password", kStackPassword}};
  }

  bool Exists(const std::string& id) {
    return stack_->identity().directory().GetUser(id).has_value();
  }
  std::vector<std::string> RolesOf(const std::string& id) {
    auto u = stack_->identity().directory().GetUser(id);
    return u ? u->roles : std::vector<std::string>{};
  }

  // A rights-register request by `by`; its id.
  std::string Request(const std::string& by, nlohmann::json body) {
    auto r = Send(Login(by), "POST", "/v1/rights/requests", body.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json().value("id", "");
  }
  HttpResponse Step(const std::string& by, const std::string& request, const std::string& step) {
    return Send(Login(by), "POST", "/v1/rights/requests/" + request + "/" + step, "");
  }

  std::string admin_;
};

// The reproduced attack: puppet01 created with the handler role by one
// administrator, logged on, and read a My Number.
TEST_F(MembershipApiTest, AnAdministratorCannotCreateAPersonHoldingDataRights) {
  auto r = Send(admin_, "POST", "/v1/users", NewUser("puppet01", "総務部", {"handler"}).dump());
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(Code(r), "policy.via_register");
  EXPECT_NE(r.Json().value("detail", "").find("role_add"), std::string::npos) << r.body;
  EXPECT_FALSE(Exists("puppet01"));
  const audit::Event ev = LastEvent();
  EXPECT_EQ(ev.operation, "identity.user_create");
  EXPECT_EQ(ev.result, "refused");
  EXPECT_EQ(ev.reason, "policy.via_register");
  EXPECT_EQ(ev.actor, "kanri");
  // Nor a manager, nor an auditor: system rights beyond everyone's.
  for (const std::string role : {"section_manager", "admin", "auditor"}) {
    auto privileged =
        Send(admin_, "POST", "/v1/users", NewUser("puppet02", "総務部", {role}).dump());
    EXPECT_EQ(privileged.status, 403) << role << " " << privileged.body;
  }
  // The same role where no grant reaches it carries no right: allowed.
  auto elsewhere =
      Send(admin_, "POST", "/v1/users", NewUser("keiri01", "経理部", {"handler"}).dump());
  EXPECT_EQ(elsewhere.status, 201) << elsewhere.body;
}

TEST_F(MembershipApiTest, RolesAndDepartmentsThatCarryRightsAreNotChangedDirectly) {
  ASSERT_EQ(Send(admin_, "POST", "/v1/users", NewUser("puppet01", "総務部", {}).dump()).status,
            201);
  auto add = Send(admin_, "PUT", "/v1/users/puppet01/roles/handler");
  EXPECT_EQ(add.status, 403) << add.body;
  EXPECT_EQ(Code(add), "policy.via_register");
  EXPECT_EQ(LastEvent().operation, "identity.role_add");
  EXPECT_EQ(LastEvent().result, "refused");
  EXPECT_TRUE(RolesOf("puppet01").empty());
  EXPECT_EQ(Send(admin_, "PUT", "/v1/users/puppet01/roles/section_manager").status, 403);

  // Moving a handler into the designated department is a grant too.
  ASSERT_EQ(
      Send(admin_, "POST", "/v1/users", NewUser("keiri01", "経理部", {"handler"}).dump()).status,
      201);
  auto move = Send(admin_, "PATCH", "/v1/users/keiri01", R"({"department": "総務部"})");
  EXPECT_EQ(move.status, 403) << move.body;
  EXPECT_EQ(Code(move), "policy.via_register");
  EXPECT_EQ(stack_->identity().directory().GetUser("keiri01")->department, "経理部");

  // Taking rights away is not: removing a role, moving out.
  EXPECT_EQ(Send(admin_, "PATCH", "/v1/users/sato", R"({"department": "経理部"})").status, 200);
  EXPECT_EQ(Send(admin_, "DELETE", "/v1/users/sato/roles/handler").status, 200);
  EXPECT_TRUE(RolesOf("sato").empty());

  // Service accounts too.
  auto app = Send(admin_, "POST", "/v1/service-accounts",
                  nlohmann::json{{"id", "payroll-app"},
                                 {"display_name", "給与システム"},
                                 {"cert_fingerprint", std::string(64, 'a')},
                                 {"roles", {"auditor"}}}
                      .dump());
  EXPECT_EQ(app.status, 403) << app.body;
  EXPECT_EQ(Code(app), "policy.via_register");
}

TEST_F(MembershipApiTest, TheRegisterGivesARoleWithThreePeople) {
  AddUser("tanaka", {});  // 総務部, no role yet
  const std::string request = Request("kacho", {{"kind", "role_add"},
                                                {"person", "tanaka"},
                                                {"role", "handler"},
                                                {"reason", "源泉徴収事務の担当者に指定"}});
  ASSERT_FALSE(request.empty());
  // Nobody may skip a step or take two.
  EXPECT_EQ(Step("kanri", request, "configure").status, 409);
  EXPECT_EQ(Step("kacho", request, "approve").status, 403);  // the requester
  EXPECT_EQ(Step("kanri", request, "approve").status, 403);  // no approving role
  ASSERT_EQ(Step("bucho", request, "approve").status, 200);
  EXPECT_EQ(Step("bucho", request, "configure").status, 403);  // the approver
  auto configured = Step("kanri", request, "configure");
  ASSERT_EQ(configured.status, 200) << configured.body;
  EXPECT_EQ(RolesOf("tanaka"), std::vector<std::string>{"handler"});
  auto applied = EventsOf("identity.role_add");
  ASSERT_FALSE(applied.empty());
  EXPECT_EQ(applied.back().actor, "kanri");
  EXPECT_EQ(AttrOf(applied.back(), "request"), request);
  EXPECT_EQ(AttrOf(applied.back(), "target"), "tanaka");

  // The register shows the entry with its three people, and tanaka as a
  // holder of the designated grant.
  auto reg = Send(Login("bucho"), "GET", "/v1/rights/register?kind=role_add");
  ASSERT_EQ(reg.status, 200) << reg.body;
  ASSERT_EQ(reg.Json()["entries"].size(), 1u) << reg.body;
  EXPECT_EQ(reg.Json()["entries"][0]["requester"]["by"], "kacho");
  EXPECT_EQ(reg.Json()["entries"][0]["approver"]["by"], "bucho");
  EXPECT_EQ(reg.Json()["entries"][0]["configurer"]["by"], "kanri");
  auto holdings = Send(Login("bucho"), "GET", "/v1/rights/holdings?person=tanaka");
  ASSERT_EQ(holdings.status, 200) << holdings.body;
  EXPECT_EQ(holdings.Json()["holdings"].size(), 1u) << holdings.body;

  // And the person now reads, as the grant designates.
  const std::string t = Login("tanaka");
  auto list =
      Send(t, "GET", std::string("/v1/datasets/") + kDataset + "/records?purpose=withholding");
  EXPECT_EQ(list.status, 200) << list.body;
}

TEST_F(MembershipApiTest, NobodyApprovesOrConfiguresTheirOwnRole) {
  AddUser("kacho2", {"section_manager"}, "", "経理部");
  const std::string request =
      Request("kacho",
              {{"kind", "role_add"}, {"person", "bucho"}, {"role", "handler"}, {"reason", "兼務"}});
  auto own = Step("bucho", request, "approve");
  EXPECT_EQ(own.status, 403) << own.body;
  EXPECT_EQ(Code(own), "policy.sod_own_change");
  // An administrator does not take part in giving themselves a role.
  const std::string self = Request(
      "kacho",
      {{"kind", "role_add"}, {"person", "kanri2"}, {"role", "handler"}, {"reason", "兼務"}});
  ASSERT_EQ(Step("kacho2", self, "approve").status, 200);
  auto configure_own = Step("kanri2", self, "configure");
  EXPECT_EQ(configure_own.status, 403) << configure_own.body;
  EXPECT_EQ(RolesOf("kanri2"), std::vector<std::string>{"admin"});
}

// The second way in: resetting a holder's password (or TOTP) and
// logging on as them.
TEST_F(MembershipApiTest, ResettingAHoldersCredentialsNeedsASecondPerson) {
  const std::string body = nlohmann::json{{"password", kTemporary}}.dump();
  auto alone = Send(admin_, "POST", "/v1/users/sato/password", body);
  EXPECT_EQ(alone.status, 403) << alone.body;
  EXPECT_EQ(Code(alone), "policy.second_person_required");
  EXPECT_EQ(LastEvent().operation, "identity.password_reset");
  EXPECT_EQ(LastEvent().result, "refused");
  EXPECT_EQ(Send(admin_, "DELETE", "/v1/users/sato/totp").status, 403);
  // sato still logs on with their own password.
  EXPECT_FALSE(Login("sato").empty());

  const std::string request = Request("kanri", {{"kind", "credential_reset"},
                                                {"person", "sato"},
                                                {"credential", "password"},
                                                {"reason", "パスワード失念の申出 (本人確認済)"}});
  // Not yet approved.
  auto early = Send(admin_, "POST", "/v1/users/sato/password",
                    nlohmann::json{{"password", kTemporary}, {"request", request}}.dump());
  EXPECT_EQ(early.status, 403) << early.body;
  ASSERT_EQ(Step("kacho", request, "approve").status, 200);
  // The configure step does not apply it: the reset does.
  EXPECT_EQ(Step("kanri2", request, "configure").status, 409);
  // A request for another credential or person does not fit.
  EXPECT_EQ(Send(admin_, "DELETE", "/v1/users/sato/totp?request=" + request).status, 403);
  EXPECT_EQ(Send(admin_, "POST", "/v1/users/kacho/password",
                 nlohmann::json{{"password", kTemporary}, {"request", request}}.dump())
                .status,
            403);
  auto reset = Send(admin_, "POST", "/v1/users/sato/password",
                    nlohmann::json{{"password", kTemporary}, {"request", request}}.dump());
  ASSERT_EQ(reset.status, 200) << reset.body;
  auto configured = EventsOf("policy.configure");
  ASSERT_FALSE(configured.empty());
  EXPECT_EQ(AttrOf(configured.back(), "request"), request);
  EXPECT_EQ(AttrOf(configured.back(), "kind"), "credential_reset");
  // Used once.
  auto again = Send(admin_, "POST", "/v1/users/sato/password",
                    nlohmann::json{{"password", "Xr5&mQ9v!cLp3w"}, {"request", request}}.dump());
  EXPECT_EQ(again.status, 403) << again.body;
  auto reg = stack_->rights().Get(request);
  ASSERT_TRUE(reg.has_value());
  EXPECT_EQ(reg->state, policy::ChangeState::kConfigured);
  EXPECT_EQ(reg->configured.by, "kanri");
}

TEST_F(MembershipApiTest, APersonWithoutRightsIsResetByOneAdministrator) {
  ASSERT_EQ(
      Send(admin_, "POST", "/v1/users", NewUser("keiri01", "経理部", {"handler"}).dump()).status,
      201);
  auto reset = Send(admin_, "POST", "/v1/users/keiri01/password",
                    nlohmann::json{{"password", kTemporary}}.dump());
  EXPECT_EQ(reset.status, 200) << reset.body;
}

}  // namespace
}  // namespace mamori::api::testing
