// Crashes and restarts in the middle of an exchange (exchange/node.h): the
// message is kept, sealed, under its idempotency key until the exchange is
// recorded; a node restarted after the counterpart recorded it but before
// it heard the answer sends the same message again, and the counterpart
// answers as it did the first time. Nothing is lost, nothing is stored or
// provided twice. And after all of it no node's files or logs hold a My
// Number in plain text.
#include "audit/event.h"
#include "exchange/exchange_fixture.h"

namespace mamori::exchange::testing {
namespace {

// The real transport, except that the answer to the next `lose` calls is
// lost after the counterpart handled them: what a crash of this node, or a
// broken connection, between the counterpart's commit and the answer's
// arrival looks like to the sender.
class LosingTransport final : public Transport {
 public:
  LosingTransport(Transport& real, int lose) : real_(real), lose_(lose) {}
  Result<Reply> Post(const Connection& to, std::string_view path,
                     const std::string& body) override {
    auto reply = real_.Post(to, path, body);
    if (lose_ > 0) {
      --lose_;
      return Fail(
          Status::Unavailable("the answer was lost", "応答が失われました", "exchange.unreachable"));
    }
    return reply;
  }

 private:
  Transport& real_;
  int lose_;
};

class RestartTest : public ExchangeTest {
 protected:
  void Restart(const std::string& name) {
    TestNode& n = N(name);
    const Role role = n.role;
    Stop(n);
    Start(name, role);
  }

