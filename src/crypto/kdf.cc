#include "crypto/kdf.h"

#include <argon2.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

#include <cstring>

#include "crypto/openssl_util.h"
#include "crypto/random.h"

namespace mamori::crypto {

namespace {

// RFC 5869: at most 255 blocks of the hash output.
constexpr size_t kHkdfMaxLength = 255 * 32;
constexpr size_t kPasswordSaltSize = 16;
constexpr size_t kPasswordHashSize = 32;

// OSSL_PARAM wants a non-const pointer even for input-only octet strings.
OSSL_PARAM OctetParam(const char* name, std::string_view bytes) {
  return OSSL_PARAM_construct_octet_string(name, const_cast<char*>(bytes.data()), bytes.size());
}

uint8_t* MutableBytes(std::string_view s) {
  // libargon2 takes non-const input pointers but only reads them unless asked
  // to clear the password (ARGON2_FLAG_CLEAR_PASSWORD), which is never set.
  return reinterpret_cast<uint8_t*>(const_cast<char*>(s.data()));
}

Status TooLong(const char* what, const char* what_ja) {
  return Status::InvalidArgument(std::string("Argon2id ") + what + " is too long",
                                 std::string("Argon2id の") + what_ja + "が長すぎます", what);
}

// Parameter and input errors from libargon2 are the caller's; allocation and
// thread failures are the machine's.
Status Argon2Status(int rc, std::string_view operation) {
  std::string reason = argon2_error_message(rc);
  std::string op(operation);
  if (rc == ARGON2_MEMORY_ALLOCATION_ERROR || rc == ARGON2_THREAD_FAIL) {
    return Status::Unavailable(
        op + " failed: " + reason + "; lower memory_kib or retry later",
        op + " に失敗しました: " + reason + "（memory_kib を下げるか、後で再試行してください）");
  }
  return Status::InvalidArgument(op + " rejected its input: " + reason,
                                 op + " の入力が不正です: " + reason, "argon2");
}

}  // namespace

Result<SecretBytes> HkdfSha256(const SecretBytes& input_key, std::string_view salt,
                               std::string_view info, size_t length) {
  if (input_key.empty()) {
    return Fail(Status::InvalidArgument("HKDF input key must not be empty", "HKDF の入力鍵が空です",
                                        "input_key"));
  }
  if (length == 0 || length > kHkdfMaxLength) {
    return Fail(Status::InvalidArgument(
        "HKDF-SHA-256 output length must be between 1 and 8160 bytes, got " +
            std::to_string(length),
        "HKDF-SHA-256 の出力長は 1〜8160 バイトでなければなりません（" + std::to_string(length) +
            " バイトでした）",
        "length"));
  }
  if (internal::HkdfKdf() == nullptr) return Fail(internal::OpensslError("EVP_KDF_fetch(HKDF)"));
  internal::KdfCtxPtr ctx(EVP_KDF_CTX_new(internal::HkdfKdf()));
  if (!ctx) return Fail(internal::OpensslError("EVP_KDF_CTX_new"));

  char digest_name[] = "SHA2-256";
  OSSL_PARAM params[5];
  OSSL_PARAM* p = params;
  *p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest_name, 0);
  *p++ = OctetParam(OSSL_KDF_PARAM_KEY, input_key.view());
  // An absent salt is the RFC's default (HashLen zero bytes); an absent info is
  // the empty string. OpenSSL ignores zero-length values, so omit them.
  if (!salt.empty()) *p++ = OctetParam(OSSL_KDF_PARAM_SALT, salt);
  if (!info.empty()) *p++ = OctetParam(OSSL_KDF_PARAM_INFO, info);
  *p = OSSL_PARAM_construct_end();

  SecretBytes out(length);
  if (EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1) {
    return Fail(internal::OpensslError("EVP_KDF_derive(HKDF-SHA-256)"));
  }
  return out;
}

Result<SecretBytes> Argon2idDerive(std::string_view secret, std::string_view salt,
                                   const Argon2Params& params, size_t length) {
  return Argon2idDeriveWithPepper(secret, salt, SecretBytes(), {}, params, length);
}

