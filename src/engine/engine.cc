#include "engine/engine.h"

#include <sys/stat.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>

#include "audit/audited.h"
#include "audit/log.h"
#include "core/encoding.h"
#include "crypto/hash.h"
#include "crypto/kdf.h"
#include "engine/envelope.h"
#include "engine/integrity.h"
#include "engine/keyspace.h"
#include "engine/takeout_rules.h"
#include "store/sqlite/sqlite_storage.h"

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

// A stored definition that does not parse: the parser's findings name
// members of the stored JSON and may quote its bytes, so only the dataset
// (a checked identifier) is named.
Status StoredDefinitionCorrupt(std::string_view dataset) {
  return Status::DataLoss(
      "the stored definition of dataset " + std::string(dataset) + " does not parse",
      "台帳 " + std::string(dataset) + " の保存された定義を解析できません", "dataset");
}

// The engine-managed members of a stored definition (ParseDatasetDef
// ignores them); false when one has the wrong type.
bool ReadStoredMembers(const nlohmann::json& json, DatasetDef& def) {
  auto text = [&](const char* key, std::string& out) {
    auto it = json.find(key);
    if (it == json.end()) return true;
    if (!it->is_string()) return false;
    out = it->get<std::string>();
    return true;
  };
  auto version = json.find("version");
  if (version != json.end()) {
    if (!version->is_number_unsigned() || version->get<uint64_t>() > UINT32_MAX) return false;
    def.version = version->get<uint32_t>();
  }
  std::string created_at, updated_at;
  if (!text("created_at", created_at) || !text("updated_at", updated_at) ||
      !text("created_by", def.created_by) || !text("updated_by", def.updated_by)) {
    return false;
  }
  def.created_at = ParseUtc(created_at).value_or(0);
  def.updated_at = ParseUtc(updated_at).value_or(0);
  return true;
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
  if (FileExists(paths.DataStore()) || FileExists(paths.KeyStore())) {
    return Status::AlreadyExists("a mamori store already exists in " + paths.data_dir,
                                 "既に mamori のストアがあります: " + paths.data_dir,
                                 paths.data_dir);
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
  store::SqliteOptions so;
  so.path = paths.DataStore();
  MAMORI_ASSIGN_OR_RETURN(auto data, store::OpenSqliteStorage(so));
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
  if (!FileExists(paths.DataStore())) {
    return Fail(Status::NotFound(
        "no mamori store in " + paths.data_dir + " (run mamori init --data " + paths.data_dir + ")",
        "mamori のストアがありません: " + paths.data_dir + " (mamori init を実行してください)",
        paths.data_dir));
  }
  if (!options.root) options.root = std::make_unique<keys::KeyFileProvider>(paths.RootKeyFile());
  // Keys first: a wrong or missing root key refuses before the data store is touched.
  MAMORI_ASSIGN_OR_RETURN(auto key_store, keys::KeyStore::Open(paths.KeyStore(), *options.root,
                                                               options.record_key_pool));
  store::SqliteOptions so;
  so.path = paths.DataStore();
  so.create_if_missing = false;
  MAMORI_ASSIGN_OR_RETURN(auto data, store::OpenSqliteStorage(so));
  std::optional<std::string> format;
  MAMORI_RETURN_IF_ERROR(data->View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(format, txn.Get("meta/format"));
    return Status::Ok();
  }));
  if (!format || *format != kDataFormat) {
    return Fail(Status::DataLoss("not a mamori data store: " + paths.DataStore(),
                                 "mamori のデータストアではありません: " + paths.DataStore()));
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

Result<std::shared_ptr<const DatasetDef>> Engine::CachedDefinition(std::string_view name) {
  {
    std::lock_guard lock(datasets_mu_);
    auto it = datasets_.find(name);
    if (it != datasets_.end()) return it->second;
  }
  return LoadDataset(name);
}

Result<std::shared_ptr<const DatasetDef>> Engine::LoadDataset(std::string_view name) {
  if (!IsValidName(name)) {
    return Fail(Status::InvalidArgument("dataset name must be lower-case letters, digits and _",
                                        "台帳名は英小文字・数字・_ で指定してください", "dataset"));
  }
  std::optional<std::string> raw, version;
  MAMORI_RETURN_IF_ERROR(data_->View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(version, txn.Get(keyspace::DatasetVersionCurrent(name)));
    {
      std::lock_guard lock(datasets_mu_);
      auto it = datasets_.find(name);
      if (version && it != datasets_.end() && std::to_string(it->second->version) == *version) {
        return Status::Ok();
      }
    }
    MAMORI_ASSIGN_OR_RETURN(raw, txn.Get(keyspace::Dataset(name)));
    return Status::Ok();
  }));
  std::lock_guard lock(datasets_mu_);
  if (!raw) {
    auto it = datasets_.find(name);
    if (version && it != datasets_.end()) return it->second;
    return Fail(Status::NotFound("dataset '" + std::string(name) + "' does not exist",
                                 "台帳 '" + std::string(name) + "' は存在しません", "dataset"));
  }
  auto json = nlohmann::json::parse(*raw, nullptr, false);
  auto parsed = ParseDatasetDef(json);
  if (!parsed) return Fail(StoredDefinitionCorrupt(name));
  DatasetDef def = std::move(*parsed);
  if (!ReadStoredMembers(json, def)) return Fail(StoredDefinitionCorrupt(name));
  auto shared = std::make_shared<const DatasetDef>(std::move(def));
  datasets_[std::string(name)] = shared;
  return shared;
}

