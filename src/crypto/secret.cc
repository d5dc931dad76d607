#include "crypto/secret.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cstring>
#include <new>
#include <utility>

namespace mamori::crypto {

SecretBytes::SecretBytes(size_t size) {
  if (size == 0) return;
  // The secure heap first; without one OPENSSL_secure_zalloc is a plain
  // zalloc, and when it is full the ordinary heap takes over.
  void* p = OPENSSL_secure_zalloc(size);
  if (p == nullptr) p = OPENSSL_zalloc(size);
  if (p == nullptr) throw std::bad_alloc();
  // The secure heap's zalloc relies on blocks having been cleared when freed;
  // the contract here is zero-filled whatever the heap.
  std::memset(p, 0, size);
  data_ = static_cast<uint8_t*>(p);
  size_ = size;
}

bool SecretBytes::InSecureHeap() const {
  return data_ != nullptr && CRYPTO_secure_allocated(data_) == 1;
}

SecretBytes::SecretBytes(std::string_view bytes) : SecretBytes(bytes.size()) {
  if (!bytes.empty()) std::copy(bytes.begin(), bytes.end(), reinterpret_cast<char*>(data_));
}

SecretBytes::~SecretBytes() { Wipe(); }

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    Wipe();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

// OPENSSL_cleanse (inside the *_clear_free calls) rather than memset: the
// compiler may drop a memset of memory that is about to be freed.
void SecretBytes::Wipe() {
  if (data_ != nullptr) {
    if (CRYPTO_secure_allocated(data_) == 1) {
      OPENSSL_secure_clear_free(data_, size_);
    } else {
      OPENSSL_clear_free(data_, size_);
    }
  }
  data_ = nullptr;
  size_ = 0;
}

void WipeString(std::string& s) {
  // Grow to the capacity first so bytes past size() left by an earlier, longer
  // value are wiped too.
  s.resize(s.capacity());
  OPENSSL_cleanse(s.data(), s.size());
  s.clear();
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  // Lengths are not secret (MACs and digests have fixed sizes); only the
  // contents must be compared without an early exit.
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace mamori::crypto
