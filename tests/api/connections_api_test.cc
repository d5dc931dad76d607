// /v1/connections through the real server, identity, approval engine and
// policy (docs/EXCHANGE.md): a connection is registered by an administrator
// only with a granted connection approval for exactly its id; the card
// prints as the ward's form; the kill switch is the responsible person's,
// audited; the inbound exchange route refuses every person's session.
#include <gtest/gtest.h>

#include "api/demo_org_fixture.h"
#include "exchange/node_identity.h"

namespace mamori::api::testing {
namespace {

using nlohmann::json;

class ConnectionsApiTest : public DemoOrgTest {
 protected:
  // A connection approval for `id`: applied for by tanaka_kacho, granted by
  // the CISO line when `grant`; its id.
  std::string Approval(const std::string& id, bool grant = true) {
    auto submitted = Send(tokens_["tanaka_kacho"], "POST", "/v1/approvals",
                          json{{"type", "connection"},
                               {"subject", id},
                               {"action", "connect"},
                               {"reason", "bookentry_exchange"}}
                              .dump());
    EXPECT_EQ(submitted.status, 201) << submitted.body;
    const std::string approval = submitted.Json().value("id", "");
    if (grant) {
      auto approved =
          Send(tokens_["yamamoto_ciso"], "POST", "/v1/approvals/" + approval + "/approve", "{}");
      EXPECT_EQ(approved.status, 200) << approved.body;
    }
    return approval;
  }

