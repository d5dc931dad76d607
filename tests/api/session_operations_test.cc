// GET /v1/auth/session answers `operations`: the system operations the
// session's principal may perform now. Checked against the demo
// organisation's real people, roles, sessions and authoriser
// (demo_org_fixture.h): for each person the list is exactly what the route
// table's authorisation then allows — every system route is called once
// per operation, and a listed operation is never refused by the
// authorisation, an unlisted one always is. Also: a suspended person (a
// leave review open) is offered what every role may do only, a disabled
// person has no session to ask with, a locked one's open session is
// offered what the routes allow it, a restricted session is offered
// nothing, and a role added or removed shows at the next request.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "api/demo_org_fixture.h"
#include "api/route_table.h"
#include "policy/system_rights.h"

namespace mamori::api::testing {
namespace {

class SessionOperationsTest : public DemoOrgTest {
 protected:
  // The operations GET /v1/auth/session answers to `token`.
  std::set<std::string> Operations(const std::string& token) {
    auto r = Send(token, "GET", "/v1/auth/session");
    EXPECT_EQ(r.status, 200) << r.body;
    std::set<std::string> out;
    const nlohmann::json body = r.Json();
    if (!body.is_object() || !body.contains("operations")) {
      ADD_FAILURE() << "no operations: " << r.body;
      return out;
    }
    for (const auto& op : body["operations"]) out.insert(op.get<std::string>());
    EXPECT_EQ(out.size(), body["operations"].size()) << "listed once each";
    return out;
  }

  // One route of the table for each system operation: its method and a
  // target with every path parameter named by an id that exists nowhere
  // (and the variant's parameter for a variant operation).
  struct Probe {
    std::string method, target;
  };
  static std::map<std::string, Probe> Probes() {
    std::map<std::string, Probe> out;
    for (const RouteSpec& spec : RouteTable()) {
      if (spec.guard != Guard::kSystem) continue;
      std::string target;
      for (size_t i = 0; i < spec.pattern.size(); ++i) {
        if (spec.pattern[i] == '{') {
          i = spec.pattern.find('}', i);
          target += "zz-probe";
        } else {
          target += spec.pattern[i];
        }
      }
      out.emplace(spec.operation, Probe{spec.method, target});
      if (!spec.variant_operation.empty()) {
        out.emplace(spec.variant_operation,
                    Probe{spec.method, target + "?" + spec.variant_param + "=zz"});
      }
    }
    return out;
  }

  // True when the route table's authorisation refused `token` the route:
  // 403 with the system rights table's reasons. The body ([]) is one no
  // route takes, so an allowed call is refused afterwards by the body's
  // check or the handler (400/404/…), and changes nothing.
  bool RefusedByAuthorisation(const std::string& token, const Probe& probe) {
    auto r = Send(token, probe.method, probe.target, "[]");
    if (r.status != 403) return false;
    const std::string subject = r.Json().value("subject", "");
    return subject == "policy.no_role" || subject == "policy.disabled";
  }

