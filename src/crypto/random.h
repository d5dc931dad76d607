// Cryptographically secure randomness (OpenSSL RAND_bytes, DRBG seeded by the OS).
#pragma once

#include <string>

#include "core/status.h"
#include "crypto/secret.h"

namespace mamori::crypto {

Result<std::string> RandomBytes(size_t n);
Result<SecretBytes> RandomSecret(size_t n);
// A uniformly random integer in [0, bound), bound > 0 (rejection sampling).
Result<uint64_t> RandomBelow(uint64_t bound);

}  // namespace mamori::crypto
