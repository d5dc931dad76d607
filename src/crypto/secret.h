// crypto: the only module that talks to OpenSSL and libargon2. Everything that
// touches key material lives here: AEAD (AES-256-GCM), HKDF-SHA-256,
// HMAC-SHA-256, SHA-256, ECDSA P-256, Argon2id, randomness, and SecretBytes,
// which zeroises on destruction. Algorithms are from the CRYPTREC list only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mamori::crypto {

// Owns secret bytes; wipes them (OPENSSL_cleanse) on destruction, move and
// reassignment. Move-only so copies of keys do not spread through the heap.
//
// The bytes live in OpenSSL's secure heap when the process has one
// (crypto/process_protection.h: `mamori` sets it up at start): pages that are
// locked in memory (never swapped), fenced by guard pages and excluded from
// core dumps (MADV_DONTDUMP). When there is none, or it is full, they live on
// the ordinary heap, still wiped when freed; InSecureHeap() tells which.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(size_t size);             // zero-filled
  explicit SecretBytes(std::string_view bytes);  // copies; caller wipes its source
  ~SecretBytes();
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;

  // An explicit copy, for the rare place that must keep two.
  SecretBytes Clone() const { return SecretBytes(view()); }

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::string_view view() const { return {reinterpret_cast<const char*>(data_), size_}; }
  // Whether the bytes are in the secure heap (see above).
  bool InSecureHeap() const;

 private:
  void Wipe();
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

// Wipes a std::string that held a secret (a passphrase read from a file).
void WipeString(std::string& s);

// Constant-time equality (CRYPTO_memcmp); false when lengths differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace mamori::crypto
