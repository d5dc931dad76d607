// The sealed form of one record version as stored under r/ and h/: metadata
// in clear (no personal data: ids, times, versions, key id, index tags) and
// each field value sealed with AES-256-GCM under the record key.
#pragma once

#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "core/time.h"
#include "crypto/secret.h"

namespace mamori::engine {

struct Envelope {
  uint32_t version = 1;
  std::string key_id;
  uint32_t definition_version = 0;
  TimeMicros created_at = 0, updated_at = 0;
  std::string created_by, updated_by;
  std::optional<CivilDate> end_of_use, deadline;
  std::map<std::string, std::string> sealed;      // field → nonce||ciphertext||tag
  std::map<std::string, std::string> index_tags;  // field → hex HMAC

  std::string Encode() const;
  static Result<Envelope> Decode(std::string_view bytes);
};

// Record ids: 32 lower-case hex characters (time-ordered, random).
bool IsRecordId(std::string_view id);

// Associated data of one sealed value.
std::string ValueAssociatedData(std::string_view dataset, std::string_view record, uint32_t version,
                                std::string_view field, std::string_view key_id);

// Seals every value (normalised JSON) of a record version.
Result<std::map<std::string, std::string>> SealValues(const crypto::SecretBytes& record_key,
                                                      std::string_view dataset,
                                                      std::string_view record, uint32_t version,
                                                      std::string_view key_id,
                                                      const nlohmann::json& values);
// Opens every value; kDataLoss naming the record and field on any
// authentication failure.
Result<nlohmann::json> OpenValues(const crypto::SecretBytes& record_key, std::string_view dataset,
                                  std::string_view record, const Envelope& env);

}  // namespace mamori::engine
