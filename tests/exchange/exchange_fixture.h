// Nodes of the exchange in one process, each a real engine on real files,
// a real exchange listener on 127.0.0.1 with real TLS, and a real client:
// the transfer institution "fi", the account managers "am1" and "am2", the
// issuer "iss" (connection.h). Connections are registered through the real
// approval engine: a connection request approved by the CISO line.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "api/exchange_client.h"
#include "api/exchange_server.h"
#include "approval/approvals.h"
#include "approval/flows.h"
#include "audit/log.h"
#include "audit/verify.h"
#include "engine/engine.h"
#include "exchange/datasets.h"
#include "exchange/node.h"
#include "jp/my_number.h"
#include "testing/audit_events.h"
#include "testing/temp_dir.h"

namespace mamori::exchange::testing {

inline engine::Context OperatorContext() {
  engine::Context ctx;
  ctx.actor = "os:tester";
  ctx.terminal = "local:test";
  ctx.request_id = "req-test";
  ctx.purpose = std::string(kExchangePurpose);
  return ctx;
}

// The approving people of every node's organisation (approval/people.h is
// the directory's interface; the approval engine itself is the real one).
class OrgPeople : public approval::People {
 public:
  Result<std::vector<approval::Person>> All() const override {
    return std::vector<approval::Person>{
        {"suzuki", "証券管理部", "kimura", {"section_manager"}, true, "", ""},
        {"kimura", "役員", "", {"chief_officer"}, true, "", ""}};
  }
};

// The items an account manager notifies in most tests (a subset of the
// customer record's, so that an item outside it can be tried).
inline const std::vector<std::string> kNotified = {"account_manager_code", "account_code",
                                                   "holder_name", "my_number", "holdings"};

// The transfer institution's dataset (datasets.h).
inline constexpr std::string_view kBook = "bookentry_my_number";

// Synthetic My Numbers (check digit computed).
inline std::string SyntheticNumber(uint64_t i) {
  return jp::SyntheticMyNumber(98765432100ULL + i * 104729);
}

struct TestNode {
  std::string name;
  Role role;
  std::string dir;
  std::unique_ptr<engine::Engine> engine;
  std::unique_ptr<Node> node;
  std::unique_ptr<api::ExchangeServer> server;
  std::unique_ptr<api::ExchangeClient> client;
  std::string url;
  uint16_t port = 0;
  std::mutex log_mu;
  std::string log;  // every line the listener logged
};

class ExchangeTest : public ::testing::Test {
 protected:
  void TearDown() override {
    for (auto& [name, n] : nodes_) Stop(*n);
  }

  TestNode& Start(const std::string& name, Role role, uint16_t port = 0) {
    auto& slot = nodes_[name];
    if (!slot) {
      slot = std::make_unique<TestNode>();
      slot->name = name;
      slot->role = role;
      slot->dir = dir_ / name;
      engine::Paths paths;
      paths.data_dir = slot->dir;
      EXPECT_TRUE(engine::Engine::Init(paths, nullptr, OperatorContext()).ok());
    }
    TestNode& n = *slot;
    engine::EngineOptions options;
    options.paths.data_dir = n.dir;
    auto opened = engine::Engine::Open(std::move(options), OperatorContext());
    EXPECT_TRUE(opened.has_value()) << opened.error().ToString();
    n.engine = std::move(*opened);
    NodeConfig config;
    config.name = name;
    config.role = role;
    config.dir = n.dir + "/exchange";
    auto node = Node::Open(*n.engine, config);
    EXPECT_TRUE(node.has_value()) << node.error().ToString();
    n.node = std::move(*node);
    EXPECT_TRUE(n.node->EnsureDataset(OperatorContext()).ok());
    n.client = std::make_unique<api::ExchangeClient>(*n.node, std::chrono::seconds(10));
    n.node->SetTransport(n.client.get());
    api::ExchangeServerOptions so;
    so.port = port ? port : n.port;
    so.log_sink = [&n](std::string_view line) {
      std::lock_guard lock(n.log_mu);
      n.log.append(line);
      n.log.push_back('\n');
    };
    auto server = api::ExchangeServer::Start(*n.engine, *n.node, so);
    EXPECT_TRUE(server.has_value()) << server.error().ToString();
    n.server = std::move(*server);
    n.port = n.server->port();
    n.url = n.server->url();
    return n;
  }

