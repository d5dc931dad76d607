// Audited reads and writes through the HTTPS API under keep-alive load at 1,
// 16 and 64 connections, next to the engine's in-process rate for the same
// operations measured in the same run on the same store. Targets:
// through the API at least 60% of the engine rate at 64 connections, and
// p99 no more than 10 × p50.
//
// The load generator (bench/load_generator.h) is built like wrk, an event
// loop on --client-threads threads (default 1) driving every connection, one
// request in flight per connection; it is in this process rather than wrk
// itself because wrk cannot present a client certificate, and the server
// wants one from a registered controlled-area terminal before it serves a
// confidentiality-3 dataset (and asks for TOTP from any other terminal). It
// shares the machine's cores with the server, as wrk on the same host would;
// the table prints how many cores it used. Everything else is the real
// server: api::Stack (identity, policy, AccessControl), users created through
// identity, data rights only through the three-person grant flow, logon
// through POST /v1/auth/login, TLS with client-certificate verification on
// 127.0.0.1, ServerConfig defaults for threads and timeouts.
//
// What is measured:
//   write  POST /v1/datasets/employee_my_number/records?purpose=withholding
//          with a synthetic record; the engine's counterpart is Engine::Put.
//   read   GET .../records/{id}?purpose=withholding of an id written before;
//          the engine's counterpart is Engine::Get (an audited read is a
//          durable write of its audit event, docs/ARCHITECTURE.md decision 1).
// The engine rate is taken at 1 and 2 threads once and at C threads right
// before each API run at C connections (the disk's sync latency changes from
// one minute to the next on this VM, so the pair is back to back). The
// verdict divides the API rate by the best engine rate measured for that
// operation, the stricter reading; the ratio to the engine at C threads is
// printed too.
//
// With --analysis-rounds N (docs/PERFORMANCE.md §6), the audited write is
// measured again at --analysis-connections, N times with the continuous
// analysis (analysis::Monitor, as `mamori serve` runs it) and N times
// without, alternately, and the table gives each pair, the median ratio,
// and the delay between an event's commit and the commit of the round that
// evaluated it (percentiles over the events written while it ran, from the
// monitor's heartbeat). Target: the analysis costs under 5 % of the write
// rate. --analysis-only 1 skips the comparison with the engine.
//
// Not measured: logon (Argon2 is made cheap with --cheap-argon2, the
// default, so 64 logons take a second; the password hash cost is a logon
// cost, paid once per session). The server's log lines are formatted and
// then discarded by the sink rather than written to a terminal.
#include <atomic>
#include <latch>
#include <mutex>
#include <thread>

#include "analysis/monitor.h"
#include "api/api_server.h"
#include "api/certificate.h"
#include "api/https_client.h"
#include "api/stack.h"
#include "audit/witness.h"
#include "bench/bench_common.h"
#include "bench/load_generator.h"
#include "engine/witnessing.h"
#include "policy/right.h"

namespace mamori::bench {
namespace {

using api::testing::ClientOptions;
using api::testing::HttpsClient;

constexpr char kPassword[] = "Vq7#kP2m!xLr9z";  // meets the default password rules
constexpr char kTerminalId[] = "t-bench-1";

struct Sample {
  uint64_t ops = 0;
  double seconds = 0;
  std::vector<double> latency_us;  // every counted request
  double client_cores = 0;         // load generator's CPU use (API runs only)
  double server_cpu_us = 0;        // server CPU per request: process minus load generator
  double rate() const { return seconds > 0 ? static_cast<double>(ops) / seconds : 0; }
  double p(double pct) {
    std::vector<double> copy = latency_us;
    return Percentile(copy, pct);
  }
};

// Runs op(thread, i) in `threads` threads until `seconds` have passed after
// an uncounted warm-up, timing each operation. op returns false on failure,
// which stops the benchmark (a rate over refused requests is no figure).
template <class Op>
Sample RunFor(int threads, double seconds, double warmup, Op op) {
  std::vector<std::vector<double>> lat(static_cast<size_t>(threads));
  std::atomic<uint64_t> total{0};
  std::latch ready(threads + 1);
  std::atomic<bool> go{false};
  std::vector<std::thread> pool;
  Clock::time_point start;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      auto& mine = lat[static_cast<size_t>(t)];
      mine.reserve(1 << 16);
      ready.count_down();
      while (!go.load()) std::this_thread::yield();
      const auto warm_end = start + std::chrono::duration<double>(warmup);
      uint64_t i = 0;
      while (Clock::now() < warm_end) op(t, i++);
      const auto end = warm_end + std::chrono::duration<double>(seconds);
      uint64_t n = 0;
      for (auto now = Clock::now(); now < end;) {
        op(t, i++);
        const auto after = Clock::now();
        mine.push_back(std::chrono::duration<double, std::micro>(after - now).count());
        now = after;
        ++n;
      }
      total += n;
    });
  }
  ready.arrive_and_wait();
  start = Clock::now();
  go = true;
  for (auto& th : pool) th.join();
  Sample s;
  s.ops = total.load();
  s.seconds = SecondsSince(start) - warmup;
  for (auto& v : lat) s.latency_us.insert(s.latency_us.end(), v.begin(), v.end());
  return s;
}

