// The server with its real access rules (stack_fixture.h): logon, sessions,
// purpose and grant checks, masking, and the audit of every refusal.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include <nlohmann/json.hpp>

#include "api/stack_fixture.h"

namespace mamori::api::testing {
namespace {

class AccessTest : public StackApiTest {
 protected:
  void SetUp() override {
    StackApiTest::SetUp();
    CreateEmployees();
    AddUser("mgr1", {"section_manager"});
    AddUser("dept1", {"department_officer"});
    AddUser("admin1", {"admin"});
    AddUser("hana", {"handler"}, "mgr1");
    AddUser("kenji", {"handler"}, "mgr1");
    StartStackServer();
  }

  policy::Right Read(bool unmask = false) {
    policy::Right r;
    r.role = "handler";
    r.category = "specific_personal_information";
    r.dataset = kDataset;
    r.operation = policy::Operation::kRead;
    r.purpose = "withholding";
    r.unmask = unmask;
    r.department = "総務部";  // the handlers of the 総務部 are designated
    return r;
  }

  policy::Right Write() {
    policy::Right r = Read();
    r.operation = policy::Operation::kWrite;
    return r;
  }

  std::string PutAs(const std::string& token) {
    auto r = Send(token, "POST",
                  std::string("/v1/datasets/") + kDataset + "/records?purpose=withholding",
                  RecordJson(1));
    EXPECT_EQ(r.status, 201) << r.body;
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    return j.is_object() ? j.value("id", "") : "";
  }
};

TEST_F(AccessTest, LoginAnswersTokenAndPreviousLogon) {
  auto first = Send("", "POST", "/v1/auth/login",
                    nlohmann::json{{"user", "hana"}, {"password", kStackPassword}}.dump());
  ASSERT_EQ(first.status, 200) << first.body;
  auto j = nlohmann::json::parse(first.body);
  EXPECT_FALSE(j["token"].get<std::string>().empty());
  EXPECT_TRUE(j["last_logon"]["time"].is_null());  // the first logon
  auto second = Send("", "POST", "/v1/auth/login",
                     nlohmann::json{{"user", "hana"}, {"password", kStackPassword}}.dump());
  auto k = nlohmann::json::parse(second.body);
  EXPECT_TRUE(k["last_logon"]["time"].is_string());
  EXPECT_EQ(k["last_logon"]["result"], "ok");
  EXPECT_NE(j["token"], k["token"]);
  EXPECT_EQ(EventsOf("identity.login").size(), 2u);
}

TEST_F(AccessTest, WrongPasswordIsRefusedAndAudited) {
  auto r = Send("", "POST", "/v1/auth/login",
                nlohmann::json{{"user", "hana"}, {"password", "wrong-Password-1"}}.dump());
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body.find("wrong-Password-1"), std::string::npos);
  auto events = EventsOf("identity.login");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].result, "refused");
}

TEST_F(AccessTest, MalformedLoginBodiesAreRefusedAndAudited) {
  const size_t before = EventsOf("api.request").size();
  EXPECT_EQ(Send("", "POST", "/v1/auth/login", "{\"user\":").status, 400);
  EXPECT_EQ(Send("", "POST", "/v1/auth/login", R"({"user":"hana"})").status, 400);
  EXPECT_EQ(Send("", "POST", "/v1/auth/login", R"({"user":"hana","password":1})").status, 400);
  EXPECT_EQ(
      Send("", "POST", "/v1/auth/login", R"({"user":"hana","password":"x","extra":"y"})").status,
      400);
  EXPECT_EQ(EventsOf("api.request").size(), before + 4);
}

TEST_F(AccessTest, NoDataRouteWithoutCredentialsAndEachRefusalAudited) {
  const std::string records =
      std::string("/v1/datasets/") + kDataset + "/records?purpose=withholding";
  auto anonymous = NewClient();  // no client certificate, no token
  for (const std::string& target :
       std::vector<std::string>{"/v1/datasets", records, "/v1/audit/head", "/v1/auth/session"}) {
    auto r = anonymous->Send("GET", target);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, 401) << target;
  }
  EXPECT_EQ(EventsOf("api.authenticate").size(), 4u);
  // A terminal's certificate is not a credential by itself: it identifies
  // a service account or nothing.
  EXPECT_EQ(Send("", "GET", "/v1/datasets").status, 401);
  EXPECT_EQ(EventsOf("identity.cert_auth").size(), 1u);
  EXPECT_EQ(Send("not-a-token", "GET", "/v1/datasets").status, 401);
  EXPECT_TRUE(EventsOf("record.list").empty());
}

