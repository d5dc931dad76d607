// The rights flow, the rights register and review campaigns over HTTPS with
// real logons (stack_fixture.h): request → approve → configure by three
// people, segregation of duties, the register's steps and reasons, removal,
// review revocation and overdue reviews.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "api/stack_fixture.h"

namespace mamori::api::testing {
namespace {

constexpr char kReason[] = "源泉徴収事務の担当 (鈴木課長の依頼)";

class RightsApiTest : public StackApiTest {
 protected:
  void SetUp() override {
    StackApiTest::SetUp();
    CreateEmployees();
    AddUser("mgr1", {"section_manager"});
    AddUser("dept1", {"department_officer"});
    AddUser("admin1", {"admin"});
    AddUser("ciso1", {"ciso"});
    AddUser("hana", {"handler"}, "mgr1");
    AddUser("kenji", {"handler"}, "mgr1");
    StartStackServer();
  }

  static nlohmann::json ReadRight() {
    return {{"role", "handler"},        {"category", "specific_personal_information"},
            {"dataset", kDataset},      {"operation", "read"},
            {"purpose", "withholding"}, {"department", "総務部"}};
  }

  policy::Right WriteRight() {
    policy::Right r;
    r.role = "handler";
    r.category = "specific_personal_information";
    r.dataset = kDataset;
    r.operation = policy::Operation::kWrite;
    r.purpose = "withholding";
    r.department = "総務部";
    return r;
  }

  // A stored record put by `user` (who needs the write grant).
  std::string PutRecord(const std::string& token) {
    auto r = Send(token, "POST",
                  std::string("/v1/datasets/") + kDataset + "/records?purpose=withholding",
                  RecordJson(1));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json().is_object() ? r.Json().value("id", "") : "";
  }

  int ReadStatus(const std::string& token, const std::string& id) {
    return Send(token, "GET",
                std::string("/v1/datasets/") + kDataset + "/records/" + id + "?purpose=withholding")
        .status;
  }

  // POST /v1/rights/requests; the response.
  HttpResponse Request(const std::string& token, const nlohmann::json& body) {
    return Send(token, "POST", "/v1/rights/requests", body.dump());
  }

  HttpResponse StepOf(const std::string& token, const std::string& request, const std::string& step,
                      const nlohmann::json& body = nullptr) {
    return Send(token, "POST", "/v1/rights/requests/" + request + "/" + step,
                body.is_null() ? "" : body.dump());
  }

