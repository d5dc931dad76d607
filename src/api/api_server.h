// api: the HTTPS JSON API (docs/ARCHITECTURE.md decision 8) — the
// asynchronous HTTPS server (server.h, session.h, tls_context.h), routing
// (router.h), the request pipeline (service.h), problem+json errors
// (problem.h), the resources (routes.h), configuration (config.h), the
// generated server certificate (certificate.h), per-address limits
// (rate_limiter.h), the admission of designated terminals
// (terminal_admission.h), logs and metrics. Authentication and
// authorisation plug in through auth.h; api depends on neither identity's
// nor policy's implementation.
//
// This header: the API server assembled: routes (routes.h) + pipeline (service.h) + HTTPS
// server (server.h) + logs and metrics, on one open engine. What `mamori
// serve` runs, and what the tests start in-process.
//
// Two listeners: the API's (config listen) with every route but /metrics,
// and, when config metrics_listen is set, the operations listener with
// only /healthz, /readyz and /metrics, which requests no client certificate
// — so a load balancer or a monitoring agent without a terminal
// certificate can reach health and metrics while the API's listener
// admits only designated terminals (require_terminal_certificate).
//
// The engine stays the caller's: after Shutdown() the caller closes it,
// which signs the final tree head (Engine::Close).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "api/auth.h"
#include "api/config.h"
#include "api/console_assets.h"
#include "api/logger.h"
#include "api/metrics.h"
#include "api/rate_limiter.h"
#include "api/router.h"
#include "api/routes.h"
#include "core/status.h"
#include "engine/engine.h"
#include "engine/witnessing.h"

namespace mamori::api {

class Server;
class Service;

struct ApiServerOptions {
  ServerConfig config;  // tls.certificate and private_key must be set
  engine::Engine* engine = nullptr;
  Authenticator* authenticator = nullptr;
  Authorizer* authorizer = nullptr;
  // Optional: records the refusals nobody else audits (auth.h).
  RequestAuditor* auditor = nullptr;
  // Required with config.tls.require_terminal_certificate (auth.h).
  CertificateAdmission* admission = nullptr;
  // Optional: the families over identity and policy (routes.h); without
  // them the server has only the engine's routes.
  identity::Identity* identity = nullptr;
  policy::RightsAdmin* rights = nullptr;
  policy::RightsRegister* rights_register = nullptr;
  policy::ReviewCampaigns* reviews = nullptr;
  // Optional: the approval engine (the approvals family).
  approval::Approvals* approvals = nullptr;
  // Optional, with approvals: the exception ledger and its reports (the
  // exceptions family).
  approval::Exceptions* exceptions = nullptr;
  approval::ExceptionReports* exception_reports = nullptr;
  // The registers (governance/registers.h); optional (the registers family).
  governance::Registers* registers = nullptr;
  // Optional: two-person inquiry control (the inquiries family).
  approval::Inquiries* inquiries = nullptr;
  // Optional: the analysis (routes.h RouteDeps).
  analysis::Findings* findings = nullptr;
  analysis::Lists* lists = nullptr;
  // Optional: incidents (governance/incidents.h).
  governance::Incidents* incidents = nullptr;
  // Optional: the data-access decision (GET /v1/datasets?searchable=true).
  policy::Authorizer* policy = nullptr;
  const analysis::Monitor* monitor = nullptr;
  // Optional: the witnessing of signed heads (engine/witnessing.h), whose
  // state /readyz and /metrics report.
  const engine::Witnessing* witnessing = nullptr;
  // Optional: the exchange node, whose suspensions the connection routes
  // notify to the counterpart (its inbound routes are on its own listener,
  // exchange_server.h).
  exchange::Node* exchange = nullptr;
  Logger::Sink log_sink;  // empty: stderr
  // Registers more routes after the API's own (tests add slow or failing ones).
  std::function<Status(Router&)> extra_routes;
};

class Stack;

// Options for a server over a whole Stack (stack.h): its AccessControl as
// authenticator, authorizer and auditor, and every route family.
ApiServerOptions OptionsFor(Stack& stack, ServerConfig config);

class ApiServer {
 public:
  // The pointers in `options` must outlive the ApiServer.
  static Result<std::unique_ptr<ApiServer>> Start(ApiServerOptions options);
  ~ApiServer();

  uint16_t port() const;
  std::string url() const;
  // The operations listener's port and URL; 0 and "" without one.
  uint16_t metrics_port() const;
  std::string metrics_url() const;
  const Router& router() const;
  Metrics& metrics() { return metrics_; }
  const AddressRateLimiter& login_limiter() const { return login_limiter_; }
  // Whether /console/ serves a built console (config.console_dir).
  bool console_built() const { return console_.built(); }

  // /readyz turns 503 at once; then Server::Shutdown (server.h). Returns
  // false when connections had to be cut at the shutdown deadline.
  bool Shutdown();

 private:
  ApiServer(ApiServerOptions options);

  ApiServerOptions options_;
  Logger logger_;
  Metrics metrics_;
  AddressRateLimiter login_limiter_;
  std::atomic<bool> draining_{false};
  ConsoleAssets console_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<Server> server_;
  // The operations listener: its own pipeline over the public routes, whose
  // own traffic is counted apart (ops_metrics_) and not shown.
  Metrics ops_metrics_;
  RejectAllAuthenticator ops_authenticator_;
  DenyAllAuthorizer ops_authorizer_;
  std::unique_ptr<Service> ops_service_;
  std::unique_ptr<Server> ops_server_;
};

}  // namespace mamori::api
