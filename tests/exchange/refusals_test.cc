// Every refusal of the exchange (exchange/node.h, exchange/connections.h,
// api/exchange_server.h), each through the real nodes, TLS and policy code:
// refused, audited on the side that refused, and nothing stored or
// recorded on either side. Each test also shows the same exchange
// succeeding once the cause is removed, so that a refusal for another
// reason would not pass for the one tested.
#include "core/encoding.h"
#include "crypto/cms_seal.h"
#include "exchange/exchange_fixture.h"
#include "exchange/message.h"
#include "exchange/receipt.h"

namespace mamori::exchange::testing {
namespace {

using nlohmann::json;

constexpr std::string_view kShareholders = "shareholder_my_number";

class RefusalTest : public ExchangeTest {
 protected:
  // am1 → fi notifications with the given item lists on each side.
  void StartPair(std::vector<std::string> am1_sends, std::vector<std::string> fi_receives,
                 const std::function<void(json&)>& edit_am1 = {},
                 const std::function<void(json&)>& edit_fi = {}) {
    Start("fi", Role::kTransferInstitution);
    Start("am1", Role::kAccountManager);
    Connect(N("am1"), N("fi"), "am1-fi", {{"notification", "customer_my_number", am1_sends}}, {},
            "", edit_am1);
    Connect(N("fi"), N("am1"), "fi-am1", {}, {{"notification", std::string(kBook), fi_receives}},
            "", edit_fi);
  }

  Result<Outcome> Notify(const std::string& from, const std::string& connection,
                         const std::vector<std::string>& accounts,
                         const std::vector<std::string>& items, const std::string& key) {
    return N(from).node->Send(OperatorContext(), connection, kNotification, accounts, items, key);
  }

  // A notification am1 → fi on the connection's legal basis, declaring JP.
  internal::Payload FromAm1(const std::string& idempotency_key) {
    internal::Payload p;
    p.kind = std::string(kNotification);
    p.from = "am1";
    p.to = "fi";
    p.location = "JP";
    p.idempotency_key = idempotency_key;
    auto connection = N("am1").node->connections().Get("am1-fi");
    EXPECT_TRUE(connection.has_value());
    if (connection) p.legal_basis = connection->legal_basis;
    p.sent_at = NowMicros();
    p.items = {"account_manager_code", "account_code", "holder_name", "my_number"};
    return p;
  }

  // `p` as the pinned am1 would send it: signed with its real key and
  // sealed to fi — what a changed or faulty sender could put on the wire.
  std::string SealedFromAm1(const internal::Payload& p) {
    auto key_pem = N("am1").node->PrivateKeyPem();
    EXPECT_TRUE(key_pem.has_value());
    auto key = crypto::EcdsaP256PrivateKey::FromPem(*key_pem);
    EXPECT_TRUE(key.has_value());
    auto fi_cert = crypto::RecipientCertificate::Parse(N("fi").node->identity().certificate_pem);
    EXPECT_TRUE(fi_cert.has_value());
    const std::string text = internal::EncodePayload(p);
    const ReceiptFacts facts{"sender",
                             p.kind,
                             p.from,
                             p.to,
                             p.idempotency_key,
                             internal::DigestHex(text),
                             p.records.size(),
                             internal::JoinItems(p.items),
                             p.legal_basis,
                             p.sent_at};
    auto receipt = SignReceipt(facts, *key);
    EXPECT_TRUE(receipt.has_value());
    auto der =
        crypto::SealToRecipient(json{{"message", text}, {"receipt", *receipt}}.dump(), *fi_cert);
    EXPECT_TRUE(der.has_value());
    return json{{"sealed", Base64Encode(*der)}}.dump();
  }

