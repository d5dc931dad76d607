#include "cli/common.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "core/encoding.h"
#include "crypto/random.h"

namespace mamori::cli {

engine::Paths StoreFlags::MakePaths() const {
  engine::Paths p;
  p.data_dir = data;
  while (p.data_dir.size() > 1 && p.data_dir.back() == '/') p.data_dir.pop_back();
  p.keys_dir = keys;
  p.store_uri = store_uri;
  return p;
}

void StoreFlags::AddTo(CLI::App* cmd) {
  cmd->add_option("--data", data, "data directory / データディレクトリ")->required();
  // The connection string is not secret: libpq reads the password from a
  // password file (PGPASSFILE), and one in the URI is refused.
  cmd->add_option("--store", store_uri,
                  "keep the data in PostgreSQL: a libpq URI (postgresql://user@host/db), the "
                  "password in PGPASSFILE; keys and TLS stay in DATA / データを PostgreSQL に置く "
                  "(接続 URI。パスワードは PGPASSFILE で指定。鍵と TLS は DATA に残ります)")
      ->envname("MAMORI_STORE");
  cmd->add_option("--keys", keys,
                  "key store directory (default DATA/keys) / 鍵ストアのディレクトリ");
  cmd->add_option("--passphrase-file", passphrase_file,
                  "file holding the root-key passphrase (mode 0600); default: the root key file / "
                  "ルート鍵のパスフレーズを記したファイル")
      ->envname("MAMORI_PASSPHRASE_FILE");
  // The audit signing key held apart (docs/ENGINE.md, "The audit signing key
  // held apart"): a store signed by such a key is opened only with it.
  cmd->add_option("--audit-key-file", signer.key_file,
                  "PEM file (mode 0600) holding the audit signing key, kept apart from the data "
                  "and the root key / 監査署名鍵のファイル")
      ->envname("MAMORI_AUDIT_KEY_FILE");
  cmd->add_option("--audit-pkcs11-module", signer.pkcs11_module,
                  "PKCS#11 module holding the audit signing key / 監査署名鍵の PKCS#11 モジュール")
      ->envname("MAMORI_AUDIT_PKCS11_MODULE");
  cmd->add_option("--audit-pkcs11-token", signer.pkcs11_token, "token label / トークンのラベル")
      ->envname("MAMORI_AUDIT_PKCS11_TOKEN");
  cmd->add_option("--audit-pkcs11-key", signer.pkcs11_key,
                  "CKA_LABEL of the key pair / 鍵ペアのラベル")
      ->envname("MAMORI_AUDIT_PKCS11_KEY");
  cmd->add_option("--audit-pkcs11-pin-file", signer.pkcs11_pin_file,
                  "file (mode 0600) holding the token's user PIN / ユーザPINを記したファイル")
      ->envname("MAMORI_AUDIT_PKCS11_PIN_FILE");
}

engine::Context LocalContext(const std::string& purpose) {
  engine::Context ctx;
  const passwd* pw = ::getpwuid(::geteuid());
  ctx.actor = std::string("os:") + (pw ? pw->pw_name : std::to_string(::geteuid()));
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "unknown");
  ctx.terminal = std::string("local:") + host;
  ctx.purpose = purpose;
  auto id = crypto::RandomBytes(8);
  ctx.request_id = id ? HexEncode(*id) : "";
  return ctx;
}

Result<std::unique_ptr<keys::RootKeyProvider>> MakeRootProvider(const StoreFlags& flags) {
  const engine::Paths paths = flags.MakePaths();
  if (flags.passphrase_file.empty()) {
    return std::unique_ptr<keys::RootKeyProvider>(
        std::make_unique<keys::KeyFileProvider>(paths.RootKeyFile()));
  }
  MAMORI_ASSIGN_OR_RETURN(crypto::SecretBytes passphrase,
                          keys::ReadSecretFile(flags.passphrase_file));
  return std::unique_ptr<keys::RootKeyProvider>(
      std::make_unique<keys::PassphraseProvider>(std::move(passphrase), paths.PassphraseSalt()));
}

Result<std::unique_ptr<keys::AuditSigner>> MakeAuditSigner(const StoreFlags& flags) {
  return keys::OpenAuditSigner(flags.signer);
}

Result<std::unique_ptr<engine::Engine>> OpenEngine(
    const StoreFlags& flags, size_t record_key_pool,
    std::function<Status(store::Storage&, keys::AuditSigner&)> check_store) {
  engine::EngineOptions options;
  options.check_store = std::move(check_store);
  options.paths = flags.MakePaths();
  options.record_key_pool = record_key_pool;
  MAMORI_ASSIGN_OR_RETURN(options.root, MakeRootProvider(flags));
  MAMORI_ASSIGN_OR_RETURN(options.audit_signer, MakeAuditSigner(flags));
  return engine::Engine::Open(std::move(options), LocalContext());
}

void PrintJson(const nlohmann::json& j) {
  const bool compact = std::getenv("MAMORI_COMPACT_JSON") != nullptr;
  std::cout << j.dump(compact ? -1 : 2, ' ', false, nlohmann::json::error_handler_t::replace)
            << "\n";
}

int ReportError(const Status& status) {
  std::cerr << "mamori: error [" << CodeName(status.code()) << "]: " << status.message() << "\n";
  if (status.message_ja() != status.message())
    std::cerr << "mamori: エラー: " << status.message_ja() << "\n";
  return 1;
}

Result<std::string> ReadInput(const std::string& path) {
  std::stringstream buf;
  if (path == "-") {
    buf << std::cin.rdbuf();
    return buf.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Fail(
        Status::NotFound("cannot read file " + path, "ファイルを読めません: " + path, path));
  }
  buf << in.rdbuf();
  return buf.str();
}

}  // namespace mamori::cli
