// The sealed form of one record version as stored under r/ and h/: metadata
// in clear (no personal data: ids, times, versions, key id, index tags) and
// each field value sealed with AES-256-GCM under the record key. The whole
// envelope is bound to its record by an authentication code, and to the
// version before it by that version's hash (integrity.h).
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
  // RowHash of the stored row of version - 1; empty for version 1 and in
  // rows written before envelopes were authenticated.
  std::string prev;
  // HMAC-SHA-256 (32 bytes) over EnvelopeMacInput; empty in rows written
  // before envelopes were authenticated.
  std::string mac;

  std::string Encode() const;
  // kDataLoss with a fixed message (the member at fault, or the byte offset
  // of a JSON syntax error): never the stored bytes.
  static Result<Envelope> Decode(std::string_view bytes);
};

// Decode for the row of `record`: kDataLoss naming the record id (when it
// has the shape of one) and what did not parse.
Result<Envelope> DecodeRow(std::string_view record, std::string_view bytes);

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