  void Stop(TestNode& n) {
    if (n.server) n.server->Shutdown();
    n.server.reset();
    n.client.reset();
    n.node.reset();
    if (n.engine) (void)n.engine->Close();
    n.engine.reset();
  }

  TestNode& N(const std::string& name) { return *nodes_.at(name); }

  // An approved connection request for `id` in `n`'s organisation.
  std::string Approve(TestNode& n, const std::string& id) {
    approval::Approvals approvals(n.engine->data_store(), &people_);
    for (auto& f : approval::StandardFlows()) EXPECT_TRUE(approvals.Register(f).ok());
    approval::Caller applicant;
    applicant.principal.id = "suzuki";
    applicant.principal.department = "証券管理部";
    applicant.principal.roles = {"section_manager"};
    approval::Draft d;
    d.subject = id;
    d.action = std::string(approval::kConnectAction);
    d.reason = "bookentry_exchange";
    auto req = approvals.Submit(applicant, approval::kConnection, d);
    EXPECT_TRUE(req.has_value()) << req.error().ToString();
    approval::Caller approver;
    approver.principal.id = "kimura";
    approver.principal.department = "役員";
    approver.principal.roles = {"chief_officer"};
    auto decided = approvals.Decide(approver, req->id, true);
    EXPECT_TRUE(decided.has_value()) << decided.error().ToString();
    return req->id;
  }

  // The definition of a connection from `from`'s side to `to`.
  nlohmann::json Definition(TestNode& from, TestNode& to, const std::string& id,
                            std::vector<ItemFlow> sends, std::vector<ItemFlow> receives,
                            const std::string& issuer_code = "") {
    nlohmann::json flows_s = nlohmann::json::array(), flows_r = nlohmann::json::array();
    for (auto& f : sends)
      flows_s.push_back({{"kind", f.kind}, {"dataset", f.dataset}, {"items", f.items}});
    for (auto& f : receives)
      flows_r.push_back({{"kind", f.kind}, {"dataset", f.dataset}, {"items", f.items}});
    std::string direction = sends.empty() ? "receive" : receives.empty() ? "send" : "both";
    nlohmann::json j = {{"id", id},
                        {"counterpart", to.name},
                        {"local_role", RoleName(from.role)},
                        {"counterpart_role", RoleName(to.role)},
                        {"url", to.url},
                        {"certificate", to.node->identity().certificate_pem},
                        {"pin_kind", "certificate"},
                        {"direction", direction},
                        {"sends", flows_s},
                        {"receives", flows_r},
                        {"legal_basis", "mynumber_act_19"},
                        {"valid_from", "2026-01-01T00:00:00Z"},
                        {"valid_until", "2099-01-01T00:00:00Z"},
                        {"responsible", "suzuki"},
                        {"location", "JP"},
                        {"purpose", "振替制度における個人番号の通知・提供"},
                        {"counterpart_name", "株式会社テスト " + to.name},
                        {"counterpart_address", "東京都中央区日本橋兜町 7-1"},
                        {"security_measures", {"専用回線 (広域イーサネット) を使用する"}}};
    if (!issuer_code.empty()) j["issuer_code"] = issuer_code;
    return j;
  }

  // `edit` changes the definition before it is registered (a validity
  // period in the past, another pin, …).
  void Connect(TestNode& from, TestNode& to, const std::string& id,
               const std::vector<ItemFlow>& sends, const std::vector<ItemFlow>& receives,
               const std::string& issuer_code = "",
               const std::function<void(nlohmann::json&)>& edit = {}) {
    nlohmann::json def = Definition(from, to, id, sends, receives, issuer_code);
    if (edit) edit(def);
    def["approval"] = Approve(from, id);
    auto added = from.node->connections().Add(OperatorContext(), def);
    ASSERT_TRUE(added.has_value()) << added.error().ToString();
  }

  static std::vector<std::string> FullItems() {
    return {"account_manager_code", "account_code", "holder_name", "holder_kana",
            "birth_date",           "address",      "my_number",   "holdings"};
  }

