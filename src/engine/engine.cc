#include "engine/engine.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "audit/audited.h"
#include "audit/log.h"
#include "core/encoding.h"
#include "crypto/hash.h"
#include "crypto/kdf.h"
#include "engine/data_store.h"
#include "engine/envelope.h"
#include "engine/integrity.h"

namespace mamori::engine {
namespace {

constexpr std::string_view kDataFormat = "mamori-data-1";

Status MakePrivateDir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Status::IoError("cannot create directory " + dir + ": " + std::strerror(errno),
                           "ディレクトリを作成できません: " + dir, dir);
  }
  return Status::Ok();
}

// Operation and attribute names of events written for other modules:
// dotted identifiers ("api.request", "target"), so that no free text
// reaches the log through them.
bool IsEventName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  bool start = true;
  for (char c : name) {
    if (c == '.') {
      if (start) return false;
      start = true;
      continue;
    }
    const bool lower = c >= 'a' && c <= 'z';
    if (!(lower || (!start && ((c >= '0' && c <= '9') || c == '_')))) return false;
    start = false;
  }
  return !start;
}

Status CheckEventNames(std::string_view operation,
                       const std::map<std::string, std::string>& attrs) {
  bool ok = IsEventName(operation);
  for (const auto& [name, _] : attrs) ok = ok && IsEventName(name);
  if (ok) return Status::Ok();
  return Status::InvalidArgument(
      "an audit event's operation and attribute names must be identifiers such as api.request",
      "監査イベントの操作名・属性名は api.request のような識別子でなければなりません", "operation");
}

// The store is signed by one key all its life: refuses a signer other than
// the one that signed the latest head (an operator who forgot the key held
// apart would otherwise sign with the key store's and split the log between
// two keys, which a pinned verification refuses).
Status CheckSigner(store::Storage& data, keys::AuditSigner& signer) {
  std::optional<audit::SignedTreeHead> latest;
  MAMORI_RETURN_IF_ERROR(data.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(latest, audit::LatestSignedHead(txn));
    return Status::Ok();
  }));
  const std::string mine = signer.PublicKey().Fingerprint();
  if (!latest || latest->key_fingerprint == mine) return Status::Ok();
  return Status::FailedPrecondition(
      "the audit log's heads are signed by key " + latest->key_fingerprint +
          ", but the signer "
          "given (" +
          signer.Describe() + ") holds key " + mine +
          "; give the signer that holds the log's key (--audit-key-file or --audit-pkcs11-*)",
      "監査ログのヘッドは鍵 " + latest->key_fingerprint +
          " で署名されていますが、指定された署名者 (" + signer.Describe() + ") の鍵は " + mine +
          " です。ログの鍵を持つ署名者を指定してください (--audit-key-file または "
          "--audit-pkcs11-*)",
      "audit-signer");
}

bool FileExists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

Engine::Engine(EngineOptions options, std::unique_ptr<keys::KeyStore> keys,
               std::unique_ptr<store::Storage> data, std::unique_ptr<keys::AuditSigner> signer)
    : options_(std::move(options)),
      keys_(std::move(keys)),
      data_(std::move(data)),
      signer_(std::move(signer)) {}

Engine::~Engine() { (void)Close(); }

