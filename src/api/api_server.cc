#include "api/api_server.h"

#include "api/routes.h"
#include "api/server.h"
#include "api/service.h"

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
  RouteDeps deps{api->options_.engine, api->options_.authorizer, &api->metrics_, &api->draining_};
  MAMORI_RETURN_IF_ERROR(AddAllRoutes(router, deps));
  if (api->options_.extra_routes) MAMORI_RETURN_IF_ERROR(api->options_.extra_routes(router));
  api->service_ = std::make_unique<Service>(std::move(router), *api->options_.authenticator,
                                            api->logger_, api->metrics_);
  MAMORI_ASSIGN_OR_RETURN(api->server_, Server::Start(api->options_.config, *api->service_));
  return api;
}

uint16_t ApiServer::port() const { return server_->port(); }
std::string ApiServer::url() const { return server_->url(); }
const Router& ApiServer::router() const { return service_->router(); }

bool ApiServer::Shutdown() {
  draining_.store(true);
  return server_ ? server_->Shutdown() : true;
}

}  // namespace mamori::api
