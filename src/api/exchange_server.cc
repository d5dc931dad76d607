#include "api/exchange_server.h"

#include "api/metrics.h"
#include "api/routes.h"
#include "api/server.h"
#include "api/service.h"
#include "api/tls_context.h"
#include "audit/event.h"

namespace mamori::api {

// Named, not anonymous: ExchangeServer::Impl holds these by value.
namespace exchange_listener {

engine::Context PeerContext(std::string_view cert_sha256, std::string_view request_id) {
  engine::Context ctx;
  ctx.actor = "peer:unknown";
  ctx.terminal = cert_sha256.empty() ? "peer" : "cert:" + std::string(cert_sha256);
  ctx.request_id = std::string(request_id);
  return ctx;
}

// The handshake's admission: the certificate's pin names a usable
// connection.
class PinAdmission final : public PinnedPeerAdmission {
 public:
  PinAdmission(engine::Engine& engine, exchange::Node& node) : engine_(engine), node_(node) {}

  Status AdmitPeer(std::string_view der) override {
    auto cert = exchange::ParsePeerCertificate(der);
    if (!cert) {
      return Status::PermissionDenied("the peer's certificate cannot be read",
                                      "相手方の証明書を読み取れません",
                                      std::string(exchange::kUnpinnedPeer));
    }
    return StatusOf(node_.connections().ForPeer(*cert, NowMicros()));
  }

  void Refused(std::string_view cert_sha256, const PeerInfo& peer, const Status& why) override {
    (void)peer;
    (void)engine_.RecordRefusal(PeerContext(cert_sha256, ""), "exchange.connect", "", why);
  }

 private:
  engine::Engine& engine_;
  exchange::Node& node_;
};

// The request's principal: the connection the certificate's pin names.
class PeerAuthenticator final : public Authenticator {
 public:
  explicit PeerAuthenticator(exchange::Node& node) : node_(node) {}

  Result<identity::Principal> Authenticate(const RequestInfo& request) override {
    auto cert = exchange::ParsePeerCertificate(request.peer.cert_der);
    if (!cert) {
      return Fail(Status::Unauthenticated("a peer node's certificate is required",
                                          "相手方ノードの証明書が必要です", "peer"));
    }
    auto c = node_.connections().ForPeer(*cert, NowMicros());
    if (!c) {
      return Fail(Status::Unauthenticated("the peer's certificate names no usable connection",
                                          "相手方の証明書に対応する有効な接続がありません",
                                          c.error().subject()));
    }
    identity::Principal p;
    p.kind = identity::PrincipalKind::kPeer;
    p.id = "peer:" + c->id;
    p.display_name = c->counterpart;
    p.terminal.fingerprint = request.peer.cert_sha256;
    return p;
  }

 private:
  exchange::Node& node_;
};

// Peers may call the exchange's operations and nothing else.
class PeerAuthorizer final : public Authorizer {
 public:
  explicit PeerAuthorizer(engine::Engine& engine) : engine_(engine) {}

  Status Authorize(const identity::Principal& principal, const Action& action) override {
    if (principal.kind == identity::PrincipalKind::kPeer &&
        action.operation.starts_with("exchange.")) {
      return Status::Ok();
    }
    const Status why = Status::PermissionDenied("only peer nodes call the exchange listener",
                                                "交換用の受付は相手方ノード専用です", "peer");
    engine::Context ctx;
    ctx.actor = audit::EventIdentifier(principal.id);
    ctx.request_id = std::string(action.request_id);
    return engine_.RecordRefusal(ctx, std::string(action.operation), "", why);
  }

  Status CheckDeclaration(const RouteSpec& spec) const override {
    if (spec.guard != Guard::kPeer) {
      return Status::FailedPrecondition("the exchange listener serves peer routes only",
                                        "交換用の受付は相手方ノードのルートのみを扱います",
                                        "route");
    }
    return Status::Ok();
  }

 private:
  engine::Engine& engine_;
};

// Records the requests refused before the node saw them (no certificate,
// unknown routes, malformed framing).
class PeerAuditor final : public RequestAuditor {
 public:
  explicit PeerAuditor(engine::Engine& engine) : engine_(engine) {}
  void Refused(const RequestInfo& request, const identity::Principal* principal,
               const Problem& problem) override {
    engine::Context ctx = PeerContext(request.peer.cert_sha256, request.request_id);
    if (principal) ctx.actor = audit::EventIdentifier(principal->id);
    const Status why(
        Code::kPermissionDenied, problem.detail, problem.detail_ja,
        audit::EventIdentifier(problem.subject.empty() ? problem.code : problem.subject));
    (void)engine_.RecordRefusal(ctx, "exchange.request", "", why);
  }

 private:
  engine::Engine& engine_;
};

}  // namespace exchange_listener

struct ExchangeServer::Impl {
  Impl(engine::Engine& e, exchange::Node& n, const ExchangeServerOptions& o)
      : logger(o.log_level, o.log_sink),
        admission(e, n),
        authenticator(n),
        authorizer(e),
        auditor(e) {}
  Logger logger;
  Metrics metrics;
  exchange_listener::PinAdmission admission;
  exchange_listener::PeerAuthenticator authenticator;
  exchange_listener::PeerAuthorizer authorizer;
  exchange_listener::PeerAuditor auditor;
  std::unique_ptr<Service> service;
  std::unique_ptr<Server> server;
  std::string host;
};

ExchangeServer::ExchangeServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ExchangeServer::~ExchangeServer() { Shutdown(); }

Result<std::unique_ptr<ExchangeServer>> ExchangeServer::Start(
    engine::Engine& engine, exchange::Node& node, const ExchangeServerOptions& options) {
  auto impl = std::make_unique<Impl>(engine, node, options);
  Router router;
  RouteDeps deps;
  deps.engine = &engine;
  deps.exchange = &node;
  MAMORI_RETURN_IF_ERROR(AddExchangeRoutes(router, deps));
  impl->service =
      std::make_unique<Service>(std::move(router), impl->authenticator, impl->authorizer,
                                impl->logger, impl->metrics, &impl->auditor);
  MAMORI_RETURN_IF_ERROR(impl->service->CheckRoutes());
  ServerConfig config;
  config.host = options.host;
  config.port = options.port;
  config.threads = 1;
  config.handler_threads = options.handler_threads;
  config.deferred_threads = 1;
  config.log_level = options.log_level;
  config.tls.certificate = node.identity().certificate_path;
  config.tls.private_key = node.identity().private_key_path;
  config.tls.pinned_peers = true;
  // Sealed batches of notifications are larger than an API request: the
  // largest body the configuration allows.
  config.limits.max_body_bytes = 64 * 1024 * 1024;
  config.limits.max_connections = 256;
  impl->host = options.host;
  MAMORI_ASSIGN_OR_RETURN(impl->server, Server::Start(config, *impl->service, &impl->admission));
  return std::unique_ptr<ExchangeServer>(new ExchangeServer(std::move(impl)));
}

uint16_t ExchangeServer::port() const { return impl_->server->port(); }
std::string ExchangeServer::url() const {
  return "https://" + impl_->host + ":" + std::to_string(port());
}
bool ExchangeServer::Shutdown() { return impl_->server ? impl_->server->Shutdown() : true; }

}  // namespace mamori::api
