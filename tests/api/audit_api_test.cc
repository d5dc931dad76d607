// The audit routes with the real access rules (stack_fixture.h):
// POST /v1/audit/verify (a kept signed head against the log) for auditors
// only, and GET /v1/audit/proof, whose event only callers allowed to read
// events receive.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/stack_fixture.h"
#include "audit/head.h"
#include "audit/log.h"
#include "core/encoding.h"

namespace mamori::api::testing {
namespace {

class AuditApiTest : public StackApiTest {
 protected:
  void SetUp() override {
    StackApiTest::SetUp();
    AddUser("kansa", {"auditor"});
    AddUser("hana", {"handler"});
    AddUser("admin1", {"admin"});
    AddUser("ciso1", {"ciso"});
    AddUser("sirt1", {"sirt"});
    StartStackServer();
  }

  audit::SignedTreeHead SignNow() {
    auto head = engine_->SignCurrentHead();
    EXPECT_TRUE(head.has_value()) << head.error().ToString();
    return head ? *head : audit::SignedTreeHead{};
  }

  // A head signed with the server's own key over whatever size and root:
  // what an insider holding the key could produce, and the only way to
  // hold a valid head the log does not extend without another store.
  audit::SignedTreeHead Forge(uint64_t size, crypto::Digest root) {
    audit::SignedTreeHead h{
        size, root, NowMicros(), engine_->audit_signer().PublicKey().Fingerprint(), {}};
    auto sig = engine_->audit_signer().Sign(audit::SignedHeadMessage(h));
    EXPECT_TRUE(sig.has_value());
    h.signature = sig.value_or("");
    return h;
  }

  uint64_t LogSize() {
    uint64_t n = 0;
    EXPECT_TRUE(engine_->data_store()
                    .View([&](store::ReadTxn& txn) -> Status {
                      MAMORI_ASSIGN_OR_RETURN(auto head, audit::CurrentHead(txn));
                      n = head.size;
                      return Status::Ok();
                    })
                    .ok());
    return n;
  }

  nlohmann::json VerifyAs(const std::string& token, const audit::SignedTreeHead& h,
                          int want = 200) {
    auto r = Send(token, "POST", "/v1/audit/verify", audit::SignedHeadJson(h));
    EXPECT_EQ(r.status, want) << r.body;
    return r.Json();
  }
};

TEST_F(AuditApiTest, AnAuditorGetsTheAnswerAndTheCallIsAudited) {
  const audit::SignedTreeHead kept = SignNow();
  const std::string token = Login("kansa");
  const nlohmann::json j = VerifyAs(token, kept);
  EXPECT_EQ(j["ok"], true) << j;
  EXPECT_EQ(j["problem"], "none");
  EXPECT_EQ(j["trusted"]["size"], kept.size);
  EXPECT_GE(j["current"]["size"].get<uint64_t>(), kept.size);
  EXPECT_EQ(j["current"]["size"].get<uint64_t>(), LogSize());
  EXPECT_EQ(j["key"], engine_->audit_signer().PublicKey().Fingerprint());
  auto events = EventsOf("audit.verify");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].actor, "kansa");
  EXPECT_EQ(events[0].result, "ok");
}

TEST_F(AuditApiTest, AHeadTheLogIsBehindOrHasDivergedFromIsNamed) {
  const std::string token = Login("kansa");
  const uint64_t size = LogSize();
  crypto::Digest root{};
  root.fill(0x5a);
  nlohmann::json j = VerifyAs(token, Forge(size + 100, root));
  EXPECT_EQ(j["ok"], false);
  EXPECT_EQ(j["problem"], "behind_trusted_head");
  EXPECT_NE(j["reason"].get<std::string>().find("fewer than the " + std::to_string(size + 100)),
            std::string::npos)
      << j;
  EXPECT_FALSE(j["reason_ja"].get<std::string>().empty());

  j = VerifyAs(token, Forge(2, root));
  EXPECT_EQ(j["ok"], false);
  EXPECT_EQ(j["problem"], "diverged_from_trusted_head");
  EXPECT_NE(j["reason"].get<std::string>().find("for size 2"), std::string::npos) << j;
}

TEST_F(AuditApiTest, AHeadNotSignedByThisServersKeyIsInvalid) {
  const std::string token = Login("kansa");
  audit::SignedTreeHead altered = SignNow();
  altered.root[3] ^= 0x10;
  nlohmann::json j = VerifyAs(token, altered);
  EXPECT_EQ(j["problem"], "trusted_head_invalid");
  EXPECT_NE(j["reason"].get<std::string>().find("does not verify"), std::string::npos) << j;

  auto other = crypto::EcdsaP256PrivateKey::Generate();
  ASSERT_TRUE(other.has_value());
  audit::SignedTreeHead foreign = SignNow();
  foreign.key_fingerprint = other->PublicKey().Fingerprint();
  foreign.signature = *other->Sign(audit::SignedHeadMessage(foreign));
  j = VerifyAs(token, foreign);
  EXPECT_EQ(j["problem"], "trusted_head_invalid");
  EXPECT_NE(j["reason"].get<std::string>().find("not the pinned key"), std::string::npos) << j;
}

