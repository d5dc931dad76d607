// The HTTPS server: an asynchronous HTTP/1.1 server on Boost.Beast + Asio
// with OpenSSL (tls_context.h has the TLS policy). HTTPS only — there is no
// plain-HTTP listener at all.
//
//   - `IoThreads()` threads run the sockets; `HandlerThreads()` threads run
//     Service::Handle, which blocks while the engine commits.
//   - Keep-alive; limits on header and body size and on open connections,
//     in all and per client address (beyond either a new connection is
//     closed at accept); every read and write has a deadline (session.h).
//   - With tls.require_terminal_certificate, only clients whose certificate
//     `admission` admits complete the handshake (tls_context.h).
//   - Shutdown(): stop accepting, close idle connections, let requests in
//     progress finish (bounded by timeouts.shutdown), stop the threads. The
//     caller then closes the engine, which signs a final tree head.
//
// Beast stays behind this header (pimpl): including it costs nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "api/auth.h"
#include "api/config.h"
#include "api/service.h"
#include "core/status.h"

namespace mamori::api {

class Server {
 public:
  // Loads TLS material (config.tls.certificate and private_key must be set),
  // binds config.host:config.port (port 0: an ephemeral port) and starts
  // serving. `service` (and `admission`, needed with
  // require_terminal_certificate) must outlive the Server. kInvalidArgument
  // for TLS files that do not load, kUnavailable when the address cannot be
  // bound.
  static Result<std::unique_ptr<Server>> Start(const ServerConfig& config, Service& service,
                                               CertificateAdmission* admission = nullptr);
  ~Server();  // Shutdown()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  uint16_t port() const;
  // "https://HOST:PORT/" with the bound port.
  std::string url() const;

  // Graceful stop (see above); returns when every thread has stopped.
  // Idempotent and thread-safe; must not be called from a handler.
  // Returns false when connections were still open at the deadline (they
  // are cut).
  bool Shutdown();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mamori::api
