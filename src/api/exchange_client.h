// The node-to-node client (exchange/transport.h): one HTTPS POST per call
// to the counterpart's exchange listener, with the server's TLS policy
// (tls_context.h: TLS 1.3 or 1.2 ECDHE-AES-GCM only), this node's
// certificate presented, and the server accepted only when its certificate
// matches the connection's pin — no CA is consulted (docs/REQUIREMENTS.md
// §9, mutual authentication of both ends [001 第4 3]). A server whose
// certificate is not pinned fails the handshake: kUnavailable, subject
// "exchange.unpinned_peer". Each call has a deadline (`timeout`) for
// connecting, the handshake, writing and reading. Thread-safe: every call
// has its own context and socket.
#pragma once

#include <chrono>

#include "exchange/node.h"
#include "exchange/transport.h"

namespace mamori::api {

class ExchangeClient final : public exchange::Transport {
 public:
  // `node` must outlive the client.
  explicit ExchangeClient(exchange::Node& node,
                          std::chrono::milliseconds timeout = std::chrono::seconds(15))
      : node_(node), timeout_(timeout) {}

  Result<exchange::Reply> Post(const exchange::Connection& to, std::string_view path,
                               const std::string& body) override;

 private:
  exchange::Node& node_;
  std::chrono::milliseconds timeout_;
};

}  // namespace mamori::api