TEST_F(AccessTest, UnknownRouteIsAudited) {
  EXPECT_EQ(Send("", "GET", "/v1/nothing-here").status, 404);
  auto events = EventsOf("api.request");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].reason, "route_not_found");
  EXPECT_EQ(events[0].actor, "anonymous");
}

TEST_F(AccessTest, TokenAfterLogoutIsRefused) {
  const std::string token = Login("hana");
  EXPECT_EQ(Send(token, "GET", "/v1/auth/session").status, 200);
  EXPECT_EQ(Send(token, "POST", "/v1/auth/logout").status, 200);
  auto r = Send(token, "GET", "/v1/datasets");
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body.find("session.logged_out"), std::string::npos) << r.body;
  EXPECT_FALSE(EventsOf("identity.logout").empty());
}

TEST_F(AccessTest, LogoutEverywhereEndsThePersonsOtherSessionsOnly) {
  const std::string here = Login("hana");
  const std::string there = Login("hana");
  const std::string kenjis = Login("kenji");
  // Bodies that say something else are refused, naming the member, and end
  // nothing: every session still answers.
  for (const std::string body : {R"({"everywhere":"yes"})", R"({"everywhere":1})",
                                 R"({"all":true})", R"([true])", "everywhere"}) {
    auto r = Send(here, "POST", "/v1/auth/logout", body);
    EXPECT_EQ(r.status, 400) << body << " " << r.body;
  }
  EXPECT_TRUE(EventsOf("identity.logout").empty());
  for (const std::string& t : {here, there, kenjis}) {
    EXPECT_EQ(Send(t, "GET", "/v1/auth/session").status, 200);
  }
  // Without a session nobody can end anyone's.
  EXPECT_EQ(Send("", "POST", "/v1/auth/logout", R"({"everywhere":true})").status, 401);
  EXPECT_EQ(Send("not-a-token", "POST", "/v1/auth/logout", R"({"everywhere":true})").status, 401);
  EXPECT_EQ(Send(there, "GET", "/v1/auth/session").status, 200);

  auto r = Send(here, "POST", "/v1/auth/logout", R"({"everywhere":true})");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto answer = nlohmann::json::parse(r.body);
  EXPECT_EQ(answer.at("logged_out"), true);
  EXPECT_EQ(answer.at("other_sessions_ended"), 1);
  for (const std::string& t : {here, there}) {
    auto refused = Send(t, "GET", "/v1/datasets");
    EXPECT_EQ(refused.status, 401);
    EXPECT_NE(refused.body.find("session.logged_out"), std::string::npos) << refused.body;
  }
  EXPECT_EQ(Send(kenjis, "GET", "/v1/auth/session").status, 200);
  const auto events = EventsOf("identity.logout");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].actor, "hana");
  EXPECT_EQ(events[0].attrs.at("everywhere"), "true");
  // {"everywhere": false} and {} are a plain log-off.
  const std::string again = Login("hana");
  const std::string plain = Login("hana");
  auto p = Send(plain, "POST", "/v1/auth/logout", R"({"everywhere":false})");
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_FALSE(nlohmann::json::parse(p.body).contains("other_sessions_ended"));
  EXPECT_EQ(Send(again, "POST", "/v1/auth/logout", "{}").status, 200);
}

TEST_F(AccessTest, NothingIsAllowedUntilGranted) {
  const std::string token = Login("hana");
  auto r =
      Send(token, "POST", std::string("/v1/datasets/") + kDataset + "/records?purpose=withholding",
           RecordJson(1));
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_NE(r.body.find("policy.no_grant"), std::string::npos) << r.body;
  EXPECT_EQ(EventsOf("policy.authorize").size(), 1u);
  EXPECT_TRUE(EventsOf("record.put").empty());  // nothing written
}

TEST_F(AccessTest, GrantedHandlerWritesAndReadsMaskedMyNumber) {
  GrantThroughFlow(Write(), "mgr1", "dept1", "admin1");
  GrantThroughFlow(Read(), "mgr1", "dept1", "admin1");
  const std::string token = Login("hana");
  const std::string id = PutAs(token);
  ASSERT_FALSE(id.empty());
  auto got =
      Send(token, "GET",
           std::string("/v1/datasets/") + kDataset + "/records/" + id + "?purpose=withholding");
  ASSERT_EQ(got.status, 200) << got.body;
  auto j = nlohmann::json::parse(got.body);
  // Read without unmask: the My Number is not disclosed in the clear.
  EXPECT_NE(j.value("my_number", ""), engine::TestMyNumber(1)) << got.body;
  EXPECT_EQ(j["name"], "山田 太郎");
}

