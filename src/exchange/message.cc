#include "exchange/message.h"

#include "core/encoding.h"
#include "crypto/hash.h"

namespace mamori::exchange::internal {

using nlohmann::json;

std::string EncodePayload(const Payload& p) {
  json j = {{"v", "1"},
            {"kind", p.kind},
            {"from", p.from},
            {"to", p.to},
            {"location", p.location},
            {"idempotency_key", p.idempotency_key},
            {"legal_basis", p.legal_basis},
            {"sent_at", FormatUtc(p.sent_at)},
            {"items", p.items},
            {"records", p.records}};
  if (!p.state.empty()) j["state"] = p.state;
  return j.dump();
}

Result<Payload> DecodePayload(std::string_view text) {
  auto bad = [] {
    return Status::InvalidArgument("the message is malformed", "メッセージの形式が正しくありません",
                                   "message");
  };
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Fail(bad());
  try {
    if (j.at("v") != "1") return Fail(bad());
    Payload p;
    p.kind = j.at("kind");
    p.from = j.at("from");
    p.to = j.at("to");
    p.location = j.at("location");
    p.idempotency_key = j.at("idempotency_key");
    p.legal_basis = j.at("legal_basis");
    auto t = ParseUtc(j.at("sent_at").get<std::string>());
    if (!t) return Fail(bad());
    p.sent_at = *t;
    p.items = j.at("items").get<std::vector<std::string>>();
    p.records = j.at("records");
    if (!p.records.is_array()) return Fail(bad());
    p.state = j.value("state", "");
    for (const auto& [k, v] : j.items()) {
      static const std::vector<std::string> known = {
          "v",           "kind",    "from",  "to",      "location", "idempotency_key",
          "legal_basis", "sent_at", "items", "records", "state"};
      if (std::find(known.begin(), known.end(), k) == known.end()) return Fail(bad());
    }
    return p;
  } catch (const json::exception&) {
    return Fail(bad());
  }
}

std::string DigestHex(std::string_view bytes) {
  return HexEncode(crypto::DigestView(crypto::Sha256(bytes)));
}

std::string JoinItems(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += ',';
    out += i;
  }
  return out;
}

}  // namespace mamori::exchange::internal
