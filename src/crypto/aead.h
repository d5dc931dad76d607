// AES-256-GCM with a random 96-bit nonce per seal.
//
// Sealed format: nonce (12 bytes) || ciphertext || tag (16 bytes). The
// associated data is authenticated, not stored: the caller must present the
// same bytes to Open. Random nonces are safe here because each record key
// seals few values (well under the 2^32 NIST limit).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "crypto/secret.h"

namespace mamori::crypto {

inline constexpr size_t kAeadKeySize = 32;
inline constexpr size_t kAeadNonceSize = 12;
inline constexpr size_t kAeadTagSize = 16;
inline constexpr size_t kAeadOverhead = kAeadNonceSize + kAeadTagSize;

// Fails with kInvalidArgument when key is not 32 bytes.
Result<std::string> AeadSeal(const SecretBytes& key, std::string_view plaintext,
                             std::string_view associated_data);
// kDataLoss when the tag does not verify (wrong key, wrong associated data, any
// flipped byte); kInvalidArgument when sealed is shorter than kAeadOverhead.
Result<std::string> AeadOpen(const SecretBytes& key, std::string_view sealed,
                             std::string_view associated_data);
// Same, for wrapping keys: the plaintext is returned as SecretBytes.
Result<std::string> AeadSealSecret(const SecretBytes& key, const SecretBytes& plaintext,
                                   std::string_view associated_data);
Result<SecretBytes> AeadOpenSecret(const SecretBytes& key, std::string_view sealed,
                                   std::string_view associated_data);

}  // namespace mamori::crypto
