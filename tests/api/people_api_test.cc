// People, terminals, service accounts, roles and the identity policy through
// the real server (stack_fixture.h): who may manage them, strict bodies,
// reviews on leave and position changes, and that no password, birth date
// or phone number ever comes back.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/stack_fixture.h"
#include "identity/roles.h"

namespace mamori::api::testing {
namespace {

// A second password that meets every default rule.
constexpr char kNewPassword[] = "Zt4$wN8q!bHe2u";
constexpr char kBirthDate[] = "1984-07-23";
constexpr char kPhone[] = "03-5555-0142";

class PeopleApiTest : public StackApiTest {
 protected:
  void SetUp() override {
    StackApiTest::SetUp();
    AddUser("mgr1", {"section_manager"});
    AddUser("admin1", {"admin"});
    AddUser("ciso1", {"ciso"});
    AddUser("hana", {"handler"}, "mgr1");
    StartStackServer();
  }

  static nlohmann::json Parse(const HttpResponse& r) {
    return nlohmann::json::parse(r.body, nullptr, false);
  }

  static std::string SubjectOf(const HttpResponse& r) {
    auto j = Parse(r);
    return j.is_object() ? j.value("subject", "") : "";
  }

  nlohmann::json NewUserBody(const std::string& id) {
    return {{"id", id},
            {"display_name", "佐藤 次郎"},
            {"department", "総務部"},
            {"manager", "mgr1"},
            {"positions", {"係員"}},
            {"roles", {"handler"}},
            {"birth_date", kBirthDate},
            {"phone", kPhone},
            {"password", kStackPassword}};
  }

  bool UserExists(const std::string& id) {
    return stack_->identity().directory().GetUser(id).has_value();
  }

  // Events of `operation` not written by the fixture's own setup (os:tester).
  std::vector<audit::Event> ApiEvents(const std::string& operation) {
    auto all = EventsOf(operation);
    std::erase_if(all, [](const audit::Event& e) { return e.actor == "os:tester"; });
    return all;
  }

  static void ExpectNoSecrets(const HttpResponse& r) {
    EXPECT_EQ(r.body.find(kStackPassword), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find(kNewPassword), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find(kBirthDate), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find(kPhone), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find("argon2"), std::string::npos) << r.body;
  }
};

TEST_F(PeopleApiTest, AdminCreatesUserWhoMustChangePasswordAtFirstLogon) {
  const std::string admin = Login("admin1");
  auto created = Send(admin, "POST", "/v1/users", NewUserBody("jiro").dump());
  ASSERT_EQ(created.status, 201) << created.body;
  ExpectNoSecrets(created);
  auto j = Parse(created);
  EXPECT_EQ(j["id"], "jiro");
  EXPECT_EQ(j["must_change_password"], true);
  EXPECT_EQ(j["has_birth_date"], true);
  EXPECT_EQ(j["roles"], nlohmann::json({"handler"}));
  EXPECT_EQ(created.Header("location"), "/v1/users/jiro");
  EXPECT_EQ(ApiEvents("identity.user_create").size(), 1u);

  // The new user logs on, is restricted until the password is changed.
  auto login = Send("", "POST", "/v1/auth/login",
                    nlohmann::json{{"user", "jiro"}, {"password", kStackPassword}}.dump());
  ASSERT_EQ(login.status, 200) << login.body;
  auto l = Parse(login);
  EXPECT_EQ(l["must_change_password"], true);
  const std::string token = l["token"];
  EXPECT_NE(Send(token, "GET", "/v1/datasets").status, 200);
  auto changed = Send(token, "POST", "/v1/auth/password",
                      nlohmann::json{{"current", kStackPassword}, {"new", kNewPassword}}.dump());
  ASSERT_EQ(changed.status, 200) << changed.body;
  const std::string fresh = Login("jiro", kNewPassword);
  EXPECT_EQ(Send(fresh, "GET", "/v1/datasets").status, 200);

  // Reading the user back shows none of the personal values either.
  auto shown = Send(admin, "GET", "/v1/users/jiro");
  ASSERT_EQ(shown.status, 200) << shown.body;
  ExpectNoSecrets(shown);
  EXPECT_EQ(Parse(shown)["must_change_password"], false);
  auto list = Send(admin, "GET", "/v1/users");
  ASSERT_EQ(list.status, 200);
  ExpectNoSecrets(list);
  EXPECT_EQ(Parse(list)["users"].size(), 5u);
}

TEST_F(PeopleApiTest, HandlerIsRefusedUserCreationAndTheRefusalIsAudited) {
  const std::string token = Login("hana");
  auto r = Send(token, "POST", "/v1/users", NewUserBody("jiro").dump());
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_NE(r.body.find("policy.no_role"), std::string::npos) << r.body;
  ExpectNoSecrets(r);
  EXPECT_FALSE(UserExists("jiro"));
  auto events = EventsOf("user.create");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].actor, "hana");
  EXPECT_EQ(events[0].result, "refused");
  EXPECT_TRUE(ApiEvents("identity.user_create").empty());
  // Nor may a handler list people or change their roles.
  EXPECT_EQ(Send(token, "GET", "/v1/users").status, 403);
  EXPECT_EQ(Send(token, "PUT", "/v1/users/hana/roles/admin").status, 403);
  EXPECT_FALSE(stack_->identity().directory().GetUser("hana")->HasRole("admin"));
}