  // The read grant through the three steps over HTTPS; its grant id.
  std::string GrantReadOverHttps() {
    const std::string mgr = Login("mgr1"), dept = Login("dept1"), admin = Login("admin1");
    auto req = Request(mgr, {{"kind", "grant"}, {"right", ReadRight()}, {"reason", kReason}});
    EXPECT_EQ(req.status, 201) << req.body;
    const std::string id = req.Json().value("id", "");
    auto approved = StepOf(dept, id, "approve", {{"comment", "承認します"}});
    EXPECT_EQ(approved.status, 200) << approved.body;
    auto configured = StepOf(admin, id, "configure");
    EXPECT_EQ(configured.status, 200) << configured.body;
    return configured.Json().value("grant", "");
  }
};

TEST_F(RightsApiTest, ThreePersonFlowOverHttpsGivesTheHandlerAccess) {
  GrantThroughFlow(WriteRight(), "mgr1", "dept1", "admin1");
  const std::string hana = Login("hana");
  const std::string record = PutRecord(hana);
  ASSERT_FALSE(record.empty());
  EXPECT_EQ(ReadStatus(hana, record), 403);  // nothing until granted

  const std::string mgr = Login("mgr1"), dept = Login("dept1"), admin = Login("admin1");
  auto req = Request(mgr, {{"kind", "grant"}, {"right", ReadRight()}, {"reason", kReason}});
  ASSERT_EQ(req.status, 201) << req.body;
  auto j = req.Json();
  EXPECT_EQ(j["state"], "requested");
  EXPECT_EQ(j["kind"], "grant");
  const std::string id = j["id"];
  EXPECT_EQ(req.Header("location"), "/v1/rights/requests/" + id);

  auto open = Send(dept, "GET", "/v1/rights/requests");
  ASSERT_EQ(open.status, 200) << open.body;
  ASSERT_EQ(open.Json()["requests"].size(), 1u);
  EXPECT_EQ(open.Json()["requests"][0]["id"], id);

  EXPECT_EQ(ReadStatus(hana, record), 403);
  auto approved = StepOf(dept, id, "approve", {{"comment", "承認します"}});
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(approved.Json()["state"], "approved");
  EXPECT_EQ(ReadStatus(hana, record), 403);  // approval alone changes nothing

  auto configured = StepOf(admin, id, "configure");
  ASSERT_EQ(configured.status, 200) << configured.body;
  EXPECT_EQ(configured.Json()["state"], "configured");
  const std::string grant = configured.Json().value("grant", "");
  EXPECT_FALSE(grant.empty());
  EXPECT_EQ(ReadStatus(hana, record), 200);

  auto got = Send(dept, "GET", "/v1/rights/requests/" + id);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.Json()["state"], "configured");
  EXPECT_TRUE(Send(dept, "GET", "/v1/rights/requests").Json()["requests"].empty());
  auto configured_list = Send(dept, "GET", "/v1/rights/requests?state=configured");
  EXPECT_EQ(configured_list.Json()["requests"].size(), 2u) << configured_list.body;
  auto g = Send(dept, "GET", "/v1/rights/grants/" + grant);
  ASSERT_EQ(g.status, 200) << g.body;
  EXPECT_EQ(g.Json()["right"]["operation"], "read");
  EXPECT_EQ(EventsOf("policy.configure").size(), 2u);
}

TEST_F(RightsApiTest, SelfApprovalIsRefusedAuditedAndChangesNothing) {
  const std::string mgr = Login("mgr1");
  auto req = Request(mgr, {{"kind", "grant"}, {"right", ReadRight()}, {"reason", kReason}});
  ASSERT_EQ(req.status, 201) << req.body;
  const std::string id = req.Json()["id"];
  const size_t server_audited = EventsOf("api.request").size();

  auto self = StepOf(mgr, id, "approve");
  EXPECT_EQ(self.status, 403) << self.body;
  EXPECT_EQ(self.Json().value("subject", ""), "policy.sod_self_approval") << self.body;
  auto events = EventsOf("policy.approve");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].result, "refused");
  EXPECT_EQ(events[0].actor, "mgr1");
  EXPECT_EQ(events[0].reason, "policy.sod_self_approval");
  EXPECT_EQ(EventsOf("api.request").size(), server_audited);  // audited once, by policy

  auto after = Send(mgr, "GET", "/v1/rights/requests/" + id);
  EXPECT_EQ(after.Json()["state"], "requested");
  EXPECT_FALSE(after.Json().contains("approved"));
  // Nor may the admin configure what nobody approved.
  EXPECT_NE(StepOf(Login("admin1"), id, "configure").status, 200);
  auto grants = Send(mgr, "GET", "/v1/rights/grants");
  EXPECT_TRUE(grants.Json()["grants"].empty()) << grants.body;
}

TEST_F(RightsApiTest, AdministratorCannotApproveOrRequestForThemselves) {
  const std::string mgr = Login("mgr1"), admin = Login("admin1");
  auto req = Request(mgr, {{"kind", "grant"}, {"right", ReadRight()}, {"reason", kReason}});
  const std::string id = req.Json()["id"];
  auto approve = StepOf(admin, id, "approve");
  EXPECT_EQ(approve.status, 403) << approve.body;
  EXPECT_EQ(approve.Json().value("subject", ""), "policy.no_role") << approve.body;
  auto refused = EventsOf("rights.approve");
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].result, "refused");
  EXPECT_EQ(Send(mgr, "GET", "/v1/rights/requests/" + id).Json()["state"], "requested");

  // An admin asking for an admin right for themselves: rule 5 of separation.h.
  nlohmann::json own = ReadRight();
  own["role"] = "admin";
  auto self = Request(admin, {{"kind", "grant"}, {"right", own}, {"reason", kReason}});
  EXPECT_EQ(self.status, 403) << self.body;
  EXPECT_EQ(self.Json().value("subject", ""), "policy.sod_admin_self_grant") << self.body;
}

TEST_F(RightsApiTest, ApproverCannotConfigure) {
  AddUser("boss", {"department_officer", "admin"});
  const std::string mgr = Login("mgr1"), boss = Login("boss");
  auto req = Request(mgr, {{"kind", "grant"}, {"right", ReadRight()}, {"reason", kReason}});
  const std::string id = req.Json()["id"];
  ASSERT_EQ(StepOf(boss, id, "approve").status, 200);
  auto conf = StepOf(boss, id, "configure");
  EXPECT_EQ(conf.status, 403) << conf.body;
  EXPECT_EQ(conf.Json().value("subject", ""), "policy.sod_approver_configures");
  EXPECT_EQ(Send(mgr, "GET", "/v1/rights/requests/" + id).Json()["state"], "approved");
}

