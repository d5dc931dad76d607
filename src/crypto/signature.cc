#include "crypto/signature.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <climits>
#include <string>

#include "core/encoding.h"
#include "crypto/hash.h"
#include "crypto/openssl_util.h"

namespace mamori::crypto {

struct EcdsaP256PublicKey::Impl {
  internal::PkeyPtr pkey;
};

struct EcdsaP256PrivateKey::Impl {
  internal::PkeyPtr pkey;
};

namespace {

using internal::Bytes;

constexpr char kDigestName[] = "SHA2-256";

Status Malformed(std::string_view what_en, std::string_view what_ja, std::string_view subject) {
  ERR_clear_error();
  return Status::InvalidArgument(std::string(what_en), std::string(what_ja), std::string(subject));
}

// Only named-curve P-256 keys are accepted: other curves and key types are off
// the CRYPTREC list for this use, and explicit curve parameters would let a
// crafted key smuggle in a weak group that merely claims to be P-256.
Status CheckP256(EVP_PKEY* pkey, std::string_view subject) {
  const std::string en = "the " + std::string(subject) + " is not an ECDSA P-256 (prime256v1) key";
  const std::string ja = std::string(subject) + " が ECDSA P-256（prime256v1）の鍵ではありません";
  if (!EVP_PKEY_is_a(pkey, "EC")) return Malformed(en, ja, subject);
  char buf[64];
  size_t len = 0;
  if (EVP_PKEY_get_group_name(pkey, buf, sizeof buf, &len) != 1 ||
      std::string_view(buf, len) != "prime256v1") {
    return Malformed(en, ja, subject);
  }
  if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_EC_ENCODING, buf, sizeof buf, &len) !=
          1 ||
      std::string_view(buf, len) != OSSL_PKEY_EC_ENCODING_GROUP) {
    return Malformed(en + " with a named curve (explicit curve parameters are refused)",
                     ja + "（名前付き曲線のみ受け付けます。明示的な曲線パラメータは拒否します）",
                     subject);
  }
  return Status::Ok();
}

// Point on the curve (public) or private scalar matching the public point
// (pairwise), so a corrupted key fails here rather than signing garbage.
Status CheckKeyConsistency(EVP_PKEY* pkey, bool has_private, std::string_view subject) {
  internal::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
  if (!ctx) return internal::OpensslError("EVP_PKEY_CTX_new_from_pkey");
  int rc = has_private ? EVP_PKEY_pairwise_check(ctx.get()) : EVP_PKEY_public_check(ctx.get());
  if (rc == 1) return Status::Ok();
  return Malformed("the " + std::string(subject) + " failed its consistency check",
                   std::string(subject) + " の整合性検査に失敗しました", subject);
}

int NoPassphrase(char*, int, int, void*) { return 0; }

}  // namespace

// ---- EcdsaP256PublicKey ----

EcdsaP256PublicKey::EcdsaP256PublicKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EcdsaP256PublicKey::EcdsaP256PublicKey(EcdsaP256PublicKey&&) noexcept = default;
EcdsaP256PublicKey& EcdsaP256PublicKey::operator=(EcdsaP256PublicKey&&) noexcept = default;
EcdsaP256PublicKey::~EcdsaP256PublicKey() = default;

Result<EcdsaP256PublicKey> EcdsaP256PublicKey::FromPem(std::string_view pem) {
  const char* kEn = "public key is not a PEM SubjectPublicKeyInfo (-----BEGIN PUBLIC KEY-----)";
  const char* kJa =
      "公開鍵が PEM 形式の SubjectPublicKeyInfo（-----BEGIN PUBLIC KEY-----）ではありません";
  // Strict decoding: the PEM reader would otherwise skip over other blocks
  // (including a private key pasted by mistake) to find a public key.
  size_t start = pem.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos ||
      !pem.substr(start).starts_with("-----BEGIN PUBLIC KEY-----") || pem.size() > INT_MAX) {
    return Fail(Malformed(kEn, kJa, "public key"));
  }
  internal::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return Fail(internal::OpensslError("BIO_new_mem_buf"));
  internal::PkeyPtr pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, NoPassphrase, nullptr));
  if (!pkey) return Fail(Malformed(kEn, kJa, "public key"));
  // And one key, with nothing but whitespace after it.
  char* rest = nullptr;
  long rest_len = BIO_get_mem_data(bio.get(), &rest);
  for (long i = 0; i < rest_len; ++i) {
    if (rest[i] != ' ' && rest[i] != '\n' && rest[i] != '\r' && rest[i] != '\t') {
      return Fail(Malformed("public key PEM has data after the key",
                            "公開鍵の PEM に鍵以外のデータが続いています", "public key"));
    }
  }
  MAMORI_RETURN_IF_ERROR(CheckP256(pkey.get(), "public key"));
  MAMORI_RETURN_IF_ERROR(CheckKeyConsistency(pkey.get(), false, "public key"));
  return EcdsaP256PublicKey(std::make_unique<Impl>(std::move(pkey)));
}