TEST_F(PeopleApiTest, DisableRefusesLogonAndStartsAReview) {
  const std::string admin = Login("admin1");
  const std::string hana = Login("hana");
  auto r = Send(admin, "POST", "/v1/users/hana/disable", R"({"reason":"leave"})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = Parse(r);
  EXPECT_EQ(j["state"], "disabled");
  EXPECT_EQ(j["disabled_reason"], "leave");
  ASSERT_TRUE(j["review"].is_object()) << r.body;
  EXPECT_EQ(j["review"]["started"], true) << r.body;
  const std::string review = j["review"].value("id", "");
  EXPECT_FALSE(review.empty());
  auto campaign = stack_->reviews().GetCampaign(review);
  ASSERT_TRUE(campaign.has_value()) << campaign.error().ToString();
  EXPECT_EQ(campaign->person, "hana");

  // The session ended, and a new logon is refused and recorded.
  EXPECT_EQ(Send(hana, "GET", "/v1/auth/session").status, 401);
  auto login = Send("", "POST", "/v1/auth/login",
                    nlohmann::json{{"user", "hana"}, {"password", kStackPassword}}.dump());
  EXPECT_EQ(login.status, 401);
  EXPECT_EQ(EventsOf("identity.login").back().reason, "disabled");

  // Disabling twice is a conflict; enabling gives the ID back.
  EXPECT_EQ(Send(admin, "POST", "/v1/users/hana/disable", R"({"reason":"leave"})").status, 409);
  EXPECT_EQ(Send(admin, "POST", "/v1/users/hana/enable").status, 200);
  Login("hana");
}

TEST_F(PeopleApiTest, PositionChangeStartsAReview) {
  const std::string admin = Login("admin1");
  // Percent-encoded 係長.
  auto r = Send(admin, "PUT", "/v1/users/hana/positions/%E4%BF%82%E9%95%B7");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = Parse(r);
  EXPECT_EQ(j["positions"], nlohmann::json({"係長"}));
  EXPECT_EQ(j["review"]["started"], true) << r.body;
  EXPECT_EQ(j["review"]["reason"], "position_change") << r.body;
  auto removed = Send(admin, "DELETE", "/v1/users/hana/positions/%E4%BF%82%E9%95%B7");
  ASSERT_EQ(removed.status, 200) << removed.body;
  EXPECT_TRUE(Parse(removed)["positions"].empty());
  auto campaigns = stack_->reviews().Campaigns();
  ASSERT_TRUE(campaigns.has_value());
  EXPECT_EQ(campaigns->size(), 2u);
}

TEST_F(PeopleApiTest, BadBodiesNameTheMemberAndChangeNothing) {
  const std::string admin = Login("admin1");
  const size_t before = EventsOf("api.request").size();

  auto body = NewUserBody("jiro");
  body["nickname"] = "jj";
  auto unknown = Send(admin, "POST", "/v1/users", body.dump());
  EXPECT_EQ(unknown.status, 400) << unknown.body;
  EXPECT_EQ(SubjectOf(unknown), "nickname");

  body = NewUserBody("jiro");
  body["roles"] = "handler";
  auto wrong = Send(admin, "POST", "/v1/users", body.dump());
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(SubjectOf(wrong), "roles");

  body = NewUserBody("jiro");
  body.erase("password");
  auto missing = Send(admin, "POST", "/v1/users", body.dump());
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(SubjectOf(missing), "password");

  auto not_object = Send(admin, "POST", "/v1/users", "[1,2]");
  EXPECT_EQ(not_object.status, 400);
  auto malformed = Send(admin, "POST", "/v1/users", R"({"id":)");
  EXPECT_EQ(malformed.status, 400);
  for (const auto* r : {&unknown, &wrong, &missing, &not_object, &malformed}) ExpectNoSecrets(*r);
  EXPECT_FALSE(UserExists("jiro"));
  EXPECT_TRUE(ApiEvents("identity.user_create").empty());

  auto patch = Send(admin, "PATCH", "/v1/users/hana", R"({"display_name":5})");
  EXPECT_EQ(patch.status, 400);
  EXPECT_EQ(SubjectOf(patch), "display_name");
  EXPECT_EQ(stack_->identity().directory().GetUser("hana")->display_name, "Test hana");

  auto reason = Send(admin, "POST", "/v1/users/hana/disable", R"({"reason":"holiday"})");
  EXPECT_EQ(reason.status, 400);
  EXPECT_EQ(SubjectOf(reason), "reason");
  auto no_reason = Send(admin, "POST", "/v1/users/hana/disable", "{}");
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_EQ(SubjectOf(no_reason), "reason");
  EXPECT_TRUE(stack_->identity().directory().GetUser("hana")->active());

  // Each of these was audited by the server, as nobody else saw them.
  EXPECT_EQ(EventsOf("api.request").size(), before + 8);
}

TEST_F(PeopleApiTest, PasswordRulesRefusalsAreAuditedAndNeverEchoThePassword) {
  const std::string admin = Login("admin1");
  auto body = NewUserBody("jiro");
  body["password"] = "jiro19840723";  // built from the ID and the birth date
  auto r = Send(admin, "POST", "/v1/users", body.dump());
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.body.find("jiro19840723"), std::string::npos) << r.body;
  ExpectNoSecrets(r);
  EXPECT_FALSE(UserExists("jiro"));
  auto events = ApiEvents("identity.user_create");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].result, "refused");

  // An administrator's reset sets a temporary password the user must change.
  auto reset = Send(admin, "POST", "/v1/users/hana/password",
                    nlohmann::json{{"password", kNewPassword}}.dump());
  ASSERT_EQ(reset.status, 200) << reset.body;
  ExpectNoSecrets(reset);
  EXPECT_EQ(Parse(reset)["must_change_password"], true);
  auto login = Send("", "POST", "/v1/auth/login",
                    nlohmann::json{{"user", "hana"}, {"password", kNewPassword}}.dump());
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_EQ(Parse(login)["must_change_password"], true);
}