Status Engine::Init(const Paths& paths, keys::RootKeyProvider* root, const Context& ctx_in,
                    keys::AuditSigner* audit_signer) {
  const Context ctx = WithTime(ctx_in);
  if ((paths.store_uri.empty() && FileExists(paths.DataStore())) || FileExists(paths.KeyStore())) {
    return Status::AlreadyExists("a mamori store already exists in " + paths.data_dir,
                                 "既に mamori のストアがあります: " + paths.data_dir,
                                 paths.data_dir);
  }
  std::unique_ptr<store::Storage> data;
  if (!paths.store_uri.empty()) {
    // Checked before any key is made: a database that holds a store keeps it.
    MAMORI_ASSIGN_OR_RETURN(data, OpenDataStore(paths, /*create=*/true));
    std::optional<std::string> format;
    MAMORI_RETURN_IF_ERROR(data->View([&](store::ReadTxn& txn) -> Status {
      MAMORI_ASSIGN_OR_RETURN(format, txn.Get("meta/format"));
      return Status::Ok();
    }));
    if (format) {
      return Status::AlreadyExists("a mamori store already exists in the PostgreSQL database",
                                   "PostgreSQL のデータベースには既に mamori のストアがあります",
                                   "store");
    }
  }
  MAMORI_RETURN_IF_ERROR(MakePrivateDir(paths.data_dir));
  MAMORI_RETURN_IF_ERROR(MakePrivateDir(paths.KeysDir()));
  std::unique_ptr<keys::RootKeyProvider> file_provider;
  if (root == nullptr) {
    MAMORI_RETURN_IF_ERROR(keys::KeyFileProvider::CreateKeyFile(paths.RootKeyFile()));
    file_provider = std::make_unique<keys::KeyFileProvider>(paths.RootKeyFile());
    root = file_provider.get();
  } else if (dynamic_cast<keys::PassphraseProvider*>(root) != nullptr &&
             !FileExists(paths.PassphraseSalt())) {
    MAMORI_RETURN_IF_ERROR(keys::PassphraseProvider::CreateSaltFile(paths.PassphraseSalt()));
  }
  MAMORI_ASSIGN_OR_RETURN(auto key_store, keys::KeyStore::Create(paths.KeyStore(), *root));
  // A new store has no row without an authentication code, and must never
  // accept one (integrity.h).
  MAMORI_RETURN_IF_ERROR(key_store->SetMarker(kEnvelopesAuthenticatedMarker));
  if (data == nullptr) {
    MAMORI_ASSIGN_OR_RETURN(data, OpenDataStore(paths, /*create=*/true));
  }
  std::unique_ptr<keys::AuditSigner> own_signer;
  if (audit_signer == nullptr) {
    own_signer = keys::KeyStoreSigner(*key_store);
    audit_signer = own_signer.get();
  }
  keys::AuditSigner& signer = *audit_signer;
  MAMORI_RETURN_IF_ERROR(data->Update([&](store::WriteTxn& txn) -> Status {
    MAMORI_RETURN_IF_ERROR(txn.Put("meta/format", kDataFormat));
    audit::Event ev;
    ev.time = ctx.time;
    ev.actor = ctx.actor;
    ev.terminal = ctx.terminal;
    ev.request_id = ctx.request_id;
    ev.operation = "store.init";
    ev.result = "ok";
    MAMORI_RETURN_IF_ERROR(audit::Append(txn, ev));
    MAMORI_RETURN_IF_ERROR(audit::SignHead(txn, signer, ctx.time));
    return Status::Ok();
  }));
  MAMORI_RETURN_IF_ERROR(data->Close());
  // The public half, for auditors who verify the log offline.
  std::ofstream pem(paths.AuditPublicKey(), std::ios::trunc);
  pem << signer.PublicKey().ToPem();
  if (!pem) return Status::IoError("cannot write " + paths.AuditPublicKey());
  return Status::Ok();
}

Result<std::unique_ptr<Engine>> Engine::Open(EngineOptions options, const Context& ctx) {
  const Paths& paths = options.paths;
  if (paths.store_uri.empty() && !FileExists(paths.DataStore())) {
    return Fail(Status::NotFound(
        "no mamori store in " + paths.data_dir + " (run mamori init --data " + paths.data_dir + ")",
        "mamori のストアがありません: " + paths.data_dir + " (mamori init を実行してください)",
        paths.data_dir));
  }
  if (!options.root) options.root = std::make_unique<keys::KeyFileProvider>(paths.RootKeyFile());
  // Keys first: a wrong or missing root key refuses before the data store is touched.
  MAMORI_ASSIGN_OR_RETURN(auto key_store, keys::KeyStore::Open(paths.KeyStore(), *options.root,
                                                               options.record_key_pool));
  MAMORI_ASSIGN_OR_RETURN(auto data, OpenDataStore(paths, /*create=*/false));
  std::optional<std::string> format;
  MAMORI_RETURN_IF_ERROR(data->View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(format, txn.Get("meta/format"));
    return Status::Ok();
  }));
  if (!format || *format != kDataFormat) {
    return Fail(Status::DataLoss("not a mamori data store: " + DataStoreName(paths),
                                 "mamori のデータストアではありません: " + DataStoreName(paths)));
  }
  std::unique_ptr<keys::AuditSigner> signer = std::move(options.audit_signer);
  if (!signer) signer = keys::KeyStoreSigner(*key_store);
  MAMORI_RETURN_IF_ERROR(CheckSigner(*data, *signer));
  if (options.check_store) MAMORI_RETURN_IF_ERROR(options.check_store(*data, *signer));
  // Logs written before kept subtree hashes of every level; those below
  // audit::kStoredLevel are read by nothing now. Removed in batches, so
  // that no one transaction grows with the log.
  for (size_t pruned = 1; pruned > 0;) {
    MAMORI_RETURN_IF_ERROR(data->Update([&](store::WriteTxn& txn) -> Status {
      MAMORI_ASSIGN_OR_RETURN(pruned, audit::PruneUnstoredNodes(txn, 4096));
      return Status::Ok();
    }));
  }
  std::unique_ptr<Engine> engine(
      new Engine(std::move(options), std::move(key_store), std::move(data), std::move(signer)));
  MAMORI_ASSIGN_OR_RETURN(engine->envelope_key_, engine->DeriveModuleKey(kEnvelopeKeyLabel));
  MAMORI_RETURN_IF_ERROR(engine->UpgradeEnvelopes(WithTime(ctx)));
  MAMORI_RETURN_IF_ERROR(engine->CompletePendingShreds(WithTime(ctx)));
  MAMORI_RETURN_IF_ERROR(engine->CleanInterruptedExports(WithTime(ctx)));
  return engine;
}