Result<EcdsaP256PublicKey> EcdsaP256PublicKey::FromDer(std::string_view der) {
  const char* kEn = "public key is not a DER SubjectPublicKeyInfo";
  const char* kJa = "公開鍵が DER 形式の SubjectPublicKeyInfo ではありません";
  if (der.size() > LONG_MAX) return Fail(Malformed(kEn, kJa, "public key"));
  const uint8_t* p = Bytes(der);
  internal::PkeyPtr pkey(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
  if (!pkey) return Fail(Malformed(kEn, kJa, "public key"));
  if (p != Bytes(der) + der.size()) {
    return Fail(Malformed("public key DER has data after the key",
                          "公開鍵の DER に鍵以外のデータが続いています", "public key"));
  }
  MAMORI_RETURN_IF_ERROR(CheckP256(pkey.get(), "public key"));
  MAMORI_RETURN_IF_ERROR(CheckKeyConsistency(pkey.get(), false, "public key"));
  return EcdsaP256PublicKey(std::make_unique<Impl>(std::move(pkey)));
}

std::string EcdsaP256PublicKey::ToPem() const {
  internal::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), impl_->pkey.get()) != 1) {
    internal::FatalOpensslError("PEM_write_bio_PUBKEY");
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

std::string EcdsaP256PublicKey::ToDer() const {
  unsigned char* buf = nullptr;
  int len = i2d_PUBKEY(impl_->pkey.get(), &buf);
  if (len <= 0) internal::FatalOpensslError("i2d_PUBKEY");
  std::string out(reinterpret_cast<const char*>(buf), static_cast<size_t>(len));
  OPENSSL_free(buf);
  return out;
}

Status EcdsaP256PublicKey::Verify(std::string_view message, std::string_view signature_der) const {
  internal::MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) return internal::OpensslError("EVP_MD_CTX_new");
  if (EVP_DigestVerifyInit_ex(ctx.get(), nullptr, kDigestName, nullptr, nullptr, impl_->pkey.get(),
                              nullptr) != 1) {
    return internal::OpensslError("EVP_DigestVerifyInit_ex");
  }
  // OpenSSL re-encodes the parsed signature and requires it to match, so
  // non-canonical DER (a malleated signature) is rejected too.
  if (EVP_DigestVerify(ctx.get(), Bytes(signature_der), signature_der.size(), Bytes(message),
                       message.size()) == 1) {
    return Status::Ok();
  }
  ERR_clear_error();
  return Status::DataLoss(
      "signature does not verify: the message was altered or signed by another key",
      "署名を検証できません: メッセージが改ざんされたか、別の鍵で署名されています", "signature");
}

std::string EcdsaP256PublicKey::Fingerprint() const {
  return HexEncode(DigestView(Sha256(ToDer())));
}

Result<EcdsaP256PublicKey> EcdsaP256PublicKey::FromUncompressedPoint(std::string_view point) {
  if (point.size() != 65 || point[0] != '\x04') {
    return Fail(Malformed("public key is not an uncompressed P-256 point (65 bytes, 0x04 X Y)",
                          "公開鍵が非圧縮形式の P-256 の点（65バイト、0x04 X Y）ではありません",
                          "public key"));
  }
  internal::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) {
    return Fail(internal::OpensslError("EVP_PKEY_fromdata_init(EC)"));
  }
  char group[] = "prime256v1";
  std::string bytes(point);
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, bytes.data(), bytes.size()),
      OSSL_PARAM_construct_end()};
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, const_cast<OSSL_PARAM*>(params)) !=
          1 ||
      raw == nullptr) {
    return Fail(Malformed("public key point is not on the P-256 curve",
                          "公開鍵の点が P-256 曲線上にありません", "public key"));
  }
  internal::PkeyPtr pkey(raw);
  MAMORI_RETURN_IF_ERROR(CheckKeyConsistency(pkey.get(), false, "public key"));
  // Through DER, as every other public key here is made.
  unsigned char* buf = nullptr;
  const int len = i2d_PUBKEY(pkey.get(), &buf);
  if (len <= 0) return Fail(internal::OpensslError("i2d_PUBKEY"));
  std::string der(reinterpret_cast<const char*>(buf), static_cast<size_t>(len));
  OPENSSL_free(buf);
  return FromDer(der);
}

// ---- EcdsaP256PrivateKey ----