  // fi, am1 and iss, connected as the standard has it: am1 → fi
  // notifications; iss → fi requests, fi → iss provisions (issue "i001").
  void StartThree() {
    Start("fi", Role::kTransferInstitution);
    Start("am1", Role::kAccountManager);
    Start("iss", Role::kIssuer);
    const std::vector<std::string> provided = {"account_code", "holder_name", "my_number"};
    Connect(N("am1"), N("fi"), "am1-fi", {{"notification", "customer_my_number", FullItems()}}, {});
    Connect(N("fi"), N("am1"), "fi-am1", {},
            {{"notification", "bookentry_my_number", FullItems()}});
    Connect(N("iss"), N("fi"), "iss-fi", {{"request", "shareholder_my_number", {"account_code"}}},
            {{"provision", "shareholder_my_number", provided}});
    Connect(N("fi"), N("iss"), "fi-iss", {{"provision", "bookentry_my_number", provided}},
            {{"request", "bookentry_my_number", {"account_code"}}}, "i001");
  }

  // A customer of `node` (an account manager): account "A000i".
  std::string PutCustomer(int i, const std::string& holdings, const std::string& node = "am1") {
    nlohmann::json v = {{"account_manager_code", "0012345"},
                        {"account_code", "A000" + std::to_string(i)},
                        {"holder_name", "振替 太郎" + std::to_string(i)},
                        {"holder_kana", "フリカエ タロウ"},
                        {"birth_date", "1980-04-0" + std::to_string(1 + i % 9)},
                        {"address", "東京都練馬区豊玉北 6-12-1"},
                        {"my_number", SyntheticNumber(i)},
                        {"holdings", holdings}};
    numbers_.push_back(SyntheticNumber(i));
    auto r = N(node).engine->Put(OperatorContext(), "customer_my_number", v);
    EXPECT_TRUE(r.has_value()) << r.error().ToString();
    return r ? r->id : "";
  }

  std::vector<audit::Event> Events(TestNode& n, const std::string& operation) {
    return mamori::testing::EventsOf(n.engine->data_store(), operation);
  }

  // How many records of `dataset` at `n` hold `account`.
  size_t Holding(TestNode& n, const std::string& dataset, const std::string& account) {
    auto page = n.engine->Find(OperatorContext(), dataset, "account_code", account, "", 10);
    EXPECT_TRUE(page.has_value()) << page.error().ToString();
    return page ? page->ids.size() : 0;
  }

  size_t ProvisionCount(TestNode& n) {
    auto list = n.node->provisions().List();
    EXPECT_TRUE(list.has_value());
    return list ? list->size() : 0;
  }

  // The refusals of `operation` in `n`'s log whose reason is `reason`.
  std::vector<audit::Event> Refusals(TestNode& n, const std::string& operation,
                                     const std::string& reason) {
    std::vector<audit::Event> out;
    for (auto& e : Events(n, operation)) {
      if (e.result == audit::kResultRefused && e.reason == reason) out.push_back(std::move(e));
    }
    return out;
  }

  // The refusals a listener audits after the handshake it refused (on a
  // handler thread, api/session.cc): waited for, at most ten seconds.
  std::vector<audit::Event> AwaitRefusals(TestNode& n, const std::string& operation,
                                          const std::string& reason) {
    std::vector<audit::Event> out;
    for (int i = 0; i < 1000 && out.empty(); ++i) {
      out = Refusals(n, operation, reason);
      if (out.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return out;
  }

  bool LogVerifies(TestNode& n) {
    audit::VerifyReport report;
    EXPECT_TRUE(n.engine->data_store()
                    .View([&](store::ReadTxn& txn) -> Status {
                      report = audit::VerifyLog(txn, nullptr);
                      return Status::Ok();
                    })
                    .ok());
    return report.ok;
  }

  // Every byte of every file under `dir`.
  static std::string AllBytes(const std::string& dir) {
    std::string out;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream s;
      s << in.rdbuf();
      out += s.str();
    }
    return out;
  }

  mamori::testing::TempDir dir_;
  OrgPeople people_;
  std::map<std::string, std::unique_ptr<TestNode>> nodes_;
  std::vector<std::string> numbers_;
};

}  // namespace mamori::exchange::testing
