// Identifiers and certificate fingerprints as identity accepts them.
//
// An id (user, service account, terminal) is 1..64 characters of [a-z0-9._-]:
// safe in storage keys ("id/u/<id>"), audit events, URLs and file names, and
// never mistaken for a display name. A fingerprint is the SHA-256 of a DER
// certificate as 64 lower-case hex digits.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mamori::identity {

inline constexpr size_t kMaxIdLength = 64;

bool IsValidId(std::string_view id);
// kInvalidArgument naming `what` ("user", "terminal", …) when !IsValidId(id).
Status CheckId(std::string_view id, std::string_view what);

// The actors the software itself writes into the audit log and the rights
// register: "anonymous" (a client that presented no credentials) and
// "mamori" (a step the software took, policy::kSystemActor). No person or
// application may hold one, or their acts would read as the software's.
inline constexpr std::string_view kReservedIds[] = {"anonymous", "mamori"};
constexpr bool IsReservedId(std::string_view id) {
  for (std::string_view r : kReservedIds) {
    if (r == id) return true;
  }
  return false;
}
// CheckId, and kInvalidArgument naming `what` for a reserved id: for ids
// being created (existing ones are still looked up with CheckId).
Status CheckNewId(std::string_view id, std::string_view what);

// Accepts upper or lower case, with or without ':' separators (as `openssl
// x509 -fingerprint -sha256` prints them); returns 64 lower-case hex digits,
// or nullopt when the input is not a SHA-256 fingerprint.
std::optional<std::string> NormaliseFingerprint(std::string_view fingerprint);

// A free-text label (display name, department, position, description):
// 1..max_bytes bytes of valid UTF-8 without control characters.
Status CheckLabel(std::string_view text, std::string_view field, size_t max_bytes,
                  bool allow_empty = false);

}  // namespace mamori::identity