Result<SecretBytes> Argon2idDeriveWithPepper(std::string_view secret, std::string_view salt,
                                             const SecretBytes& pepper,
                                             std::string_view associated_data,
                                             const Argon2Params& params, size_t length) {
  if (salt.size() < kPasswordSaltSize) {
    return Fail(Status::InvalidArgument("Argon2id salt must be at least 16 bytes",
                                        "Argon2id のソルトは 16 バイト以上必要です", "salt"));
  }
  if (secret.size() > ARGON2_MAX_PWD_LENGTH) return Fail(TooLong("secret", "秘密値"));
  if (salt.size() > ARGON2_MAX_SALT_LENGTH) return Fail(TooLong("salt", "ソルト"));
  if (pepper.size() > ARGON2_MAX_SECRET) return Fail(TooLong("pepper", "ペッパー"));
  if (associated_data.size() > ARGON2_MAX_AD_LENGTH) {
    return Fail(TooLong("associated data", "関連データ"));
  }
  if (length < ARGON2_MIN_OUTLEN || length > ARGON2_MAX_OUTLEN) {
    return Fail(Status::InvalidArgument(
        "Argon2id output length must be between 4 and 4294967295 bytes, got " +
            std::to_string(length),
        "Argon2id の出力長は 4〜4294967295 バイトでなければなりません（" + std::to_string(length) +
            " バイトでした）",
        "length"));
  }

  SecretBytes out(length);
  argon2_context ctx{};
  ctx.out = out.data();
  ctx.outlen = static_cast<uint32_t>(length);
  ctx.pwd = secret.empty() ? nullptr : MutableBytes(secret);
  ctx.pwdlen = static_cast<uint32_t>(secret.size());
  ctx.salt = MutableBytes(salt);
  ctx.saltlen = static_cast<uint32_t>(salt.size());
  ctx.secret = pepper.empty() ? nullptr : const_cast<uint8_t*>(pepper.data());
  ctx.secretlen = static_cast<uint32_t>(pepper.size());
  ctx.ad = associated_data.empty() ? nullptr : MutableBytes(associated_data);
  ctx.adlen = static_cast<uint32_t>(associated_data.size());
  ctx.t_cost = params.time_cost;
  ctx.m_cost = params.memory_kib;
  ctx.lanes = params.parallelism;
  ctx.threads = params.parallelism;
  ctx.version = ARGON2_VERSION_13;
  ctx.flags = ARGON2_DEFAULT_FLAGS;
  int rc = argon2id_ctx(&ctx);
  if (rc != ARGON2_OK) return Fail(Argon2Status(rc, "Argon2id"));
  return out;
}

Result<std::string> Argon2idHashPassword(std::string_view password, const Argon2Params& params) {
  if (password.size() > ARGON2_MAX_PWD_LENGTH) return Fail(TooLong("password", "パスワード"));
  MAMORI_ASSIGN_OR_RETURN(std::string salt, RandomBytes(kPasswordSaltSize));
  std::string encoded(argon2_encodedlen(params.time_cost, params.memory_kib, params.parallelism,
                                        kPasswordSaltSize, kPasswordHashSize, Argon2_id),
                      '\0');
  int rc = argon2id_hash_encoded(params.time_cost, params.memory_kib, params.parallelism,
                                 password.data(), password.size(), salt.data(), salt.size(),
                                 kPasswordHashSize, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) return Fail(Argon2Status(rc, "Argon2id password hashing"));
  encoded.resize(std::strlen(encoded.c_str()));
  return encoded;
}

Result<uint32_t> Argon2idMemoryKib(std::string_view encoded) {
  const auto bad = [] {
    return Fail(Status::InvalidArgument("password hash is not a valid argon2id hash",
                                        "パスワードハッシュが argon2id の形式ではありません",
                                        "password_hash"));
  };
  if (!encoded.starts_with("$argon2id$")) return bad();
  const size_t m = encoded.find("$m=");
  if (m == std::string_view::npos) return bad();
  uint64_t kib = 0;
  size_t i = m + 3;
  for (; i < encoded.size() && encoded[i] >= '0' && encoded[i] <= '9'; ++i) {
    kib = kib * 10 + static_cast<uint64_t>(encoded[i] - '0');
    if (kib > UINT32_MAX) return bad();
  }
  if (i == m + 3 || i == encoded.size() || encoded[i] != ',') return bad();
  return static_cast<uint32_t>(kib);
}

Result<bool> Argon2idVerifyPassword(std::string_view password, std::string_view encoded) {
  if (password.size() > ARGON2_MAX_PWD_LENGTH) return Fail(TooLong("password", "パスワード"));
  // argon2id_verify reads a C string; an embedded NUL would silently truncate.
  if (encoded.find('\0') != std::string_view::npos) {
    return Fail(Status::InvalidArgument("password hash is not a valid argon2id hash",
                                        "パスワードハッシュが argon2id の形式ではありません",
                                        "password_hash"));
  }
  std::string encoded_z(encoded);
  int rc = argon2id_verify(encoded_z.c_str(), password.data(), password.size());
  if (rc == ARGON2_OK) return true;
  if (rc == ARGON2_VERIFY_MISMATCH) return false;
  if (rc == ARGON2_MEMORY_ALLOCATION_ERROR || rc == ARGON2_THREAD_FAIL) {
    return Fail(Argon2Status(rc, "Argon2id password verification"));
  }
  return Fail(Status::InvalidArgument(
      std::string("password hash is not a valid argon2id hash: ") + argon2_error_message(rc),
      std::string("パスワードハッシュが argon2id の形式ではありません: ") +
          argon2_error_message(rc),
      "password_hash"));
}

}  // namespace mamori::crypto