TEST_F(AccessTest, UnmaskGrantDisclosesMyNumber) {
  GrantThroughFlow(Write(), "mgr1", "dept1", "admin1");
  GrantThroughFlow(Read(/*unmask=*/true), "mgr1", "dept1", "admin1");
  const std::string token = Login("hana");
  const std::string id = PutAs(token);
  auto got =
      Send(token, "GET",
           std::string("/v1/datasets/") + kDataset + "/records/" + id + "?purpose=withholding");
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(nlohmann::json::parse(got.body)["my_number"], engine::TestMyNumber(1));
}

TEST_F(AccessTest, PurposeMissingOrUnregisteredIsNamed) {
  GrantThroughFlow(Read(), "mgr1", "dept1", "admin1");
  const std::string token = Login("hana");
  const std::string base = std::string("/v1/datasets/") + kDataset + "/records";
  auto missing = Send(token, "GET", base);
  EXPECT_EQ(missing.status, 400);
  EXPECT_NE(missing.body.find("purpose_required"), std::string::npos) << missing.body;
  auto other = Send(token, "GET", base + "?purpose=marketing");
  EXPECT_EQ(other.status, 403);
  EXPECT_NE(other.body.find("purpose_not_registered"), std::string::npos) << other.body;
}

TEST_F(AccessTest, AdministratorCannotReadDataOrTheAuditLog) {
  const std::string token = Login("admin1");
  auto data =
      Send(token, "GET", std::string("/v1/datasets/") + kDataset + "/records?purpose=withholding");
  EXPECT_EQ(data.status, 403) << data.body;
  auto events = Send(token, "GET", "/v1/audit/events");
  EXPECT_EQ(events.status, 403) << events.body;
  EXPECT_NE(events.body.find("policy.no_role"), std::string::npos);
  EXPECT_EQ(EventsOf("audit.events").size(), 1u);  // the refusal itself
}

TEST_F(AccessTest, DisabledUserCannotLogOnAndTheAttemptIsRecorded) {
  auto trigger =
      stack_->identity().directory().DisableUser(Local(), "kenji", identity::DisableReason::kLeave);
  ASSERT_TRUE(trigger.has_value());
  auto r = Send("", "POST", "/v1/auth/login",
                nlohmann::json{{"user", "kenji"}, {"password", kStackPassword}}.dump());
  EXPECT_EQ(r.status, 401);
  auto events = EventsOf("identity.login");
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().reason, "disabled");
}

TEST_F(AccessTest, ExpiredSessionIsRefused) {
  const std::string token = Login("hana");
  EXPECT_EQ(Send(token, "GET", "/v1/auth/session").status, 200);
  // The server's expiry timer runs past the idle limit (15 min by default).
  engine::Context later = Local();
  later.time = NowMicros() + 16 * 60 * kMicrosPerSecond;
  auto expired = stack_->identity().authenticator().ExpireSessions(later);
  ASSERT_TRUE(expired.has_value());
  EXPECT_EQ(*expired, 1u);
  auto r = Send(token, "GET", "/v1/datasets");
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body.find("session.expired"), std::string::npos) << r.body;
}

TEST_F(AccessTest, LockoutHoldsUnderParallelAttemptsOverHttps) {
  constexpr int kThreads = 8, kEach = 3;
  std::vector<std::thread> threads;
  std::atomic<int> refused{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      auto client = NewClient(TerminalClient());
      for (int i = 0; i < kEach; ++i) {
        auto r =
            client->Send("POST", "/v1/auth/login",
                         nlohmann::json{{"user", "kenji"}, {"password", "Wrong#Guess-123"}}.dump(),
                         {{"Content-Type", "application/json"}});
        if (r && r->status == 401) ++refused;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(refused.load(), kThreads * kEach);
  // Even the right password is refused now: the ID is locked, which the
  // answer does not say (the audit event does).
  auto r = Send("", "POST", "/v1/auth/login",
                nlohmann::json{{"user", "kenji"}, {"password", kStackPassword}}.dump());
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.Json()["code"], "unauthenticated");
  EXPECT_EQ(r.Json()["subject"], "login.failed");
  EXPECT_EQ(EventsOf("identity.login").back().reason, "locked");
  // Exactly the threshold (5 by default) of password checks happened.
  size_t wrong = 0;
  for (const auto& e : EventsOf("identity.login")) wrong += e.reason == "wrong_password";
  EXPECT_EQ(wrong, 5u);
  EXPECT_EQ(EventsOf("identity.lockout").size(), 1u);
}

}  // namespace
}  // namespace mamori::api::testing
