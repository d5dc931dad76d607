#include "keys/audit_signer.h"

#include "keys/key_store.h"
#include "keys/pkcs11_signer.h"
#include "keys/root_key.h"

namespace mamori::keys {
namespace {

class KeyStoreAuditSigner final : public AuditSigner {
 public:
  explicit KeyStoreAuditSigner(const KeyStore& keys)
      : key_(keys.AuditSigningKey()), public_(key_.PublicKey()) {}
  Result<std::string> Sign(std::string_view message) override { return key_.Sign(message); }
  const crypto::EcdsaP256PublicKey& PublicKey() const override { return public_; }
  std::string Describe() const override { return "key store"; }

 private:
  const crypto::EcdsaP256PrivateKey& key_;
  crypto::EcdsaP256PublicKey public_;
};

class OwnedKeySigner final : public AuditSigner {
 public:
  OwnedKeySigner(crypto::EcdsaP256PrivateKey key, std::string description)
      : key_(std::move(key)), public_(key_.PublicKey()), description_(std::move(description)) {}
  Result<std::string> Sign(std::string_view message) override { return key_.Sign(message); }
  const crypto::EcdsaP256PublicKey& PublicKey() const override { return public_; }
  std::string Describe() const override { return description_; }

 private:
  crypto::EcdsaP256PrivateKey key_;
  crypto::EcdsaP256PublicKey public_;
  std::string description_;
};

Status BadConfig(const std::string& en, const std::string& ja, const std::string& subject) {
  return Status::InvalidArgument(en, ja, subject);
}

}  // namespace

std::unique_ptr<AuditSigner> KeyStoreSigner(const KeyStore& key_store) {
  return std::make_unique<KeyStoreAuditSigner>(key_store);
}

std::unique_ptr<AuditSigner> InMemorySigner(crypto::EcdsaP256PrivateKey key,
                                            std::string description) {
  return std::make_unique<OwnedKeySigner>(std::move(key), std::move(description));
}

Result<std::unique_ptr<AuditSigner>> OpenAuditKeyFile(const std::string& path) {
  MAMORI_ASSIGN_OR_RETURN(crypto::SecretBytes pem,
                          ReadPrivateKeyFile(path, "audit signing key file", "監査署名鍵ファイル"));
  auto key = crypto::EcdsaP256PrivateKey::FromPem(pem);
  if (!key) {
    return Fail(Status::InvalidArgument(
        "audit signing key file " + path + ": " + key.error().message(),
        "監査署名鍵ファイル " + path + ": " + key.error().message_ja(), path));
  }
  return InMemorySigner(std::move(*key), "file:" + path);
}

Result<crypto::EcdsaP256PublicKey> CreateAuditKeyFile(const std::string& path) {
  MAMORI_ASSIGN_OR_RETURN(auto key, crypto::EcdsaP256PrivateKey::Generate());
  MAMORI_ASSIGN_OR_RETURN(crypto::SecretBytes pem, key.ToPkcs8Pem());
  MAMORI_RETURN_IF_ERROR(CreatePrivateKeyFile(path, pem.view()));
  return key.PublicKey();
}

Result<std::unique_ptr<AuditSigner>> OpenAuditSigner(const AuditSignerConfig& config) {
  const bool pkcs11 = !config.pkcs11_module.empty() || !config.pkcs11_token.empty() ||
                      !config.pkcs11_key.empty() || !config.pkcs11_pin_file.empty();
  if (!config.key_file.empty() && pkcs11) {
    return Fail(
        BadConfig("give the audit signing key either as a key file or on a PKCS#11 token, not both",
                  "監査署名鍵は鍵ファイルか PKCS#11 トークンのどちらか一方で指定してください",
                  "audit-key-file"));
  }
  if (!config.key_file.empty()) return OpenAuditKeyFile(config.key_file);
  if (!pkcs11) return std::unique_ptr<AuditSigner>();
  const std::pair<const std::string*, const char*> required[] = {
      {&config.pkcs11_module, "audit-pkcs11-module"},
      {&config.pkcs11_token, "audit-pkcs11-token"},
      {&config.pkcs11_key, "audit-pkcs11-key"},
      {&config.pkcs11_pin_file, "audit-pkcs11-pin-file"}};
  for (const auto& [value, name] : required) {
    if (value->empty()) {
      return Fail(
          BadConfig(std::string("a PKCS#11 audit signing key needs ") + name +
                        " (module, token, key label and PIN file together)",
                    std::string("PKCS#11 の監査署名鍵には ") + name +
                        " が必要です（モジュール、トークン、鍵ラベル、PINファイルを揃えて指定）",
                    name));
    }
  }
  return OpenPkcs11Signer(
      {config.pkcs11_module, config.pkcs11_token, config.pkcs11_key, config.pkcs11_pin_file});
}

}  // namespace mamori::keys