TEST_F(RightsApiTest, RegisterShowsRequesterApproverConfigurerReasonAndTime) {
  const std::string grant = GrantReadOverHttps();
  ASSERT_FALSE(grant.empty());
  const std::string auditor_view = Login("dept1");
  auto reg = Send(auditor_view, "GET", "/v1/rights/register?kind=grant&role=handler");
  ASSERT_EQ(reg.status, 200) << reg.body;
  auto j = reg.Json();
  ASSERT_EQ(j["entries"].size(), 1u) << reg.body;
  const auto& e = j["entries"][0];
  EXPECT_EQ(e["requester"]["by"], "mgr1");
  EXPECT_EQ(e["requester"]["reason"], kReason);
  EXPECT_EQ(e["approver"]["by"], "dept1");
  EXPECT_EQ(e["approver"]["reason"], "承認します");
  EXPECT_EQ(e["configurer"]["by"], "admin1");
  EXPECT_EQ(e["configurer"]["by_name"], "Test admin1");
  EXPECT_TRUE(ParseUtc(e["requester"]["at"].get<std::string>()).has_value());
  EXPECT_TRUE(ParseUtc(e["effective_at"].get<std::string>()).has_value());
  ASSERT_EQ(j["holdings"].size(), 1u);
  EXPECT_EQ(j["holdings"][0]["holders"], nlohmann::json({"hana", "kenji"}));

  // Filters narrow it; reading the register is itself audited.
  EXPECT_TRUE(
      Send(auditor_view, "GET", "/v1/rights/register?role=auditor").Json()["entries"].empty());
  EXPECT_EQ(Send(auditor_view, "GET", "/v1/rights/register?since=2999-01-01T00:00:00Z")
                .Json()["entries"]
                .size(),
            0u);
  EXPECT_EQ(Send(auditor_view, "GET", "/v1/rights/register?kind=bogus").status, 400);
  EXPECT_GE(EventsOf("rights.register").size(), 3u);
  auto holdings = Send(auditor_view, "GET", "/v1/rights/holdings?person=hana");
  ASSERT_EQ(holdings.status, 200) << holdings.body;
  EXPECT_EQ(holdings.Json()["holdings"].size(), 1u);

  // The free-text reason is in the register, never in the audit log.
  for (const char* op : {"policy.request", "policy.approve", "policy.configure"}) {
    for (const auto& ev : EventsOf(op)) {
      EXPECT_EQ(ev.reason.find("鈴木"), std::string::npos) << op;
      for (const auto& [k, v] : ev.attrs) EXPECT_EQ(v.find("鈴木"), std::string::npos) << op << k;
    }
  }
  // A handler may not read the register.
  EXPECT_EQ(Send(Login("hana"), "GET", "/v1/rights/register").status, 403);
}

TEST_F(RightsApiTest, RemovalTakesAccessAway) {
  GrantThroughFlow(WriteRight(), "mgr1", "dept1", "admin1");
  const std::string grant = GrantReadOverHttps();
  ASSERT_FALSE(grant.empty());
  const std::string hana = Login("hana");
  const std::string record = PutRecord(hana);
  EXPECT_EQ(ReadStatus(hana, record), 200);

  const std::string mgr = Login("mgr1"), dept = Login("dept1"), admin = Login("admin1");
  auto req = Request(mgr, {{"kind", "removal"}, {"grant", grant}, {"reason", "異動のため"}});
  ASSERT_EQ(req.status, 201) << req.body;
  const std::string id = req.Json()["id"];
  ASSERT_EQ(StepOf(dept, id, "approve").status, 200);
  EXPECT_EQ(ReadStatus(hana, record), 200);
  ASSERT_EQ(StepOf(admin, id, "configure").status, 200);
  EXPECT_EQ(ReadStatus(hana, record), 403);

  auto active = Send(dept, "GET", "/v1/rights/grants");
  EXPECT_EQ(active.Json()["grants"].size(), 1u);  // only the write grant
  auto all = Send(dept, "GET", "/v1/rights/grants?include_removed=true");
  ASSERT_EQ(all.Json()["grants"].size(), 2u) << all.body;
  auto removed = Send(dept, "GET", "/v1/rights/grants/" + grant).Json();
  EXPECT_EQ(removed["active"], false);
  auto reg = Send(dept, "GET", "/v1/rights/register?kind=removal").Json();
  ASSERT_EQ(reg["entries"].size(), 1u);
  EXPECT_EQ(reg["entries"][0]["requester"]["reason"], "異動のため");
  EXPECT_EQ(reg["entries"][0]["grant"], grant);
}