Status Engine::Close() {
  if (closed_) return Status::Ok();
  closed_ = true;
  Status signed_head = data_->Update([&](store::WriteTxn& txn) -> Status {
    return StatusOf(audit::SignHead(txn, *signer_, NowMicros()));
  });
  Status closed = data_->Close();
  signer_.reset();
  keys_.reset();
  return signed_head.ok() ? closed : signed_head;
}

audit::Event Engine::MakeEvent(const Context& ctx, std::string_view operation,
                               std::string_view dataset, std::string_view record) {
  audit::Event ev;
  ev.time = ctx.time ? ctx.time : NowMicros();
  ev.actor = ctx.actor;
  ev.terminal = ctx.terminal;
  ev.purpose = LoggedPurpose(dataset, ctx.purpose);
  ev.request_id = ctx.request_id;
  ev.operation = std::string(operation);
  ev.dataset =
      IsValidName(dataset) ? std::string(dataset) : std::string(dataset.empty() ? "" : "(invalid)");
  ev.record = std::string(record);
  if (!record.empty()) ev.subject = SubjectRef(dataset, record);
  ev.result = "ok";
  return ev;
}

std::string Engine::LoggedPurpose(std::string_view dataset, std::string_view purpose) {
  if (purpose.empty() || IsDisposalPurpose(purpose)) return std::string(purpose);
  std::shared_ptr<const DatasetDef> def;
  {
    std::lock_guard lock(datasets_mu_);
    auto it = datasets_.find(dataset);
    if (it != datasets_.end()) def = it->second;
  }
  if (def && def->FindPurpose(purpose)) return std::string(purpose);
  return std::string(audit::kUnregisteredPurpose);
}

std::string Engine::SubjectRef(std::string_view dataset, std::string_view discriminator) {
  auto key = keys_->SubjectKey();
  if (!key) return "";
  std::string msg(dataset);
  msg += '\0';
  msg += discriminator;
  const auto mac = crypto::HmacSha256(*key, msg);
  return HexEncode(crypto::DigestView(mac).substr(0, 16));
}

Result<uint64_t> Engine::AppendEvent(store::WriteTxn& txn, audit::Event& ev) {
  MAMORI_ASSIGN_OR_RETURN(uint64_t seq, audit::Append(txn, ev));
  if (events_since_head_.fetch_add(1) + 1 >= options_.sign_every_events) {
    events_since_head_ = 0;
    MAMORI_RETURN_IF_ERROR(audit::SignHead(txn, *signer_, ev.time));
  }
  return seq;
}

Status Engine::Refuse(const Context& ctx, std::string_view operation, std::string_view dataset,
                      std::string_view record, Status why,
                      const std::map<std::string, std::string>& attrs) {
  audit::Event ev = MakeEvent(ctx, operation, dataset, IsValidName(dataset) ? record : "");
  ev.attrs = attrs;
  return audit::AuditRefusal(*data_, std::move(ev), why, Appender());
}

audit::Appender Engine::Appender() {
  return [this](store::WriteTxn& txn, audit::Event& ev) { return AppendEvent(txn, ev); };
}

Status Engine::CheckPurpose(const DatasetDef& def, const Context& ctx) const {
  if (ctx.purpose.empty()) {
    return Status::PermissionDenied("a purpose (利用目的) is required for every record operation",
                                    "レコードの操作には利用目的の指定が必要です", "purpose");
  }
  if (!def.FindPurpose(ctx.purpose)) {
    // Never echoed: whatever was typed as the purpose may be anything.
    return Status::PermissionDenied(
        "the purpose given is not registered for dataset " + def.name,
        "指定された利用目的は台帳 " + def.name + " に登録されていません", "purpose");
  }
  return Status::Ok();
}

