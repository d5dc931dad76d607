// The exchange end to end: nodes with real engines, real TLS on loopback,
// sealed messages and signed receipts (exchange/node.h). Successes and
// refusals, every refusal audited and changing nothing.
#include "exchange/card.h"
#include "exchange/exchange_fixture.h"
#include "exchange/receipt.h"

namespace mamori::exchange::testing {
namespace {

using nlohmann::json;

size_t Count(const std::vector<ProvisionRecord>& list, const std::string& direction,
             const std::string& kind) {
  size_t n = 0;
  for (const auto& r : list) n += r.direction == direction && r.kind == kind;
  return n;
}

TEST_F(ExchangeTest, NotificationRequestProvisionEndToEnd) {
  StartThree();
  PutCustomer(1, "i001,i002");
  PutCustomer(2, "i001");
  PutCustomer(3, "i002");
  // am1 → fi: the notification of three customers.
  auto sent = N("am1").node->Send(OperatorContext(), "am1-fi", kNotification,
                                  {"A0001", "A0002", "A0003"}, kNotified, "notify-1");
  ASSERT_TRUE(sent.has_value()) << sent.error().ToString();
  EXPECT_EQ(sent->sent.count, 3u);
  EXPECT_FALSE(sent->repeated);
  // fi keeps them, encrypted, findable by account.
  auto ids = N("fi").engine->Find(OperatorContext(), "bookentry_my_number", "account_code", "A0002",
                                  "", 10);
  ASSERT_TRUE(ids.has_value());
  ASSERT_EQ(ids->ids.size(), 1u);
  auto rec = N("fi").engine->Get(OperatorContext(), "bookentry_my_number", ids->ids[0]);
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(rec->values["my_number"], SyntheticNumber(2));
  EXPECT_FALSE(rec->values.contains("holder_kana"));  // not sent: not asked for

  // iss → fi: the request for two holders of i001; the provision in answer.
  auto asked =
      N("iss").node->Send(OperatorContext(), "iss-fi", kRequest, {"A0001", "A0002"}, {}, "ask-1");
  ASSERT_TRUE(asked.has_value()) << asked.error().ToString();
  ASSERT_TRUE(asked->received.has_value());
  EXPECT_EQ(asked->received->count, 2u);
  auto got = N("iss").engine->Find(OperatorContext(), "shareholder_my_number", "account_code",
                                   "A0001", "", 10);
  ASSERT_TRUE(got.has_value());
  ASSERT_EQ(got->ids.size(), 1u);
  auto holder = N("iss").engine->Get(OperatorContext(), "shareholder_my_number", got->ids[0]);
  ASSERT_TRUE(holder.has_value());
  EXPECT_EQ(holder->values["my_number"], SyntheticNumber(1));
  EXPECT_FALSE(holder->values.contains("holdings"));  // outside the provision's items

  // Both sides recorded each exchange.
  auto am1 = N("am1").node->provisions().List();
  auto fi = N("fi").node->provisions().List();
  auto iss = N("iss").node->provisions().List();
  ASSERT_TRUE(am1 && fi && iss);
  EXPECT_EQ(Count(*am1, "sent", "notification"), 1u);
  EXPECT_EQ(Count(*fi, "received", "notification"), 1u);
  EXPECT_EQ(Count(*iss, "sent", "request"), 1u);
  EXPECT_EQ(Count(*fi, "received", "request"), 1u);
  EXPECT_EQ(Count(*fi, "sent", "provision"), 1u);
  EXPECT_EQ(Count(*iss, "received", "provision"), 1u);
  // Audited on every side, identifiers only.
  EXPECT_EQ(Events(N("am1"), "exchange.send").size(), 1u);
  EXPECT_EQ(Events(N("fi"), "exchange.receive").size(), 2u);
  EXPECT_EQ(Events(N("fi"), "exchange.receipt").size(), 1u);
  for (auto* n : {&N("am1"), &N("fi"), &N("iss")}) {
    EXPECT_TRUE(LogVerifies(*n)) << n->name;
  }
}

TEST_F(ExchangeTest, ProvisionRecordsOnBothSidesAgreeAndCarryTheOthersSignedReceipt) {
  StartThree();
  PutCustomer(1, "i001");
  ASSERT_TRUE(
      N("am1").node->Send(OperatorContext(), "am1-fi", kNotification, {"A0001"}, kNotified, "n1"));
  ASSERT_TRUE(N("iss").node->Send(OperatorContext(), "iss-fi", kRequest, {"A0001"}, {}, "r1"));
  auto am1_cert = ParsePeerCertificate(N("am1").node->identity().certificate_pem);
  auto fi_cert = ParsePeerCertificate(N("fi").node->identity().certificate_pem);
  auto iss_cert = ParsePeerCertificate(N("iss").node->identity().certificate_pem);
  ASSERT_TRUE(am1_cert && fi_cert && iss_cert);
  struct Pair {
    TestNode* a;
    const PeerCertificate* a_cert;
    std::string a_dir, kind;
    TestNode* b;
    const PeerCertificate* b_cert;
  };
  for (const Pair& p : {Pair{&N("am1"), &*am1_cert, "sent", "notification", &N("fi"), &*fi_cert},
                        Pair{&N("iss"), &*iss_cert, "sent", "request", &N("fi"), &*fi_cert},
                        Pair{&N("fi"), &*fi_cert, "sent", "provision", &N("iss"), &*iss_cert}}) {
    SCOPED_TRACE(p.kind);
    auto mine = p.a->node->provisions().List();
    auto theirs = p.b->node->provisions().List();
    ASSERT_TRUE(mine && theirs);
    const ProvisionRecord* s = nullptr;
    const ProvisionRecord* r = nullptr;
    for (const auto& x : *mine) {
      if (x.direction == "sent" && x.kind == p.kind) s = &x;
    }
    for (const auto& x : *theirs) {
      if (x.direction == "received" && x.kind == p.kind) r = &x;
    }
    ASSERT_TRUE(s && r);
    EXPECT_EQ(s->count, r->count);
    EXPECT_EQ(s->items, r->items);
    EXPECT_EQ(s->digest, r->digest);
    EXPECT_EQ(s->legal_basis, r->legal_basis);
    EXPECT_EQ(s->idempotency_key, r->idempotency_key);
    // Each side's own receipt verifies with its key, the other's with the
    // other's, and they describe one exchange.
    auto s_own = VerifyReceipt(s->receipt, *p.a_cert);
    auto s_theirs = VerifyReceipt(s->counterpart_receipt, *p.b_cert);
    auto r_own = VerifyReceipt(r->receipt, *p.b_cert);
    auto r_theirs = VerifyReceipt(r->counterpart_receipt, *p.a_cert);
    ASSERT_TRUE(s_own && s_theirs && r_own && r_theirs);
    EXPECT_EQ(*s_own, *r_theirs);
    EXPECT_EQ(*s_theirs, *r_own);
    EXPECT_TRUE(SameExchange(*s_own, *r_own));
    EXPECT_EQ(s_own->role, "sender");
    EXPECT_EQ(r_own->role, "receiver");
    // A receipt does not verify with the wrong key.
    EXPECT_FALSE(VerifyReceipt(s->receipt, *p.b_cert).has_value());
  }
}

TEST_F(ExchangeTest, TransferBetweenAccountManagers) {
  StartThree();
  Start("am2", Role::kAccountManager);
  Connect(N("am1"), N("am2"), "am1-am2", {{"transfer", "customer_my_number", FullItems()}}, {});
  Connect(N("am2"), N("am1"), "am2-am1", {}, {{"transfer", "customer_my_number", FullItems()}});
  PutCustomer(4, "i001");
  auto moved = N("am1").node->Send(OperatorContext(), "am1-am2", kTransfer, {"A0004"}, FullItems(),
                                   "move-4");
  ASSERT_TRUE(moved.has_value()) << moved.error().ToString();
  auto found = N("am2").engine->Find(OperatorContext(), "customer_my_number", "account_code",
                                     "A0004", "", 10);
  ASSERT_TRUE(found.has_value());
  ASSERT_EQ(found->ids.size(), 1u);
  auto v = N("am2").engine->Get(OperatorContext(), "customer_my_number", found->ids[0]);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->values["my_number"], SyntheticNumber(4));
  EXPECT_EQ(v->values["holder_kana"], "フリカエ タロウ");
}

TEST_F(ExchangeTest, ConnectionCardShowsPurposeCounterpartItemsAndMeasures) {
  StartThree();
  auto c = N("fi").node->connections().Get("fi-iss");
  ASSERT_TRUE(c.has_value());
  json card = Card(*c);
  EXPECT_EQ(card["purpose"], "振替制度における個人番号の通知・提供");
  EXPECT_EQ(card["counterpart"]["node"], "iss");
  EXPECT_EQ(card["counterpart"]["role_ja"], "発行者");
  EXPECT_EQ(card["items_sent"][0]["items"], json({"account_code", "holder_name", "my_number"}));
  EXPECT_EQ(card["items_received"][0]["kind"], "request");
  EXPECT_GE(card["security_measures"].size(), 8u);
  const std::string text = CardText(*c);
  for (const char* expected : {"第5号様式", "電算結合の目的", "個人情報の記録項目", "安全管理措置",
                               "専用回線", "my_number", c->pin.c_str()}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected;
  }
}

}  // namespace
}  // namespace mamori::exchange::testing
