// The X.509 certificate of someone a file is encrypted to (a take-out's
// recipient, docs/REQUIREMENTS.md §1: C3 data carried outside must be
// encrypted [002 第49条]).
//
// Contract:
// - Parse accepts exactly one certificate, PEM ("-----BEGIN CERTIFICATE-----")
//   or DER, at most 64 KiB; anything else is kInvalidArgument naming
//   "certificate", never quoting the bytes.
// - Only keys a CRYPTREC-listed scheme can encrypt to are accepted
//   (docs/ARCHITECTURE.md decision 5): RSA of 2048 bits or more (RSA-OAEP with
//   SHA-256 and MGF1-SHA-256) and EC P-256 (ECDH, X9.63 KDF with SHA-256).
//   Other keys are kInvalidArgument.
// - Usable(now) refuses a certificate outside its validity period, a CA
//   certificate, and one whose key usage (when it states one) does not allow
//   the scheme: keyEncipherment for RSA, keyAgreement for EC.
// - Nothing here is personal: Fingerprint() is what identifies the recipient
//   in events and records. The subject name (often a person's name) is never
//   exposed by this class.
//
// Thread-compatible; copying shares the immutable certificate.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "core/time.h"

namespace mamori::crypto {

class RecipientCertificate {
 public:
  enum class KeyKind { kRsa, kEcP256 };

  static Result<RecipientCertificate> Parse(std::string_view pem_or_der);

  // OK, or kFailedPrecondition (expired, not yet valid, a CA, wrong key
  // usage) with the subject "certificate".
  Status Usable(TimeMicros now) const;

  // SHA-256 of the DER certificate, lower-case hex (what
  // `openssl x509 -fingerprint -sha256` prints, without colons).
  const std::string& Fingerprint() const;
  KeyKind Kind() const;
  // "rsa-3072", "ec-p256": the key and its size, for records.
  std::string KeyDescription() const;
  TimeMicros NotAfter() const;
  // The key-management scheme a CMS recipient info uses for this key.
  std::string_view Scheme() const;  // "rsaes-oaep-sha256" | "ecdh-p256-x963kdf-sha256"
  std::string Der() const;

  // For cms_writer.cc: the X509* (owned here).
  void* Native() const;

 private:
  struct Impl;
  explicit RecipientCertificate(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace mamori::crypto