  static void ExpectSubject(const Result<Outcome>& r, std::string_view subject) {
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().subject(), subject) << r.error().ToString();
  }
};

// [000 第5号様式] items; [001 第4 3]: a field the connection does not name
// is refused by the sender before anything leaves.
TEST_F(RefusalTest, SenderRefusesAFieldOutsideItsItemList) {
  StartPair(kNotified, FullItems());
  PutCustomer(1, "i001");
  auto items = kNotified;
  items.push_back("birth_date");
  ExpectSubject(Notify("am1", "am1-fi", {"A0001"}, items, "n1"), kItemNotApproved);
  auto refused = Refusals(N("am1"), "exchange.send", std::string(kItemNotApproved));
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].attrs["field"], "birth_date");
  EXPECT_EQ(refused[0].attrs["connection"], "am1-fi");
  // Nothing left am1: fi saw no message, and neither side recorded one.
  EXPECT_TRUE(Events(N("fi"), "exchange.receive").empty());
  EXPECT_EQ(Holding(N("fi"), std::string(kBook), "A0001"), 0u);
  EXPECT_EQ(ProvisionCount(N("am1")), 0u);
  EXPECT_EQ(ProvisionCount(N("fi")), 0u);
  // The approved items go through.
  ASSERT_TRUE(Notify("am1", "am1-fi", {"A0001"}, kNotified, "n1").has_value());
  EXPECT_EQ(Holding(N("fi"), std::string(kBook), "A0001"), 1u);
}

// The receiver checks again against its own record of the connection: a
// sender whose side allows more (a changed or forged sender) is refused,
// not trimmed to the approved items.
TEST_F(RefusalTest, ReceiverRefusesAFieldOutsideItsItemList) {
  StartPair(FullItems(), kNotified);
  PutCustomer(1, "i001");
  ExpectSubject(Notify("am1", "am1-fi", {"A0001"}, FullItems(), "n1"), kItemNotApproved);
  auto at_fi = Refusals(N("fi"), "exchange.receive", std::string(kItemNotApproved));
  ASSERT_EQ(at_fi.size(), 1u);
  EXPECT_EQ(at_fi[0].attrs["connection"], "fi-am1");
  const std::string field = at_fi[0].attrs["field"];
  EXPECT_FALSE(field.empty());
  EXPECT_EQ(std::find(kNotified.begin(), kNotified.end(), field), kNotified.end()) << field;
  // The sender audits the counterpart's refusal too.
  EXPECT_EQ(Refusals(N("am1"), "exchange.send", std::string(kItemNotApproved)).size(), 1u);
  EXPECT_EQ(Holding(N("fi"), std::string(kBook), "A0001"), 0u);
  EXPECT_EQ(ProvisionCount(N("am1")), 0u);
  EXPECT_EQ(ProvisionCount(N("fi")), 0u);
  // Refused for good, the message is not kept: the key serves the
  // corrected message, which fi accepts.
  ASSERT_TRUE(Notify("am1", "am1-fi", {"A0001"}, kNotified, "n1").has_value());
  EXPECT_EQ(Holding(N("fi"), std::string(kBook), "A0001"), 1u);
}

// [001 第3 2]: the transfer institution provides only holders of the
// issuer's issues; one holder outside them refuses the whole request, and
// an unknown account is answered the same way (the answer does not tell
// who is a holder).
TEST_F(RefusalTest, IssuerAskingForAHolderItIsNotEntitledToIsRefusedWhole) {
  StartThree();
  PutCustomer(1, "i001");
  PutCustomer(2, "i002,i003");
  ASSERT_TRUE(Notify("am1", "am1-fi", {"A0001", "A0002"}, kNotified, "n1").has_value());
  for (const auto& accounts :
       std::vector<std::vector<std::string>>{{"A0001", "A0002"}, {"A0002"}, {"A0099"}}) {
    auto r = N("iss").node->Send(OperatorContext(), "iss-fi", kRequest, accounts, {}, "");
    ExpectSubject(r, kNotEntitled);
  }
  EXPECT_EQ(Refusals(N("fi"), "exchange.receive", std::string(kNotEntitled)).size(), 3u);
  EXPECT_EQ(Refusals(N("iss"), "exchange.send", std::string(kNotEntitled)).size(), 3u);
  for (const char* account : {"A0001", "A0002", "A0099"}) {
    EXPECT_EQ(Holding(N("iss"), std::string(kShareholders), account), 0u) << account;
  }
  EXPECT_EQ(ProvisionCount(N("iss")), 0u);
  auto fi = N("fi").node->provisions().List();
  ASSERT_TRUE(fi.has_value());
  for (const auto& r : *fi) EXPECT_NE(r.kind, "provision");
  // A holder of i001 is provided.
  auto ok = N("iss").node->Send(OperatorContext(), "iss-fi", kRequest, {"A0001"}, {}, "ask-1");
  ASSERT_TRUE(ok.has_value()) << ok.error().ToString();
  EXPECT_EQ(Holding(N("iss"), std::string(kShareholders), "A0001"), 1u);
}

