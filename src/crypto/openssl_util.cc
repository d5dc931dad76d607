#include "crypto/openssl_util.h"

#include <openssl/err.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace mamori::crypto::internal {

const EVP_MD* Sha256Md() {
  static const EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  return md;
}

EVP_MAC* HmacMac() {
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}

EVP_KDF* HkdfKdf() {
  static EVP_KDF* const kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
  return kdf;
}

const EVP_CIPHER* Aes256GcmCipher() {
  static const EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  return cipher;
}

namespace {

// The oldest queued reason is usually the root cause; reasons are fixed
// library strings, so they never carry key material.
std::string DrainErrorQueue() {
  unsigned long first = ERR_get_error();
  ERR_clear_error();
  if (first == 0) return "no OpenSSL error recorded";
  const char* reason = ERR_reason_error_string(first);
  return reason != nullptr ? reason : "unknown OpenSSL error";
}

}  // namespace

Status OpensslError(std::string_view what) {
  std::string reason = DrainErrorQueue();
  return Status::Internal("OpenSSL " + std::string(what) + " failed: " + reason,
                          "OpenSSL の " + std::string(what) + " が失敗しました: " + reason);
}

void FatalOpensslError(std::string_view what) {
  std::string reason = DrainErrorQueue();
  std::fprintf(stderr, "mamori: fatal: OpenSSL %.*s failed: %s\n", static_cast<int>(what.size()),
               what.data(), reason.c_str());
  std::abort();
}

}  // namespace mamori::crypto::internal
