// ECDSA over P-256 with SHA-256 (CRYPTREC). Signatures are DER (X9.62).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "crypto/secret.h"

namespace mamori::crypto {

class EcdsaP256PublicKey {
 public:
  // SubjectPublicKeyInfo, PEM ("-----BEGIN PUBLIC KEY-----") or DER.
  static Result<EcdsaP256PublicKey> FromPem(std::string_view pem);
  static Result<EcdsaP256PublicKey> FromDer(std::string_view der);
  std::string ToPem() const;
  std::string ToDer() const;
  // OK when the signature verifies; kDataLoss when it does not (or is malformed).
  Status Verify(std::string_view message, std::string_view signature_der) const;
  // SHA-256 of the DER SubjectPublicKeyInfo, hex: a short stable key id.
  std::string Fingerprint() const;

  EcdsaP256PublicKey(EcdsaP256PublicKey&&) noexcept;
  EcdsaP256PublicKey& operator=(EcdsaP256PublicKey&&) noexcept;
  ~EcdsaP256PublicKey();

 private:
  struct Impl;
  explicit EcdsaP256PublicKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class EcdsaP256PrivateKey {
 public:
  static Result<EcdsaP256PrivateKey> Generate();
  // PKCS#8 DER, unencrypted (the caller wraps it with AEAD before storing).
  static Result<EcdsaP256PrivateKey> FromPkcs8Der(const SecretBytes& der);
  Result<SecretBytes> ToPkcs8Der() const;
  Result<std::string> Sign(std::string_view message) const;
  EcdsaP256PublicKey PublicKey() const;

  EcdsaP256PrivateKey(EcdsaP256PrivateKey&&) noexcept;
  EcdsaP256PrivateKey& operator=(EcdsaP256PrivateKey&&) noexcept;
  ~EcdsaP256PrivateKey();

 private:
  struct Impl;
  explicit EcdsaP256PrivateKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mamori::crypto
