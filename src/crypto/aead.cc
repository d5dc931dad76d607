#include "crypto/aead.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/params.h>

#include <climits>
#include <cstring>

#include "crypto/openssl_util.h"
#include "crypto/random.h"

namespace mamori::crypto {

namespace {

using internal::Bytes;

Status CheckKey(const SecretBytes& key) {
  if (key.size() == kAeadKeySize) return Status::Ok();
  return Status::InvalidArgument(
      "AES-256-GCM key must be 32 bytes, got " + std::to_string(key.size()),
      "AES-256-GCM の鍵は 32 バイトでなければなりません（" + std::to_string(key.size()) +
          " バイトでした）",
      "key");
}

// EVP_*Update take int lengths; the margin leaves room for the overhead.
Status CheckLength(std::string_view data, const char* subject) {
  if (data.size() <= static_cast<size_t>(INT_MAX) - kAeadOverhead) return Status::Ok();
  return Status::InvalidArgument(
      std::string(subject) + " is too large for AES-256-GCM",
      std::string(subject) + " が AES-256-GCM で扱える大きさを超えています", subject);
}

Status DataLossStatus() {
  return Status::DataLoss("authentication failed: sealed value was altered or the key is wrong",
                          "認証に失敗しました: 暗号化された値が改ざんされたか、鍵が誤っています",
                          "sealed");
}

// Writes nonce || ciphertext || tag to `out`, which has plaintext.size() +
// kAeadOverhead bytes.
Status SealInto(const SecretBytes& key, std::string_view plaintext, std::string_view ad,
                uint8_t* out) {
  MAMORI_RETURN_IF_ERROR(CheckKey(key));
  MAMORI_RETURN_IF_ERROR(CheckLength(plaintext, "plaintext"));
  MAMORI_RETURN_IF_ERROR(CheckLength(ad, "associated data"));
  const EVP_CIPHER* cipher = internal::Aes256GcmCipher();
  if (cipher == nullptr) return internal::OpensslError("EVP_CIPHER_fetch(AES-256-GCM)");
  MAMORI_ASSIGN_OR_RETURN(std::string nonce, RandomBytes(kAeadNonceSize));
  std::memcpy(out, nonce.data(), kAeadNonceSize);

  internal::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return internal::OpensslError("EVP_CIPHER_CTX_new");
  // The default GCM IV length is 12 bytes, matching kAeadNonceSize.
  if (EVP_EncryptInit_ex2(ctx.get(), cipher, key.data(), out, nullptr) != 1) {
    return internal::OpensslError("EVP_EncryptInit_ex2");
  }
  int len = 0;
  if (!ad.empty() &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, Bytes(ad), static_cast<int>(ad.size())) != 1) {
    return internal::OpensslError("EVP_EncryptUpdate(associated data)");
  }
  uint8_t* ct = out + kAeadNonceSize;
  size_t written = 0;
  if (!plaintext.empty()) {
    if (EVP_EncryptUpdate(ctx.get(), ct, &len, Bytes(plaintext),
                          static_cast<int>(plaintext.size())) != 1) {
      return internal::OpensslError("EVP_EncryptUpdate");
    }
    written = static_cast<size_t>(len);
  }
  if (EVP_EncryptFinal_ex(ctx.get(), ct + written, &len) != 1) {
    return internal::OpensslError("EVP_EncryptFinal_ex");
  }
  written += static_cast<size_t>(len);
  if (written != plaintext.size()) return internal::OpensslError("AES-256-GCM output length");

  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, ct + written, kAeadTagSize),
      OSSL_PARAM_construct_end(),
  };
  if (EVP_CIPHER_CTX_get_params(ctx.get(), params) != 1) {
    return internal::OpensslError("EVP_CIPHER_CTX_get_params(tag)");
  }
  return Status::Ok();
}