TEST_F(PeopleApiTest, NobodyChangesTheirOwnRoles) {
  const std::string admin = Login("admin1");
  auto r = Send(admin, "PUT", "/v1/users/admin1/roles/ciso");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_FALSE(stack_->identity().directory().GetUser("admin1")->HasRole("ciso"));
  auto other = Send(admin, "PUT", "/v1/users/hana/roles/area_officer");
  ASSERT_EQ(other.status, 200) << other.body;
  EXPECT_EQ(Parse(other)["roles"], nlohmann::json({"handler", "area_officer"}));
  EXPECT_EQ(Send(admin, "PUT", "/v1/users/hana/roles/area_officer").status, 409);
  EXPECT_EQ(Send(admin, "PUT", "/v1/users/hana/roles/no_such_role").status, 400);
  EXPECT_EQ(Send(admin, "DELETE", "/v1/users/hana/roles/area_officer").status, 200);
  // An inquiry operator applies for and receives credit inquiries
  // (system rights inquiry.*): given through the register too.
  auto operator_role = Send(admin, "PUT", "/v1/users/hana/roles/inquiry_operator");
  EXPECT_EQ(operator_role.status, 403) << operator_role.body;
  EXPECT_EQ(Parse(operator_role)["subject"], "policy.via_register");
  // A confirmer sees who accessed which records and confirms the daily
  // lists (system rights list.show, list.confirm): that role is given
  // through the rights register, never by one administrator.
  auto confirmer = Send(admin, "PUT", "/v1/users/hana/roles/confirmer");
  EXPECT_EQ(confirmer.status, 403) << confirmer.body;
  EXPECT_EQ(Parse(confirmer)["subject"], "policy.via_register");
  EXPECT_EQ(Send(admin, "GET", "/v1/users/nobody").status, 404);
}