Result<DatasetDef> Engine::CreateDataset(const Context& ctx_in, const nlohmann::json& definition) {
  const Context ctx = WithTime(ctx_in);
  const std::string requested = definition.is_object() ? definition.value("name", "") : "";
  auto parsed = ParseDatasetDef(definition);
  if (!parsed) return Fail(Refuse(ctx, "dataset.create", requested, "", parsed.error()));
  DatasetDef def = std::move(*parsed);
  def.version = 1;
  def.created_at = def.updated_at = ctx.time;
  def.created_by = def.updated_by = ctx.actor;
  if (!keys_->HasDataset(def.name)) {
    if (Status s = keys_->CreateDataset(def.name); !s.ok() && s.code() != Code::kAlreadyExists)
      return Fail(s);
  }
  const std::string body = DatasetDefToJson(def).dump();
  Status domain;
  audit::Event ev = MakeEvent(ctx, "dataset.create", def.name, "");
  ev.attrs["version"] = "1";
  MAMORI_RETURN_IF_ERROR(data_->Update([&](store::WriteTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto existing, txn.Get(keyspace::Dataset(def.name)));
    if (existing) {
      domain = Status::AlreadyExists("dataset '" + def.name + "' already exists",
                                     "台帳 '" + def.name + "' は既に存在します", "name");
      ev.result = "refused";
      ev.code = std::string(CodeName(domain.code()));
      ev.reason = "name";
      return StatusOf(AppendEvent(txn, ev));
    }
    MAMORI_RETURN_IF_ERROR(txn.Put(keyspace::Dataset(def.name), body));
    MAMORI_RETURN_IF_ERROR(txn.Put(keyspace::DatasetVersion(def.name, 1), body));
    MAMORI_RETURN_IF_ERROR(txn.Put(keyspace::DatasetVersionCurrent(def.name), "1"));
    return StatusOf(AppendEvent(txn, ev));
  }));
  if (!domain.ok()) return Fail(domain);
  return def;
}

