// Internal to crypto/: RAII owners for OpenSSL objects, the algorithms fetched
// once per process, and the mapping of OpenSSL failures to Status. Not for use
// outside src/crypto/.
#pragma once

#include <openssl/bio.h>
#include <openssl/decoder.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include <cstdint>
#include <memory>
#include <string_view>

#include "core/status.h"

namespace mamori::crypto::internal {

template <auto Free>
struct Deleter {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};

using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, Deleter<&EVP_CIPHER_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<&EVP_MD_CTX_free>>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, Deleter<&EVP_MAC_CTX_free>>;
using KdfCtxPtr = std::unique_ptr<EVP_KDF_CTX, Deleter<&EVP_KDF_CTX_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<&EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<&EVP_PKEY_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<&BIO_free>>;
using EncoderCtxPtr = std::unique_ptr<OSSL_ENCODER_CTX, Deleter<&OSSL_ENCODER_CTX_free>>;
using DecoderCtxPtr = std::unique_ptr<OSSL_DECODER_CTX, Deleter<&OSSL_DECODER_CTX_free>>;

// Explicitly fetched algorithms, cached for the life of the process: OpenSSL 3
// otherwise repeats the provider lookup on every call (implicit fetch), which
// shows up when hashing blind indexes in bulk. Null when the default provider
// lacks the algorithm.
const EVP_MD* Sha256Md();
EVP_MAC* HmacMac();
EVP_KDF* HkdfKdf();
const EVP_CIPHER* Aes256GcmCipher();

// A non-null pointer to the bytes of `s`, even for an empty view: some EVP
// calls treat null as "no input" rather than "zero-length input".
inline const uint8_t* Bytes(std::string_view s) {
  static constexpr uint8_t kEmpty = 0;
  return s.empty() ? &kEmpty : reinterpret_cast<const uint8_t*>(s.data());
}

// kInternal naming the OpenSSL call that failed and the library's reason;
// drains the thread's error queue so the next caller starts clean.
Status OpensslError(std::string_view what);

// For functions whose contract has no error path (digests, key export): an
// OpenSSL failure there means memory exhaustion or a broken installation, and
// carrying on could produce a wrong digest or key, so stop the process.
[[noreturn]] void FatalOpensslError(std::string_view what);

}  // namespace mamori::crypto::internal
