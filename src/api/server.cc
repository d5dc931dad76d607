#include "api/server.h"

#include <atomic>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <nlohmann/json.hpp>

#include "api/rate_limiter.h"
#include "api/session.h"
#include "api/tls_context.h"

namespace mamori::api {

namespace net = boost::asio;
using tcp = net::ip::tcp;

struct Server::Impl {
  Impl(const ServerConfig& c, Service& s, std::unique_ptr<net::ssl::context> t,
       CertificateAdmission* admission)
      : config(c),
        service(s),
        tls(std::move(t)),
        handlers(config.HandlerThreads()),
        deferred(config.DeferredThreads()),
        state(config, service, handlers, deferred, admission),
        acceptor(net::make_strand(ioc)),
        retry(acceptor.get_executor()),
        work(net::make_work_guard(ioc)) {}

  void Accept();
  void OnAccept(boost::system::error_code ec, tcp::socket socket);

  // Members are destroyed in reverse: the io_context (holding the last
  // sessions) goes before the state and TLS context they refer to.
  const ServerConfig config;
  Service& service;
  std::unique_ptr<net::ssl::context> tls;
  net::thread_pool handlers;
  net::thread_pool deferred;
  ServerState state;
  net::io_context ioc;
  tcp::acceptor acceptor;
  net::steady_timer retry;
  net::executor_work_guard<net::io_context::executor_type> work;
  std::vector<std::thread> threads;
  uint16_t port = 0;
  std::atomic<bool> stopped{false};
  bool clean = true;
};

void Server::Impl::Accept() {
  acceptor.async_accept(net::make_strand(ioc),
                        [this](boost::system::error_code ec, tcp::socket socket) {
                          OnAccept(ec, std::move(socket));
                        });
}

void Server::Impl::OnAccept(boost::system::error_code ec, tcp::socket socket) {
  if (!acceptor.is_open() || ec == net::error::operation_aborted) return;
  if (ec) {
    // Out of descriptors and the like: back off instead of spinning.
    service.logger().Log(LogLevel::kWarn, "accept failed", {{"error", ec.message()}});
    retry.expires_after(std::chrono::milliseconds(100));
    retry.async_wait([this](boost::system::error_code wait_ec) {
      if (!wait_ec && acceptor.is_open()) Accept();
    });
    return;
  }
  boost::system::error_code ignored;
  const auto peer = socket.remote_endpoint(ignored);
  std::string address_key = AddressKey(ignored ? "" : peer.address().to_string());
  if (state.draining.load()) {
    socket.close(ignored);
  } else if (state.Active() >= config.limits.max_connections) {
    service.metrics().ConnectionRejected("max_connections");
    socket.close(ignored);
  } else if (!state.AdmitAddress(address_key)) {
    service.metrics().ConnectionRejected("per_address");
    socket.close(ignored);
  } else {
    socket.set_option(tcp::no_delay(true), ignored);
    std::make_shared<Session>(std::move(socket), *tls, state, std::move(address_key))->Start();
  }
  Accept();
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { Shutdown(); }

Result<std::unique_ptr<Server>> Server::Start(const ServerConfig& config, Service& service,
                                              CertificateAdmission* admission) {
  MAMORI_RETURN_IF_ERROR(ValidateConfig(config));
  if (config.tls.certificate.empty()) {
    return Fail(Status::InvalidArgument("a TLS certificate and key are required",
                                        "TLS の証明書と秘密鍵が必要です", "tls"));
  }
  MAMORI_ASSIGN_OR_RETURN(auto tls, MakeServerTlsContext(config.tls, admission));
  auto impl = std::make_unique<Impl>(config, service, std::move(tls), admission);

  boost::system::error_code ec;
  const auto address = net::ip::make_address(config.host, ec);
  if (ec) {
    return Fail(Status::InvalidArgument(
        "listen address must be an IP address: " + config.host,
        "待ち受けアドレスはIPアドレスで指定してください: " + config.host, "listen"));
  }
  const tcp::endpoint endpoint(address, config.port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (!ec) impl->port = impl->acceptor.local_endpoint(ec).port();
  if (ec) {
    return Fail(Status::Unavailable(
        "cannot listen on " + config.host + ":" + std::to_string(config.port) + ": " + ec.message(),
        config.host + ":" + std::to_string(config.port) + " で待ち受けできません", "listen"));
  }
  Impl* raw = impl.get();
  net::post(raw->acceptor.get_executor(), [raw] { raw->Accept(); });
  for (unsigned i = 0; i < config.IoThreads(); ++i) {
    raw->threads.emplace_back([raw] { raw->ioc.run(); });
  }
  service.logger().Log(LogLevel::kInfo, "listening",
                       {{"address", config.host},
                        {"port", raw->port},
                        {"io_threads", config.IoThreads()},
                        {"handler_threads", config.HandlerThreads()},
                        {"deferred_threads", config.DeferredThreads()},
                        {"require_terminal_certificate", config.tls.require_terminal_certificate}});
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

uint16_t Server::port() const { return impl_->port; }

std::string Server::url() const {
  const std::string& host = impl_->config.host;
  const bool v6 = host.find(':') != std::string::npos;
  return "https://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(impl_->port) + "/";
}

bool Server::Shutdown() {
  Impl& s = *impl_;
  if (s.stopped.exchange(true)) return s.clean;
  const auto deadline = std::chrono::steady_clock::now() + s.config.timeouts.shutdown;
  s.state.draining.store(true);
  net::post(s.acceptor.get_executor(), [&s] {
    boost::system::error_code ignored;
    s.acceptor.close(ignored);
    s.retry.cancel();
  });
  s.state.DrainAll();
  s.clean = s.state.WaitIdle(deadline);
  const size_t cut = s.state.Active();
  s.work.reset();
  s.ioc.stop();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
  // Handlers already running finish their engine operation: the caller
  // closes the engine next, and it must not be in use then. Deferred ones
  // answer from the store's thread, which must be done with this server.
  s.handlers.join();
  s.deferred.join();
  s.state.WaitRequestsFinished();
  s.service.logger().Log(LogLevel::kInfo, "stopped",
                         {{"clean", s.clean}, {"connections_cut", cut}});
  return s.clean;
}

}  // namespace mamori::api
