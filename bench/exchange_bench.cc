// The exchange of notifications between two nodes (docs/EXCHANGE.md): an
// account manager "am1" notifies the transfer institution "fi" of N
// customers over the real path — each node a real engine on its own store,
// fi's exchange listener on 127.0.0.1 with pinned mutual TLS, each batch
// read at am1 in one audited transaction (Engine::GetBatch), sealed (CMS
// AES-256-GCM) and signed, opened, checked against the item list, stored
// at fi in one audited transaction with its provision record
// (Engine::PutBatch), and recorded at am1 with both signed receipts — next
// to the baseline measured in
// the same run: the node's own in-process put rate, the audited
// Engine::Put of the same customer records into am1 at the same
// concurrency (which is how am1 is loaded before the exchange).
// Target (docs/REQUIREMENTS.md §9, docs/PERFORMANCE.md): at least 50 % of the put rate, batched
// where the standard allows (one message carries a batch of customers).
//
// Latency is per batch, from Send to its return: the receiver has stored
// and recorded every record, and the sender has recorded the exchange.
#include <sys/resource.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "api/exchange_client.h"
#include "api/exchange_server.h"
#include "approval/approvals.h"
#include "approval/flows.h"
#include "bench/bench_common.h"
#include "exchange/datasets.h"
#include "exchange/node.h"

namespace mamori::bench {
namespace {

using nlohmann::json;

engine::Context Ctx() {
  engine::Context ctx = BenchContext();
  ctx.purpose = std::string(exchange::kExchangePurpose);
  return ctx;
}

// The approving people of both organisations; the approval engine is the
// real one.
class People : public approval::People {
 public:
  Result<std::vector<approval::Person>> All() const override {
    return std::vector<approval::Person>{
        {"suzuki", "証券管理部", "kimura", {"section_manager"}, true, "", ""},
        {"kimura", "役員", "", {"chief_officer"}, true, "", ""}};
  }
};

struct BenchNode {
  std::string name;
  std::unique_ptr<engine::Engine> engine;
  std::unique_ptr<exchange::Node> node;
  std::unique_ptr<api::ExchangeClient> client;
  std::unique_ptr<api::ExchangeServer> server;
};

void OpenNode(BenchNode& n, const std::string& dir, exchange::Role role, size_t pool) {
  engine::Paths paths;
  paths.data_dir = dir;
  Must(engine::Engine::Init(paths, nullptr, Ctx()), "engine init");
  engine::EngineOptions options;
  options.paths = paths;
  options.record_key_pool = pool;
  n.engine = Must(engine::Engine::Open(std::move(options), Ctx()), "engine open");
  exchange::NodeConfig config;
  config.name = n.name;
  config.role = role;
  config.dir = dir + "/exchange";
  n.node = Must(exchange::Node::Open(*n.engine, config), "node open");
  Must(n.node->EnsureDataset(Ctx()), "dataset");
  n.client = std::make_unique<api::ExchangeClient>(*n.node, std::chrono::seconds(120));
  n.node->SetTransport(n.client.get());
  api::ExchangeServerOptions so;
  so.log_level = api::LogLevel::kWarn;
  so.log_sink = [](std::string_view) {};
  n.server = Must(api::ExchangeServer::Start(*n.engine, *n.node, so), "listener");
}

void Connect(BenchNode& from, BenchNode& to, const std::string& id, bool sends,
             const std::vector<std::string>& items, People& people) {
  approval::Approvals approvals(from.engine->data_store(), &people);
  for (auto& f : approval::StandardFlows()) Must(approvals.Register(f), "flow");
  approval::Caller applicant, approver;
  applicant.principal.id = "suzuki";
  applicant.principal.department = "証券管理部";
  applicant.principal.roles = {"section_manager"};
  approver.principal.id = "kimura";
  approver.principal.department = "役員";
  approver.principal.roles = {"chief_officer"};
  approval::Draft d;
  d.subject = id;
  d.action = std::string(approval::kConnectAction);
  d.reason = "bookentry_exchange";
  auto req = Must(approvals.Submit(applicant, approval::kConnection, d), "submit");
  Must(approvals.Decide(approver, req.id, true), "approve");
  json flow = {{"kind", "notification"},
               {"dataset", sends ? "customer_my_number" : "bookentry_my_number"},
               {"items", items}};
  json def = {{"id", id},
              {"counterpart", to.name},
              {"local_role", sends ? "account_manager" : "transfer_institution"},
              {"counterpart_role", sends ? "transfer_institution" : "account_manager"},
              {"url", to.server->url()},
              {"certificate", to.node->identity().certificate_pem},
              {"pin_kind", "certificate"},
              {"direction", sends ? "send" : "receive"},
              {"sends", sends ? json::array({flow}) : json::array()},
              {"receives", sends ? json::array() : json::array({flow})},
              {"legal_basis", "mynumber_act_19"},
              {"approval", req.id},
              {"valid_from", "2026-01-01T00:00:00Z"},
              {"valid_until", "2099-01-01T00:00:00Z"},
              {"responsible", "suzuki"},
              {"location", "JP"},
              {"purpose", "bench"},
              {"counterpart_name", to.name},
              {"counterpart_address", "-"},
              {"security_measures", json::array()}};
  Must(from.node->connections().Add(Ctx(), def), "connection add");
}

json Customer(uint64_t i) {
  json r = EmployeeRecord(i);
  return {{"account_manager_code", "0012345"}, {"account_code", "A" + std::to_string(1000000 + i)},
          {"holder_name", r["name"]},          {"holder_kana", "フリカエ タロウ"},
          {"birth_date", r["birth_date"]},     {"address", "東京都練馬区豊玉北 6-12-1"},
          {"my_number", r["my_number"]},       {"holdings", "i001"}};
}

// CPU seconds this process has used (user + system, every thread): both
// nodes and the TLS between them are in it, so it is the whole exchange's.
double CpuSeconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

// Runs fn(i) for i in [0, n) on `threads` threads; the seconds it took.
template <class Fn>
double Parallel(uint64_t n, int threads, Fn fn) {
  std::atomic<uint64_t> next{0};
  std::vector<std::thread> pool;
  const auto start = Clock::now();
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (uint64_t i; (i = next.fetch_add(1)) < n;) fn(i);
    });
  }
  for (auto& th : pool) th.join();
  return SecondsSince(start);
}