  // Each routed system operation is listed exactly when the authorisation
  // allows it; the unrouted ones are rules of the table. `user` names the
  // failures. The number of routed operations allowed.
  size_t ExpectListEqualsAuthorisation(const std::string& user, const std::string& token) {
    const std::set<std::string> listed = Operations(token);
    for (const auto& op : listed) {
      EXPECT_NE(policy::FindSystemRule(op), nullptr) << user << ": " << op;
    }
    size_t allowed = 0, refused = 0;
    for (const auto& [op, probe] : Probes()) {
      const bool is_refused = RefusedByAuthorisation(token, probe);
      (is_refused ? refused : allowed)++;
      EXPECT_EQ(listed.contains(op), !is_refused)
          << user << ": " << op << " (" << probe.method << " " << probe.target << ") "
          << (is_refused ? "refused by the route but listed" : "allowed by the route but unlisted");
    }
    EXPECT_GT(refused, 0u) << user << ": nobody may do everything";
    return allowed;
  }
};

TEST_F(SessionOperationsTest, EachPersonIsOfferedExactlyWhatTheRoutesAllow) {
  ASSERT_EQ(users_.size(), 9u);
  // Everyone is allowed some and refused some: neither a stub that allows
  // all nor one that refuses all would pass.
  for (const auto& user : users_)
    EXPECT_GT(ExpectListEqualsAuthorisation(user, tokens_.at(user)), 0u) << user;
}

TEST_F(SessionOperationsTest, TheDemoRolesListWhatTheirDutiesNeedAndNothingElse) {
  const auto handler = Operations(tokens_.at("sato_hanako"));
  EXPECT_TRUE(handler.contains("rights.use_request"));
  EXPECT_TRUE(handler.contains("approval.submit"));
  EXPECT_FALSE(handler.contains("dataset.ledger"));
  EXPECT_FALSE(handler.contains("user.list"));
  EXPECT_FALSE(handler.contains("audit.events"));

  const auto manager = Operations(tokens_.at("tanaka_kacho"));
  EXPECT_TRUE(manager.contains("rights.approve"));
  EXPECT_TRUE(manager.contains("user.list"));
  EXPECT_TRUE(manager.contains("dataset.ledger"));
  EXPECT_FALSE(manager.contains("user.create"));
  EXPECT_FALSE(manager.contains("rights.configure"));

  const auto ciso = Operations(tokens_.at("yamamoto_ciso"));
  EXPECT_TRUE(ciso.contains("review.start"));
  EXPECT_TRUE(ciso.contains("report.compliance"));
  EXPECT_TRUE(ciso.contains("incident.police"));
  EXPECT_FALSE(ciso.contains("user.reset_totp"));

  const auto auditor = Operations(tokens_.at("nakamura_kansa"));
  EXPECT_TRUE(auditor.contains("audit.events"));
  EXPECT_TRUE(auditor.contains("internal_audit.finding"));
  EXPECT_FALSE(auditor.contains("rights.approve"));
  EXPECT_FALSE(auditor.contains("user.update"));

  const auto admin = Operations(tokens_.at("soumu_kanri"));
  EXPECT_TRUE(admin.contains("user.reset_totp"));
  EXPECT_TRUE(admin.contains("service.update"));
  EXPECT_TRUE(admin.contains("rights.configure"));
  EXPECT_FALSE(admin.contains("audit.events")) << "the administrator does not read the log";
  EXPECT_FALSE(admin.contains("rights.approve"));
}

TEST_F(SessionOperationsTest, WithoutASessionNothingIsAnswered) {
  auto none = Send("", "GET", "/v1/auth/session");
  EXPECT_EQ(none.status, 401) << none.body;
  EXPECT_EQ(none.body.find("operations"), std::string::npos);
  auto bad = Send("not-a-token", "GET", "/v1/auth/session");
  EXPECT_EQ(bad.status, 401) << bad.body;
  EXPECT_EQ(bad.body.find("operations"), std::string::npos);
}

// Disabling ends the person's sessions: there is no session left to list
// operations for, nor to use them with.
TEST_F(SessionOperationsTest, ADisabledPersonHasNoSessionToAskWith) {
  const std::string tanaka = tokens_.at("tanaka_kacho");
  ASSERT_TRUE(Operations(tanaka).contains("rights.approve"));
  auto r = Send(tokens_.at("soumu_kanri"), "POST", "/v1/users/tanaka_kacho/disable",
                R"({"reason":"long_absence"})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto after = Send(tanaka, "GET", "/v1/auth/session");
  EXPECT_EQ(after.status, 401) << after.body;
  EXPECT_EQ(after.body.find("operations"), std::string::npos);
  EXPECT_EQ(Send(tanaka, "GET", "/v1/users").status, 401);
}

// Enabled again with the leave review open, he is suspended: offered what
// every role may do and no more — nothing, for his roles (section manager,
// confirmer) both carry system rights —, and the routes agree operation by
// operation.
TEST_F(SessionOperationsTest, ASuspendedPersonIsOfferedWhatEveryRoleMayDoOnly) {
  auto r = Send(tokens_.at("soumu_kanri"), "POST", "/v1/users/tanaka_kacho/disable",
                R"({"reason":"long_absence"})");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_GT(r.Json()["review"].value("items", 0), 0) << r.body;
  ASSERT_TRUE(stack_->identity().directory().EnableUser(Local(), "tanaka_kacho").ok());
  const std::string tanaka = Login("tanaka_kacho", kDemoChanged);
  const auto listed = Operations(tanaka);
  EXPECT_FALSE(listed.contains("rights.approve"));
  EXPECT_FALSE(listed.contains("user.list"));
  EXPECT_EQ(ExpectListEqualsAuthorisation("tanaka_kacho (suspended)", tanaka), listed.size());
  // A handler suspended the same way keeps what every role may do.
  r = Send(tokens_.at("soumu_kanri"), "POST", "/v1/users/ito_ken/disable",
           R"({"reason":"long_absence"})");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(stack_->identity().directory().EnableUser(Local(), "ito_ken").ok());
  const std::string ito = Login("ito_ken", kDemoChanged);
  const auto kept = Operations(ito);
  EXPECT_TRUE(kept.contains("approval.submit"));
  EXPECT_FALSE(kept.contains("inquiry.apply")) << "his inquiry operator role is under review";
  EXPECT_GT(ExpectListEqualsAuthorisation("ito_ken (suspended)", ito), 0u);
}

// Locked by failed log-ons (someone else trying the ID), the session the
// person already has goes on (a lockout by failed log-ons does not end
// it), and what it is offered agrees with the routes: no operation is
// offered that the routes would refuse, nor the other way round.
TEST_F(SessionOperationsTest, ALockedPersonIsOfferedOnlyWhatTheRoutesAllow) {
  const std::string kato = tokens_.at("kato_kacho");
  for (int i = 0; i < 5; ++i) {
    auto wrong =
        Send("", "POST", "/v1/auth/login",
             nlohmann::json{{"user", "kato_kacho"}, {"password", "Wrong#Pass-0000"}}.dump());
    EXPECT_EQ(wrong.status, 401) << wrong.body;
  }
  auto locked = Send("", "POST", "/v1/auth/login",
                     nlohmann::json{{"user", "kato_kacho"}, {"password", kDemoChanged}}.dump());
  ASSERT_EQ(locked.status, 401) << "locked: " << locked.body;
  auto session = Send(kato, "GET", "/v1/auth/session");
  ASSERT_EQ(session.status, 200) << session.body;
  EXPECT_GT(ExpectListEqualsAuthorisation("kato_kacho (locked)", kato), 0u);
}

// A session that must change its password reaches only /v1/auth: it is
// offered nothing, and a route it would otherwise use is refused; once
// changed, the next session is offered the role's operations.
TEST_F(SessionOperationsTest, ARestrictedSessionIsOfferedNothing) {
  identity::NewUser u;
  u.id = "kansa_shinnin";
  u.display_name = "Test kansa_shinnin";
  u.department = "監査室";
  u.roles = {"auditor"};
  u.must_change_password = true;
  ASSERT_TRUE(stack_->identity().directory().CreateUser(Local(), u, kDemoInitial).ok());
  const std::string restricted = Login("kansa_shinnin", kDemoInitial);
  auto s = Send(restricted, "GET", "/v1/auth/session");
  ASSERT_EQ(s.status, 200) << s.body;
  EXPECT_TRUE(s.Json().value("must_change_password", false));
  EXPECT_EQ(s.Json()["operations"], nlohmann::json::array());
  EXPECT_NE(Send(restricted, "GET", "/v1/audit/events").status, 200);
  // The password changed, the auditor's operations are offered.
  auto changed = Send(restricted, "POST", "/v1/auth/password",
                      nlohmann::json{{"current", kDemoInitial}, {"new", kDemoChanged}}.dump());
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_TRUE(Operations(Login("kansa_shinnin", kDemoChanged)).contains("audit.events"));
}

// Roles are read as stored at each request: a role added shows at the next
// request, with the route allowing it; removed, it is gone and refused.
TEST_F(SessionOperationsTest, ARoleAddedOrRemovedShowsAtTheNextRequest) {
  const std::string sato = tokens_.at("sato_hanako");
  ASSERT_FALSE(Operations(sato).contains("audit.events"));
  ASSERT_EQ(Send(sato, "GET", "/v1/audit/events").status, 403);

  ASSERT_TRUE(stack_->identity().directory().AddRole(Local(), "sato_hanako", "auditor").ok());
  EXPECT_TRUE(Operations(sato).contains("audit.events"));
  EXPECT_EQ(Send(sato, "GET", "/v1/audit/events").status, 200);

  ASSERT_TRUE(stack_->identity().directory().RemoveRole(Local(), "sato_hanako", "auditor").ok());
  EXPECT_FALSE(Operations(sato).contains("audit.events"));
  EXPECT_EQ(Send(sato, "GET", "/v1/audit/events").status, 403);
}

}  // namespace
}  // namespace mamori::api::testing
