// The messages nodes exchange (internal to the exchange module).
//
// On the wire: POST /v1/exchange/{kind} with {"sealed": base64(CMS)}; the
// answer {"sealed": base64(CMS)} to the sender. Inside the seal, JSON:
//   {"message": "<payload text>", "receipt": {body, signature}}
// where the payload text is the JSON below, carried as a string so that
// the digest in the receipt is over exactly the bytes both sides hold:
//   v "1", kind, from, to, location, idempotency_key, legal_basis,
//   sent_at (UTC), items (names), records (objects of item → string),
//   state ("suspended" | "active", notices only).
// An answer holds {"receipt": …} and, to a request, "provision": the
// provision's own {"message", "receipt"}; a "receipt" call carries
// {"kind", "idempotency_key", "receipt"}.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "core/time.h"

namespace mamori::exchange::internal {

struct Payload {
  std::string kind, from, to, location, idempotency_key, legal_basis;
  TimeMicros sent_at = 0;
  std::vector<std::string> items;
  nlohmann::json records = nlohmann::json::array();
  std::string state;
};

std::string EncodePayload(const Payload& p);
// kInvalidArgument naming "message" for anything malformed.
Result<Payload> DecodePayload(std::string_view text);

// Lower-case hex SHA-256.
std::string DigestHex(std::string_view bytes);
std::string JoinItems(const std::vector<std::string>& items);

}  // namespace mamori::exchange::internal