Result<DatasetDef> Engine::UpdateDataset(const Context& ctx_in, const nlohmann::json& definition) {
  const Context ctx = WithTime(ctx_in);
  const std::string requested = definition.is_object() ? definition.value("name", "") : "";
  auto parsed = ParseDatasetDef(definition);
  if (!parsed) return Fail(Refuse(ctx, "dataset.update", requested, "", parsed.error()));
  auto current = LoadDataset(parsed->name);
  if (!current) return Fail(Refuse(ctx, "dataset.update", parsed->name, "", current.error()));
  // Which fields hold values: field names are in the clear in envelopes.
  std::set<std::string> with_values;
  MAMORI_RETURN_IF_ERROR(data_->View([&](store::ReadTxn& txn) -> Status {
    const std::string prefixes[] = {keyspace::RecordsPrefix(parsed->name),
                                    "h/" + parsed->name + "/"};
    for (const auto& prefix : prefixes) {
      std::string cursor = prefix;
      const std::string end = store::PrefixEnd(prefix);
      for (;;) {
        MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan(cursor, end, 1000));
        for (const auto& row : rows) {
          MAMORI_ASSIGN_OR_RETURN(Envelope env, Envelope::Decode(row.value));
          for (const auto& [field, _] : env.sealed) with_values.insert(field);
        }
        if (rows.size() < 1000) break;
        cursor = rows.back().key + std::string(1, '\0');
      }
    }
    return Status::Ok();
  }));
  if (Status s = CheckCompatible(**current, *parsed, with_values); !s.ok()) {
    return Fail(Refuse(ctx, "dataset.update", parsed->name, "", s));
  }
  DatasetDef def = std::move(*parsed);
  def.version = (*current)->version + 1;
  def.created_at = (*current)->created_at;
  def.created_by = (*current)->created_by;
  def.updated_at = ctx.time;
  def.updated_by = ctx.actor;
  const std::string body = DatasetDefToJson(def).dump();
  const uint32_t expected = (*current)->version;
  Status domain;
  audit::Event ev = MakeEvent(ctx, "dataset.update", def.name, "");
  ev.attrs["version"] = std::to_string(def.version);
  MAMORI_RETURN_IF_ERROR(data_->Update([&](store::WriteTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto version, txn.Get(keyspace::DatasetVersionCurrent(def.name)));
    if (!version || *version != std::to_string(expected)) {
      domain = Status::Unavailable("dataset changed concurrently; try again",
                                   "台帳が同時に変更されました。再試行してください");
      return Status::Ok();
    }
    MAMORI_RETURN_IF_ERROR(txn.Put(keyspace::Dataset(def.name), body));
    MAMORI_RETURN_IF_ERROR(txn.Put(keyspace::DatasetVersion(def.name, def.version), body));
    MAMORI_RETURN_IF_ERROR(
        txn.Put(keyspace::DatasetVersionCurrent(def.name), std::to_string(def.version)));
    return StatusOf(AppendEvent(txn, ev));
  }));
  if (!domain.ok()) return Fail(domain);
  return def;
}

Result<std::vector<DatasetDef>> Engine::ListDatasets(const Context& ctx_in) {
  const Context ctx = WithTime(ctx_in);
  std::vector<std::string> names;
  MAMORI_RETURN_IF_ERROR(data_->View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan("ds/", store::PrefixEnd("ds/"), 0));
    for (const auto& row : rows) names.push_back(row.key.substr(3));
    return Status::Ok();
  }));
  std::vector<DatasetDef> out;
  for (const auto& name : names) {
    MAMORI_ASSIGN_OR_RETURN(auto def, LoadDataset(name));
    out.push_back(*def);
  }
  audit::Event ev = MakeEvent(ctx, "dataset.list", "", "");
  ev.attrs["count"] = std::to_string(out.size());
  MAMORI_RETURN_IF_ERROR(
      data_->Update([&](store::WriteTxn& txn) { return StatusOf(AppendEvent(txn, ev)); }));
  return out;
}

Result<DatasetDef> Engine::GetDataset(const Context& ctx_in, std::string_view name) {
  const Context ctx = WithTime(ctx_in);
  auto def = LoadDataset(name);
  if (!def) return Fail(Refuse(ctx, "dataset.show", name, "", def.error()));
  audit::Event ev = MakeEvent(ctx, "dataset.show", name, "");
  MAMORI_RETURN_IF_ERROR(
      data_->Update([&](store::WriteTxn& txn) { return StatusOf(AppendEvent(txn, ev)); }));
  return **def;
}

Result<std::vector<DatasetDef>> Engine::DatasetVersions(const Context& ctx_in,
                                                        std::string_view name) {
  const Context ctx = WithTime(ctx_in);
  auto current = LoadDataset(name);
  if (!current) return Fail(Refuse(ctx, "dataset.versions", name, "", current.error()));
  std::vector<DatasetDef> out;
  MAMORI_RETURN_IF_ERROR(data_->View([&](store::ReadTxn& txn) -> Status {
    const std::string prefix = keyspace::DatasetVersionsPrefix(name);
    MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan(prefix, store::PrefixEnd(prefix), 0));
    for (const auto& row : rows) {
      auto json = nlohmann::json::parse(row.value, nullptr, false);
      auto parsed = ParseDatasetDef(json);
      if (!parsed) return StoredDefinitionCorrupt(name);
      DatasetDef def = std::move(*parsed);
      if (!ReadStoredMembers(json, def)) return StoredDefinitionCorrupt(name);
      out.push_back(std::move(def));
    }
    return Status::Ok();
  }));
  audit::Event ev = MakeEvent(ctx, "dataset.versions", name, "");
  MAMORI_RETURN_IF_ERROR(
      data_->Update([&](store::WriteTxn& txn) { return StatusOf(AppendEvent(txn, ev)); }));
  return out;
}

