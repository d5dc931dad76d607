// `mamori serve`: the HTTPS API server on an open store (src/api).
//
// Prints one JSON line on stdout once it listens — URL, port, the
// operations listener's URL when there is one, the certificate's
// fingerprints for clients to pin, and the process protection in force
// (crypto/process_protection.h: no core dumps) — and, after SIGTERM or
// SIGINT, a second line with the signed tree head written at shutdown,
// which an auditor may keep.
#include <pthread.h>
#include <signal.h>

#include <condition_variable>
#include <iostream>
#include <mutex>
#include <thread>

#include "api/api_server.h"
#include "api/certificate.h"
#include "api/config.h"
#include "api/stack.h"
#include "cli/common.h"
#include "crypto/process_protection.h"

namespace mamori::cli {
namespace {

struct ServeFlags {
  StoreFlags store;
  std::string listen;
  std::string config;
  unsigned threads = 0;
  std::string log_level;
  std::string tls_cert, tls_key, client_ca;
  bool require_terminal_certificate = false;
  std::string metrics_listen;
};

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
  if (f.require_terminal_certificate) config.tls.require_terminal_certificate = true;
  if (!f.metrics_listen.empty()) {
    api::ListenAddress ops;
    MAMORI_RETURN_IF_ERROR(
        api::ParseListen(f.metrics_listen, &ops.host, &ops.port, "metrics-listen"));
    config.metrics_listen = ops;
  }
  MAMORI_RETURN_IF_ERROR(api::ValidateConfig(config));
  return config;
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
  auto engine = OpenEngine(f.store, 64);
  if (!engine) return ReportError(engine.error());
  auto cert = PrepareCertificate(f, *config);
  if (!cert) return ReportError(cert.error());

  auto stack = api::Stack::Open(**engine, api::IdentityOptionsFor(*config));
  if (!stack) {
    (void)(*engine)->Close();
    return ReportError(stack.error());
  }
  auto server = api::ApiServer::Start(api::OptionsFor(**stack, *config));
  if (!server) {
    (void)(*engine)->Close();
    return ReportError(server.error());
  }
  // Sessions past their idle or absolute limit are marked expired (and
  // audited) once a minute even when nobody presents their token again.
  std::mutex expiry_mu;
  std::condition_variable expiry_cv;
  bool stopping = false;
  std::thread expiry([&] {
    std::unique_lock lock(expiry_mu);
    while (!expiry_cv.wait_for(lock, std::chrono::seconds(60), [&] { return stopping; })) {
      lock.unlock();
      engine::Context ctx = LocalContext();
      ctx.actor = "mamori";
      // A failure is audited by identity and retried at the next tick.
      [[maybe_unused]] auto expired = (*stack)->identity().authenticator().ExpireSessions(ctx);
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
       {"certificate", cert->certificate_path},
       {"certificate_created", cert->created},
       {"certificate_sha256", cert->sha256_fingerprint},
       {"public_key_pin", cert->public_key_pin},
       {"certificate_not_after", cert->not_after},
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
  auto head = (*engine)->SignTreeHead(LocalContext());
  Status closed = (*engine)->Close();
  PrintLine({{"stopped", signal_number == SIGTERM ? "SIGTERM" : "SIGINT"},
             {"clean", clean},
             {"signed_head", head ? *head : nlohmann::json(nullptr)}});
  if (!head) return ReportError(head.error());
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
  cmd->add_flag("--require-terminal-certificate", f->require_terminal_certificate,
                "admit only clients with a certificate of a registered, enabled terminal or "
                "service account (needs --client-ca) / 登録済み端末の証明書を必須にする");
  cmd->add_option("--metrics-listen", f->metrics_listen,
                  "HOST:PORT of the operations listener (/healthz, /readyz, /metrics; no client "
                  "certificate); default none / 運用監視用の待ち受けアドレス");
  cmd->callback([f, &exit_code] { exit_code = Serve(*f); });
}

}  // namespace mamori::cli