  std::vector<ProvisionRecord> Records(const std::string& node, const std::string& direction,
                                       const std::string& kind) {
    auto list = N(node).node->provisions().List();
    EXPECT_TRUE(list.has_value());
    std::vector<ProvisionRecord> out;
    if (!list) return out;
    for (auto& r : *list) {
      if (r.direction == direction && r.kind == kind) out.push_back(std::move(r));
    }
    return out;
  }
};

TEST_F(RestartTest, SenderRestartedBeforeTheAnswerNeitherLosesNorRepeatsANotification) {
  StartThree();
  PutCustomer(1, "i001");
  PutCustomer(2, "i001");
  LosingTransport losing(*N("am1").client, 1);
  N("am1").node->SetTransport(&losing);
  auto lost = N("am1").node->Send(OperatorContext(), "am1-fi", kNotification, {"A0001", "A0002"},
                                  kNotified, "batch-1");
  ASSERT_FALSE(lost.has_value());
  // fi recorded it; am1 did not hear so.
  ASSERT_EQ(Records("fi", "received", "notification").size(), 1u);
  EXPECT_TRUE(Records("am1", "sent", "notification").empty());

  Restart("am1");
  Restart("fi");
  auto again = N("am1").node->Send(OperatorContext(), "am1-fi", kNotification, {"A0001", "A0002"},
                                   kNotified, "batch-1");
  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  EXPECT_FALSE(again->repeated);  // first recorded at am1 now
  EXPECT_EQ(again->sent.count, 2u);
  auto at_fi = Records("fi", "received", "notification");
  ASSERT_EQ(at_fi.size(), 1u);                                   // not recorded twice
  EXPECT_EQ(at_fi[0].digest, again->sent.digest);                // the same bytes were resent
  EXPECT_EQ(at_fi[0].receipt, again->sent.counterpart_receipt);  // the first answer
  EXPECT_EQ(Events(N("fi"), "exchange.receive").size(), 1u);
  for (const char* account : {"A0001", "A0002"}) {
    EXPECT_EQ(Holding(N("fi"), std::string(kBook), account), 1u) << account;
  }

  // Once recorded, the key is done: nothing is sent.
  auto third = N("am1").node->Send(OperatorContext(), "am1-fi", kNotification, {"A0001", "A0002"},
                                   kNotified, "batch-1");
  ASSERT_TRUE(third.has_value());
  EXPECT_TRUE(third->repeated);
  EXPECT_EQ(third->sent.id, again->sent.id);
  EXPECT_EQ(Records("am1", "sent", "notification").size(), 1u);
  EXPECT_EQ(Events(N("fi"), "exchange.receive").size(), 1u);
  for (auto* n : {&N("am1"), &N("fi")}) EXPECT_TRUE(LogVerifies(*n)) << n->name;
}

TEST_F(RestartTest, BothSidesRestartedBeforeAProvisionArrivedProvideItOnce) {
  StartThree();
  PutCustomer(1, "i001");
  PutCustomer(2, "i001");
  ASSERT_TRUE(N("am1").node->Send(OperatorContext(), "am1-fi", kNotification, {"A0001", "A0002"},
                                  kNotified, "n1"));
  LosingTransport losing(*N("iss").client, 1);
  N("iss").node->SetTransport(&losing);
  ASSERT_FALSE(
      N("iss").node->Send(OperatorContext(), "iss-fi", kRequest, {"A0001", "A0002"}, {}, "ask-1"));
  ASSERT_EQ(Records("fi", "sent", "provision").size(), 1u);
  EXPECT_EQ(Holding(N("iss"), "shareholder_my_number", "A0001"), 0u);

  Restart("fi");
  Restart("iss");
  auto again =
      N("iss").node->Send(OperatorContext(), "iss-fi", kRequest, {"A0001", "A0002"}, {}, "ask-1");
  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  ASSERT_TRUE(again->received.has_value());
  EXPECT_EQ(again->received->count, 2u);
  auto provided = Records("fi", "sent", "provision");
  ASSERT_EQ(provided.size(), 1u);  // provided once, the first answer given again
  EXPECT_EQ(Records("fi", "received", "request").size(), 1u);
  EXPECT_EQ(provided[0].digest, again->received->digest);
  EXPECT_EQ(provided[0].counterpart_receipt, again->received->receipt);  // iss's receipt arrived
  EXPECT_EQ(Records("iss", "received", "provision").size(), 1u);
  for (const char* account : {"A0001", "A0002"}) {
    EXPECT_EQ(Holding(N("iss"), "shareholder_my_number", account), 1u) << account;
  }
  for (auto* n : {&N("am1"), &N("fi"), &N("iss")}) EXPECT_TRUE(LogVerifies(*n)) << n->name;
}

// A key names one message: reused for other accounts or items, it is
// refused on the sending side, audited, and nothing is sent.
TEST_F(RestartTest, IdempotencyKeyReusedForAnotherMessageIsRefused) {
  StartThree();
  PutCustomer(1, "i001");
  PutCustomer(2, "i001");
  ASSERT_TRUE(
      N("am1").node->Send(OperatorContext(), "am1-fi", kNotification, {"A0001"}, kNotified, "k1"));
  auto more = N("am1").node->Send(OperatorContext(), "am1-fi", kNotification, {"A0001", "A0002"},
                                  kNotified, "k1");
  ASSERT_FALSE(more.has_value());
  EXPECT_EQ(more.error().subject(), kIdempotencyConflict);
  auto fewer_items = N("am1").node->Send(OperatorContext(), "am1-fi", kNotification, {"A0002"},
                                         {"account_code", "my_number"}, "k1");
  ASSERT_FALSE(fewer_items.has_value());
  EXPECT_EQ(fewer_items.error().subject(), kIdempotencyConflict);
  EXPECT_EQ(Refusals(N("am1"), "exchange.send", std::string(kIdempotencyConflict)).size(), 2u);
  EXPECT_EQ(Events(N("fi"), "exchange.receive").size(), 1u);
  EXPECT_EQ(Holding(N("fi"), std::string(kBook), "A0002"), 0u);
  // The same message again is a repeat, answered from the record.
  auto again =
      N("am1").node->Send(OperatorContext(), "am1-fi", kNotification, {"A0001"}, kNotified, "k1");
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->repeated);
}

// The message is kept before it leaves: a counterpart that is down when it
// is sent gets it after the sender's restart, once.
TEST_F(RestartTest, MessageSentWhileTheCounterpartWasDownArrivesAfterTheSendersRestart) {
  StartThree();
  PutCustomer(3, "i001");
  Stop(N("fi"));
  ASSERT_FALSE(N("am1").node->Send(OperatorContext(), "am1-fi", kNotification, {"A0003"}, kNotified,
                                   "late-1"));
  Restart("am1");
  Start("fi", Role::kTransferInstitution);
  auto sent = N("am1").node->Send(OperatorContext(), "am1-fi", kNotification, {"A0003"}, kNotified,
                                  "late-1");
  ASSERT_TRUE(sent.has_value()) << sent.error().ToString();
  EXPECT_EQ(Records("fi", "received", "notification").size(), 1u);
  EXPECT_EQ(Holding(N("fi"), std::string(kBook), "A0003"), 1u);
}

// Every provision record's id goes into audit events: each must be an
// identifier the log accepts (a regression: ids of a letter followed by
// random hex were now and then read as a person's number, and the
// exchange's audit event, with its effect, refused).
TEST_F(RestartTest, ProvisionRecordIdsAreAuditIdentifiers) {
  Start("fi", Role::kTransferInstitution);
  std::vector<std::string> ids;
  ASSERT_TRUE(N("fi")
                  .engine->data_store()
                  .Update([&](store::WriteTxn& txn) -> Status {
                    for (int i = 0; i < 400; ++i) {
                      ProvisionRecord r;
                      r.connection = "fi-am1";
                      r.counterpart = "am1";
                      r.direction = "received";
                      r.kind = "notification";
                      r.idempotency_key = "k" + std::to_string(i);
                      MAMORI_RETURN_IF_ERROR(Provisions::WriteIn(txn, r));
                      ids.push_back(r.id);
                    }
                    return Status::Ok();
                  })
                  .ok());
  for (const auto& id : ids) {
    audit::Event e;
    e.operation = "exchange.receive";
    e.result = std::string(audit::kResultOk);
    e.attrs["provision"] = id;
    EXPECT_TRUE(audit::CheckIdentifiersOnly(e).ok()) << id;
  }
}

// [001 第4 3]: what is exchanged is encrypted at rest and in transit; after
// notification, request, provision and transfer no node's data directory,
// keys included, nor any listener's log, holds a My Number in plain text.
TEST_F(RestartTest, NoPlaintextMyNumberInAnyNodesFilesOrLogsAfterTheExchange) {
  StartThree();
  Start("am2", Role::kAccountManager);
  Connect(N("am1"), N("am2"), "am1-am2", {{"transfer", "customer_my_number", FullItems()}}, {});
  Connect(N("am2"), N("am1"), "am2-am1", {}, {{"transfer", "customer_my_number", FullItems()}});
  std::vector<std::string> accounts;
  for (int i = 1; i <= 6; ++i) {
    PutCustomer(i, "i001");
    accounts.push_back("A000" + std::to_string(i));
  }
  ASSERT_TRUE(
      N("am1").node->Send(OperatorContext(), "am1-fi", kNotification, accounts, kNotified, "n1"));
  ASSERT_TRUE(N("iss").node->Send(OperatorContext(), "iss-fi", kRequest, accounts, {}, "r1"));
  ASSERT_TRUE(
      N("am1").node->Send(OperatorContext(), "am1-am2", kTransfer, {"A0006"}, FullItems(), "t1"));
  // Every node holds the numbers (readable through its engine)…
  auto got = N("iss").engine->Find(OperatorContext(), "shareholder_my_number", "account_code",
                                   "A0003", "", 1);
  ASSERT_TRUE(got.has_value() && got->ids.size() == 1);
  auto rec = N("iss").engine->Get(OperatorContext(), "shareholder_my_number", got->ids[0]);
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(rec->values["my_number"], SyntheticNumber(3));
  // … and none in plain text once closed (the write-ahead logs included).
  std::map<std::string, std::string> logs;
  for (auto& [name, n] : nodes_) {
    std::lock_guard lock(n->log_mu);
    logs[name] = n->log;
  }
  for (auto& [name, n] : nodes_) Stop(*n);
  ASSERT_EQ(numbers_.size(), 6u);
  for (auto& [name, n] : nodes_) {
    const std::string bytes = AllBytes(n->dir);
    EXPECT_GT(bytes.size(), 0u);
    for (const auto& number : numbers_) {
      EXPECT_EQ(bytes.find(number), std::string::npos) << name;
      EXPECT_EQ(logs[name].find(number), std::string::npos) << name;
    }
  }
  // The scan finds a number where there is one.
  {
    std::ofstream control(std::string(dir_.path()) + "/control.txt");
    control << "x" << numbers_[0] << "x";
  }
  EXPECT_NE(AllBytes(dir_.path()).find(numbers_[0]), std::string::npos);
}

}  // namespace
}  // namespace mamori::exchange::testing