engine::Context Local() {
  engine::Context c = BenchContext();
  c.purpose.clear();
  c.request_id = "bench-setup";
  return c;
}

policy::Caller CallerOf(api::Stack& stack, const std::string& user) {
  auto u = Must(stack.identity().directory().GetUser(user), "get user " + user);
  return api::CallerFor(u, "bench-setup");
}

void AddUser(api::Stack& stack, const std::string& id, std::vector<std::string> roles,
             const std::string& manager = "") {
  identity::NewUser u;
  u.id = id;
  u.display_name = "Bench " + id;
  u.department = "総務部";
  u.manager = manager;
  u.roles = std::move(roles);
  u.must_change_password = false;
  Must(stack.identity().directory().CreateUser(Local(), u, kPassword), "create user " + id);
}

// Requested by a section manager, approved by a department officer,
// configured by an administrator: three different people, as the policy wants.
void GrantThroughFlow(api::Stack& stack, const policy::Right& right) {
  auto req = Must(stack.rights().RequestGrant(CallerOf(stack, "mgr1"), right, "bench grant"),
                  "request grant");
  Must(stack.rights().Approve(CallerOf(stack, "dept1"), req.id), "approve grant");
  Must(stack.rights().Configure(CallerOf(stack, "admin1"), req.id), "configure grant");
}

policy::Right HandlerRight(policy::Operation op) {
  policy::Right r;
  r.role = "handler";
  r.category = "specific_personal_information";
  r.dataset = std::string(kDataset);
  r.operation = op;
  r.purpose = "withholding";
  // Rights on specific personal information name their holders: the
  // handlers of the department the bench users belong to.
  r.department = "総務部";
  return r;
}

std::string Fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

struct Row {
  std::string op;
  int conns = 0;
  Sample api;
  double engine_at_c = 0;
  double engine_best = 0;
};

}  // namespace
}  // namespace mamori::bench