int Main(int argc, char** argv) {
  Flags flags(argc, argv,
              "bench_exchange: N notifications am1 → fi over the real exchange, next to the "
              "in-process put rate at the same concurrency");
  const uint64_t n = flags.List("notifications", "100000", "customers notified")[0];
  const uint64_t batch = flags.List("batch", "500", "customers per message")[0];
  const int threads = static_cast<int>(flags.Num("threads", 8, "concurrent senders and putters"));
  const std::string base = flags.Str("dir", "", "scratch directory base");
  const bool keep = flags.Num("keep", 0, "keep the stores") != 0;
  flags.Finish();
  ScratchDir dir(base, keep);
  std::printf("# bench_exchange, %s\n# stores under %s\n", HostLine().c_str(), dir.path().c_str());

  People people;
  BenchNode am1, fi;
  am1.name = "am1";
  fi.name = "fi";
  OpenNode(fi, dir / "fi", exchange::Role::kTransferInstitution, threads);
  OpenNode(am1, dir / "am1", exchange::Role::kAccountManager, threads);
  const std::vector<std::string> items = {"account_manager_code", "account_code", "holder_name",
                                          "my_number", "holdings"};
  Connect(am1, fi, "am1-fi", true, items, people);
  Connect(fi, am1, "fi-am1", false, items, people);

  // The baseline: the node's own audited put of the same records.
  std::fprintf(stderr, "putting %llu customers into am1 ...\n", static_cast<unsigned long long>(n));
  const double put_cpu_start = CpuSeconds();
  const double put_s = Parallel(n, threads, [&](uint64_t i) {
    Must(am1.engine->Put(Ctx(), "customer_my_number", Customer(i)), "put");
  });
  const double put_rate = static_cast<double>(n) / put_s;
  const double put_cpu = CpuSeconds() - put_cpu_start;

  // The exchange, in batches sent by `threads` senders at once.
  const uint64_t batches = (n + batch - 1) / batch;
  std::vector<double> latency_ms(batches);
  std::fprintf(stderr, "notifying fi of %llu customers in %llu messages ...\n",
               static_cast<unsigned long long>(n), static_cast<unsigned long long>(batches));
  const double ex_cpu_start = CpuSeconds();
  const double ex_s = Parallel(batches, threads, [&](uint64_t b) {
    std::vector<std::string> accounts;
    for (uint64_t i = b * batch; i < std::min(n, (b + 1) * batch); ++i) {
      accounts.push_back("A" + std::to_string(1000000 + i));
    }
    const auto start = Clock::now();
    Must(am1.node->Send(Ctx(), "am1-fi", exchange::kNotification, accounts, items,
                        "bench-" + std::to_string(b)),
         "send");
    latency_ms[b] = SecondsSince(start) * 1000;
  });
  const double ex_rate = static_cast<double>(n) / ex_s;
  const double ex_cpu = CpuSeconds() - ex_cpu_start;
  const unsigned cpus = std::max(1u, std::thread::hardware_concurrency());

  // Everything arrived, once.
  auto recorded = Must(fi.node->provisions().List("fi-am1"), "provisions");
  uint64_t received = 0;
  for (const auto& r : recorded) received += r.count;
  if (recorded.size() != batches || received != n) Die("fi did not record every notification");
  auto last = Must(fi.engine->Find(Ctx(), "bookentry_my_number", "account_code",
                                   "A" + std::to_string(1000000 + n - 1), "", 2),
                   "find");
  if (last.ids.size() != 1) Die("the last customer is not stored at fi");

  std::vector<double> lat = latency_ms;
  std::printf("\n| figure | value |\n|---|---|\n");
  std::printf("| notifications | %llu in %llu messages of %llu, %d senders |\n",
              static_cast<unsigned long long>(n), static_cast<unsigned long long>(batches),
              static_cast<unsigned long long>(batch), threads);
  std::printf("| in-process audited put at am1, %d threads | %.0f records/s (%.1f s) |\n", threads,
              put_rate, put_s);
  std::printf("| exchange am1 → fi, end to end | %.0f notifications/s (%.1f s) |\n", ex_rate, ex_s);
  std::printf("| exchange / put | %.0f %% (target ≥ 50 %%) |\n", 100 * ex_rate / put_rate);
  // The CPU bound: the rate if every online CPU did nothing but this.
  std::printf("| CPU per record: put / exchange (both nodes) | %.3f / %.3f ms |\n",
              1000 * put_cpu / static_cast<double>(n), 1000 * ex_cpu / static_cast<double>(n));
  std::printf(
      "| exchange CPU bound (%u CPUs) and share of it reached | %.0f notifications/s, "
      "%.0f %% |\n",
      cpus, cpus * static_cast<double>(n) / ex_cpu, 100 * ex_rate * ex_cpu / (cpus * n));
  std::printf("| message latency p50 / p99 / max | %.0f / %.0f / %.0f ms |\n", Percentile(lat, 50),
              Percentile(lat, 99), Percentile(lat, 100));
  std::printf("| per customer at p50 | %.2f ms |\n",
              Percentile(lat, 50) / static_cast<double>(batch));
  std::printf("# %s\n", HostLine().c_str());
  fi.server->Shutdown();
  am1.server->Shutdown();
  return 0;
}

}  // namespace
}  // namespace mamori::bench

int main(int argc, char** argv) {
  try {
    return mamori::bench::Main(argc, argv);
  } catch (...) {
    std::fputs("bench_exchange: internal error\n", stderr);
    return 1;
  }
}
