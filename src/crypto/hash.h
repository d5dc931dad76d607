// SHA-256 and HMAC-SHA-256.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "crypto/secret.h"

namespace mamori::crypto {

using Digest = std::array<uint8_t, 32>;

inline std::string_view DigestView(const Digest& d) {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}

Digest Sha256(std::string_view data);
// SHA-256 over the concatenation of parts, without building it.
Digest Sha256Parts(std::initializer_list<std::string_view> parts);

// Incremental SHA-256 (EVP_MD_CTX); reusable after Finish via Reset.
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;
  void Update(std::string_view data);
  Digest Finish();  // also resets
 private:
  void* ctx_;  // EVP_MD_CTX*
};

Digest HmacSha256(const SecretBytes& key, std::string_view data);

}  // namespace mamori::crypto