EcdsaP256PrivateKey::EcdsaP256PrivateKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EcdsaP256PrivateKey::EcdsaP256PrivateKey(EcdsaP256PrivateKey&&) noexcept = default;
EcdsaP256PrivateKey& EcdsaP256PrivateKey::operator=(EcdsaP256PrivateKey&&) noexcept = default;
EcdsaP256PrivateKey::~EcdsaP256PrivateKey() = default;

Result<EcdsaP256PrivateKey> EcdsaP256PrivateKey::Generate() {
  internal::PkeyPtr pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!pkey) return Fail(internal::OpensslError("EVP_PKEY_Q_keygen(EC P-256)"));
  return EcdsaP256PrivateKey(std::make_unique<Impl>(std::move(pkey)));
}

Result<EcdsaP256PrivateKey> EcdsaP256PrivateKey::FromPkcs8Der(const SecretBytes& der) {
  const char* kEn = "private key is not an unencrypted PKCS#8 DER PrivateKeyInfo";
  const char* kJa = "秘密鍵が暗号化されていない PKCS#8 DER（PrivateKeyInfo）ではありません";
  EVP_PKEY* raw = nullptr;
  // No passphrase callback is installed, so encrypted PKCS#8 is refused
  // instead of prompting on a terminal.
  internal::DecoderCtxPtr ctx(OSSL_DECODER_CTX_new_for_pkey(
      &raw, "DER", "PrivateKeyInfo", nullptr, OSSL_KEYMGMT_SELECT_KEYPAIR, nullptr, nullptr));
  if (!ctx) return Fail(internal::OpensslError("OSSL_DECODER_CTX_new_for_pkey"));
  const uint8_t* p = der.data();
  size_t remaining = der.size();
  if (der.empty() || OSSL_DECODER_from_data(ctx.get(), &p, &remaining) != 1 || raw == nullptr) {
    EVP_PKEY_free(raw);
    return Fail(Malformed(kEn, kJa, "private key"));
  }
  internal::PkeyPtr pkey(raw);
  if (remaining != 0) {
    return Fail(Malformed("private key DER has data after the key",
                          "秘密鍵の DER に鍵以外のデータが続いています", "private key"));
  }
  MAMORI_RETURN_IF_ERROR(CheckP256(pkey.get(), "private key"));
  MAMORI_RETURN_IF_ERROR(CheckKeyConsistency(pkey.get(), true, "private key"));
  return EcdsaP256PrivateKey(std::make_unique<Impl>(std::move(pkey)));
}

Result<SecretBytes> EcdsaP256PrivateKey::ToPkcs8Der() const {
  internal::EncoderCtxPtr ctx(OSSL_ENCODER_CTX_new_for_pkey(
      impl_->pkey.get(), OSSL_KEYMGMT_SELECT_KEYPAIR, "DER", "PrivateKeyInfo", nullptr));
  if (!ctx) return Fail(internal::OpensslError("OSSL_ENCODER_CTX_new_for_pkey"));
  unsigned char* data = nullptr;
  size_t len = 0;
  if (OSSL_ENCODER_to_data(ctx.get(), &data, &len) != 1 || data == nullptr) {
    return Fail(internal::OpensslError("OSSL_ENCODER_to_data(PKCS#8)"));
  }
  SecretBytes out(std::string_view(reinterpret_cast<const char*>(data), len));
  OPENSSL_clear_free(data, len);
  return out;
}

Result<EcdsaP256PrivateKey> EcdsaP256PrivateKey::FromPem(const SecretBytes& pem) {
  const char* kEn =
      "private key is not one unencrypted PEM key (-----BEGIN PRIVATE KEY----- or -----BEGIN EC "
      "PRIVATE KEY-----)";
  const char* kJa =
      "秘密鍵が暗号化されていない PEM 形式の鍵（-----BEGIN PRIVATE KEY----- または -----BEGIN EC "
      "PRIVATE KEY-----）ではありません";
  const std::string_view text = pem.view();
  const size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || text.size() > INT_MAX ||
      !(text.substr(start).starts_with("-----BEGIN PRIVATE KEY-----") ||
        text.substr(start).starts_with("-----BEGIN EC PRIVATE KEY-----"))) {
    return Fail(Malformed(kEn, kJa, "private key"));
  }
  internal::BioPtr bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  if (!bio) return Fail(internal::OpensslError("BIO_new_mem_buf"));
  // NoPassphrase: an encrypted key is refused rather than prompted for.
  internal::PkeyPtr pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  if (!pkey) return Fail(Malformed(kEn, kJa, "private key"));
  char* rest = nullptr;
  const long rest_len = BIO_get_mem_data(bio.get(), &rest);
  for (long i = 0; i < rest_len; ++i) {
    if (rest[i] != ' ' && rest[i] != '\n' && rest[i] != '\r' && rest[i] != '\t') {
      return Fail(Malformed("private key PEM has data after the key",
                            "秘密鍵の PEM に鍵以外のデータが続いています", "private key"));
    }
  }
  MAMORI_RETURN_IF_ERROR(CheckP256(pkey.get(), "private key"));
  MAMORI_RETURN_IF_ERROR(CheckKeyConsistency(pkey.get(), true, "private key"));
  return EcdsaP256PrivateKey(std::make_unique<Impl>(std::move(pkey)));
}