Result<nlohmann::json> Engine::Ledger(const Context& ctx_in, std::string_view name) {
  const Context ctx = WithTime(ctx_in);
  auto loaded = LoadDataset(name);
  if (!loaded) return Fail(Refuse(ctx, "dataset.ledger", name, "", loaded.error()));
  const DatasetDef& def = **loaded;
  uint64_t records = 0, disposals = 0;
  MAMORI_RETURN_IF_ERROR(data_->View([&](store::ReadTxn& txn) -> Status {
    // Counted here rather than kept in a counter: a counter is one more
    // B-tree page rewritten by every put and shred, and the ledger view is
    // rare. Reads keys and envelopes in order: O(records).
    const std::string records_prefix = keyspace::RecordsPrefix(name);
    MAMORI_RETURN_IF_ERROR(txn.ScanEach(records_prefix, store::PrefixEnd(records_prefix),
                                        [&](std::string_view, std::string_view) -> Result<bool> {
                                          ++records;
                                          return true;
                                        }));
    const std::string prefix = keyspace::DisposalsPrefix(name);
    MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan(prefix, store::PrefixEnd(prefix), 0));
    disposals = rows.size();
    return Status::Ok();
  }));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& f : def.fields) {
    items.push_back({{"name", f.name},
                     {"title", f.title},
                     {"type", FieldTypeName(f.type)},
                     {"type_ja", FieldTypeLabelJa(f.type)},
                     {"required", f.required},
                     {"indexed", f.indexed}});
  }
  nlohmann::json handling = nlohmann::json::array();
  for (const auto& h : def.handling) {
    const auto label = HandlingLabelJa(h);
    handling.push_back({{"id", h}, {"label_ja", label.empty() ? h : std::string(label)}});
  }
  nlohmann::json purposes = nlohmann::json::array();
  for (const auto& p : def.purposes)
    purposes.push_back({{"id", p.id}, {"title", p.title}, {"basis", p.basis}});
  nlohmann::json ledger = {
      {"name", def.name},
      {"title", def.title},
      {"department", def.department},
      {"management_category", def.category},
      {"description", def.description},
      {"items_collected", items},
      {"purposes", purposes},
      {"classification",
       {{"confidentiality", def.classification.confidentiality},
        {"integrity", def.classification.integrity},
        {"availability", def.classification.availability},
        {"label", "機密性" + std::to_string(def.classification.confidentiality) + " 完全性" +
                      std::to_string(def.classification.integrity) + " 可用性" +
                      std::to_string(def.classification.availability)},
        {"derived", def.classification.DerivedLabels()}}},
      {"handling_restrictions", handling},
      // What the restrictions and the classification mean for a take-out
      // (takeout_rules.h): refused, to whom, approved by whom.
      {"takeout", TakeoutRulesToJson(TakeoutRulesFor(def))},
      {"retention", {{"rule", def.retention.Describe()}, {"defined", def.retention.defined}}},
      {"storage",
       {{"place", options_.paths.DataStore()},
        {"backend", data_->Backend()},
        {"key_store", options_.paths.KeyStore()},
        {"method",
         "AES-256-GCM per-record keys (envelope encryption); blind indexes HMAC-SHA-256; "
         "key store separate from data store / レコード単位の鍵で暗号化、索引は鍵付きハッシュ"}}},
      {"access_restrictions",
       {{"purpose_binding",
         "every record operation must name a registered purpose / 登録済みの利用目的の指定が必須"},
        {"audit",
         "every operation, including reads and refusals, is recorded in the verifiable audit log / "
         "参照・拒否を含む全操作を監査ログに記録"},
        {"handling", handling}}},
      {"records", records},
      {"disposals", disposals},
      {"definition_version", def.version},
      {"created_at", FormatJst(def.created_at)},
      {"created_by", def.created_by},
      {"updated_at", FormatJst(def.updated_at)},
      {"updated_by", def.updated_by},
  };
  audit::Event ev = MakeEvent(ctx, "dataset.ledger", name, "");
  MAMORI_RETURN_IF_ERROR(
      data_->Update([&](store::WriteTxn& txn) { return StatusOf(AppendEvent(txn, ev)); }));
  return ledger;
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