TEST_F(AuditApiTest, AHandlerAndAnAdministratorAreRefusedAndTheRefusalsAudited) {
  const audit::SignedTreeHead kept = SignNow();
  for (const char* user : {"hana", "admin1"}) {
    const std::string token = Login(user);
    auto r = Send(token, "POST", "/v1/audit/verify", audit::SignedHeadJson(kept));
    EXPECT_EQ(r.status, 403) << user << ": " << r.body;
    EXPECT_EQ(r.Json()["code"], "permission_denied") << r.body;
    // Refused before the body is read: a malformed one is refused alike.
    EXPECT_EQ(Send(token, "POST", "/v1/audit/verify", "{").status, 403) << user;
  }
  auto events = EventsOf("audit.verify");
  ASSERT_EQ(events.size(), 4u);
  for (const auto& ev : events) {
    EXPECT_EQ(ev.result, "refused");
    EXPECT_EQ(ev.reason, "policy.no_role");
  }
  auto anonymous = NewClient();
  auto r = anonymous->Send("POST", "/v1/audit/verify", audit::SignedHeadJson(kept),
                           {{"Content-Type", "application/json"}});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 401);
}

TEST_F(AuditApiTest, AMalformedHeadIs400NamingTheMember) {
  const std::string token = Login("kansa");
  const nlohmann::json good = audit::SignedHeadToJson(SignNow());
  struct Case {
    std::string body;
    std::string subject;
  };
  nlohmann::json extra = good;
  extra["note"] = "x";
  nlohmann::json missing = good;
  missing.erase("signature");
  nlohmann::json bad_root = good;
  bad_root["root"] = "ABC";
  nlohmann::json bad_size = good;
  bad_size["size"] = -1;
  for (const Case& c : {Case{extra.dump(), "note"}, Case{missing.dump(), "signature"},
                        Case{bad_root.dump(), "root"}, Case{bad_size.dump(), "size"},
                        Case{"[1,2]", "body"}, Case{"\"head\"", "body"}}) {
    auto r = Send(token, "POST", "/v1/audit/verify", c.body);
    EXPECT_EQ(r.status, 400) << c.body << " " << r.body;
    EXPECT_EQ(r.Json().value("subject", ""), c.subject) << c.body << " " << r.body;
  }
  EXPECT_EQ(Send(token, "POST", "/v1/audit/verify", "{\"size\":").status, 400);
  nlohmann::json fraction = good;
  fraction["size"] = 2.5;
  EXPECT_EQ(Send(token, "POST", "/v1/audit/verify", fraction.dump()).status, 400);
  auto wrong_type = Call("POST", "/v1/audit/verify", good.dump(),
                         {{"Authorization", "Bearer " + token}, {"Content-Type", "text/plain"}},
                         /*authenticated=*/false);
  EXPECT_EQ(wrong_type.status, 415);
}

TEST_F(AuditApiTest, AProofCarriesTheEventOnlyForThoseWhoMayReadEvents) {
  const uint64_t seq = 0;  // store.init
  for (const char* user : {"kansa", "ciso1", "sirt1", "hana", "admin1"}) {
    const std::string token = Login(user);
    auto r = Send(token, "GET", "/v1/audit/proof?seq=" + std::to_string(seq));
    ASSERT_EQ(r.status, 200) << user << ": " << r.body;
    const nlohmann::json j = r.Json();
    EXPECT_EQ(j["verified"], true) << user;
    EXPECT_TRUE(j["leaf_hash"].is_string()) << user;
    EXPECT_TRUE(j["proof"].is_array()) << user;
    EXPECT_TRUE(j["root"].is_string()) << user;
    const bool reads_events = std::string_view(user) == "kansa" ||
                              std::string_view(user) == "ciso1" ||
                              std::string_view(user) == "sirt1";
    EXPECT_EQ(j.contains("event"), reads_events) << user << ": " << r.body;
    if (reads_events) {
      EXPECT_EQ(j["event"]["operation"], "store.init");
      // The receipt checks out against the event it carries.
      auto ev = audit::EventFromJson(j["event"]);
      ASSERT_TRUE(ev.has_value());
      EXPECT_EQ(HexEncode(crypto::DigestView(audit::EventLeafHash(*ev))),
                j["leaf_hash"].get<std::string>());
    } else {
      EXPECT_EQ(r.body.find("os:tester"), std::string::npos) << "the actor leaked: " << r.body;
    }
  }
}

}  // namespace
}  // namespace mamori::api::testing