// Writes the plaintext (sealed.size() - kAeadOverhead bytes) to `out`. On any
// failure `out` is wiped: GCM releases plaintext before the tag is checked.
Status OpenInto(const SecretBytes& key, std::string_view sealed, std::string_view ad,
                uint8_t* out) {
  const size_t pt_size = sealed.size() - kAeadOverhead;
  const uint8_t* nonce = Bytes(sealed);
  const uint8_t* ct = nonce + kAeadNonceSize;
  // The tag parameter is not const in the API but is only read when setting.
  auto* tag = const_cast<uint8_t*>(ct + pt_size);

  internal::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return internal::OpensslError("EVP_CIPHER_CTX_new");
  if (EVP_DecryptInit_ex2(ctx.get(), internal::Aes256GcmCipher(), key.data(), nonce, nullptr) !=
      1) {
    return internal::OpensslError("EVP_DecryptInit_ex2");
  }
  int len = 0;
  if (!ad.empty() &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, Bytes(ad), static_cast<int>(ad.size())) != 1) {
    return internal::OpensslError("EVP_DecryptUpdate(associated data)");
  }
  size_t written = 0;
  if (pt_size > 0) {
    if (EVP_DecryptUpdate(ctx.get(), out, &len, ct, static_cast<int>(pt_size)) != 1) {
      OPENSSL_cleanse(out, pt_size);
      return internal::OpensslError("EVP_DecryptUpdate");
    }
    written = static_cast<size_t>(len);
  }
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag, kAeadTagSize),
      OSSL_PARAM_construct_end(),
  };
  if (EVP_CIPHER_CTX_set_params(ctx.get(), params) != 1) {
    OPENSSL_cleanse(out, pt_size);
    return internal::OpensslError("EVP_CIPHER_CTX_set_params(tag)");
  }
  if (EVP_DecryptFinal_ex(ctx.get(), out + written, &len) != 1) {
    OPENSSL_cleanse(out, pt_size);
    // A tag mismatch leaves nothing useful in the error queue.
    ERR_clear_error();
    return DataLossStatus();
  }
  return Status::Ok();
}

Status CheckOpenInputs(const SecretBytes& key, std::string_view sealed, std::string_view ad) {
  MAMORI_RETURN_IF_ERROR(CheckKey(key));
  if (sealed.size() < kAeadOverhead) {
    return Status::InvalidArgument(
        "sealed value is too short: it must hold a 12-byte nonce and a 16-byte tag",
        "暗号化された値が短すぎます（12 バイトのノンスと 16 バイトのタグが必要です）", "sealed");
  }
  MAMORI_RETURN_IF_ERROR(CheckLength(sealed, "sealed value"));
  MAMORI_RETURN_IF_ERROR(CheckLength(ad, "associated data"));
  if (internal::Aes256GcmCipher() == nullptr) {
    return internal::OpensslError("EVP_CIPHER_fetch(AES-256-GCM)");
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> AeadSeal(const SecretBytes& key, std::string_view plaintext,
                             std::string_view associated_data) {
  MAMORI_RETURN_IF_ERROR(CheckLength(plaintext, "plaintext"));
  std::string out(plaintext.size() + kAeadOverhead, '\0');
  MAMORI_RETURN_IF_ERROR(
      SealInto(key, plaintext, associated_data, reinterpret_cast<uint8_t*>(out.data())));
  return out;
}

Result<std::string> AeadOpen(const SecretBytes& key, std::string_view sealed,
                             std::string_view associated_data) {
  MAMORI_RETURN_IF_ERROR(CheckOpenInputs(key, sealed, associated_data));
  std::string out(sealed.size() - kAeadOverhead, '\0');
  MAMORI_RETURN_IF_ERROR(
      OpenInto(key, sealed, associated_data, reinterpret_cast<uint8_t*>(out.data())));
  return out;
}

Result<std::string> AeadSealSecret(const SecretBytes& key, const SecretBytes& plaintext,
                                   std::string_view associated_data) {
  return AeadSeal(key, plaintext.view(), associated_data);
}

// Decrypts straight into SecretBytes so the unwrapped key never passes through
// an unwiped std::string.
Result<SecretBytes> AeadOpenSecret(const SecretBytes& key, std::string_view sealed,
                                   std::string_view associated_data) {
  MAMORI_RETURN_IF_ERROR(CheckOpenInputs(key, sealed, associated_data));
  SecretBytes out(sealed.size() - kAeadOverhead);
  MAMORI_RETURN_IF_ERROR(OpenInto(key, sealed, associated_data, out.data()));
  return out;
}

}  // namespace mamori::crypto