int main(int argc, char** argv) {
  using namespace mamori;
  using namespace mamori::bench;
  Flags flags(argc, argv,
              "bench_api: audited writes and reads through the HTTPS API at 1, 16 and 64\n"
              "keep-alive connections next to the engine's in-process Put/Get rate");
  const auto conns = flags.List("connections", "1,16,64", "connection counts to measure");
  const double seconds = flags.Num("seconds", 5, "measured seconds per run");
  const double warmup = flags.Num("warmup", 0.5, "uncounted seconds before each run");
  const std::string base = flags.Str("dir", "", "parent of the scratch directory ($TMPDIR)");
  auto yes = [](const std::string& v) { return v == "1" || v == "true"; };
  const bool keep = yes(flags.Str("keep", "0", "1: keep the scratch directory"));
  const bool cheap_argon2 =
      yes(flags.Str("cheap-argon2", "1", "1: Argon2 t=1 m=64KiB for the bench users (logon only)"));
  const int client_threads = static_cast<int>(
      flags.Num("client-threads", 1, "event-loop threads of the load generator (wrk -t)"));
  const int analysis_rounds = static_cast<int>(flags.Num(
      "analysis-rounds", 0, "write runs with and without the continuous analysis (each)"));
  const auto analysis_conns =
      flags.List("analysis-connections", "16", "connection counts of the analysis comparison");
  const bool analysis_only =
      yes(flags.Str("analysis-only", "0", "1: only the comparison with and without the analysis"));
  const double witness_interval =
      flags.Num("witness-interval", 0,
                "seconds between witnessed heads as `mamori serve` writes them (0: no witnessing)");
  flags.Finish();
  uint64_t max_conns = 0;
  for (uint64_t c : conns) max_conns = std::max(max_conns, c);
  if (analysis_rounds > 0) {
    for (uint64_t c : analysis_conns) max_conns = std::max(max_conns, c);
  }

  ScratchDir dir(base, keep);
  auto engine = OpenBenchEngine(dir.path(), 64);

  identity::IdentityOptions io;
  if (cheap_argon2) io.argon2 = {.time_cost = 1, .memory_kib = 64, .parallelism = 1};
  auto stack = Must(api::Stack::Open(*engine, std::move(io)), "open stack");

  // A test CA and a terminal certificate, made with the openssl CLI as
  // tests/api/stack_fixture.h does; the terminal is registered inside the
  // controlled area, so its users need no TOTP under the default policy.
  const std::string pki = dir / "pki";
  const std::string script =
      "set -e; mkdir -p '" + pki + "'; cd '" + pki + "'; " +
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key "
      "-out ca.crt -subj /CN=bench-ca -days 2; "
      "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout term.key "
      "-out term.csr -subj /CN=bench-terminal; "
      "openssl x509 -req -in term.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out term.crt "
      "-days 2";
  if (std::system(("(" + script + ") >/dev/null 2>&1").c_str()) != 0) Die("openssl CLI");
  auto term_cert = Must(api::DescribeCertificate(pki + "/term.crt"), "describe terminal cert");
  identity::NewTerminal terminal;
  terminal.id = kTerminalId;
  terminal.fingerprint = term_cert.sha256_fingerprint;
  terminal.description = "総務課 ベンチ端末";
  terminal.controlled_area = true;
  Must(stack->identity().terminals().Register(Local(), terminal), "register terminal");

  AddUser(*stack, "mgr1", {"section_manager"});
  AddUser(*stack, "dept1", {"department_officer"});
  AddUser(*stack, "admin1", {"admin"});
  std::vector<std::string> handlers;
  for (uint64_t i = 0; i < max_conns; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "h%03u", static_cast<unsigned>(i));
    handlers.emplace_back(id);
    AddUser(*stack, id, {"handler"}, "mgr1");
  }
  GrantThroughFlow(*stack, HandlerRight(policy::Operation::kWrite));
  GrantThroughFlow(*stack, HandlerRight(policy::Operation::kRead));

  auto server_cert = Must(api::EnsureServerCertificate(dir / "tls"), "server certificate");
  api::ServerConfig config;
  config.host = "127.0.0.1";
  config.port = 0;
  config.tls.certificate = server_cert.certificate_path;
  config.tls.private_key = server_cert.private_key_path;
  config.tls.client_ca = pki + "/ca.crt";
  // Every client of the load generator comes from 127.0.0.1: the
  // per-address limits would otherwise measure themselves.
  config.limits.max_connections_per_address = config.limits.max_connections;
  config.limits.login_burst = static_cast<unsigned>(max_conns) + 1;
  api::ApiServerOptions options = api::OptionsFor(*stack, config);
  std::atomic<uint64_t> log_lines{0};
  options.log_sink = [&](std::string_view) { log_lines.fetch_add(1, std::memory_order_relaxed); };
  // Witnessing as `mamori serve` runs it (engine/witnessing.h): a directory
  // witness beside the scratch store, written every --witness-interval.
  std::unique_ptr<engine::Witnessing> witnessing;
  if (witness_interval > 0) {
    std::vector<std::unique_ptr<audit::Witness>> ws;
    std::string warning;
    ws.push_back(Must(audit::OpenDirectoryWitness(dir / "witness", dir / "data", &warning),
                      "witness directory"));
    engine::WitnessingOptions wo;
    wo.interval = std::chrono::milliseconds(static_cast<int64_t>(witness_interval * 1000));
    witnessing = std::make_unique<engine::Witnessing>(*engine, std::move(ws), std::move(wo));
    options.witnessing = witnessing.get();
    witnessing->Start();
  }
  auto server = Must(api::ApiServer::Start(std::move(options)), "start server");

  ClientOptions copts;
  copts.trust_certificate = server_cert.certificate_path;
  copts.client_certificate = pki + "/term.crt";
  copts.client_key = pki + "/term.key";
  auto new_client = [&] {
    auto c = std::make_unique<HttpsClient>(server->port(), copts);
    Must(c->Connect(), "connect");
    return c;
  };

  // One logon per client thread, each its own user and session.
  std::vector<std::string> auth(max_conns);
  {
    auto c = new_client();
    for (uint64_t i = 0; i < max_conns; ++i) {
      auto r = Must(c->Send("POST", "/v1/auth/login",
                            nlohmann::json{{"user", handlers[i]}, {"password", kPassword}}.dump(),
                            {{"Content-Type", "application/json"}}),
                    "login");
      if (r.status != 200) Die("login " + handlers[i] + ": " + std::to_string(r.status) + r.body);
      auth[i] = "Bearer " + r.Json()["token"].get<std::string>();
    }
  }

  const std::string records = "/v1/datasets/" + std::string(kDataset) + "/records";
  const std::string write_target = records + "?purpose=withholding";
  std::atomic<uint64_t> next_record{1};
  const auto ctx = BenchContext();

  // Ids written, for the reads; each writer keeps its own list, merged after.
  std::vector<std::string> engine_ids, api_ids;

  auto engine_put = [&](int threads) {
    std::vector<std::vector<std::string>> mine(static_cast<size_t>(threads));
    Sample s = RunFor(threads, seconds, warmup, [&](int t, uint64_t) {
      auto r = Must(engine->Put(ctx, kDataset, EmployeeRecord(next_record++)), "engine put");
      mine[static_cast<size_t>(t)].push_back(std::move(r.id));
    });
    for (auto& v : mine) engine_ids.insert(engine_ids.end(), v.begin(), v.end());
    return s;
  };
  auto engine_get = [&](int threads) {
    return RunFor(threads, seconds, warmup, [&](int t, uint64_t i) {
      const auto& id =
          engine_ids[(i * 7919 + static_cast<uint64_t>(t) * 104729) % engine_ids.size()];
      Must(engine->Get(ctx, kDataset, id), "engine get");
    });
  };

  std::map<int, double> engine_put_rate, engine_get_rate;
  if (!analysis_only) std::fprintf(stderr, "engine in-process, 1 and 2 threads...\n");
  for (int t : {1, 2}) {
    if (analysis_only) break;
    engine_put_rate[t] = engine_put(t).rate();
    engine_get_rate[t] = engine_get(t).rate();
  }

  LoadOptions load;
  load.port = server->port();
  load.trust_certificate = server_cert.certificate_path;
  load.client_certificate = pki + "/term.crt";
  load.client_key = pki + "/term.key";
  load.threads = client_threads;
  load.warmup_seconds = warmup;
  load.seconds = seconds;
  auto to_sample = [](LoadResult r) {
    Sample s;
    s.ops = r.requests;
    s.seconds = r.seconds;
    s.latency_us = std::move(r.latency_us);
    s.client_cores = s.seconds > 0 ? r.client_cpu_seconds / s.seconds : 0;
    s.server_cpu_us =
        r.requests ? 1e6 * (r.process_cpu_seconds - r.client_cpu_seconds) / r.requests : 0;
    return s;
  };

  // Audited writes through the API at c connections.
  auto api_write = [&](int c) {
    load.connections = c;
    std::vector<std::vector<std::string>> written(static_cast<size_t>(c));
    Sample w =
        to_sample(Must(RunLoad(
                           load,
                           [&](int t, uint64_t) {
                             return LoadRequest{"POST",
                                                write_target,
                                                EmployeeRecord(next_record++).dump(),
                                                {{"Authorization", auth[static_cast<size_t>(t)]},
                                                 {"Content-Type", "application/json"}}};
                           },
                           [&](int t, int status, std::string_view body) {
                             if (status != 201) return false;
                             auto j = nlohmann::json::parse(body, nullptr, false);
                             if (!j.is_object() || !j.contains("id")) return false;
                             written[static_cast<size_t>(t)].push_back(j["id"].get<std::string>());
                             return true;
                           }),
                       "api write"));
    for (auto& v : written) api_ids.insert(api_ids.end(), v.begin(), v.end());
    if (api_ids.empty()) Die("api write: no record written");
    return w;
  };

  std::vector<Row> rows;
  for (uint64_t c_u : conns) {
    if (analysis_only) break;
    const int c = static_cast<int>(c_u);
    load.connections = c;

    std::fprintf(stderr, "write, %d connection(s): engine at %d threads, then API...\n", c, c);
    if (!engine_put_rate.contains(c)) engine_put_rate[c] = engine_put(c).rate();
    const double put_at_c = engine_put_rate[c];
    Sample w = api_write(c);

    std::fprintf(stderr, "read, %d connection(s): engine at %d threads, then API...\n", c, c);
    if (!engine_get_rate.contains(c)) engine_get_rate[c] = engine_get(c).rate();
    const double get_at_c = engine_get_rate[c];
    Sample rd = to_sample(
        Must(RunLoad(
                 load,
                 [&](int t, uint64_t i) {
                   const auto& id =
                       api_ids[(i * 7919 + static_cast<uint64_t>(t) * 104729) % api_ids.size()];
                   return LoadRequest{"GET",
                                      records + "/" + id + "?purpose=withholding",
                                      {},
                                      {{"Authorization", auth[static_cast<size_t>(t)]}}};
                 },
                 [](int, int status, std::string_view) { return status == 200; }),
             "api read"));
    rows.push_back({"write", c, std::move(w), put_at_c, 0});
    rows.push_back({"read", c, std::move(rd), get_at_c, 0});
  }
  // With and without the continuous analysis, alternately.
  struct AnalysisRow {
    int conns = 0;
    std::vector<double> off, on, ratio;
    std::vector<double> delay_ms;  // one per evaluated event, from the buckets' upper ends
    double delay_mean_ms = 0;
    uint64_t delay_events = 0;
    double delay_max_ms = 0;
  };
  std::vector<AnalysisRow> analysis_rows;
  auto wait_caught_up = [&](analysis::Monitor& m, TimeMicros after) {
    const auto deadline = Clock::now() + std::chrono::seconds(600);
    for (;;) {
      auto hb = m.heartbeat();
      if (hb.last_round > after && hb.evaluated >= hb.log_size) return hb;
      if (Clock::now() > deadline) Die("the analysis did not catch up within 10 minutes");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  };
  for (int round = 0; round < analysis_rounds; ++round) {
    for (uint64_t c_u : analysis_conns) {
      const int c = static_cast<int>(c_u);
      if (round == 0) {
        AnalysisRow row;
        row.conns = c;
        analysis_rows.push_back(std::move(row));
      }
      AnalysisRow& ar = *std::find_if(analysis_rows.begin(), analysis_rows.end(),
                                      [&](const AnalysisRow& r) { return r.conns == c; });
      // Alternate which goes first, so that neither always meets the disk's
      // slower minute.
      double off = 0, on = 0;
      for (int turn = 0; turn < 2; ++turn) {
        const bool with = (turn == 0) == (round % 2 == 1);
        std::fprintf(stderr, "write, %d connection(s), analysis %s, round %d...\n", c,
                     with ? "on" : "off", round + 1);
        if (!with) {
          off = api_write(c).rate();
          continue;
        }
        analysis::Monitor monitor(engine->data_store(), stack->directory());
        Must(monitor.Start(), "start the analysis");
        // Its first rounds catch up with the writes made without it: not
        // part of the figure.
        const auto h0 = wait_caught_up(monitor, NowMicros());
        on = api_write(c).rate();
        const auto h1 = wait_caught_up(monitor, NowMicros());
        monitor.Stop();
        for (size_t k = 0; k < analysis::Heartbeat::kDelayBuckets; ++k) {
          const uint64_t n = h1.delay_buckets[k] - h0.delay_buckets[k];
          ar.delay_ms.insert(ar.delay_ms.end(), n, analysis::Heartbeat::DelayBucketEndMs(k));
          if (n > 0) {
            ar.delay_max_ms = std::max(ar.delay_max_ms, analysis::Heartbeat::DelayBucketEndMs(k));
          }
        }
        const uint64_t events = h1.delay_count - h0.delay_count;
        ar.delay_events += events;
        ar.delay_mean_ms += static_cast<double>(h1.delay_sum - h0.delay_sum) / 1000.0;
      }
      ar.off.push_back(off);
      ar.on.push_back(on);
      ar.ratio.push_back(off > 0 ? on / off : 0);
    }
  }

  double best_put = 0, best_get = 0;
  for (auto& [t, r] : engine_put_rate) best_put = std::max(best_put, r);
  for (auto& [t, r] : engine_get_rate) best_get = std::max(best_get, r);
  for (auto& r : rows) r.engine_best = r.op == "write" ? best_put : best_get;

  std::printf("bench_api: %s\n", HostLine().c_str());
  std::printf("store %s; %g s per run after %g s warm-up; argon2 %s (logon only)\n",
              dir.path().c_str(), seconds, warmup, cheap_argon2 ? "cheap" : "default");
  std::printf("server: 127.0.0.1:%u, TLS + client certificate of a controlled-area terminal,\n",
              static_cast<unsigned>(server->port()));
  std::printf("        ServerConfig defaults (threads = hardware, handler_threads = default)\n");
  std::printf("load generator: %d event-loop thread(s) in this process\n", client_threads);
  if (witnessing) {
    std::printf("witnessing: a directory witness every %g s (%s)\n\n", witness_interval,
                witnessing->State().failures == 0 ? "no failures" : "FAILURES");
  } else {
    std::printf("witnessing: off\n\n");
  }
  if (!analysis_only) {
    std::printf("engine in-process ops/s:");
    for (auto& [t, r] : engine_put_rate) std::printf("  put@%d %s", t, Fmt(r).c_str());
    std::printf("\n                        ");
    for (auto& [t, r] : engine_get_rate) std::printf("  get@%d %s", t, Fmt(r).c_str());
    std::printf("\n\n");
    std::printf("%-5s %5s %9s %9s %9s %7s %11s %11s %8s %8s %7s %8s %-7s\n", "op", "conns",
                "api ops/s", "p50 ms", "p99 ms", "p99/p50", "engine@C", "engine best", "api/@C",
                "api/best", "client", "srv-us/op", "target");
    bool all_ok = true;
    for (auto& r : rows) {
      const double p50 = r.api.p(50) / 1000, p99 = r.api.p(99) / 1000;
      const double tail = p50 > 0 ? p99 / p50 : 0;
      const double vs_c = r.engine_at_c > 0 ? 100 * r.api.rate() / r.engine_at_c : 0;
      const double vs_best = r.engine_best > 0 ? 100 * r.api.rate() / r.engine_best : 0;
      std::string verdict = tail <= 10 ? "" : "p99 ";
      if (r.conns == 64 && vs_best < 60) verdict += "rate ";
      const bool ok = verdict.empty();
      all_ok = all_ok && ok;
      std::printf("%-5s %5d %9s %9.2f %9.2f %7.1f %11s %11s %7.0f%% %7.0f%% %7.2f %8.0f %-7s\n",
                  r.op.c_str(), r.conns, Fmt(r.api.rate()).c_str(), p50, p99, tail,
                  Fmt(r.engine_at_c).c_str(), Fmt(r.engine_best).c_str(), vs_c, vs_best,
                  r.api.client_cores, r.api.server_cpu_us,
                  ok ? (r.conns == 64 ? "met" : "p99 met") : ("MISSED " + verdict).c_str());
    }
    std::printf(
        "\ntarget: api/best >= 60%% at 64 connections; p99/p50 <= 10 at every count. %s\n"
        "(api/best divides by the best engine rate measured for the operation; api/@C by the\n"
        " engine at C threads measured just before. %llu server log lines discarded.)\n",
        all_ok ? "All met." : "Not all met.", static_cast<unsigned long long>(log_lines.load()));
  }
  for (auto& ar : analysis_rows) {
    std::printf("\nwrite at %d connection(s), with and without the continuous analysis:\n",
                ar.conns);
    std::printf("  round   off ops/s    on ops/s   on/off\n");
    for (size_t i = 0; i < ar.off.size(); ++i) {
      std::printf("  %5zu %11s %11s %7.1f%%\n", i + 1, Fmt(ar.off[i]).c_str(),
                  Fmt(ar.on[i]).c_str(), 100 * ar.ratio[i]);
    }
    std::vector<double> ratio = ar.ratio;
    const double med = Percentile(ratio, 50);
    std::printf("  median on/off %.1f%% (range %.1f-%.1f%%): cost %.1f%%; target cost < 5%%: %s\n",
                100 * med, 100 * ratio.front(), 100 * ratio.back(), 100 * (1 - med),
                1 - med < 0.05 ? "met" : "MISSED");
    std::printf(
        "  commit -> evaluation delay over %llu events: mean %.0f ms, p50 <= %.0f ms, "
        "p99 <= %.0f ms, max <= %.0f ms\n",
        static_cast<unsigned long long>(ar.delay_events),
        ar.delay_events ? ar.delay_mean_ms / static_cast<double>(ar.delay_events) : 0,
        Percentile(ar.delay_ms, 50), Percentile(ar.delay_ms, 99), ar.delay_max_ms);
  }

  server->Shutdown();
  server.reset();
  if (witnessing) witnessing->Stop();
  stack.reset();
  Must(engine->Close(), "engine close");
  return 0;
}