TEST_F(PeopleApiTest, RoleCatalogueHasJapaneseAndEnglishTitles) {
  const std::string token = Login("hana");
  auto r = Send(token, "GET", "/v1/roles");
  ASSERT_EQ(r.status, 200) << r.body;
  auto roles = Parse(r)["roles"];
  ASSERT_EQ(roles.size(), identity::KnownRoles().size());
  bool found = false;
  for (const auto& role : roles) {
    EXPECT_FALSE(role.value("title_ja", "").empty());
    EXPECT_FALSE(role.value("title_en", "").empty());
    found = found || role["id"] == "handler";
  }
  EXPECT_TRUE(found);
}

TEST_F(PeopleApiTest, TerminalRegistration) {
  const std::string admin = Login("admin1");
  const std::string fingerprint(64, 'a');
  auto r = Send(admin, "POST", "/v1/terminals",
                nlohmann::json{{"id", "t-remote-1"},
                               {"fingerprint", fingerprint},
                               {"description", "在宅勤務端末"},
                               {"controlled_area", false}}
                    .dump());
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Parse(r)["fingerprint"], fingerprint);
  EXPECT_EQ(r.Header("location"), "/v1/terminals/t-remote-1");
  auto list = Send(admin, "GET", "/v1/terminals");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(Parse(list)["terminals"].size(), 2u);  // with the fixture's own

  // The same certificate cannot name two terminals.
  auto twice = Send(admin, "POST", "/v1/terminals",
                    nlohmann::json{{"id", "t-remote-2"}, {"fingerprint", fingerprint}}.dump());
  EXPECT_EQ(twice.status, 409) << twice.body;
  auto bad = Send(admin, "POST", "/v1/terminals",
                  R"({"id":"t-3","fingerprint":"x","controlled_area":"yes"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(SubjectOf(bad), "controlled_area");

  auto moved = Send(admin, "PATCH", "/v1/terminals/t-remote-1", R"({"controlled_area":true})");
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(Parse(moved)["controlled_area"], true);
  auto off = Send(admin, "POST", "/v1/terminals/t-remote-1/disable");
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(Parse(off)["state"], "disabled");
  EXPECT_EQ(Send(admin, "POST", "/v1/terminals/t-remote-1/enable").status, 200);

  // A handler may not register terminals.
  const std::string hana = Login("hana");
  EXPECT_EQ(Send(hana, "POST", "/v1/terminals",
                 nlohmann::json{{"id", "t-4"}, {"fingerprint", std::string(64, 'b')}}.dump())
                .status,
            403);
  EXPECT_FALSE(stack_->identity().terminals().Get("t-4").has_value());
}

TEST_F(PeopleApiTest, ServiceAccounts) {
  const std::string admin = Login("admin1");
  auto r = Send(admin, "POST", "/v1/service-accounts",
                nlohmann::json{{"id", "payroll"},
                               {"display_name", "給与システム"},
                               {"cert_fingerprint", std::string(64, 'c')},
                               {"roles", {"handler"}}}
                    .dump());
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Send(admin, "PUT", "/v1/service-accounts/payroll/certificate",
                 nlohmann::json{{"cert_fingerprint", std::string(64, 'd')}}.dump())
                .status,
            200);
  EXPECT_EQ(Send(admin, "PUT", "/v1/service-accounts/payroll/roles/area_officer").status, 200);
  auto off = Send(admin, "POST", "/v1/service-accounts/payroll/disable");
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(Parse(off)["state"], "disabled");
  auto shown = Send(admin, "GET", "/v1/service-accounts/payroll");
  ASSERT_EQ(shown.status, 200);
  auto j = Parse(shown);
  EXPECT_EQ(j["cert_fingerprint"], std::string(64, 'd'));
  EXPECT_EQ(j["roles"], nlohmann::json({"handler", "area_officer"}));
  EXPECT_EQ(Parse(Send(admin, "GET", "/v1/service-accounts"))["service_accounts"].size(), 1u);
}