  json Definition(const std::string& id, const std::string& approval) {
    auto peer = exchange::EnsureNodeIdentity(dir_ / "peer", "fi");
    EXPECT_TRUE(peer.has_value());
    return {{"id", id},
            {"counterpart", "fi"},
            {"local_role", "account_manager"},
            {"counterpart_role", "transfer_institution"},
            {"url", "https://127.0.0.1:1"},
            {"certificate", peer->certificate_pem},
            {"pin_kind", "public_key"},
            {"direction", "send"},
            {"sends", json::array({{{"kind", "notification"},
                                    {"dataset", "customer_my_number"},
                                    {"items", {"account_code", "holder_name", "my_number"}}}})},
            {"receives", json::array()},
            {"legal_basis", "mynumber_act_19"},
            {"approval", approval},
            {"valid_from", "2026-01-01T00:00:00Z"},
            {"valid_until", "2099-01-01T00:00:00Z"},
            {"responsible", "tanaka_kacho"},
            {"location", "JP"},
            {"purpose", "振替制度における個人番号の通知"},
            {"counterpart_name", "株式会社テスト振替"},
            {"counterpart_address", "東京都中央区日本橋兜町 7-1"},
            {"security_measures", {"専用回線を使用する"}}};
  }
};

TEST_F(ConnectionsApiTest, RegisteredOnlyWithItsGrantedApproval) {
  const std::string admin = tokens_["soumu_kanri"];
  // Pending, for another id, unknown: refused, nothing registered.
  auto pending = Send(admin, "POST", "/v1/connections",
                      Definition("am1-fi", Approval("am1-fi", false)).dump());
  EXPECT_EQ(pending.status, 403) << pending.body;
  EXPECT_EQ(pending.Json().value("subject", ""), "connection.not_approved");
  auto other =
      Send(admin, "POST", "/v1/connections", Definition("am1-fi", Approval("am1-fi-2")).dump());
  EXPECT_EQ(other.status, 403) << other.body;
  EXPECT_EQ(other.Json().value("subject", ""), "connection.approval_mismatch");
  EXPECT_EQ(Send(admin, "GET", "/v1/connections").Json()["connections"].size(), 0u);
  // Not an administrator: refused by the rights table.
  const std::string granted = Approval("am1-fi");
  EXPECT_EQ(Send(tokens_["yamamoto_ciso"], "POST", "/v1/connections",
                 Definition("am1-fi", granted).dump())
                .status,
            403);
  auto added = Send(admin, "POST", "/v1/connections", Definition("am1-fi", granted).dump());
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(added.Json()["state"], "active");
  EXPECT_EQ(Send(admin, "POST", "/v1/connections", Definition("am1-fi", granted).dump()).status,
            409);
  auto events = mamori::testing::EventsOf(engine_->data_store(), "connection.add");
  // Pending, mismatch, the CISO refused by the rights table, added, again.
  ASSERT_EQ(events.size(), 5u);
  for (size_t i : {0, 1, 2, 4}) EXPECT_EQ(events[i].result, audit::kResultRefused) << i;
  EXPECT_EQ(events[2].actor, "yamamoto_ciso");
  EXPECT_EQ(events[3].result, audit::kResultOk);
  EXPECT_EQ(events[3].actor, "soumu_kanri");
}

TEST_F(ConnectionsApiTest, TheCardPrintsAsTheWardsForm) {
  ASSERT_EQ(Send(tokens_["soumu_kanri"], "POST", "/v1/connections",
                 Definition("am1-fi", Approval("am1-fi")).dump())
                .status,
            201);
  auto text = Send(tokens_["nakamura_kansa"], "GET", "/v1/connections/am1-fi/card?format=text");
  ASSERT_EQ(text.status, 200);
  for (const char* expected :
       {"第5号様式", "電算結合の目的", "株式会社テスト振替", "my_number", "専用回線を使用する"}) {
    EXPECT_NE(text.body.find(expected), std::string::npos) << expected;
  }
  auto card = Send(tokens_["nakamura_kansa"], "GET", "/v1/connections/am1-fi/card");
  ASSERT_EQ(card.status, 200);
  EXPECT_EQ(card.Json()["counterpart"]["node"], "fi");
  EXPECT_EQ(Send(tokens_["nakamura_kansa"], "GET", "/v1/connections/am1-fi/card?format=pdf").status,
            400);
  EXPECT_EQ(Send(tokens_["sato_hanako"], "GET", "/v1/connections/am1-fi/card").status, 403);
}

// The kill switch [001 第2 4(2)]: open to managers at the route, used only
// by the connection's responsible person; both the refusal and the
// suspension are audited.
TEST_F(ConnectionsApiTest, OnlyTheResponsiblePersonSuspendsAndResumes) {
  ASSERT_EQ(Send(tokens_["soumu_kanri"], "POST", "/v1/connections",
                 Definition("am1-fi", Approval("am1-fi")).dump())
                .status,
            201);
  const json reason = {{"reason", "suspected_leak"}};
  auto other = Send(tokens_["kato_kacho"], "POST", "/v1/connections/am1-fi/suspend", reason.dump());
  EXPECT_EQ(other.status, 403) << other.body;
  EXPECT_EQ(other.Json().value("subject", ""), "connection.not_responsible");
  EXPECT_EQ(Send(tokens_["tanaka_kacho"], "GET", "/v1/connections/am1-fi").Json()["state"],
            "active");
  auto off = Send(tokens_["tanaka_kacho"], "POST", "/v1/connections/am1-fi/suspend", reason.dump());
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(off.Json()["state"], "suspended");
  EXPECT_EQ(off.Json()["counterpart_notified"], false);  // this server is no exchange node
  auto events = mamori::testing::EventsOf(engine_->data_store(), "connection.suspend");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].result, audit::kResultRefused);
  EXPECT_EQ(events[1].result, audit::kResultOk);
  EXPECT_EQ(events[1].actor, "tanaka_kacho");
  // A reason is required; the body is strict.
  EXPECT_EQ(Send(tokens_["tanaka_kacho"], "POST", "/v1/connections/am1-fi/resume", "{}").status,
            400);
  auto on = Send(tokens_["tanaka_kacho"], "POST", "/v1/connections/am1-fi/resume",
                 json{{"reason", "investigated"}}.dump());
  ASSERT_EQ(on.status, 200) << on.body;
  EXPECT_EQ(on.Json()["state"], "active");
}

// The inbound exchange is for peer nodes on their listener: every person's
// session is refused it here, before the body is looked at.
TEST_F(ConnectionsApiTest, TheExchangeRouteRefusesEverySession) {
  for (const auto& [user, token] : tokens_) {
    auto r = Send(token, "POST", "/v1/exchange/notification", R"({"sealed":"AA=="})");
    EXPECT_EQ(r.status, 403) << user;
    EXPECT_EQ(r.Json().value("subject", ""), "peer") << user;
  }
}

}  // namespace
}  // namespace mamori::api::testing
