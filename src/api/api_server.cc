#include "api/api_server.h"

#include <algorithm>

#include "api/routes.h"
#include "api/server.h"
#include "api/service.h"
#include "api/stack.h"

namespace mamori::api {

namespace {

// The operations listener's configuration: the API's TLS certificate, no
// client certificates, a handful of threads and connections.
ServerConfig OperationsConfig(const ServerConfig& api) {
  ServerConfig ops = api;
  ops.host = api.metrics_listen->host;
  ops.port = api.metrics_listen->port;
  ops.metrics_listen.reset();
  ops.tls.client_ca.clear();
  ops.tls.require_terminal_certificate = false;
  ops.threads = 1;
  ops.handler_threads = 2;
  ops.deferred_threads = 1;
  ops.limits.max_connections = 64;
  ops.limits.max_connections_per_address = 16;
  return ops;
}

unsigned WholeSeconds(std::chrono::milliseconds ms) {
  return static_cast<unsigned>((ms.count() + 999) / 1000);
}

}  // namespace

ApiServer::ApiServer(ApiServerOptions options)
    : options_(std::move(options)),
      logger_(options_.config.log_level, options_.log_sink),
      login_limiter_(
          RateLimit{options_.config.limits.login_per_minute, options_.config.limits.login_burst}) {}

ApiServer::~ApiServer() { Shutdown(); }

Result<std::unique_ptr<ApiServer>> ApiServer::Start(ApiServerOptions options) {
  if (!options.engine || !options.authenticator || !options.authorizer) {
    return Fail(Status::InvalidArgument(
        "the API server needs an engine, an authenticator and an authorizer"));
  }
  std::unique_ptr<ApiServer> api(new ApiServer(std::move(options)));
  Router router;
  RouteDeps deps;
  deps.engine = api->options_.engine;
  deps.authorizer = api->options_.authorizer;
  deps.metrics = &api->metrics_;
  deps.draining = &api->draining_;
  deps.identity = api->options_.identity;
  deps.rights = api->options_.rights;
  deps.rights_register = api->options_.rights_register;
  deps.reviews = api->options_.reviews;
  deps.approvals = api->options_.approvals;
  deps.exceptions = api->options_.exceptions;
  deps.exception_reports = api->options_.exception_reports;
  deps.registers = api->options_.registers;
  deps.inquiries = api->options_.inquiries;
  deps.findings = api->options_.findings;
  deps.lists = api->options_.lists;
  deps.incidents = api->options_.incidents;
  deps.policy = api->options_.policy;
  deps.monitor = api->options_.monitor;
  deps.witnessing = api->options_.witnessing;
  deps.exchange = api->options_.exchange;
  deps.login_limiter = &api->login_limiter_;
  deps.busy_retry_after =
      std::max(1u, WholeSeconds(api->options_.config.timeouts.password_hash_wait));
  MAMORI_RETURN_IF_ERROR(AddAllRoutes(router, deps));
  if (api->options_.extra_routes) MAMORI_RETURN_IF_ERROR(api->options_.extra_routes(router));
  api->service_ = std::make_unique<Service>(std::move(router), *api->options_.authenticator,
                                            *api->options_.authorizer, api->logger_, api->metrics_,
                                            api->options_.auditor);
  MAMORI_RETURN_IF_ERROR(api->service_->CheckRoutes());
  if (const std::string& dir = api->options_.config.console_dir; !dir.empty()) {
    MAMORI_ASSIGN_OR_RETURN(api->console_, ConsoleAssets::Load(dir));
    api->service_->SetConsole(&api->console_);
  }
  if (engine::Engine* engine = api->options_.engine) {
    api->service_->SetReadScope([engine](const std::function<void()>& reads) {
      bool ran = false;
      // The snapshot only saves work: its own failure (a closing store) is
      // not the request's, whose reads then open their own and meet it there.
      (void)engine->data_store().ViewShared([&](store::ReadTxn&) -> Status {
        ran = true;
        reads();
        return Status::Ok();
      });
      if (!ran) reads();
    });
  }
  if (const ServerConfig& config = api->options_.config; config.metrics_listen) {
    Router ops;
    MAMORI_RETURN_IF_ERROR(AddOperationsRoutes(ops, deps));
    MAMORI_RETURN_IF_ERROR(AddMetricsRoute(ops, deps, config.metrics_detail));
    // Its routes are all public: no credentials, nothing to authorise.
    api->ops_service_ =
        std::make_unique<Service>(std::move(ops), api->ops_authenticator_, api->ops_authorizer_,
                                  api->logger_, api->ops_metrics_, api->options_.auditor);
    MAMORI_ASSIGN_OR_RETURN(api->ops_server_,
                            Server::Start(OperationsConfig(config), *api->ops_service_));
  }
  MAMORI_ASSIGN_OR_RETURN(
      api->server_, Server::Start(api->options_.config, *api->service_, api->options_.admission));
  return api;
}

ApiServerOptions OptionsFor(Stack& stack, ServerConfig config) {
  ApiServerOptions options;
  options.config = std::move(config);
  options.engine = &stack.engine();
  options.authenticator = &stack.access();
  options.authorizer = &stack.access();
  options.auditor = &stack.access();
  options.admission = &stack.admission();
  const RouteDeps deps = stack.Deps();
  options.identity = deps.identity;
  options.rights = deps.rights;
  options.rights_register = deps.rights_register;
  options.reviews = deps.reviews;
  options.approvals = deps.approvals;
  options.exceptions = deps.exceptions;
  options.exception_reports = deps.exception_reports;
  options.registers = deps.registers;
  options.inquiries = deps.inquiries;
  options.findings = deps.findings;
  options.lists = deps.lists;
  options.incidents = deps.incidents;
  options.policy = deps.policy;
  return options;
}

uint16_t ApiServer::port() const { return server_->port(); }
std::string ApiServer::url() const { return server_->url(); }
uint16_t ApiServer::metrics_port() const { return ops_server_ ? ops_server_->port() : 0; }
std::string ApiServer::metrics_url() const { return ops_server_ ? ops_server_->url() : ""; }
const Router& ApiServer::router() const { return service_->router(); }

bool ApiServer::Shutdown() {
  draining_.store(true);
  // The API's listener first: while it drains, /readyz on the operations
  // listener answers 503, so a load balancer sends nothing new.
  const bool clean = server_ ? server_->Shutdown() : true;
  const bool ops_clean = ops_server_ ? ops_server_->Shutdown() : true;
  return clean && ops_clean;
}

}  // namespace mamori::api
