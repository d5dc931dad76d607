#include "engine/envelope.h"

#include "core/encoding.h"
#include "crypto/aead.h"
#include "engine/dataset.h"

namespace mamori::engine {
namespace {
// Fixed wording only: `what` names a member, never quotes stored bytes.
Status Corrupt(const std::string& what) {
  return Status::DataLoss("stored record envelope is damaged (" + what + ")",
                          "保存されたレコードが破損しています (" + what + ")");
}

bool IsKeyId(std::string_view id) { return IsRecordId(id); }  // same shape: 32 hex
}  // namespace

std::string Envelope::Encode() const {
  nlohmann::json j;
  j["v"] = version;
  j["k"] = key_id;
  j["dv"] = definition_version;
  j["c"] = created_at;
  j["u"] = updated_at;
  j["cb"] = created_by;
  j["ub"] = updated_by;
  if (end_of_use) j["e"] = FormatDate(*end_of_use);
  if (deadline) j["d"] = FormatDate(*deadline);
  nlohmann::json f = nlohmann::json::object();
  for (const auto& [field, bytes] : sealed) f[field] = Base64Encode(bytes);
  j["f"] = std::move(f);
  j["x"] = index_tags;
  if (!prev.empty()) j["p"] = prev;
  if (!mac.empty()) j["m"] = Base64Encode(mac);
  // Actor ids are the caller's; replace rather than throw on bad UTF-8.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<Envelope> Envelope::Decode(std::string_view bytes) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(bytes);
  } catch (const nlohmann::json::parse_error& e) {
    // The parser's own message quotes the bytes it stopped at: only the offset.
    return Fail(Corrupt("not JSON at byte " + std::to_string(e.byte)));
  } catch (const nlohmann::json::exception&) {
    return Fail(Corrupt("not JSON"));
  }
  if (!j.is_object()) return Fail(Corrupt("not a JSON object"));
  try {
    Envelope env;
    env.version = j.at("v").get<uint32_t>();
    env.key_id = j.at("k").get<std::string>();
    if (!IsKeyId(env.key_id)) return Fail(Corrupt("key id"));
    env.definition_version = j.at("dv").get<uint32_t>();
    env.created_at = j.at("c").get<int64_t>();
    env.updated_at = j.at("u").get<int64_t>();
    env.created_by = j.value("cb", "");
    env.updated_by = j.value("ub", "");
    if (j.contains("e")) {
      env.end_of_use = ParseDate(j["e"].get<std::string>());
      if (!env.end_of_use) return Fail(Corrupt("end of use"));
    }
    if (j.contains("d")) {
      env.deadline = ParseDate(j["d"].get<std::string>());
      if (!env.deadline) return Fail(Corrupt("deadline"));
    }
    for (const auto& [field, b64] : j.at("f").items()) {
      if (!IsValidName(field)) return Fail(Corrupt("field name"));
      auto raw = Base64Decode(b64.get<std::string>());
      if (!raw) return Fail(Corrupt("sealed value"));
      env.sealed[field] = std::move(*raw);
    }
    for (const auto& [field, tag] : j.at("x").items()) {
      if (!IsValidName(field)) return Fail(Corrupt("index field name"));
      env.index_tags[field] = tag.get<std::string>();
    }
    if (j.contains("p")) {
      env.prev = j["p"].get<std::string>();
      if (env.prev.empty()) return Fail(Corrupt("previous version"));
    }
    if (j.contains("m")) {
      auto mac = Base64Decode(j["m"].get<std::string>());
      if (!mac || mac->empty()) return Fail(Corrupt("authentication code"));
      env.mac = std::move(*mac);
    }
    return env;
  } catch (const nlohmann::json::exception&) {
    return Fail(Corrupt("missing or mistyped member"));
  }
}

Result<Envelope> DecodeRow(std::string_view record, std::string_view bytes) {
  auto env = Envelope::Decode(bytes);
  if (env) return env;
  const std::string id = IsRecordId(record) ? std::string(record) : "(malformed id)";
  return Fail(Status::DataLoss("stored row of record " + id + " does not parse: " +
                                   env.error().message() + "; nothing of it is returned",
                               "レコード " + id + " の保存データを解析できません: " +
                                   env.error().message_ja() + "。値は返しません",
                               "id"));
}

bool IsRecordId(std::string_view id) {
  if (id.size() != 32) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string ValueAssociatedData(std::string_view dataset, std::string_view record, uint32_t version,
                                std::string_view field, std::string_view key_id) {
  std::string ad = "mamori/value/v1|";
  ad += dataset;
  ad += '|';
  ad += record;
  ad += '|';
  ad += std::to_string(version);
  ad += '|';
  ad += field;
  ad += '|';
  ad += key_id;
  return ad;
}

Result<std::map<std::string, std::string>> SealValues(const crypto::SecretBytes& record_key,
                                                      std::string_view dataset,
                                                      std::string_view record, uint32_t version,
                                                      std::string_view key_id,
                                                      const nlohmann::json& values) {
  std::map<std::string, std::string> out;
  for (const auto& [field, value] : values.items()) {
    MAMORI_ASSIGN_OR_RETURN(
        out[field], crypto::AeadSeal(record_key, value.dump(),
                                     ValueAssociatedData(dataset, record, version, field, key_id)));
  }
  return out;
}

Result<nlohmann::json> OpenValues(const crypto::SecretBytes& record_key, std::string_view dataset,
                                  std::string_view record, const Envelope& env) {
  nlohmann::json values = nlohmann::json::object();
  for (const auto& [field, sealed] : env.sealed) {
    auto plain = crypto::AeadOpen(
        record_key, sealed, ValueAssociatedData(dataset, record, env.version, field, env.key_id));
    if (!plain) {
      // Field names are checked identifiers (Decode), never a value.
      return Fail(Status::DataLoss(
          "record " + std::string(record) + " field '" + field +
              "' failed authentication: the stored value was altered or moved; it is not returned",
          "レコード " + std::string(record) + " の項目「" + field +
              "」の認証に失敗しました。保存値が改ざんまたは移動されています。値は返しません",
          field));
    }
    auto parsed = nlohmann::json::parse(*plain, nullptr, false);
    if (parsed.is_discarded()) return Fail(Corrupt("sealed value of field " + field));
    values[field] = std::move(parsed);
  }
  return values;
}

}  // namespace mamori::engine
