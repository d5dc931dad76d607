// Sealing of the personal and secret values identity keeps (birth date,
// phone number, TOTP secrets) and keyed references for audit events.
//
// The caller's 32-byte key is never used directly: HKDF-SHA-256 derives a
// sealing key and a reference key from it. Values are sealed with
// AES-256-GCM; the associated data "mamori/identity/v1|<owner>|<field>" binds
// each ciphertext to its owner and field, so it cannot be moved to another
// user or field. Sealed values are base64 text for the JSON records.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "crypto/secret.h"

namespace mamori::identity {

class Sealer {
 public:
  // kInvalidArgument unless key is 32 bytes.
  static Result<Sealer> Create(const crypto::SecretBytes& key);

  Result<std::string> Seal(std::string_view owner, std::string_view field,
                           std::string_view plaintext) const;
  // kDataLoss when the ciphertext was altered, moved or sealed under another key.
  Result<std::string> Open(std::string_view owner, std::string_view field,
                           std::string_view sealed) const;
  Result<crypto::SecretBytes> OpenSecret(std::string_view owner, std::string_view field,
                                         std::string_view sealed) const;
  Result<std::string> SealSecret(std::string_view owner, std::string_view field,
                                 const crypto::SecretBytes& secret) const;

  // HMAC-SHA-256(reference key, kind || 0 || value), first 16 bytes, hex: lets
  // the audit log correlate events about a value (e.g. an unknown ID someone
  // tried, which might be a mistyped password) without containing it.
  std::string Reference(std::string_view kind, std::string_view value) const;

 private:
  crypto::SecretBytes seal_key_;
  crypto::SecretBytes ref_key_;
};

}  // namespace mamori::identity