TEST_F(RightsApiTest, RejectAndWithdrawCloseRequests) {
  const std::string mgr = Login("mgr1"), dept = Login("dept1");
  auto a = Request(mgr, {{"kind", "grant"}, {"right", ReadRight()}, {"reason", kReason}});
  const std::string first = a.Json()["id"];
  EXPECT_EQ(StepOf(dept, first, "reject", nlohmann::json::object()).status,
            400);  // a reason is required
  auto rejected = StepOf(dept, first, "reject", {{"reason", "不要"}});
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  EXPECT_EQ(rejected.Json()["state"], "rejected");
  auto b = Request(mgr, {{"kind", "grant"}, {"right", ReadRight()}, {"reason", kReason}});
  const std::string second = b.Json()["id"];
  EXPECT_EQ(StepOf(dept, second, "withdraw", {{"reason", "x"}}).status, 403);  // not the requester
  auto withdrawn = StepOf(mgr, second, "withdraw", {{"reason", "取下げ"}});
  ASSERT_EQ(withdrawn.status, 200) << withdrawn.body;
  EXPECT_EQ(withdrawn.Json()["state"], "withdrawn");
  EXPECT_EQ(Send(dept, "GET", "/v1/rights/requests?state=rejected").Json()["requests"].size(), 1u);
  EXPECT_EQ(Send(dept, "GET", "/v1/rights/requests?state=bogus").status, 400);
  EXPECT_EQ(Send(dept, "GET", "/v1/rights/requests/R99999999").status, 404);
}

