// How a node reaches its counterparts: one HTTPS POST over mutually
// authenticated TLS pinned to the connection (api/exchange_client.h
// implements it with the server's TLS policy). The exchange module defines
// the interface so that it stays below api in the module order.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "exchange/connection.h"

namespace mamori::exchange {

struct Reply {
  int status = 0;
  std::string body;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // POSTs `body` (application/json) to to.url + path, presenting this
  // node's certificate and accepting only a server whose certificate
  // matches to.pin. kUnavailable when the counterpart cannot be reached or
  // the handshake fails (an unpinned server included: subject
  // "exchange.unpinned_peer"); otherwise the answer, whatever its status.
  virtual Result<Reply> Post(const Connection& to, std::string_view path,
                             const std::string& body) = 0;
};

}  // namespace mamori::exchange