Result<SecretBytes> EcdsaP256PrivateKey::ToPkcs8Pem() const {
  internal::EncoderCtxPtr ctx(OSSL_ENCODER_CTX_new_for_pkey(
      impl_->pkey.get(), OSSL_KEYMGMT_SELECT_KEYPAIR, "PEM", "PrivateKeyInfo", nullptr));
  if (!ctx) return Fail(internal::OpensslError("OSSL_ENCODER_CTX_new_for_pkey"));
  unsigned char* data = nullptr;
  size_t len = 0;
  if (OSSL_ENCODER_to_data(ctx.get(), &data, &len) != 1 || data == nullptr) {
    return Fail(internal::OpensslError("OSSL_ENCODER_to_data(PKCS#8 PEM)"));
  }
  SecretBytes out(std::string_view(reinterpret_cast<const char*>(data), len));
  OPENSSL_clear_free(data, len);
  return out;
}

Result<std::string> EcdsaP256PrivateKey::Sign(std::string_view message) const {
  internal::MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) return Fail(internal::OpensslError("EVP_MD_CTX_new"));
  if (EVP_DigestSignInit_ex(ctx.get(), nullptr, kDigestName, nullptr, nullptr, impl_->pkey.get(),
                            nullptr) != 1) {
    return Fail(internal::OpensslError("EVP_DigestSignInit_ex"));
  }
  if (EVP_DigestSignUpdate(ctx.get(), Bytes(message), message.size()) != 1) {
    return Fail(internal::OpensslError("EVP_DigestSignUpdate"));
  }
  // First call sizes the buffer (the DER maximum); the second signs.
  size_t len = 0;
  if (EVP_DigestSignFinal(ctx.get(), nullptr, &len) != 1) {
    return Fail(internal::OpensslError("EVP_DigestSignFinal(size)"));
  }
  std::string sig(len, '\0');
  if (EVP_DigestSignFinal(ctx.get(), reinterpret_cast<uint8_t*>(sig.data()), &len) != 1) {
    return Fail(internal::OpensslError("EVP_DigestSignFinal"));
  }
  sig.resize(len);
  return sig;
}

// A separate public-only EVP_PKEY (through its DER), so holders of the public
// key never hold a reference to the private scalar.
EcdsaP256PublicKey EcdsaP256PrivateKey::PublicKey() const {
  unsigned char* buf = nullptr;
  int len = i2d_PUBKEY(impl_->pkey.get(), &buf);
  if (len <= 0) internal::FatalOpensslError("i2d_PUBKEY");
  std::string der(reinterpret_cast<const char*>(buf), static_cast<size_t>(len));
  OPENSSL_free(buf);
  auto key = EcdsaP256PublicKey::FromDer(der);
  if (!key) internal::FatalOpensslError("d2i_PUBKEY(own public key)");
  return std::move(*key);
}

namespace {

// One DER INTEGER of a big-endian unsigned magnitude: leading zeros dropped
// (one kept for zero), a 0x00 added when the top bit is set (DER integers
// are signed). At most 33 content bytes here, so the length is one byte.
void AppendDerInteger(std::string& out, std::string_view magnitude) {
  size_t skip = 0;
  while (skip + 1 < magnitude.size() && magnitude[skip] == '\0') ++skip;
  magnitude.remove_prefix(skip);
  const bool pad = (static_cast<uint8_t>(magnitude[0]) & 0x80) != 0;
  out.push_back('\x02');
  out.push_back(static_cast<char>(magnitude.size() + (pad ? 1 : 0)));
  if (pad) out.push_back('\0');
  out.append(magnitude);
}

}  // namespace

Result<std::string> EcdsaSignatureDerFromRaw(std::string_view r_s) {
  if (r_s.size() != 64) {
    return Fail(Malformed("a raw P-256 signature is r || s, 64 bytes",
                          "P-256 の生の署名は r || s の64バイトです", "signature"));
  }
  std::string body;
  AppendDerInteger(body, r_s.substr(0, 32));
  AppendDerInteger(body, r_s.substr(32));
  std::string der;
  der.push_back('\x30');
  der.push_back(static_cast<char>(body.size()));
  der += body;
  return der;
}

}  // namespace mamori::crypto