// [001 第4 3]: a node whose certificate no connection pins is refused at
// the handshake, audited by the listener, and never reaches the node.
TEST_F(RefusalTest, PeerWithAnUnpinnedCertificateIsRefusedAtTheHandshake) {
  StartPair(kNotified, kNotified);
  Start("rogue", Role::kAccountManager);
  // The rogue pins fi correctly; fi pins nothing of the rogue's.
  Connect(N("rogue"), N("fi"), "rogue-fi", {{"notification", "customer_my_number", kNotified}}, {});
  PutCustomer(7, "i001", "rogue");
  auto r = Notify("rogue", "rogue-fi", {"A0007"}, kNotified, "x1");
  ASSERT_FALSE(r.has_value());
  EXPECT_FALSE(AwaitRefusals(N("fi"), "exchange.connect", std::string(kUnpinnedPeer)).empty());
  EXPECT_TRUE(Events(N("fi"), "exchange.receive").empty());
  EXPECT_EQ(Holding(N("fi"), std::string(kBook), "A0007"), 0u);
  EXPECT_EQ(ProvisionCount(N("fi")), 0u);
  EXPECT_EQ(ProvisionCount(N("rogue")), 0u);
  // The pinned account manager is admitted by the same listener.
  PutCustomer(1, "i001");
  ASSERT_TRUE(Notify("am1", "am1-fi", {"A0001"}, kNotified, "n1").has_value());
}

// The other way: a server presenting a certificate other than the pinned
// one (an impostor at the counterpart's address) is refused by the client
// before a byte of the message is sent.
TEST_F(RefusalTest, ServerWithAnUnpinnedCertificateIsRefusedByTheClient) {
  Start("fi", Role::kTransferInstitution);
  Start("am1", Role::kAccountManager);
  Start("iss", Role::kIssuer);
  // am1 pins iss's certificate at fi's address.
  Connect(N("am1"), N("fi"), "am1-fi", {{"notification", "customer_my_number", kNotified}}, {}, "",
          [&](json& d) { d["certificate"] = N("iss").node->identity().certificate_pem; });
  Connect(N("fi"), N("am1"), "fi-am1", {}, {{"notification", std::string(kBook), kNotified}});
  PutCustomer(1, "i001");
  ExpectSubject(Notify("am1", "am1-fi", {"A0001"}, kNotified, "n1"), kUnpinnedPeer);
  EXPECT_EQ(Refusals(N("am1"), "exchange.send", std::string(kUnpinnedPeer)).size(), 1u);
  EXPECT_TRUE(Events(N("fi"), "exchange.receive").empty());
  EXPECT_EQ(Holding(N("fi"), std::string(kBook), "A0001"), 0u);
  EXPECT_EQ(ProvisionCount(N("am1")), 0u);
}

TEST_F(RefusalTest, ExpiredConnectionOnTheSendingSideSendsNothing) {
  StartPair(kNotified, kNotified, [](json& d) {
    d["valid_from"] = "2020-01-01T00:00:00Z";
    d["valid_until"] = "2021-01-01T00:00:00Z";
  });
  PutCustomer(1, "i001");
  ExpectSubject(Notify("am1", "am1-fi", {"A0001"}, kNotified, "n1"),
                "exchange.connection_not_valid");
  EXPECT_EQ(Refusals(N("am1"), "exchange.send", "exchange.connection_not_valid").size(), 1u);
  EXPECT_TRUE(Events(N("fi"), "exchange.receive").empty());
  EXPECT_EQ(Holding(N("fi"), std::string(kBook), "A0001"), 0u);
}