TEST_F(RightsApiTest, StrictBodiesNameTheMember) {
  const std::string mgr = Login("mgr1");
  const size_t before = EventsOf("api.request").size();
  auto unknown =
      Request(mgr, {{"kind", "grant"}, {"right", ReadRight()}, {"reason", "r"}, {"extra", 1}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.Json().value("subject", ""), "extra") << unknown.body;
  auto wrong = Request(mgr, {{"kind", "grant"}, {"right", ReadRight()}, {"reason", 5}});
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(wrong.Json().value("subject", ""), "reason") << wrong.body;
  auto kind = Request(mgr, {{"kind", "revocation"}, {"grant", "G00000001"}, {"reason", "r"}});
  EXPECT_EQ(kind.status, 400);
  EXPECT_EQ(kind.Json().value("subject", ""), "kind") << kind.body;
  auto missing = Request(mgr, {{"kind", "removal"}, {"reason", "r"}});
  EXPECT_EQ(missing.Json().value("subject", ""), "grant") << missing.body;
  auto misplaced =
      Request(mgr, {{"kind", "removal"}, {"grant", "G1"}, {"right", ReadRight()}, {"reason", "r"}});
  EXPECT_EQ(misplaced.Json().value("subject", ""), "right") << misplaced.body;
  nlohmann::json bad_right = ReadRight();
  bad_right["colour"] = "red";
  auto right = Request(mgr, {{"kind", "grant"}, {"right", bad_right}, {"reason", "r"}});
  EXPECT_EQ(right.status, 400);
  EXPECT_EQ(right.Json().value("subject", ""), "right.colour") << right.body;
  auto step = StepOf(mgr, "R00000001", "approve", {{"comment", 1}});
  EXPECT_EQ(step.status, 400);
  EXPECT_EQ(step.Json().value("subject", ""), "comment");
  EXPECT_EQ(Send(mgr, "POST", "/v1/rights/requests", "{\"kind\":").status, 400);
  EXPECT_EQ(EventsOf("api.request").size(), before + 8);  // the server audits each
  EXPECT_TRUE(EventsOf("policy.request").empty());        // none reached policy
  EXPECT_TRUE(Send(mgr, "GET", "/v1/rights/requests").Json()["requests"].empty());
}

TEST_F(RightsApiTest, ReviewListsHoldersForTheirManagerAndRevokeTakesEffect) {
  GrantThroughFlow(WriteRight(), "mgr1", "dept1", "admin1");
  const std::string grant = GrantReadOverHttps();
  const std::string hana = Login("hana"), kenji = Login("kenji");
  const std::string record = PutRecord(hana);
  ASSERT_EQ(ReadStatus(hana, record), 200);

  // Only the CISO line starts campaigns.
  const std::string mgr = Login("mgr1"), ciso = Login("ciso1");
  EXPECT_EQ(Send(mgr, "POST", "/v1/reviews", R"({"title":"x"})").status, 403);
  auto started = Send(ciso, "POST", "/v1/reviews", R"({"title":"2026年度 下期 権限見直し"})");
  ASSERT_EQ(started.status, 201) << started.body;
  const std::string campaign = started.Json()["id"];
  // Two handlers × two grants, and the holding of a role with system rights
  // by mgr1, dept1, ciso1 and admin1.
  EXPECT_EQ(started.Json()["items"], 8u);

  auto list = Send(mgr, "GET", "/v1/reviews");
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.Json()["campaigns"].size(), 1u);
  EXPECT_EQ(list.Json()["campaigns"][0]["overdue"], false);
  EXPECT_EQ(Send(mgr, "GET", "/v1/reviews/" + campaign).Json()["pending"], 8u);

  auto items = Send(mgr, "GET", "/v1/reviews/" + campaign + "/items?reviewer=mgr1&person=hana");
  ASSERT_EQ(items.status, 200) << items.body;
  std::string read_item;
  const nlohmann::json listed = items.Json();  // the loop must not range over a temporary
  for (const auto& it : listed["items"]) {
    EXPECT_EQ(it["person"], "hana");
    EXPECT_EQ(it["reviewer"], "mgr1");
    if (it["grant"] == grant) read_item = it["id"].get<std::string>();
  }
  ASSERT_FALSE(read_item.empty()) << items.body;

  // The holder cannot decide their own review, nor a manager without a reason.
  const std::string base = "/v1/reviews/" + campaign + "/items/" + read_item;
  EXPECT_EQ(Send(hana, "POST", base + "/revoke", R"({"reason":"x"})").status, 403);
  EXPECT_EQ(Send(mgr, "POST", base + "/revoke", "{}").status, 400);
  auto revoked = Send(mgr, "POST", base + "/revoke", R"({"reason":"業務終了"})");
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(revoked.Json()["state"], "revoked");
  EXPECT_EQ(ReadStatus(hana, record), 403);
  EXPECT_EQ(ReadStatus(kenji, record), 200);                    // the grant stays for the others
  EXPECT_EQ(Send(mgr, "POST", base + "/confirm").status, 409);  // already decided

  auto holdings = Send(mgr, "GET", "/v1/rights/holdings?role=handler").Json();
  bool seen = false;
  for (const auto& h : holdings["holdings"]) {
    if (h["id"] != grant) continue;
    seen = true;
    EXPECT_EQ(h["revoked"], nlohmann::json({"hana"}));
    EXPECT_EQ(h["holders"], nlohmann::json({"kenji"}));
  }
  EXPECT_TRUE(seen) << holdings.dump();
  auto reg = Send(mgr, "GET", "/v1/rights/register?kind=revocation").Json();
  ASSERT_EQ(reg["entries"].size(), 1u);
  EXPECT_EQ(reg["entries"][0]["approver"]["by"], "mgr1");
  EXPECT_EQ(reg["entries"][0]["approver"]["reason"], "業務終了");
  EXPECT_EQ(reg["entries"][0]["person"], "hana");

  auto pending = Send(mgr, "GET", "/v1/reviews/" + campaign + "/items?state=pending").Json();
  ASSERT_EQ(pending["items"].size(), 7u);
  auto confirm = Send(mgr, "POST",
                      "/v1/reviews/" + campaign + "/items/" +
                          pending["items"][0]["id"].get<std::string>() + "/confirm");
  ASSERT_EQ(confirm.status, 200) << confirm.body;
  EXPECT_EQ(confirm.Json()["state"], "confirmed");
  // The revocation, and before it the refusal of the one without a reason.
  auto revokes = EventsOf("policy.review.revoke");
  ASSERT_EQ(revokes.size(), 2u);
  EXPECT_EQ(revokes[0].result, "refused");
  EXPECT_EQ(revokes[1].result, "ok");
  EXPECT_EQ(revokes[1].actor, "mgr1");
  EXPECT_EQ(Send(mgr, "GET", "/v1/reviews/C99999999").status, 404);
}

