// keys: the key hierarchy. A root key (from a provider) wraps dataset keys,
// index keys and system keys; dataset keys wrap per-record keys. All wrapped
// keys live in the key store (key_store.h), a database separate from the data
// store, so a copy of the data store alone decrypts nothing and destroying a
// record key makes that record unrecoverable in every copy of the data store.
//
// This header: where the root key comes from. Providers never log, print or
// put key material in errors.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/status.h"
#include "crypto/kdf.h"
#include "crypto/secret.h"

namespace mamori::keys {

inline constexpr size_t kRootKeySize = 32;

class RootKeyProvider {
 public:
  virtual ~RootKeyProvider() = default;
  // The current root key (32 bytes). kNotFound when it is missing,
  // kPermissionDenied when a key file is readable by others.
  virtual Result<crypto::SecretBytes> Load() = 0;
  // "file:/path/root.key" or "passphrase (Argon2id m=65536 t=3 p=1)"; no secrets.
  virtual std::string Describe() const = 0;

  // Rotation in two phases so that a crash between them never strands the key
  // store: StageNext makes a new root key durable beside the current one and
  // returns it; after the key store is re-wrapped, CommitNext makes it current.
  virtual Result<crypto::SecretBytes> StageNext() = 0;
  virtual Status CommitNext() = 0;
  // The staged key, if a rotation was interrupted after StageNext.
  virtual Result<std::optional<crypto::SecretBytes>> LoadStaged() = 0;
};

// A 32-byte random key in a file of mode 0600 (refused if group or others can
// read it). The staged key is written to "<path>.next".
class KeyFileProvider final : public RootKeyProvider {
 public:
  explicit KeyFileProvider(std::string path) : path_(std::move(path)) {}
  // Creates a new key file (fails if it exists), mode 0600, fsynced.
  static Status CreateKeyFile(const std::string& path);

  Result<crypto::SecretBytes> Load() override;
  std::string Describe() const override { return "file:" + path_; }
  Result<crypto::SecretBytes> StageNext() override;
  Status CommitNext() override;
  Result<std::optional<crypto::SecretBytes>> LoadStaged() override;

 private:
  std::string path_;
};

// A root key derived from a passphrase with Argon2id. The (non-secret) salt is
// kept in `salt_path`; a rotation stages a new salt and needs the next
// passphrase.
class PassphraseProvider final : public RootKeyProvider {
 public:
  PassphraseProvider(crypto::SecretBytes passphrase, std::string salt_path,
                     crypto::Argon2Params params = {})
      : passphrase_(std::move(passphrase)), salt_path_(std::move(salt_path)), params_(params) {}
  // Creates a new random salt file (fails if it exists).
  static Status CreateSaltFile(const std::string& salt_path);
  // The passphrase a rotation moves to.
  void SetNextPassphrase(crypto::SecretBytes next) { next_passphrase_ = std::move(next); }

  Result<crypto::SecretBytes> Load() override;
  std::string Describe() const override;
  Result<crypto::SecretBytes> StageNext() override;
  Status CommitNext() override;
  Result<std::optional<crypto::SecretBytes>> LoadStaged() override;

 private:
  crypto::SecretBytes passphrase_;
  std::optional<crypto::SecretBytes> next_passphrase_;
  std::string salt_path_;
  crypto::Argon2Params params_;
};

// Reads a secret file (passphrase), stripping one trailing newline. Refuses a
// file readable by group or others.
Result<crypto::SecretBytes> ReadSecretFile(const std::string& path);

// The file primitives the providers use, for other key files of this module
// (the audit signing key file): a whole small (<= 4 KiB) regular file that
// group and others cannot read (kPermissionDenied naming chmod 600
// otherwise; what_en/what_ja name the file in errors), and a new file of
// mode 0600 (kAlreadyExists if present), fsynced with its directory.
Result<crypto::SecretBytes> ReadPrivateKeyFile(const std::string& path, const char* what_en,
                                               const char* what_ja);
Status CreatePrivateKeyFile(const std::string& path, std::string_view bytes);

}  // namespace mamori::keys