TEST_F(RefusalTest, ExpiredConnectionOnTheReceivingSideRefusesTheHandshake) {
  StartPair(kNotified, kNotified, {}, [](json& d) {
    d["valid_from"] = "2020-01-01T00:00:00Z";
    d["valid_until"] = "2021-01-01T00:00:00Z";
  });
  PutCustomer(1, "i001");
  ASSERT_FALSE(Notify("am1", "am1-fi", {"A0001"}, kNotified, "n1").has_value());
  EXPECT_FALSE(AwaitRefusals(N("fi"), "exchange.connect", "exchange.connection_not_valid").empty());
  EXPECT_TRUE(Events(N("fi"), "exchange.receive").empty());
  EXPECT_EQ(Holding(N("fi"), std::string(kBook), "A0001"), 0u);
  EXPECT_EQ(ProvisionCount(N("am1")), 0u);
}

// The kill switch [001 第2 4(2)]: the responsible person suspends; the
// counterpart is told and stops sending; the listener refuses the
// counterpart even without the notice; resumption reverses both.
TEST_F(RefusalTest, SuspendedConnectionRefusesAndTheCounterpartIsNotified) {
  StartPair(kNotified, kNotified);
  PutCustomer(1, "i001");
  PutCustomer(2, "i001");
  ASSERT_TRUE(Notify("am1", "am1-fi", {"A0001"}, kNotified, "n1").has_value());

  // Someone who is not the connection's responsible person cannot.
  engine::Context sato = OperatorContext();
  sato.actor = "sato";
  auto denied = N("fi").node->Suspend(sato, "fi-am1", "suspected_leak");
  ASSERT_FALSE(denied.has_value());
  EXPECT_EQ(denied.error().subject(), kNotResponsible);
  EXPECT_EQ(Refusals(N("fi"), "connection.suspend", std::string(kNotResponsible)).size(), 1u);
  EXPECT_EQ(N("fi").node->connections().Get("fi-am1")->state, ConnectionState::kActive);

  engine::Context suzuki = OperatorContext();
  suzuki.actor = "suzuki";
  auto off = N("fi").node->Suspend(suzuki, "fi-am1", "suspected_leak");
  ASSERT_TRUE(off.has_value()) << off.error().ToString();
  EXPECT_EQ(off->connection.state, ConnectionState::kSuspended);
  EXPECT_TRUE(off->notified);
  EXPECT_EQ(Events(N("fi"), "connection.suspend").back().result, audit::kResultOk);
  EXPECT_EQ(Events(N("fi"), "exchange.notice_sent").size(), 1u);
  EXPECT_EQ(Events(N("am1"), "exchange.notice").size(), 1u);
  EXPECT_TRUE(N("am1").node->connections().Get("am1-fi")->counterpart_suspended);
  ExpectSubject(Notify("am1", "am1-fi", {"A0002"}, kNotified, "n2"), kCounterpartSuspended);
  EXPECT_EQ(Holding(N("fi"), std::string(kBook), "A0002"), 0u);

  // Resumed: told again, and the exchange goes on.
  auto on = N("fi").node->Resume(suzuki, "fi-am1", "investigated");
  ASSERT_TRUE(on.has_value()) << on.error().ToString();
  EXPECT_TRUE(on->notified);
  EXPECT_EQ(Events(N("fi"), "connection.resume").size(), 1u);
  EXPECT_FALSE(N("am1").node->connections().Get("am1-fi")->counterpart_suspended);
  ASSERT_TRUE(Notify("am1", "am1-fi", {"A0002"}, kNotified, "n2").has_value());
  EXPECT_EQ(Holding(N("fi"), std::string(kBook), "A0002"), 1u);

  // Suspended in the register alone (the notice lost): the listener still
  // refuses the counterpart at its next handshake.
  ASSERT_TRUE(N("fi").node->connections().Suspend(suzuki, "fi-am1", "suspected_leak"));
  PutCustomer(3, "i001");
  ASSERT_FALSE(Notify("am1", "am1-fi", {"A0003"}, kNotified, "n3").has_value());
  EXPECT_FALSE(AwaitRefusals(N("fi"), "exchange.connect", "exchange.connection_suspended").empty());
  EXPECT_EQ(Holding(N("fi"), std::string(kBook), "A0003"), 0u);

  // A node's own suspension stops its own sending.
  ASSERT_TRUE(N("am1").node->Suspend(suzuki, "am1-fi", "suspected_leak").has_value());
  ExpectSubject(Notify("am1", "am1-fi", {"A0003"}, kNotified, "n4"),
                "exchange.connection_suspended");
  for (auto* n : {&N("am1"), &N("fi")}) EXPECT_TRUE(LogVerifies(*n)) << n->name;
}