TEST_F(PeopleApiTest, PolicyIsUpdatedByTheCisoOnly) {
  const std::string ciso = Login("ciso1");
  const std::string admin = Login("admin1");
  const std::string hana = Login("hana");
  auto shown = Send(hana, "GET", "/v1/policy/identity");
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(Parse(shown)["min_length"], 12);

  EXPECT_EQ(Send(admin, "PUT", "/v1/policy/identity", R"({"min_length":8})").status, 403);
  EXPECT_EQ(Send(hana, "PUT", "/v1/policy/identity", R"({"min_length":8})").status, 403);
  EXPECT_EQ(EventsOf("policy.update").size(), 2u);

  auto updated = Send(ciso, "PUT", "/v1/policy/identity", R"({"min_length":14,"history":8})");
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(Parse(updated)["min_length"], 14);
  auto policy = stack_->identity().GetPolicy();
  ASSERT_TRUE(policy.has_value());
  EXPECT_EQ(policy->min_length, 14u);
  EXPECT_EQ(policy->history, 8u);
  EXPECT_TRUE(policy->totp_roles.empty());                // members not sent stay as they were
  EXPECT_EQ(EventsOf("identity.policy_set").size(), 2u);  // the fixture's and this one

  auto range = Send(ciso, "PUT", "/v1/policy/identity", R"({"min_length":2})");
  EXPECT_EQ(range.status, 400) << range.body;
  EXPECT_EQ(SubjectOf(range), "policy.min_length");
  auto unknown = Send(ciso, "PUT", "/v1/policy/identity", R"({"min_lenght":20})");
  EXPECT_EQ(unknown.status, 400) << unknown.body;
  EXPECT_NE(unknown.body.find("min_lenght"), std::string::npos);
  auto type = Send(ciso, "PUT", "/v1/policy/identity", R"({"totp_outside_controlled_area":1})");
  EXPECT_EQ(type.status, 400) << type.body;
  EXPECT_EQ(stack_->identity().GetPolicy()->min_length, 14u);
}

TEST_F(PeopleApiTest, UserPagesReassembleTheWholeList) {
  for (int i = 0; i < 7; ++i) AddUser("staff" + std::to_string(i), {"handler"}, "mgr1");
  const std::string admin = Login("admin1");
  auto listed = stack_->identity().directory().ListUsers();
  ASSERT_TRUE(listed.has_value());
  std::vector<std::string> all;
  for (const auto& u : *listed) all.push_back(u.id);
  ASSERT_EQ(all.size(), 11u);

  auto whole = Send(admin, "GET", "/v1/users?limit=1000");
  ASSERT_EQ(whole.status, 200) << whole.body;
  EXPECT_EQ(whole.Json()["users"].size(), all.size());
  EXPECT_TRUE(whole.Json()["next_cursor"].is_null()) << whole.body;
  size_t pages = 0;
  EXPECT_EQ(ReadAllPages(admin, "/v1/users", "users", 3, &pages), all);
  EXPECT_EQ(pages, 4u);  // 3 + 3 + 3 + 2
  EXPECT_EQ(ReadAllPages(admin, "/v1/users", "users", 1, &pages), all);
  EXPECT_EQ(pages, all.size());
  // A page that ends on the last item is the last page.
  EXPECT_EQ(ReadAllPages(admin, "/v1/users", "users", all.size(), &pages), all);
  EXPECT_EQ(pages, 1u);

  // The cursor is the last id of the page; a page holds no secrets either.
  auto first = Send(admin, "GET", "/v1/users?limit=2");
  ASSERT_EQ(first.status, 200) << first.body;
  ExpectNoSecrets(first);
  EXPECT_EQ(first.Json()["next_cursor"], all[1]);
}

