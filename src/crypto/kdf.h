// Key derivation: HKDF-SHA-256 (RFC 5869) and Argon2id (RFC 9106) for
// passphrases and passwords.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"
#include "crypto/secret.h"

namespace mamori::crypto {

Result<SecretBytes> HkdfSha256(const SecretBytes& input_key, std::string_view salt,
                               std::string_view info, size_t length);

struct Argon2Params {
  uint32_t time_cost = 3;           // passes
  uint32_t memory_kib = 64 * 1024;  // 64 MiB
  uint32_t parallelism = 1;
};

// Raw Argon2id output of `length` bytes; salt must be at least 16 bytes.
Result<SecretBytes> Argon2idDerive(std::string_view secret, std::string_view salt,
                                   const Argon2Params& params, size_t length);

// The same with RFC 9106's optional inputs: the secret value K (a pepper held
// outside the database, so a stolen database alone cannot be brute-forced) and
// the associated data X. Argon2idDerive is this with both empty.
Result<SecretBytes> Argon2idDeriveWithPepper(std::string_view secret, std::string_view salt,
                                             const SecretBytes& pepper,
                                             std::string_view associated_data,
                                             const Argon2Params& params, size_t length);

// PHC-format encoded hash ("$argon2id$v=19$m=...,t=...,p=...$salt$hash") with a
// fresh random salt.
Result<std::string> Argon2idHashPassword(std::string_view password, const Argon2Params& params);
// The memory cost (m=, in KiB) of a PHC-format argon2id hash: what verifying
// a password against it allocates. kInvalidArgument when `encoded` is not
// an argon2id hash with a memory cost.
Result<uint32_t> Argon2idMemoryKib(std::string_view encoded);

// true when password matches; the comparison is constant-time. kInvalidArgument
// for an encoded string that is not a valid argon2id hash.
Result<bool> Argon2idVerifyPassword(std::string_view password, std::string_view encoded);

}  // namespace mamori::crypto
