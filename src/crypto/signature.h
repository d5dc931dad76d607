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
  // The uncompressed point 0x04 || X || Y (65 bytes), as a PKCS#11 token's
  // CKA_EC_POINT holds it inside its OCTET STRING.
  static Result<EcdsaP256PublicKey> FromUncompressedPoint(std::string_view point);

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
  // PEM: "-----BEGIN PRIVATE KEY-----" (PKCS#8) or "-----BEGIN EC PRIVATE
  // KEY-----" (SEC 1, what `openssl ecparam -genkey` writes), unencrypted,
  // exactly one key. kInvalidArgument otherwise, never quoting the bytes.
  static Result<EcdsaP256PrivateKey> FromPem(const SecretBytes& pem);
  // PKCS#8 PEM, unencrypted: for a key file of mode 0600.
  Result<SecretBytes> ToPkcs8Pem() const;
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

// The DER ECDSA-Sig-Value (SEQUENCE of two INTEGERs) of a raw signature
// r || s of 64 bytes, as PKCS#11's CKM_ECDSA returns it, so that it verifies
// with EcdsaP256PublicKey::Verify. kInvalidArgument for another length.
Result<std::string> EcdsaSignatureDerFromRaw(std::string_view r_s);

}  // namespace mamori::crypto