TEST_F(PeopleApiTest, UserListLimitIsOneToAThousandAndDefaultsToAHundred) {
  for (int i = 0; i < 101; ++i) AddUser("member" + std::to_string(1000 + i), {"handler"});
  const std::string admin = Login("admin1");
  auto first = Send(admin, "GET", "/v1/users");
  ASSERT_EQ(first.status, 200) << first.body;
  const nlohmann::json page = first.Json();
  ASSERT_EQ(page["users"].size(), 100u);
  ASSERT_TRUE(page["next_cursor"].is_string()) << first.body;
  EXPECT_EQ(page["next_cursor"], page["users"][99]["id"]);
  auto rest = Send(admin, "GET", "/v1/users?cursor=" + page["next_cursor"].get<std::string>());
  ASSERT_EQ(rest.status, 200) << rest.body;
  EXPECT_EQ(rest.Json()["users"].size(), 5u);
  EXPECT_TRUE(rest.Json()["next_cursor"].is_null());
  EXPECT_EQ(Send(admin, "GET", "/v1/users?limit=1000").Json()["users"].size(), 105u);
  EXPECT_EQ(Send(admin, "GET", "/v1/users?limit=1").Json()["users"].size(), 1u);

  const size_t before = EventsOf("api.request").size();
  for (const char* bad : {"0", "1001", "-1", "ten", "1e2", "99999999999999999999999"}) {
    auto r = Send(admin, "GET", std::string("/v1/users?limit=") + bad);
    EXPECT_EQ(r.status, 400) << bad << " " << r.body;
    auto j = Parse(r);
    EXPECT_EQ(j.value("code", ""), "invalid_argument") << bad;
    EXPECT_EQ(j.value("subject", ""), "limit") << bad;
    EXPECT_FALSE(j.value("detail_ja", "").empty()) << bad;
  }
  // Refused before the list was read, and audited by the server.
  EXPECT_EQ(EventsOf("api.request").size(), before + 6);
}

TEST_F(PeopleApiTest, AnUnknownCursorIsRefusedNamingIt) {
  const std::string admin = Login("admin1");
  const size_t before = EventsOf("api.request").size();
  // An id nobody has, one that sorts inside the list, and no id at all.
  for (const char* cursor : {"nobody", "hana0", "%E5%B1%B1%E7%94%B0"}) {
    auto r = Send(admin, "GET", std::string("/v1/users?limit=2&cursor=") + cursor);
    EXPECT_EQ(r.status, 400) << cursor << " " << r.body;
    auto j = Parse(r);
    EXPECT_EQ(j.value("code", ""), "invalid_argument") << cursor;
    EXPECT_EQ(j.value("subject", ""), "cursor") << cursor;
    EXPECT_FALSE(j.value("detail", "").empty());
    EXPECT_FALSE(j.value("detail_ja", "").empty());
  }
  for (const char* list : {"/v1/terminals", "/v1/service-accounts"}) {
    auto r = Send(admin, "GET", std::string(list) + "?cursor=nobody");
    EXPECT_EQ(r.status, 400) << list << " " << r.body;
    EXPECT_EQ(SubjectOf(r), "cursor") << list;
  }
  EXPECT_EQ(EventsOf("api.request").size(), before + 5);
  // The cursor of a real page still works after the refusals.
  EXPECT_EQ(Send(admin, "GET", "/v1/users?cursor=hana").status, 200);
}

TEST_F(PeopleApiTest, TerminalAndServiceAccountListsPage) {
  for (int i = 0; i < 4; ++i) {
    identity::NewTerminal t;
    t.id = "t-branch-" + std::to_string(i);
    t.fingerprint = std::string(63, 'e') + static_cast<char>('0' + i);
    ASSERT_TRUE(stack_->identity().terminals().Register(Local(), t).ok());
    identity::NewServiceAccount a;
    a.id = "app-" + std::to_string(i);
    a.display_name = "連携システム " + std::to_string(i);
    a.cert_fingerprint = std::string(63, 'f') + static_cast<char>('0' + i);
    ASSERT_TRUE(stack_->identity().service_accounts().Create(Local(), a).ok());
  }
  const std::string admin = Login("admin1");
  auto registered = stack_->identity().terminals().List();
  auto created = stack_->identity().service_accounts().List();
  ASSERT_TRUE(registered.has_value() && created.has_value());
  std::vector<std::string> terminals, accounts;
  for (const auto& t : *registered) terminals.push_back(t.id);
  for (const auto& a : *created) accounts.push_back(a.id);
  ASSERT_EQ(terminals.size(), 5u);  // with the fixture's own
  ASSERT_EQ(accounts.size(), 4u);
  size_t pages = 0;
  EXPECT_EQ(ReadAllPages(admin, "/v1/terminals", "terminals", 2, &pages), terminals);
  EXPECT_EQ(pages, 3u);
  EXPECT_EQ(ReadAllPages(admin, "/v1/service-accounts", "service_accounts", 3, &pages), accounts);
  EXPECT_EQ(pages, 2u);
  EXPECT_EQ(Send(admin, "GET", "/v1/terminals?limit=0").status, 400);
}

