#include "crypto/hash.h"

#include <openssl/core_names.h>
#include <openssl/params.h>

#include "crypto/openssl_util.h"

namespace mamori::crypto {

namespace {

EVP_MD_CTX* NewSha256Ctx() {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) internal::FatalOpensslError("EVP_MD_CTX_new");
  if (internal::Sha256Md() == nullptr ||
      EVP_DigestInit_ex2(ctx, internal::Sha256Md(), nullptr) != 1) {
    EVP_MD_CTX_free(ctx);
    internal::FatalOpensslError("EVP_DigestInit_ex2(SHA-256)");
  }
  return ctx;
}

void UpdateCtx(EVP_MD_CTX* ctx, std::string_view data) {
  if (data.empty()) return;
  if (EVP_DigestUpdate(ctx, data.data(), data.size()) != 1) {
    internal::FatalOpensslError("EVP_DigestUpdate");
  }
}

Digest FinalCtx(EVP_MD_CTX* ctx) {
  Digest out;
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx, out.data(), &len) != 1 || len != out.size()) {
    internal::FatalOpensslError("EVP_DigestFinal_ex");
  }
  return out;
}

}  // namespace

Digest Sha256(std::string_view data) { return Sha256Parts({data}); }

Digest Sha256Parts(std::initializer_list<std::string_view> parts) {
  internal::MdCtxPtr ctx(NewSha256Ctx());
  for (std::string_view part : parts) UpdateCtx(ctx.get(), part);
  return FinalCtx(ctx.get());
}

Sha256Hasher::Sha256Hasher() : ctx_(NewSha256Ctx()) {}

Sha256Hasher::~Sha256Hasher() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }

void Sha256Hasher::Update(std::string_view data) {
  UpdateCtx(static_cast<EVP_MD_CTX*>(ctx_), data);
}

Digest Sha256Hasher::Finish() {
  auto* ctx = static_cast<EVP_MD_CTX*>(ctx_);
  Digest out = FinalCtx(ctx);
  if (EVP_DigestInit_ex2(ctx, internal::Sha256Md(), nullptr) != 1) {
    internal::FatalOpensslError("EVP_DigestInit_ex2(SHA-256)");
  }
  return out;
}

Digest HmacSha256(const SecretBytes& key, std::string_view data) {
  if (internal::HmacMac() == nullptr) internal::FatalOpensslError("EVP_MAC_fetch(HMAC)");
  internal::MacCtxPtr ctx(EVP_MAC_CTX_new(internal::HmacMac()));
  if (!ctx) internal::FatalOpensslError("EVP_MAC_CTX_new");
  char digest_name[] = "SHA2-256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end(),
  };
  // HMAC with an empty key is well defined (RFC 2104 pads it with zeros), but
  // EVP_MAC_init treats a null key as "keep the previous key", so an empty key
  // is passed as a non-null pointer of length 0.
  static const uint8_t kNoKey = 0;
  const uint8_t* key_data = key.empty() ? &kNoKey : key.data();
  if (EVP_MAC_init(ctx.get(), key_data, key.size(), params) != 1) {
    internal::FatalOpensslError("EVP_MAC_init(HMAC-SHA-256)");
  }
  if (!data.empty() &&
      EVP_MAC_update(ctx.get(), reinterpret_cast<const uint8_t*>(data.data()), data.size()) != 1) {
    internal::FatalOpensslError("EVP_MAC_update");
  }
  Digest out;
  size_t len = 0;
  if (EVP_MAC_final(ctx.get(), out.data(), &len, out.size()) != 1 || len != out.size()) {
    internal::FatalOpensslError("EVP_MAC_final");
  }
  return out;
}

}  // namespace mamori::crypto