// Holding a role that carries rights is reviewed like a grant: a manager
// revokes the administrator's membership, which ends it at once and shows
// in the register as a role_remove the software configured.
TEST_F(RightsApiTest, AReviewRevokesTheHoldingOfARole) {
  AddUser("admin2", {"admin"}, "dept1", "情報システム課");
  const std::string ciso = Login("ciso1");
  auto started = Send(ciso, "POST", "/v1/reviews", R"({"title":"管理者IDの棚卸し"})");
  ASSERT_EQ(started.status, 201) << started.body;
  const std::string campaign = started.Json()["id"];
  const std::string dept = Login("dept1");
  auto items = Send(dept, "GET", "/v1/reviews/" + campaign + "/items?person=admin2").Json();
  ASSERT_EQ(items["items"].size(), 1u) << items.dump();
  EXPECT_EQ(items["items"][0]["role"], "admin");
  EXPECT_EQ(items["items"][0]["reviewer"], "dept1");
  const std::string item = items["items"][0]["id"];
  const std::string admin2 = Login("admin2");
  EXPECT_EQ(Send(admin2, "GET", "/v1/users").status, 200);
  // Not by the holder, nor by another manager than the reviewer.
  EXPECT_EQ(Send(admin2, "POST", "/v1/reviews/" + campaign + "/items/" + item + "/revoke",
                 R"({"reason":"x"})")
                .status,
            403);
  auto revoked = Send(dept, "POST", "/v1/reviews/" + campaign + "/items/" + item + "/revoke",
                      R"({"reason":"兼務解除"})");
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_FALSE(revoked.Json().value("revocation", "").empty());
  auto u = stack_->identity().directory().GetUser("admin2");
  ASSERT_TRUE(u.has_value());
  EXPECT_TRUE(u->roles.empty());
  EXPECT_EQ(Send(admin2, "GET", "/v1/users").status, 403);  // the session sees it at once
  auto reg = Send(dept, "GET", "/v1/rights/register?kind=role_remove").Json();
  ASSERT_EQ(reg["entries"].size(), 1u) << reg.dump();
  EXPECT_EQ(reg["entries"][0]["person"], "admin2");
  EXPECT_EQ(reg["entries"][0]["role"], "admin");
  EXPECT_EQ(reg["entries"][0]["approver"]["by"], "dept1");
  EXPECT_EQ(reg["entries"][0]["configurer"]["by"], "mamori");
}

TEST_F(RightsApiTest, OverdueReviewsAreVisible) {
  GrantReadOverHttps();
  const std::string ciso = Login("ciso1");
  EXPECT_EQ(Send(ciso, "POST", "/v1/reviews",
                 nlohmann::json{{"title", "past"}, {"due", "2020-01-01T00:00:00Z"}}.dump())
                .status,
            400);
  EXPECT_EQ(Send(ciso, "POST", "/v1/reviews", R"({"title":"t","due":"tomorrow"})").status, 400);
  const std::string due = FormatUtc(NowMicros() + 3'000'000);
  auto started =
      Send(ciso, "POST", "/v1/reviews", nlohmann::json{{"title", "soon"}, {"due", due}}.dump());
  ASSERT_EQ(started.status, 201) << started.body;
  const std::string campaign = started.Json()["id"];
  EXPECT_TRUE(Send(ciso, "GET", "/v1/reviews/overdue").Json()["items"].empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(3200));
  auto overdue = Send(ciso, "GET", "/v1/reviews/overdue");
  ASSERT_EQ(overdue.status, 200) << overdue.body;
  // hana and kenji's grant, and the four holders of roles with system rights.
  EXPECT_EQ(overdue.Json()["items"].size(), 6u) << overdue.body;
  EXPECT_EQ(overdue.Json()["items"][0]["campaign"], campaign);
  EXPECT_EQ(Send(ciso, "GET", "/v1/reviews/" + campaign).Json()["overdue"], true);
}

// The ids of a list's member (ids in the order given).
std::vector<std::string> IdsOf(const nlohmann::json& list) {
  std::vector<std::string> ids;
  for (const auto& item : list) ids.push_back(item.value("id", ""));
  return ids;
}

