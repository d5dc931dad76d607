// `mamori serve`: the HTTPS API server on an open store (src/api).
//
// Before anything is written, the store is checked against the last head
// of its directory witness (engine/witnessing.h): a store behind it or
// diverged from it is refused. While it runs, a signed head is written to
// every witness each interval (when the log grew), and at shutdown.
//
// Prints one JSON line on stdout once it listens — URL, port, the
// operations listener's URL when there is one, the certificate's
// fingerprints for clients to pin, the witnesses and the process protection
// in force (crypto/process_protection.h: no core dumps) — and, after SIGTERM
// or SIGINT, a second line with the signed tree head written at shutdown,
// which an auditor may keep, and whether every witness took it.
#include <pthread.h>
#include <signal.h>

#include <condition_variable>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "analysis/monitor.h"
#include "api/api_server.h"
#include "api/certificate.h"
#include "api/config.h"
#include "api/stack.h"
#include "audit/witness.h"
#include "cli/common.h"
#include "crypto/process_protection.h"
#include "engine/retention_schedule.h"
#include "engine/witnessing.h"
#include "governance/cycle_findings.h"

namespace mamori::cli {
namespace {

struct ServeFlags {
  StoreFlags store;
  std::string listen;
  std::string config;
  unsigned threads = 0;
  std::string log_level;
  std::string tls_cert, tls_key, client_ca;
  std::string witness_dir, witness_syslog, witness_https, witness_https_ca;
  unsigned witness_interval = 0;  // seconds; 0: the configuration's
  bool require_terminal_certificate = false;
  std::string metrics_listen;
  std::string console_dir;
};

// The console's files by default: the "console" directory beside the
// binary, where scripts/build-console puts them (docs/CONSOLE.md).
std::string DefaultConsoleDir() {
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  return (exe.parent_path() / "console").string();
}

// Flushed: a supervisor or test reads each line as it is printed.
void PrintLine(const nlohmann::json& j) { std::cout << j.dump() << '\n' << std::flush; }

Result<api::ServerConfig> MakeConfig(const ServeFlags& f) {
  api::ServerConfig config;
  if (!f.config.empty()) {
    MAMORI_ASSIGN_OR_RETURN(config, api::LoadConfigFile(f.config));
  }
  if (!f.listen.empty())
    MAMORI_RETURN_IF_ERROR(api::ParseListen(f.listen, &config.host, &config.port));
  if (f.threads != 0) config.threads = f.threads;
  if (!f.log_level.empty()) {
    auto level = api::ParseLogLevel(f.log_level);
    if (!level) {
      return Fail(Status::InvalidArgument("--log-level must be debug, info, warn, error or off",
                                          "--log-level は debug / info / warn / error / off です",
                                          "log-level"));
    }
    config.log_level = *level;
  }
  if (!f.tls_cert.empty()) config.tls.certificate = f.tls_cert;
  if (!f.tls_key.empty()) config.tls.private_key = f.tls_key;
  if (!f.client_ca.empty()) config.tls.client_ca = f.client_ca;
  if (!f.witness_dir.empty()) config.witness.directory = f.witness_dir;
  if (!f.witness_syslog.empty()) config.witness.syslog = f.witness_syslog;
  if (!f.witness_https.empty()) config.witness.https = f.witness_https;
  if (!f.witness_https_ca.empty()) config.witness.https_ca = f.witness_https_ca;
  if (f.witness_interval != 0) {
    config.witness.interval = std::chrono::seconds(f.witness_interval);
  }
  if (f.require_terminal_certificate) config.tls.require_terminal_certificate = true;
  if (!f.metrics_listen.empty()) {
    api::ListenAddress ops;
    MAMORI_RETURN_IF_ERROR(
        api::ParseListen(f.metrics_listen, &ops.host, &ops.port, "metrics-listen"));
    config.metrics_listen = ops;
  }
  config.console_dir = f.console_dir.empty() ? DefaultConsoleDir() : f.console_dir;
  MAMORI_RETURN_IF_ERROR(api::ValidateConfig(config));
  return config;
}

// The witnesses the configuration names: always a directory (by default
// "<data directory>.witness", beside the data, not in it), plus syslog and
// HTTPS when set. `warnings` gets what the log should say (a witness on
// the data's filesystem).
Result<std::vector<std::unique_ptr<audit::Witness>>> MakeWitnesses(
    const api::WitnessConfig& w, const std::string& data_dir, std::vector<std::string>* warnings) {
  std::vector<std::unique_ptr<audit::Witness>> out;
  const std::string dir = w.directory.empty() ? data_dir + ".witness" : w.directory;
  std::string warning;
  MAMORI_ASSIGN_OR_RETURN(auto directory, audit::OpenDirectoryWitness(dir, data_dir, &warning));
  if (!warning.empty()) warnings->push_back(warning);
  out.push_back(std::move(directory));
  if (!w.syslog.empty()) {
    audit::SyslogWitnessOptions o;
    o.url = w.syslog;
    MAMORI_ASSIGN_OR_RETURN(auto syslog, audit::OpenSyslogWitness(o));
    out.push_back(std::move(syslog));
  }
  if (!w.https.empty()) {
    audit::HttpsWitnessOptions o;
    o.url = w.https;
    o.ca_file = w.https_ca;
    MAMORI_ASSIGN_OR_RETURN(auto https, audit::OpenHttpsWitness(o));
    out.push_back(std::move(https));
  }
  return out;
}

// Fills in the generated certificate when none is configured.
Result<api::CertificateInfo> PrepareCertificate(const ServeFlags& f, api::ServerConfig& config) {
  if (!config.tls.certificate.empty()) {
    MAMORI_ASSIGN_OR_RETURN(auto info, api::DescribeCertificate(config.tls.certificate));
    info.private_key_path = config.tls.private_key;
    return info;
  }
  std::vector<std::string> names;
  if (config.host != "0.0.0.0" && config.host != "::") names.push_back(config.host);
  MAMORI_ASSIGN_OR_RETURN(
      auto info, api::EnsureServerCertificate(f.store.MakePaths().data_dir + "/tls", names));
  config.tls.certificate = info.certificate_path;
  config.tls.private_key = info.private_key_path;
  return info;
}

int Serve(const ServeFlags& f) {
  // Blocked before any thread starts (the engine's committer, the server's
  // pools), so every thread inherits the mask and only sigwait sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto config = MakeConfig(f);
  if (!config) return ReportError(config.error());
  StoreFlags store = f.store;
  if (store.signer.empty()) store.signer = config->audit_signer;
  api::Logger logger(config->log_level);
  const engine::Paths paths = store.MakePaths();
  if (paths.store_uri.empty() && !std::filesystem::exists(paths.DataStore())) {
    // Before the witness directory is made for a store that is not there.
    return ReportError(Status::NotFound(
        "no mamori store in " + paths.data_dir + " (run mamori init --data " + paths.data_dir + ")",
        "mamori のストアがありません: " + paths.data_dir + " (mamori init を実行してください)",
        paths.data_dir));
  }
  std::vector<std::string> warnings;
  auto witnesses = MakeWitnesses(config->witness, paths.data_dir, &warnings);
  if (!witnesses) return ReportError(witnesses.error());
  for (const auto& w : warnings) logger.Log(api::LogLevel::kWarn, "witness", {{"detail", w}});
  // The witness check runs inside Open, before it writes anything.
  auto engine = OpenEngine(store, 64, [&](store::Storage& data, keys::AuditSigner& signer) {
    return engine::CheckAgainstWitnesses(data, signer.PublicKey(), *witnesses);
  });
  if (!engine) return ReportError(engine.error());
  nlohmann::json witness_names = nlohmann::json::array();
  for (const auto& w : *witnesses) witness_names.push_back(w->Describe());
  engine::WitnessingOptions wo;
  wo.interval = config->witness.interval;
  wo.log = [&logger](bool warn, std::string_view message) {
    logger.Log(warn ? api::LogLevel::kWarn : api::LogLevel::kInfo, "witness",
               {{"detail", message}});
  };
  engine::Witnessing witnessing(**engine, std::move(*witnesses), std::move(wo));
  auto cert = PrepareCertificate(f, *config);
  if (!cert) return ReportError(cert.error());

  auto stack = api::Stack::Open(**engine, api::IdentityOptionsFor(*config));
  if (!stack) {
    (void)(*engine)->Close();
    return ReportError(stack.error());
  }
  // The continuous analysis of the audit log (analysis/monitor.h): its own
  // thread and cursor, nothing on the request path.
  analysis::MonitorOptions monitor_options;
  monitor_options.open_takeouts = analysis::OpenTakeoutsOf(**engine);
  // Once a day: the Commission's reports of incidents not recorded by their
  // due date (governance/incidents.h, analysis/rules.h incident_report_overdue),
  // and the improvement plans, improvement orders and register checks past
  // their due day (governance/cycle_findings.h).
  governance::Incidents* incidents = &(*stack)->incidents();
  store::Storage* data = &(*engine)->data_store();
  monitor_options.overdue_steps = [incidents, data](
                                      CivilDate today,
                                      TimeMicros now) -> Result<std::vector<analysis::Collected>> {
    MAMORI_ASSIGN_OR_RETURN(auto out, incidents->OverdueFindings(today, now));
    MAMORI_ASSIGN_OR_RETURN(auto cycles, governance::CycleOverdueFindings(*data, today, now));
    for (auto& c : cycles) out.push_back(std::move(c));
    return out;
  };
  analysis::Monitor monitor((*engine)->data_store(), (*stack)->directory(), monitor_options);
  api::ApiServerOptions options = api::OptionsFor(**stack, *config);
  options.witnessing = &witnessing;
  options.monitor = &monitor;
  auto server = api::ApiServer::Start(std::move(options));
  if (!server) {
    (void)(*engine)->Close();
    return ReportError(server.error());
  }
  // The head the store holds now, on every witness (a syslog or HTTPS
  // witness learns where this run starts); then one each interval.
  (void)witnessing.PublishNow();  // a failure is logged, counted and retried
  witnessing.Start();
  (void)monitor.Start();
  // Sessions past their idle or absolute limit are marked expired (and
  // audited) once a minute even when nobody presents their token again.
  // The retention sweep runs on the same tick, once per JST day (the first
  // tick of the day, and the first after start): records past their
  // retention deadline are shredded by the server itself, each disposal
  // signed and audited under the actor "system:retention/mamori", as
  // `mamori retention sweep` does for an operator. On the same tick the
  // month's status report of exception measures to the chief security
  // manager ([002 第26条2]) is produced for the month before, once
  // (approval/exception_reports.h, actor "system:exceptions/mamori").
  std::mutex expiry_mu;
  std::condition_variable expiry_cv;
  bool stopping = false;
  std::thread expiry([&] {
    std::unique_lock lock(expiry_mu);
    engine::RetentionSchedule retention(**engine);
    while (!expiry_cv.wait_for(lock, std::chrono::seconds(60), [&] { return stopping; })) {
      lock.unlock();
      engine::Context ctx = LocalContext();
      ctx.actor = "mamori";
      // A failure is audited by identity and retried at the next tick.
      [[maybe_unused]] auto expired = (*stack)->identity().authenticator().ExpireSessions(ctx);
      if (auto monthly = (*stack)->exception_reports().Tick(NowMicros()); !monthly) {
        // Audited by the ledger; tried again at the next tick.
        logger.Log(api::LogLevel::kWarn, "exceptions", {{"detail", monthly.error().message()}});
      } else if (*monthly) {
        logger.Log(
            api::LogLevel::kInfo, "exceptions",
            {{"report", (*monthly)->id}, {"period", approval::FormatMonth((*monthly)->period)}});
      }
      auto report = retention.Tick(NowMicros(), LocalContext().terminal);
      if (!report) {
        // Audited by the engine; tried again at the next tick.
        logger.Log(api::LogLevel::kWarn, "retention", {{"detail", report.error().message()}});
      } else if (*report && (!(*report)->disposals.empty() || !(*report)->errors.empty())) {
        logger.Log(
            (*report)->errors.empty() ? api::LogLevel::kInfo : api::LogLevel::kWarn, "retention",
            {{"shredded", (*report)->disposals.size()}, {"errors", (*report)->errors.size()}});
      }
      lock.lock();
    }
  });
  const crypto::ProcessProtection protection = crypto::DescribeProcessProtection();
  PrintLine(
      {{"url", (*server)->url()},
       {"port", (*server)->port()},
       {"metrics_url", (*server)->metrics_url().empty() ? nlohmann::json(nullptr)
                                                        : nlohmann::json((*server)->metrics_url())},
       {"metrics_port", (*server)->metrics_port()},
       {"require_terminal_certificate", config->tls.require_terminal_certificate},
       {"console_url", (*server)->console_built() ? nlohmann::json((*server)->url() + "console/")
                                                  : nlohmann::json(nullptr)},
       {"certificate", cert->certificate_path},
       {"certificate_created", cert->created},
       {"certificate_sha256", cert->sha256_fingerprint},
       {"public_key_pin", cert->public_key_pin},
       {"certificate_not_after", cert->not_after},
       {"audit_signer", (*engine)->audit_signer().Describe()},
       {"witnesses", witness_names},
       {"process_protection",
        {{"dumpable", protection.dumpable},
         {"core_limit_zero", protection.core_limit_zero},
         {"secure_heap", protection.secure_heap},
         {"secure_heap_locked", protection.secure_heap_locked}}}});

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  {
    std::lock_guard lock(expiry_mu);
    stopping = true;
  }
  expiry_cv.notify_all();
  expiry.join();
  const bool clean = (*server)->Shutdown();
  monitor.Stop();
  witnessing.Stop();
  // The final head: durable in the store first, then on every witness.
  auto head = (*engine)->SignTreeHead(LocalContext());
  Status witnessed = Status::Ok();
  if (head) {
    auto sth = audit::SignedHeadFromJson(*head);
    witnessed = sth ? witnessing.Publish(*sth) : sth.error();
  }
  Status closed = (*engine)->Close();
  PrintLine({{"stopped", signal_number == SIGTERM ? "SIGTERM" : "SIGINT"},
             {"clean", clean},
             {"signed_head", head ? *head : nlohmann::json(nullptr)},
             {"witnessed", head.has_value() && witnessed.ok()}});
  if (!head) return ReportError(head.error());
  if (!witnessed.ok()) return ReportError(witnessed);
  if (!closed.ok()) return ReportError(closed);
  return 0;
}

}  // namespace

void AddServeCommand(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "serve", "run the HTTPS API server until SIGTERM/SIGINT / HTTPS APIサーバを起動");
  auto f = std::make_shared<ServeFlags>();
  f->store.AddTo(cmd);
  cmd->add_option(
      "--listen", f->listen,
      "HOST:PORT, port 0 for any free port (default 127.0.0.1:8443) / 待ち受けアドレス");
  cmd->add_option("--config", f->config,
                  "TOML configuration file; flags override it / 設定ファイル");
  cmd->add_option("--threads", f->threads, "I/O threads (default: hardware threads) / スレッド数");
  cmd->add_option("--log-level", f->log_level, "debug, info, warn, error or off / ログレベル");
  cmd->add_option("--tls-cert", f->tls_cert,
                  "PEM certificate (default DATA/tls/server.crt, generated on first run) / 証明書");
  cmd->add_option("--tls-key", f->tls_key, "PEM private key of --tls-cert / 秘密鍵");
  cmd->add_option("--client-ca", f->client_ca,
                  "PEM CA bundle; client certificates are requested and verified against it / "
                  "クライアント証明書のCA");
  cmd->add_option("--witness-dir", f->witness_dir,
                  "directory witness of signed heads, outside the data directory and best on "
                  "another volume (default DATA.witness) / 署名付きツリーヘッドの証人ディレクトリ");
  cmd->add_option("--witness-syslog", f->witness_syslog,
                  "also send each signed head to syslog: tcp://HOST:PORT or udp://HOST:PORT / "
                  "syslog の証人");
  cmd->add_option("--witness-https", f->witness_https,
                  "also POST each signed head to https://HOST[:PORT]/PATH / HTTPS の証人");
  cmd->add_option("--witness-https-ca", f->witness_https_ca,
                  "PEM CA bundle that the HTTPS witness's certificate must chain to / "
                  "HTTPS の証人の CA");
  cmd->add_option("--witness-interval", f->witness_interval,
                  "seconds between witnessed heads (default 60) / 証人への書き込み間隔（秒）")
      ->check(CLI::Range(1u, 86'400u));
  cmd->add_flag("--require-terminal-certificate", f->require_terminal_certificate,
                "admit only clients with a certificate of a registered, enabled terminal or "
                "service account (needs --client-ca) / 登録済み端末の証明書を必須にする");
  cmd->add_option("--metrics-listen", f->metrics_listen,
                  "HOST:PORT of the operations listener (/healthz, /readyz, /metrics; no client "
                  "certificate); default none / 運用監視用の待ち受けアドレス");
  cmd->add_option("--console-dir", f->console_dir,
                  "directory of the built web console, served at /console/ (default: console "
                  "beside the mamori binary) / ウェブコンソールのディレクトリ");
  cmd->callback([f, &exit_code] { exit_code = Serve(*f); });
}

}  // namespace mamori::cli
