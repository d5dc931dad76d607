#include "crypto/recipient_certificate.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <optional>

#include "core/encoding.h"
#include "crypto/hash.h"
#include "crypto/openssl_util.h"

namespace mamori::crypto {

namespace {

constexpr size_t kMaxCertificateBytes = 64 * 1024;
constexpr int kMinRsaBits = 2048;

using X509Ptr = std::unique_ptr<X509, internal::Deleter<&X509_free>>;

Status Bad(const std::string& en, const std::string& ja) {
  return Status::InvalidArgument("recipient certificate: " + en, "受領者の証明書: " + ja,
                                 "certificate");
}
Status Unusable(const std::string& en, const std::string& ja) {
  return Status::FailedPrecondition("recipient certificate: " + en, "受領者の証明書: " + ja,
                                    "certificate");
}

std::optional<TimeMicros> ToMicros(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
  return static_cast<TimeMicros>(timegm(&tm)) * kMicrosPerSecond;
}

}  // namespace

struct RecipientCertificate::Impl {
  X509Ptr x509;
  std::string der;
  std::string fingerprint;
  KeyKind kind = KeyKind::kEcP256;
  int bits = 0;
  TimeMicros not_before = 0, not_after = 0;
};

Result<RecipientCertificate> RecipientCertificate::Parse(std::string_view input) {
  if (input.empty() || input.size() > kMaxCertificateBytes) {
    return Fail(Bad("must be one X.509 certificate of at most 64 KiB",
                    "64 KiB 以内の X.509 証明書 1 通でなければなりません"));
  }
  X509Ptr x509;
  if (input.find("-----BEGIN") != std::string_view::npos) {
    internal::BioPtr bio(BIO_new_mem_buf(input.data(), static_cast<int>(input.size())));
    if (!bio) return Fail(internal::OpensslError("BIO_new_mem_buf"));
    x509.reset(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (x509) {
      // Exactly one: a second certificate would leave it unclear whom the
      // file is for.
      X509Ptr more(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
      if (more) {
        ERR_clear_error();
        return Fail(Bad("holds more than one certificate", "証明書が複数含まれています"));
      }
    }
  } else {
    const auto* p = reinterpret_cast<const unsigned char*>(input.data());
    x509.reset(d2i_X509(nullptr, &p, static_cast<long>(input.size())));
    if (x509 && p != reinterpret_cast<const unsigned char*>(input.data()) + input.size()) {
      ERR_clear_error();
      return Fail(Bad("has bytes after the certificate", "証明書の後に余分なデータがあります"));
    }
  }
  ERR_clear_error();
  if (!x509) {
    return Fail(Bad("is not a PEM or DER X.509 certificate",
                    "PEM または DER 形式の X.509 証明書ではありません"));
  }
  auto impl = std::make_shared<Impl>();
  unsigned char* der = nullptr;
  const int der_len = i2d_X509(x509.get(), &der);
  if (der_len <= 0) return Fail(internal::OpensslError("i2d_X509"));
  impl->der.assign(reinterpret_cast<const char*>(der), static_cast<size_t>(der_len));
  OPENSSL_free(der);
  impl->fingerprint = HexEncode(DigestView(Sha256(impl->der)));

  EVP_PKEY* key = X509_get0_pubkey(x509.get());
  if (key == nullptr) {
    ERR_clear_error();
    return Fail(Bad("has no public key OpenSSL can read", "公開鍵を読み取れません"));
  }
  impl->bits = EVP_PKEY_get_bits(key);
  if (EVP_PKEY_is_a(key, "RSA")) {
    if (impl->bits < kMinRsaBits) {
      return Fail(Bad("an RSA key must have at least 2048 bits",
                      "RSA 鍵は 2048 ビット以上でなければなりません"));
    }
    impl->kind = KeyKind::kRsa;
  } else if (EVP_PKEY_is_a(key, "EC")) {
    char group[64] = {0};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                       &len) != 1 ||
        std::string_view(group, len) != "prime256v1") {
      ERR_clear_error();
      return Fail(Bad("an EC key must be on the curve P-256 (CRYPTREC)",
                      "EC 鍵は P-256 曲線でなければなりません (CRYPTREC)"));
    }
    impl->kind = KeyKind::kEcP256;
  } else {
    return Fail(Bad("the key must be RSA (2048 bits or more) or EC P-256",
                    "鍵は RSA (2048 ビット以上) か EC P-256 でなければなりません"));
  }
  auto nb = ToMicros(X509_get0_notBefore(x509.get()));
  auto na = ToMicros(X509_get0_notAfter(x509.get()));
  if (!nb || !na) {
    ERR_clear_error();
    return Fail(Bad("its validity period cannot be read", "有効期間を読み取れません"));
  }
  impl->not_before = *nb;
  impl->not_after = *na;
  impl->x509 = std::move(x509);
  return RecipientCertificate(std::move(impl));
}

Status RecipientCertificate::Usable(TimeMicros now) const {
  if (now < impl_->not_before) {
    return Unusable("is not valid yet", "まだ有効期間が始まっていません");
  }
  if (now > impl_->not_after) return Unusable("has expired", "有効期間が過ぎています");
  X509* x = impl_->x509.get();
  // X509_check_ca also caches the extensions X509_get_key_usage reads.
  if (X509_check_ca(x) != 0) {
    return Unusable("is a CA certificate, not a recipient's",
                    "CA の証明書であり、受領者の証明書ではありません");
  }
  const uint32_t usage = X509_get_key_usage(x);
  if (usage != UINT32_MAX) {  // UINT32_MAX: the certificate states no key usage
    const uint32_t needed = impl_->kind == KeyKind::kRsa ? KU_KEY_ENCIPHERMENT : KU_KEY_AGREEMENT;
    if ((usage & needed) == 0) {
      return Unusable(impl_->kind == KeyKind::kRsa ? "its key usage does not allow keyEncipherment"
                                                   : "its key usage does not allow keyAgreement",
                      "鍵用途が暗号化 (keyEncipherment / keyAgreement) を許していません");
    }
  }
  return Status::Ok();
}

const std::string& RecipientCertificate::Fingerprint() const { return impl_->fingerprint; }
RecipientCertificate::KeyKind RecipientCertificate::Kind() const { return impl_->kind; }
std::string RecipientCertificate::KeyDescription() const {
  return impl_->kind == KeyKind::kRsa ? "rsa-" + std::to_string(impl_->bits) : "ec-p256";
}
TimeMicros RecipientCertificate::NotAfter() const { return impl_->not_after; }
std::string_view RecipientCertificate::Scheme() const {
  return impl_->kind == KeyKind::kRsa ? "rsaes-oaep-sha256" : "ecdh-p256-x963kdf-sha256";
}
std::string RecipientCertificate::Der() const { return impl_->der; }
void* RecipientCertificate::Native() const { return impl_->x509.get(); }

}  // namespace mamori::crypto
