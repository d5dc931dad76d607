// The holder of the audit signing key (docs/ARCHITECTURE.md decision 13):
// what signs tree heads and disposal records. By default the key lives in
// the key store, wrapped by the root key beside the data; an organisation
// that wants a rewritten log to be impossible to re-sign by whoever holds
// the data and the root key keeps it apart — in its own key file (mode
// 0600, on another volume or another machine's mount) or on a PKCS#11 token
// (pkcs11_signer.h) — and auditors pin its public key.
//
// A signer never logs, prints or returns key material; Sign is thread-safe
// (the engine signs from its commit thread, the witnessing thread and the
// shred path).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "crypto/signature.h"

namespace mamori::keys {

class KeyStore;

class AuditSigner {
 public:
  virtual ~AuditSigner() = default;
  // DER ECDSA P-256 signature over SHA-256(message), verifiable with
  // PublicKey().Verify(message, signature).
  virtual Result<std::string> Sign(std::string_view message) = 0;
  virtual const crypto::EcdsaP256PublicKey& PublicKey() const = 0;
  // Where the key lives, for logs and errors: "key store", "file:<path>",
  // "pkcs11:<module> token=<label> key=<label>". Never a secret.
  virtual std::string Describe() const = 0;
};

// The key store's own audit key (the default holder). Holds a reference:
// the KeyStore must outlive it.
std::unique_ptr<AuditSigner> KeyStoreSigner(const KeyStore& key_store);

// A key held in memory by its owner, e.g. one read from a key file or a
// test's generated key. `description` is what Describe() returns.
std::unique_ptr<AuditSigner> InMemorySigner(crypto::EcdsaP256PrivateKey key,
                                            std::string description);

// The signing key in its own PEM file (PKCS#8 or SEC 1, P-256, unencrypted),
// which group and others must not be able to read (kPermissionDenied naming
// chmod 600). The bytes are wiped once parsed.
Result<std::unique_ptr<AuditSigner>> OpenAuditKeyFile(const std::string& path);
// Generates a new P-256 key into `path` (must not exist; mode 0600, synced)
// and returns its public half.
Result<crypto::EcdsaP256PublicKey> CreateAuditKeyFile(const std::string& path);

// Which holder to use, as the CLI flags and the server's configuration give
// it. Paths only: the PIN is read from pin_file, never from a flag.
struct AuditSignerConfig {
  std::string key_file;         // a PEM key file
  std::string pkcs11_module;    // a PKCS#11 module (.so) to dlopen
  std::string pkcs11_token;     // the token's label
  std::string pkcs11_key;       // CKA_LABEL of the private (and public) key objects
  std::string pkcs11_pin_file;  // the user PIN, in a file of mode 0600
  bool empty() const { return key_file.empty() && pkcs11_module.empty(); }
};

// The holder `config` names; nullptr when it names none (the caller then
// uses the key store's). kInvalidArgument when both a key file and a
// PKCS#11 module are given, or the PKCS#11 settings are incomplete.
Result<std::unique_ptr<AuditSigner>> OpenAuditSigner(const AuditSignerConfig& config);

}  // namespace mamori::keys
