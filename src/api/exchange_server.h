// The exchange listener of a node (docs/REQUIREMENTS.md §9): HTTPS on its
// own address, serving only POST /v1/exchange/{kind} to peer nodes.
//
//   - The handshake demands a client certificate and admits it only when
//     it matches the pin of a connection that is active, within its
//     validity period and located in Japan (exchange/connections.h
//     ForPeer), read from the store at every handshake: a suspension
//     refuses the counterpart's next connection, even one made a moment
//     later by another process. No CA is involved; no session is resumed.
//     A refused certificate is audited as "exchange.connect", reason the
//     refusal ("exchange.unpinned_peer", "exchange.connection_suspended",
//     …), terminal "cert:<sha256>".
//   - The request pipeline (service.h) authenticates the request by the
//     same certificate alone, as a PrincipalKind::kPeer principal
//     "peer:<connection>" — no password, token or session is looked at —
//     and the route's Guard::kPeer admits nobody else.
//   - The node (exchange/node.h) opens and checks the sealed message and
//     answers; every refusal is audited by it.
// The server's TLS certificate is the node's (node_identity.h), so the pin
// a counterpart holds for this node is the one it checks here too.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "api/logger.h"
#include "core/status.h"
#include "engine/engine.h"
#include "exchange/node.h"

namespace mamori::api {

struct ExchangeServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0: an ephemeral port
  unsigned handler_threads = 4;
  LogLevel log_level = LogLevel::kInfo;
  Logger::Sink log_sink;  // empty: stderr
};

class ExchangeServer {
 public:
  // `engine` and `node` must outlive the server.
  static Result<std::unique_ptr<ExchangeServer>> Start(engine::Engine& engine, exchange::Node& node,
                                                       const ExchangeServerOptions& options);
  ~ExchangeServer();

  uint16_t port() const;
  // "https://HOST:PORT"
  std::string url() const;
  bool Shutdown();

 private:
  struct Impl;
  explicit ExchangeServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mamori::api