// A connection needs its approval, granted, for exactly its id.
TEST_F(RefusalTest, ConnectionWithoutAGrantedApprovalIsNotRegistered) {
  Start("fi", Role::kTransferInstitution);
  Start("am1", Role::kAccountManager);
  json def = Definition(N("am1"), N("fi"), "am1-fi",
                        {{"notification", "customer_my_number", kNotified}}, {});
  def["approval"] = Approve(N("am1"), "another-id");
  auto added = N("am1").node->connections().Add(OperatorContext(), def);
  ASSERT_FALSE(added.has_value());
  def["approval"] = "no-such-approval";
  ASSERT_FALSE(N("am1").node->connections().Add(OperatorContext(), def).has_value());
  EXPECT_FALSE(N("am1").node->connections().Get("am1-fi").has_value());
  auto events = Events(N("am1"), "connection.add");
  ASSERT_EQ(events.size(), 2u);
  for (const auto& e : events) EXPECT_EQ(e.result, audit::kResultRefused);
  def["approval"] = Approve(N("am1"), "am1-fi");
  EXPECT_TRUE(N("am1").node->connections().Add(OperatorContext(), def).has_value());
}

// [001 第3 1(1)ア, 第4 8(1)イ]: data and keys stay in Japan. A node
// declaring another country is not started, a connection to one is not
// registered, and a message declaring one is refused by the receiver.
TEST_F(RefusalTest, NodeDeclaringACountryOtherThanJapanIsRefused) {
  StartPair(kNotified, kNotified);
  {
    NodeConfig abroad;
    abroad.name = "abroad";
    abroad.role = Role::kAccountManager;
    abroad.location = "US";
    abroad.dir = N("am1").dir + "/abroad";
    auto node = Node::Open(*N("am1").engine, abroad);
    ASSERT_FALSE(node.has_value());
    EXPECT_EQ(node.error().subject(), kLocationRefused);
  }
  {
    json def = Definition(N("am1"), N("fi"), "am1-fi-us",
                          {{"notification", "customer_my_number", kNotified}}, {});
    def["location"] = "US";
    def["approval"] = Approve(N("am1"), "am1-fi-us");
    auto added = N("am1").node->connections().Add(OperatorContext(), def);
    ASSERT_FALSE(added.has_value());
    EXPECT_EQ(added.error().subject(), kLocationRefused);
    EXPECT_EQ(Refusals(N("am1"), "connection.add", std::string(kLocationRefused)).size(), 1u);
  }
  // A message from the pinned am1, sealed and signed with its real key,
  // that declares another country.
  auto connection = N("am1").node->connections().Get("am1-fi");
  ASSERT_TRUE(connection.has_value());
  auto message_from = [&](const std::string& location, const std::string& idem) {
    internal::Payload p = FromAm1(idem);
    p.location = location;
    p.records = json::array({{{"account_manager_code", "0012345"},
                              {"account_code", "A0005"},
                              {"holder_name", "国外 花子"},
                              {"my_number", SyntheticNumber(5)}}});
    return SealedFromAm1(p);
  };
  auto abroad =
      N("am1").client->Post(*connection, "/v1/exchange/notification", message_from("US", "loc-us"));
  ASSERT_TRUE(abroad.has_value()) << abroad.error().ToString();
  EXPECT_EQ(abroad->status, 403);
  EXPECT_EQ(json::parse(abroad->body).value("subject", ""), kLocationRefused);
  EXPECT_EQ(Refusals(N("fi"), "exchange.receive", std::string(kLocationRefused)).size(), 1u);
  EXPECT_EQ(Holding(N("fi"), std::string(kBook), "A0005"), 0u);
  EXPECT_EQ(ProvisionCount(N("fi")), 0u);
  // The same message declaring JP is accepted: the location was the cause.
  auto home =
      N("am1").client->Post(*connection, "/v1/exchange/notification", message_from("JP", "loc-jp"));
  ASSERT_TRUE(home.has_value());
  EXPECT_EQ(home->status, 200) << home->body;
  EXPECT_EQ(Holding(N("fi"), std::string(kBook), "A0005"), 1u);
}

