#include "api/api_server.h"

#include "api/routes.h"
#include "api/server.h"
#include "api/service.h"
#include "api/stack.h"

namespace mamori::api {

ApiServer::ApiServer(ApiServerOptions options)
    : options_(std::move(options)), logger_(options_.config.log_level, options_.log_sink) {}

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
  deps.findings = api->options_.findings;
  deps.lists = api->options_.lists;
  deps.monitor = api->options_.monitor;
  deps.witnessing = api->options_.witnessing;
  MAMORI_RETURN_IF_ERROR(AddAllRoutes(router, deps));
  if (api->options_.extra_routes) MAMORI_RETURN_IF_ERROR(api->options_.extra_routes(router));
  api->service_ = std::make_unique<Service>(std::move(router), *api->options_.authenticator,
                                            *api->options_.authorizer, api->logger_, api->metrics_,
                                            api->options_.auditor);
  MAMORI_RETURN_IF_ERROR(api->service_->CheckRoutes());
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
  MAMORI_ASSIGN_OR_RETURN(api->server_, Server::Start(api->options_.config, *api->service_));
  return api;
}

ApiServerOptions OptionsFor(Stack& stack, ServerConfig config) {
  ApiServerOptions options;
  options.config = std::move(config);
  options.engine = &stack.engine();
  options.authenticator = &stack.access();
  options.authorizer = &stack.access();
  options.auditor = &stack.access();
  const RouteDeps deps = stack.Deps();
  options.identity = deps.identity;
  options.rights = deps.rights;
  options.rights_register = deps.rights_register;
  options.reviews = deps.reviews;
  options.findings = deps.findings;
  options.lists = deps.lists;
  return options;
}

uint16_t ApiServer::port() const { return server_->port(); }
std::string ApiServer::url() const { return server_->url(); }
const Router& ApiServer::router() const { return service_->router(); }

bool ApiServer::Shutdown() {
  draining_.store(true);
  return server_ ? server_->Shutdown() : true;
}

}  // namespace mamori::api