TEST_F(RightsApiTest, RegisterEntriesGrantsAndRequestsPage) {
  for (auto op : {policy::Operation::kRead, policy::Operation::kWrite, policy::Operation::kFind,
                  policy::Operation::kExport, policy::Operation::kShred}) {
    policy::Right right = WriteRight();
    right.operation = op;
    if (!policy::NeedsPurpose(op)) right.purpose.clear();
    ASSERT_FALSE(GrantThroughFlow(right, "mgr1", "dept1", "admin1").empty());
  }
  const std::string dept = Login("dept1");
  auto whole = Send(dept, "GET", "/v1/rights/register?limit=1000");
  ASSERT_EQ(whole.status, 200) << whole.body;
  const nlohmann::json register_json = whole.Json();
  const std::vector<std::string> entries = IdsOf(register_json["entries"]);
  ASSERT_EQ(entries.size(), 5u) << whole.body;
  EXPECT_TRUE(register_json["next_cursor"].is_null());

  size_t pages = 0;
  EXPECT_EQ(ReadAllPages(dept, "/v1/rights/register", "entries", 2, &pages), entries);
  EXPECT_EQ(pages, 3u);
  auto first = Send(dept, "GET", "/v1/rights/register?limit=2");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.Json()["next_cursor"], entries[1]);
  // The holdings are the state now: whole on every page.
  EXPECT_EQ(first.Json()["holdings"], register_json["holdings"]);
  EXPECT_EQ(first.Json()["holdings"].size(), 5u);
  // Filters and pages combine.
  EXPECT_EQ(ReadAllPages(dept, "/v1/rights/register?kind=grant&role=handler", "entries", 4),
            entries);
  EXPECT_TRUE(ReadAllPages(dept, "/v1/rights/register?kind=removal", "entries", 4).empty());

  // Grants, holdings and requests page the same way.
  auto grants = Send(dept, "GET", "/v1/rights/grants");
  ASSERT_EQ(grants.status, 200) << grants.body;
  const std::vector<std::string> grant_ids = IdsOf(grants.Json()["grants"]);
  ASSERT_EQ(grant_ids.size(), 5u);
  EXPECT_EQ(ReadAllPages(dept, "/v1/rights/grants", "grants", 2), grant_ids);
  EXPECT_EQ(ReadAllPages(dept, "/v1/rights/holdings", "holdings", 3), grant_ids);
  EXPECT_EQ(ReadAllPages(dept, "/v1/rights/requests?state=configured", "requests", 2), entries);

  const size_t before = EventsOf("api.request").size();
  auto unknown = Send(dept, "GET", "/v1/rights/register?cursor=R99999999");
  EXPECT_EQ(unknown.status, 400) << unknown.body;
  EXPECT_EQ(unknown.Json().value("subject", ""), "cursor");
  EXPECT_EQ(Send(dept, "GET", "/v1/rights/grants?cursor=" + entries[0]).status, 400);
  auto limit = Send(dept, "GET", "/v1/rights/holdings?limit=1001");
  EXPECT_EQ(limit.status, 400);
  EXPECT_EQ(limit.Json().value("subject", ""), "limit");
  EXPECT_EQ(EventsOf("api.request").size(), before + 3);
}

TEST_F(RightsApiTest, ReviewItemsAndCampaignsPage) {
  GrantThroughFlow(WriteRight(), "mgr1", "dept1", "admin1");
  GrantReadOverHttps();
  policy::Right find = WriteRight();
  find.operation = policy::Operation::kFind;
  GrantThroughFlow(find, "mgr1", "dept1", "admin1");
  const std::string ciso = Login("ciso1"), mgr = Login("mgr1");
  auto started = Send(ciso, "POST", "/v1/reviews", R"({"title":"2026年度 上期"})");
  ASSERT_EQ(started.status, 201) << started.body;
  const std::string campaign = started.Json()["id"];
  const std::string items_route = "/v1/reviews/" + campaign + "/items";

  auto whole = Send(mgr, "GET", items_route + "?limit=1000");
  ASSERT_EQ(whole.status, 200) << whole.body;
  const std::vector<std::string> items = IdsOf(whole.Json()["items"]);
  // Two handlers × three grants, and four holders of roles with system rights.
  ASSERT_EQ(items.size(), 10u);
  EXPECT_TRUE(whole.Json()["next_cursor"].is_null());
  size_t pages = 0;
  EXPECT_EQ(ReadAllPages(mgr, items_route, "items", 4, &pages), items);
  EXPECT_EQ(pages, 3u);
  EXPECT_EQ(ReadAllPages(mgr, items_route, "items", 1, &pages), items);
  EXPECT_EQ(pages, 10u);
  // A filtered list pages over its own items.
  auto hana = ReadAllPages(mgr, items_route + "?person=hana", "items", 2, &pages);
  EXPECT_EQ(hana.size(), 3u);
  EXPECT_EQ(pages, 2u);
  auto unknown = Send(mgr, "GET", items_route + "?cursor=I99999999");
  EXPECT_EQ(unknown.status, 400) << unknown.body;
  EXPECT_EQ(unknown.Json().value("subject", ""), "cursor");
  // A cursor of the unfiltered list that the filtered one does not hold.
  const auto kenji = IdsOf(Send(mgr, "GET", items_route + "?person=kenji").Json()["items"]);
  ASSERT_EQ(kenji.size(), 3u);
  EXPECT_EQ(Send(mgr, "GET", items_route + "?person=hana&cursor=" + kenji[0]).status, 400);

  auto second = Send(ciso, "POST", "/v1/reviews", R"({"title":"2026年度 下期"})");
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_EQ(ReadAllPages(mgr, "/v1/reviews", "campaigns", 1, &pages),
            (std::vector<std::string>{campaign, second.Json()["id"].get<std::string>()}));
  EXPECT_EQ(pages, 2u);
  EXPECT_EQ(Send(mgr, "GET", "/v1/reviews?limit=0").status, 400);
}