TEST_F(PeopleApiTest, ReadingAUserOrBeingRefusedNamesTheTarget) {
  const std::string admin = Login("admin1");
  ASSERT_EQ(Send(admin, "GET", "/v1/users/hana").status, 200);
  auto shown = EventsOf("user.show");
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_EQ(shown[0].result, "ok");
  EXPECT_EQ(shown[0].actor, "admin1");
  EXPECT_EQ(AttrOf(shown[0], "target"), "hana");

  // A handler may not look people up; the refusal names whom they asked for.
  const std::string hana = Login("hana");
  auto refused = Send(hana, "GET", "/v1/users/mgr1");
  EXPECT_EQ(refused.status, 403) << refused.body;
  shown = EventsOf("user.show");
  ASSERT_EQ(shown.size(), 2u);
  EXPECT_EQ(shown[1].result, "refused");
  EXPECT_EQ(shown[1].actor, "hana");
  EXPECT_EQ(shown[1].reason, "policy.no_role");
  EXPECT_EQ(AttrOf(shown[1], "target"), "mgr1");

  // Refused mutations name their target too (identity audits the ones it
  // decides itself).
  EXPECT_EQ(Send(hana, "POST", "/v1/users/mgr1/unlock").status, 403);
  auto unlock = EventsOf("user.unlock");
  ASSERT_EQ(unlock.size(), 1u);
  EXPECT_EQ(AttrOf(unlock[0], "target"), "mgr1");

  // What the client typed in the path reaches the log only as an id.
  EXPECT_NE(Send(admin, "GET", "/v1/users/%E5%B1%B1%E7%94%B0").status, 200);
  shown = EventsOf("user.show");
  ASSERT_EQ(shown.size(), 3u);
  EXPECT_EQ(AttrOf(shown[2], "target"), "(invalid)");
  // Lists have no target.
  ASSERT_EQ(Send(admin, "GET", "/v1/users").status, 200);
  EXPECT_TRUE(EventsOf("user.list").back().attrs.empty());
}

TEST_F(PeopleApiTest, ReadingATerminalOrServiceAccountNamesTheTarget) {
  identity::NewServiceAccount a;
  a.id = "payroll";
  a.display_name = "給与システム";
  a.cert_fingerprint = std::string(64, 'c');
  ASSERT_TRUE(stack_->identity().service_accounts().Create(Local(), a).ok());
  const std::string admin = Login("admin1");
  ASSERT_EQ(Send(admin, "GET", std::string("/v1/terminals/") + kTerminalId).status, 200);
  ASSERT_EQ(Send(admin, "GET", "/v1/service-accounts/payroll").status, 200);
  const std::string hana = Login("hana");
  EXPECT_EQ(Send(hana, "GET", std::string("/v1/terminals/") + kTerminalId).status, 403);
  EXPECT_EQ(Send(hana, "GET", "/v1/service-accounts/payroll").status, 403);
  for (const char* op : {"terminal.show", "service.show"}) {
    auto events = EventsOf(op);
    ASSERT_EQ(events.size(), 2u) << op;
    EXPECT_EQ(events[0].result, "ok") << op;
    EXPECT_EQ(events[1].result, "refused") << op;
    const std::string target = std::string(op) == "terminal.show" ? kTerminalId : "payroll";
    for (const auto& ev : events) EXPECT_EQ(AttrOf(ev, "target"), target) << op;
  }
}

}  // namespace
}  // namespace mamori::api::testing