// A message is stored whole or not at all: one record the receiver's
// dataset refuses (a My Number whose check digit is wrong) refuses the
// message, and neither its other records nor its provision record are
// stored; the corrected message is stored whole.
TEST_F(RefusalTest, OneBadRecordRefusesTheWholeMessageAndStoresNothing) {
  StartPair(kNotified, kNotified);
  auto connection = N("am1").node->connections().Get("am1-fi");
  ASSERT_TRUE(connection.has_value());
  std::string bad_number = SyntheticNumber(7);
  bad_number.back() = bad_number.back() == '0' ? '1' : '0';
  auto message = [&](const std::string& third_number) {
    internal::Payload p = FromAm1("whole-1");
    p.records = json::array();
    for (int i = 5; i <= 7; ++i) {
      p.records.push_back({{"account_manager_code", "0012345"},
                           {"account_code", "A000" + std::to_string(i)},
                           {"holder_name", "一括 花子"},
                           {"my_number", i == 7 ? third_number : SyntheticNumber(i)}});
    }
    return SealedFromAm1(p);
  };
  auto refused =
      N("am1").client->Post(*connection, "/v1/exchange/notification", message(bad_number));
  ASSERT_TRUE(refused.has_value()) << refused.error().ToString();
  EXPECT_EQ(refused->status, 400) << refused->body;
  EXPECT_EQ(refused->body.find(bad_number), std::string::npos);
  for (const char* account : {"A0005", "A0006", "A0007"}) {
    EXPECT_EQ(Holding(N("fi"), std::string(kBook), account), 0u) << account;
  }
  EXPECT_EQ(ProvisionCount(N("fi")), 0u);
  auto at_fi = Refusals(N("fi"), "exchange.receive", "my_number");
  ASSERT_EQ(at_fi.size(), 1u);
  EXPECT_EQ(at_fi[0].attrs["connection"], "fi-am1");
  EXPECT_EQ(at_fi[0].attrs["index"], "2");
  EXPECT_TRUE(Events(N("fi"), "record.put").empty());
  EXPECT_TRUE(LogVerifies(N("fi")));
  // Corrected (the refused key was not recorded, so it serves again).
  auto stored =
      N("am1").client->Post(*connection, "/v1/exchange/notification", message(SyntheticNumber(7)));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->status, 200) << stored->body;
  for (const char* account : {"A0005", "A0006", "A0007"}) {
    EXPECT_EQ(Holding(N("fi"), std::string(kBook), account), 1u) << account;
  }
  EXPECT_EQ(ProvisionCount(N("fi")), 1u);
  EXPECT_EQ(Events(N("fi"), "record.put").size(), 3u);
  EXPECT_TRUE(LogVerifies(N("fi")));
}

// The receiver stores a message in one transaction of at most
// engine::kMaxBatchRecords records; the sender refuses a longer one before
// anything is read or sent.
TEST_F(RefusalTest, AMessageOfMoreAccountsThanOneBatchIsRefusedByTheSender) {
  StartPair(kNotified, kNotified);
  PutCustomer(1, "i001");
  std::vector<std::string> accounts(engine::kMaxBatchRecords + 1, "A0001");
  ExpectSubject(Notify("am1", "am1-fi", accounts, kNotified, "too-many"), "accounts");
  EXPECT_EQ(Refusals(N("am1"), "exchange.send", "accounts").size(), 1u);
  EXPECT_TRUE(Events(N("am1"), "record.get_batch").empty());
  EXPECT_EQ(ProvisionCount(N("am1")), 0u);
  EXPECT_EQ(ProvisionCount(N("fi")), 0u);
  ASSERT_TRUE(Notify("am1", "am1-fi", {"A0001"}, kNotified, "too-many").has_value());
  EXPECT_EQ(Holding(N("fi"), std::string(kBook), "A0001"), 1u);
}

}  // namespace
}  // namespace mamori::exchange::testing