TEST_F(RightsApiTest, OverdueItemsOfSeveralCampaignsPageByCampaignAndItem) {
  // hana and kenji hold it, and four people hold roles with system rights:
  // six items per campaign.
  GrantReadOverHttps();
  constexpr TimeMicros kDay = 86'400 * kMicrosPerSecond;
  std::vector<std::string> campaigns;
  for (const char* title : {"期限切れ 1", "期限切れ 2"}) {
    // Started two days ago, due yesterday: overdue now.
    policy::Caller past = CallerOf("ciso1");
    past.time = NowMicros() - 2 * kDay;
    policy::CampaignSpec spec;
    spec.title = title;
    spec.due = NowMicros() - kDay;
    auto c = stack_->reviews().Start(past, spec);
    ASSERT_TRUE(c.has_value()) << c.error().ToString();
    campaigns.push_back(c->id);
  }
  const std::string mgr = Login("mgr1");
  auto whole = Send(mgr, "GET", "/v1/reviews/overdue");
  ASSERT_EQ(whole.status, 200) << whole.body;
  const nlohmann::json all = whole.Json()["items"];
  ASSERT_EQ(all.size(), 12u) << whole.body;
  EXPECT_TRUE(whole.Json()["next_cursor"].is_null());

  auto first = Send(mgr, "GET", "/v1/reviews/overdue?limit=3");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.Json()["next_cursor"],
            all[2]["campaign"].get<std::string>() + "/" + all[2]["id"].get<std::string>());
  EXPECT_EQ(first.Json()["items"][0]["campaign"], campaigns[0]);
  size_t pages = 0;
  EXPECT_EQ(ReadAllPages(mgr, "/v1/reviews/overdue", "items", 3, &pages), IdsOf(all));
  EXPECT_EQ(pages, 4u);
  // The item id alone is not a cursor of this list.
  auto bare = Send(mgr, "GET", "/v1/reviews/overdue?cursor=" + all[2]["id"].get<std::string>());
  EXPECT_EQ(bare.status, 400) << bare.body;
  EXPECT_EQ(bare.Json().value("subject", ""), "cursor");
}

TEST_F(RightsApiTest, ReadsAndRefusalsOfOneRequestGrantOrCampaignNameTheTarget) {
  const std::string grant = GrantReadOverHttps();
  ASSERT_FALSE(grant.empty());
  const std::string dept = Login("dept1"), hana = Login("hana");
  auto g = Send(dept, "GET", "/v1/rights/grants/" + grant);
  ASSERT_EQ(g.status, 200) << g.body;
  EXPECT_EQ(AttrOf(EventsOf("rights.register").back(), "target"), grant);
  const std::string request = g.Json().value("request", "");
  ASSERT_FALSE(request.empty()) << g.body;
  ASSERT_EQ(Send(dept, "GET", "/v1/rights/requests/" + request).status, 200);
  EXPECT_EQ(AttrOf(EventsOf("rights.register").back(), "target"), request);
  ASSERT_EQ(Send(dept, "GET", "/v1/rights/grants").status, 200);
  EXPECT_TRUE(EventsOf("rights.register").back().attrs.empty());  // lists name none

  // A handler may not read the register nor take a step: the refusals say
  // which request or grant was asked for.
  EXPECT_EQ(Send(hana, "GET", "/v1/rights/grants/" + grant).status, 403);
  auto refused = EventsOf("rights.register").back();
  EXPECT_EQ(refused.result, "refused");
  EXPECT_EQ(refused.actor, "hana");
  EXPECT_EQ(AttrOf(refused, "target"), grant);
  EXPECT_EQ(Send(hana, "POST", "/v1/rights/requests/" + request + "/approve").status, 403);
  EXPECT_EQ(AttrOf(EventsOf("rights.approve").back(), "target"), request);

  auto started = Send(Login("ciso1"), "POST", "/v1/reviews", R"({"title":"臨時見直し"})");
  ASSERT_EQ(started.status, 201) << started.body;
  const std::string campaign = started.Json()["id"];
  ASSERT_EQ(Send(dept, "GET", "/v1/reviews/" + campaign).status, 200);
  EXPECT_EQ(AttrOf(EventsOf("review.list").back(), "target"), campaign);
  EXPECT_EQ(Send(hana, "GET", "/v1/reviews/" + campaign + "/items").status, 403);
  EXPECT_EQ(EventsOf("review.list").back().result, "refused");
  EXPECT_EQ(AttrOf(EventsOf("review.list").back(), "target"), campaign);
}

}  // namespace
}  // namespace mamori::api::testing