Result<size_t> Engine::RotateDatasetKey(const Context& ctx_in, std::string_view dataset) {
  const Context ctx = WithTime(ctx_in);
  auto def = LoadDataset(dataset);
  if (!def) return Fail(Refuse(ctx, "keys.rotate", dataset, "", def.error()));
  auto count = keys_->RotateDatasetKey(dataset);
  audit::Event ev = MakeEvent(ctx, "keys.rotate", dataset, "");
  if (count) {
    ev.attrs["rewrapped"] = std::to_string(*count);
  } else {
    ev.result = "error";
    ev.code = std::string(CodeName(count.error().code()));
  }
  MAMORI_RETURN_IF_ERROR(
      data_->Update([&](store::WriteTxn& txn) { return StatusOf(AppendEvent(txn, ev)); }));
  return count;
}

Status Engine::RotateRootKey(const Context& ctx_in) {
  const Context ctx = WithTime(ctx_in);
  Status s = keys_->RotateRootKey();
  audit::Event ev = MakeEvent(ctx, "keys.rotate_root", "", "");
  if (!s.ok()) {
    ev.result = "error";
    ev.code = std::string(CodeName(s.code()));
  }
  MAMORI_RETURN_IF_ERROR(
      data_->Update([&](store::WriteTxn& txn) { return StatusOf(AppendEvent(txn, ev)); }));
  return s;
}

Result<keys::KeyStoreInfo> Engine::KeyInfo(const Context& ctx_in) {
  const Context ctx = WithTime(ctx_in);
  audit::Event ev = MakeEvent(ctx, "keys.info", "", "");
  MAMORI_RETURN_IF_ERROR(
      data_->Update([&](store::WriteTxn& txn) { return StatusOf(AppendEvent(txn, ev)); }));
  return keys_->Info();
}

Result<crypto::SecretBytes> Engine::DeriveModuleKey(std::string_view label) {
  MAMORI_ASSIGN_OR_RETURN(auto base, keys_->SubjectKey());
  return crypto::HkdfSha256(base, "mamori module key", label, 32);
}

Status Engine::RecordRefusal(const Context& ctx, std::string_view operation,
                             std::string_view dataset, const Status& why,
                             const std::map<std::string, std::string>& attrs) {
  MAMORI_RETURN_IF_ERROR(CheckEventNames(operation, attrs));
  return Refuse(ctx, operation, dataset, "", why, attrs);
}

Result<uint64_t> Engine::RecordEvent(const Context& ctx, std::string_view operation,
                                     std::string_view dataset,
                                     const std::map<std::string, std::string>& attrs) {
  MAMORI_RETURN_IF_ERROR(CheckEventNames(operation, attrs));
  audit::Event ev = MakeEvent(ctx, operation, dataset, "");
  ev.attrs = attrs;
  uint64_t seq = 0;
  const audit::Effect nothing{[](store::WriteTxn&, audit::Event&, bool&) { return Status::Ok(); }};
  MAMORI_RETURN_IF_ERROR(audit::RunAudited(*data_, std::move(ev), nothing, Appender(), &seq));
  return seq;
}

Result<nlohmann::json> Engine::SignTreeHead(const Context& ctx_in) {
  const Context ctx = WithTime(ctx_in);
  nlohmann::json out;
  MAMORI_RETURN_IF_ERROR(data_->Update([&](store::WriteTxn& txn) -> Status {
    audit::Event ev = MakeEvent(ctx, "audit.sign_head", "", "");
    MAMORI_RETURN_IF_ERROR(audit::Append(txn, ev));
    MAMORI_ASSIGN_OR_RETURN(auto head, audit::SignHead(txn, *signer_, ctx.time));
    out = audit::SignedHeadToJson(head);
    return Status::Ok();
  }));
  events_since_head_ = 0;
  return out;
}

Result<audit::SignedTreeHead> Engine::SignCurrentHead() {
  audit::SignedTreeHead head;
  MAMORI_RETURN_IF_ERROR(data_->Update([&](store::WriteTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(head, audit::SignHead(txn, *signer_, NowMicros()));
    return Status::Ok();
  }));
  return head;
}

}  // namespace mamori::engine
