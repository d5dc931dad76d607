#include "keys/key_store.h"

#include <algorithm>
#include <system_error>

#include <charconv>
#include <cstdio>

#include "core/encoding.h"
#include "crypto/aead.h"
#include "crypto/random.h"
#include "store/sqlite/sqlite_storage.h"

namespace mamori::keys {
namespace {

constexpr std::string_view kFormat = "mamori-keystore-1";
constexpr std::string_view kRootCheckPlain = "mamori root key check";
constexpr size_t kRewrapBatch = 512;

// Associated data: binds each wrapped key to its place in the hierarchy, so a
// wrapped key copied to another slot does not open.
std::string RootCheckAd() { return "mamori/root-check/v1"; }
std::string DatasetKeyAd(std::string_view ds, uint32_t v) {
  return "mamori/dataset-key/v1|" + std::string(ds) + "|" + std::to_string(v);
}
std::string IndexKeyAd(std::string_view ds) { return "mamori/index-key/v1|" + std::string(ds); }
std::string RecordKeyAd(std::string_view ds, std::string_view id) {
  return "mamori/record-key/v1|" + std::string(ds) + "|" + std::string(id);
}
std::string SystemKeyAd(std::string_view name) {
  return "mamori/system-key/v1|" + std::string(name);
}

std::string VersionKey(std::string_view ds, uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08u", v);
  return "ds/" + std::string(ds) + "/v/" + buf;
}
std::string CurrentKey(std::string_view ds) { return "ds/" + std::string(ds) + "/current"; }
std::string RecordPrefix(std::string_view ds) { return "rk/" + std::string(ds) + "/"; }

Result<uint32_t> ParseU32(std::string_view s) {
  uint32_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) {
    return Fail(Status::DataLoss("key store holds a malformed version number",
                                 "鍵ストアのバージョン番号が不正です"));
  }
  return v;
}

// Record key values are "<dataset key version>:<sealed key>".
struct WrappedRecordKey {
  uint32_t version;
  std::string sealed;
};
Result<WrappedRecordKey> SplitWrapped(std::string_view value) {
  const auto colon = value.find(':');
  if (colon == std::string_view::npos) {
    return Fail(Status::DataLoss("key store holds a malformed record key",
                                 "鍵ストアのレコード鍵が不正です"));
  }
  MAMORI_ASSIGN_OR_RETURN(uint32_t v, ParseU32(value.substr(0, colon)));
  return WrappedRecordKey{v, std::string(value.substr(colon + 1))};
}

Status WrongRootKey() {
  return Status::Unauthenticated(
      "the root key does not match this key store; nothing was opened or changed",
      "ルート鍵がこの鍵ストアと一致しません。何も開かず、変更していません");
}

Result<std::unique_ptr<store::Storage>> OpenStorage(const std::string& path, bool create) {
  store::SqliteOptions options;
  options.path = path;
  options.create_if_missing = create;
  auto storage = store::OpenSqliteStorage(options);
  if (!storage && storage.error().code() == Code::kNotFound) {
    return Fail(Status::NotFound("key store not found: " + path,
                                 "鍵ストアが見つかりません: " + path, path));
  }
  return storage;
}

}  // namespace

KeyStore::KeyStore(std::unique_ptr<store::Storage> storage, RootKeyProvider& root,
                   crypto::SecretBytes root_key, size_t pool_size)
    : storage_(std::move(storage)),
      root_(root),
      pool_size_(pool_size == 0 ? 1 : pool_size),
      root_key_(std::move(root_key)) {}

KeyStore::~KeyStore() {
  {
    std::lock_guard lock(mu_);
    refill_stop_ = true;
  }
  refill_cv_.notify_all();
  if (refiller_.joinable()) refiller_.join();
  if (storage_) (void)storage_->Close();
}

Result<std::unique_ptr<KeyStore>> KeyStore::Create(const std::string& path, RootKeyProvider& root) {
  MAMORI_ASSIGN_OR_RETURN(crypto::SecretBytes root_key, root.Load());
  MAMORI_ASSIGN_OR_RETURN(auto storage, OpenStorage(path, /*create=*/true));
  MAMORI_ASSIGN_OR_RETURN(std::string check,
                          crypto::AeadSeal(root_key, kRootCheckPlain, RootCheckAd()));
  MAMORI_ASSIGN_OR_RETURN(crypto::SecretBytes subject, crypto::RandomSecret(32));
  MAMORI_ASSIGN_OR_RETURN(std::string subject_wrapped,
                          crypto::AeadSealSecret(root_key, subject, SystemKeyAd("subject")));
  MAMORI_ASSIGN_OR_RETURN(auto audit_key, crypto::EcdsaP256PrivateKey::Generate());
  MAMORI_ASSIGN_OR_RETURN(crypto::SecretBytes audit_der, audit_key.ToPkcs8Der());
  MAMORI_ASSIGN_OR_RETURN(std::string audit_wrapped,
                          crypto::AeadSealSecret(root_key, audit_der, SystemKeyAd("audit")));
  MAMORI_RETURN_IF_ERROR(storage->Update([&](store::WriteTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto existing, txn.Get("meta/format"));
    if (existing) {
      return Status::AlreadyExists("key store already exists: " + path,
                                   "鍵ストアは既に存在します: " + path, path);
    }
    MAMORI_RETURN_IF_ERROR(txn.Put("meta/format", kFormat));
    MAMORI_RETURN_IF_ERROR(txn.Put("root/check", check));
    MAMORI_RETURN_IF_ERROR(txn.Put("root/version", "1"));
    MAMORI_RETURN_IF_ERROR(txn.Put("sys/subject", subject_wrapped));
    return txn.Put("sys/audit", audit_wrapped);
  }));
  std::unique_ptr<KeyStore> ks(new KeyStore(std::move(storage), root, std::move(root_key), 64));
  MAMORI_RETURN_IF_ERROR(ks->LoadSystemKeys());
  return ks;
}

Result<std::unique_ptr<KeyStore>> KeyStore::Open(const std::string& path, RootKeyProvider& root,
                                                 size_t record_key_pool) {
  MAMORI_ASSIGN_OR_RETURN(crypto::SecretBytes root_key, root.Load());
  MAMORI_ASSIGN_OR_RETURN(auto storage, OpenStorage(path, /*create=*/false));
  std::optional<std::string> format, check;
  MAMORI_RETURN_IF_ERROR(storage->View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(format, txn.Get("meta/format"));
    MAMORI_ASSIGN_OR_RETURN(check, txn.Get("root/check"));
    return Status::Ok();
  }));
  if (!format || *format != kFormat || !check) {
    return Fail(Status::DataLoss("not a mamori key store: " + path,
                                 "mamori の鍵ストアではありません: " + path, path));
  }
  if (!crypto::AeadOpen(root_key, *check, RootCheckAd())) {
    // A rotation may have re-wrapped the store and stopped before making the
    // staged key current: finish it.
    MAMORI_ASSIGN_OR_RETURN(auto staged, root.LoadStaged());
    if (!staged || !crypto::AeadOpen(*staged, *check, RootCheckAd())) return Fail(WrongRootKey());
    MAMORI_RETURN_IF_ERROR(root.CommitNext());
    root_key = std::move(*staged);
  }
  std::unique_ptr<KeyStore> ks(
      new KeyStore(std::move(storage), root, std::move(root_key), record_key_pool));
  MAMORI_RETURN_IF_ERROR(ks->LoadSystemKeys());
  return ks;
}

Status KeyStore::LoadSystemKeys() {
  std::optional<std::string> subject, audit;
  MAMORI_RETURN_IF_ERROR(storage_->View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(subject, txn.Get("sys/subject"));
    MAMORI_ASSIGN_OR_RETURN(audit, txn.Get("sys/audit"));
    return Status::Ok();
  }));
  if (!subject || !audit) {
    return Status::DataLoss("key store is missing its system keys",
                            "鍵ストアにシステム鍵がありません");
  }
  MAMORI_ASSIGN_OR_RETURN(subject_key_,
                          crypto::AeadOpenSecret(root_key_, *subject, SystemKeyAd("subject")));
  MAMORI_ASSIGN_OR_RETURN(crypto::SecretBytes der,
                          crypto::AeadOpenSecret(root_key_, *audit, SystemKeyAd("audit")));
  MAMORI_ASSIGN_OR_RETURN(auto key, crypto::EcdsaP256PrivateKey::FromPkcs8Der(der));
  audit_key_ = std::make_unique<crypto::EcdsaP256PrivateKey>(std::move(key));
  return Status::Ok();
}

Status KeyStore::CreateDataset(std::string_view dataset) {
  crypto::SecretBytes root = [&] {
    std::lock_guard lock(mu_);
    return root_key_.Clone();
  }();
  MAMORI_ASSIGN_OR_RETURN(crypto::SecretBytes ds_key, crypto::RandomSecret(32));
  MAMORI_ASSIGN_OR_RETURN(crypto::SecretBytes ix_key, crypto::RandomSecret(32));
  MAMORI_ASSIGN_OR_RETURN(std::string ds_wrapped,
                          crypto::AeadSealSecret(root, ds_key, DatasetKeyAd(dataset, 1)));
  MAMORI_ASSIGN_OR_RETURN(std::string ix_wrapped,
                          crypto::AeadSealSecret(root, ix_key, IndexKeyAd(dataset)));
  const std::string name(dataset);
  return storage_->Update([&](store::WriteTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto existing, txn.Get(CurrentKey(name)));
    if (existing) {
      return Status::AlreadyExists("dataset keys already exist: " + name,
                                   "台帳の鍵は既に存在します: " + name, name);
    }
    MAMORI_RETURN_IF_ERROR(txn.Put(VersionKey(name, 1), ds_wrapped));
    MAMORI_RETURN_IF_ERROR(txn.Put(CurrentKey(name), "1"));
    return txn.Put("ix/" + name, ix_wrapped);
  });
}

bool KeyStore::HasDataset(std::string_view dataset) {
  bool found = false;
  (void)storage_->View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto v, txn.Get(CurrentKey(dataset)));
    found = v.has_value();
    return Status::Ok();
  });
  return found;
}

// Reads and unwraps one dataset key version. Does not touch the cache or mu_,
// so it can run inside a storage function on the committer thread.
static Result<crypto::SecretBytes> UnwrapDatasetKey(store::ReadTxn& txn,
                                                    const crypto::SecretBytes& root,
                                                    std::string_view dataset, uint32_t version) {
  MAMORI_ASSIGN_OR_RETURN(auto wrapped, txn.Get(VersionKey(dataset, version)));
  if (!wrapped) {
    return Fail(Status::NotFound("dataset key version missing for " + std::string(dataset),
                                 "台帳の鍵のバージョンがありません: " + std::string(dataset),
                                 std::string(dataset)));
  }
  return crypto::AeadOpenSecret(root, *wrapped, DatasetKeyAd(dataset, version));
}

Result<crypto::SecretBytes> KeyStore::DatasetKey(store::ReadTxn& txn, std::string_view dataset,
                                                 uint32_t version) {
  crypto::SecretBytes root;
  {
    std::lock_guard lock(mu_);
    auto ds = dataset_keys_.find(dataset);
    if (ds != dataset_keys_.end()) {
      auto v = ds->second.find(version);
      if (v != ds->second.end()) return v->second.Clone();
    }
    root = root_key_.Clone();
  }
  MAMORI_ASSIGN_OR_RETURN(crypto::SecretBytes key, UnwrapDatasetKey(txn, root, dataset, version));
  std::lock_guard lock(mu_);
  auto& slot = dataset_keys_[std::string(dataset)][version];
  slot = key.Clone();
  return key;
}

Status KeyStore::RefillPool(std::string_view dataset, RecordKey* keep) {
  const std::string name(dataset);
  crypto::SecretBytes root = [&] {
    std::lock_guard lock(mu_);
    return root_key_.Clone();
  }();
  std::vector<RecordKey> fresh;
  fresh.reserve(pool_size_);
  for (size_t i = 0; i < pool_size_; ++i) {
    MAMORI_ASSIGN_OR_RETURN(std::string id, crypto::RandomBytes(16));
    MAMORI_ASSIGN_OR_RETURN(crypto::SecretBytes key, crypto::RandomSecret(32));
    fresh.push_back({HexEncode(id), std::move(key)});
  }
  // The wrapping happens inside the transaction against the version current
  // at that moment, so a concurrent dataset-key rotation either sees these
  // keys (and re-wraps them) or they are wrapped under the new version.
  MAMORI_RETURN_IF_ERROR(storage_->Update([&](store::WriteTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto current, txn.Get(CurrentKey(name)));
    if (!current) {
      return Status::NotFound("no keys for dataset " + name, "台帳の鍵がありません: " + name, name);
    }
    MAMORI_ASSIGN_OR_RETURN(uint32_t version, ParseU32(*current));
    MAMORI_ASSIGN_OR_RETURN(crypto::SecretBytes ds_key, UnwrapDatasetKey(txn, root, name, version));
    const std::string prefix = std::to_string(version) + ":";
    for (const auto& rk : fresh) {
      MAMORI_ASSIGN_OR_RETURN(std::string sealed,
                              crypto::AeadSealSecret(ds_key, rk.key, RecordKeyAd(name, rk.id)));
      MAMORI_RETURN_IF_ERROR(txn.Put(RecordPrefix(name) + rk.id, prefix + sealed));
    }
    return Status::Ok();
  }));
  if (keep != nullptr) {
    *keep = std::move(fresh.back());
    fresh.pop_back();
  }
  std::lock_guard lock(mu_);
  auto& pool = pools_[name];
  for (auto& rk : fresh) pool.push_back(std::move(rk));
  return Status::Ok();
}

Result<RecordKey> KeyStore::NewRecordKey(std::string_view dataset) {
  std::unique_lock lock(mu_);
  // A refill of this pool under way (background or another caller's): wait
  // for it rather than make a second batch durable.
  refill_cv_.wait(lock, [&] { return !refilling_.contains(dataset) || refill_stop_; });
  auto it = pools_.find(dataset);
  if (it != pools_.end() && !it->second.empty()) {
    RecordKey rk = std::move(it->second.back());
    it->second.pop_back();
    if (pool_size_ > 1 && it->second.size() < pool_size_ / 2 && !refill_stop_ &&
        std::find(refill_wanted_.begin(), refill_wanted_.end(), dataset) == refill_wanted_.end()) {
      refill_wanted_.emplace_back(dataset);
      if (!refiller_.joinable()) {
        try {
          refiller_ = std::thread([this] { RefillLoop(); });
        } catch (const std::system_error&) {
          refill_wanted_.pop_back();  // no thread: the pool refills inline when dry
        }
      }
      refill_cv_.notify_all();
    }
    return rk;
  }
  // Empty: this caller refills, and keeps one of the new keys for itself.
  const std::string name(dataset);
  refilling_.insert(name);
  lock.unlock();
  RecordKey mine;
  Status refilled = RefillPool(name, &mine);
  lock.lock();
  refilling_.erase(name);
  refill_cv_.notify_all();
  if (!refilled.ok()) return Fail(std::move(refilled));
  return mine;
}

void KeyStore::RefillLoop() {
  std::unique_lock lock(mu_);
  for (;;) {
    refill_cv_.wait(lock, [this] { return refill_stop_ || !refill_wanted_.empty(); });
    if (refill_stop_) return;
    const std::string name = std::move(refill_wanted_.front());
    refill_wanted_.erase(refill_wanted_.begin());
    if (refilling_.contains(name)) continue;  // a caller is refilling it already
    refilling_.insert(name);
    lock.unlock();
    // A failure leaves the pool as it is: the put that finds it empty
    // refills inline and reports the error to its caller.
    (void)RefillPool(name);
    lock.lock();
    refilling_.erase(name);
    refill_cv_.notify_all();
  }
}

Result<crypto::SecretBytes> KeyStore::GetRecordKey(std::string_view dataset,
                                                   std::string_view key_id) {
  crypto::SecretBytes out;
  MAMORI_RETURN_IF_ERROR(storage_->View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto value, txn.Get(RecordPrefix(dataset) + std::string(key_id)));
    if (!value) {
      return Status::NotFound("record key destroyed or never existed",
                              "レコード鍵は破棄済みか存在しません");
    }
    MAMORI_ASSIGN_OR_RETURN(WrappedRecordKey w, SplitWrapped(*value));
    MAMORI_ASSIGN_OR_RETURN(crypto::SecretBytes ds_key, DatasetKey(txn, dataset, w.version));
    MAMORI_ASSIGN_OR_RETURN(out,
                            crypto::AeadOpenSecret(ds_key, w.sealed, RecordKeyAd(dataset, key_id)));
    return Status::Ok();
  }));
  return out;
}

Status KeyStore::DestroyRecordKey(std::string_view dataset, std::string_view key_id) {
  const std::string key = RecordPrefix(dataset) + std::string(key_id);
  MAMORI_RETURN_IF_ERROR(storage_->Update([&](store::WriteTxn& txn) { return txn.Delete(key); }));
  // secure_delete zeroed the page content; truncating the WAL removes the
  // frames that still held the wrapped key.
  return storage_->Compact();
}

Result<crypto::SecretBytes> KeyStore::IndexKey(std::string_view dataset) {
  crypto::SecretBytes root;
  {
    std::lock_guard lock(mu_);
    auto it = index_keys_.find(dataset);
    if (it != index_keys_.end()) return it->second.Clone();
    root = root_key_.Clone();
  }
  std::optional<std::string> wrapped;
  MAMORI_RETURN_IF_ERROR(storage_->View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(wrapped, txn.Get("ix/" + std::string(dataset)));
    return Status::Ok();
  }));
  if (!wrapped) {
    return Fail(Status::NotFound("no index key for dataset " + std::string(dataset),
                                 "台帳の索引鍵がありません: " + std::string(dataset),
                                 std::string(dataset)));
  }
  MAMORI_ASSIGN_OR_RETURN(crypto::SecretBytes key,
                          crypto::AeadOpenSecret(root, *wrapped, IndexKeyAd(dataset)));
  std::lock_guard lock(mu_);
  index_keys_[std::string(dataset)] = key.Clone();
  return key;
}

Result<bool> KeyStore::HasMarker(std::string_view name) {
  bool found = false;
  MAMORI_RETURN_IF_ERROR(storage_->View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto value, txn.Get("mark/" + std::string(name)));
    found = value.has_value();
    return Status::Ok();
  }));
  return found;
}

Status KeyStore::SetMarker(std::string_view name) {
  return storage_->Update(
      [&](store::WriteTxn& txn) { return txn.Put("mark/" + std::string(name), "1"); });
}

Result<crypto::SecretBytes> KeyStore::SubjectKey() {
  std::lock_guard lock(mu_);
  return subject_key_.Clone();
}

Result<size_t> KeyStore::RotateDatasetKey(std::string_view dataset) {
  const std::string name(dataset);
  crypto::SecretBytes root = [&] {
    std::lock_guard lock(mu_);
    return root_key_.Clone();
  }();
  MAMORI_ASSIGN_OR_RETURN(crypto::SecretBytes fresh, crypto::RandomSecret(32));
  uint32_t new_version = 0;
  MAMORI_RETURN_IF_ERROR(storage_->Update([&](store::WriteTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto current, txn.Get(CurrentKey(name)));
    if (!current) {
      return Status::NotFound("no keys for dataset " + name, "台帳の鍵がありません: " + name, name);
    }
    MAMORI_ASSIGN_OR_RETURN(uint32_t v, ParseU32(*current));
    new_version = v + 1;
    MAMORI_ASSIGN_OR_RETURN(std::string wrapped,
                            crypto::AeadSealSecret(root, fresh, DatasetKeyAd(name, new_version)));
    MAMORI_RETURN_IF_ERROR(txn.Put(VersionKey(name, new_version), wrapped));
    return txn.Put(CurrentKey(name), std::to_string(new_version));
  }));
  {
    std::lock_guard lock(mu_);
    pools_.erase(name);  // pooled keys are re-wrapped below; drop them to start fresh
    dataset_keys_[name][new_version] = fresh.Clone();
  }
  // Re-wrap in batches, each its own transaction, so the store stays online.
  size_t rewrapped = 0;
  std::string cursor = RecordPrefix(name);
  const std::string end = store::PrefixEnd(cursor);
  for (;;) {
    size_t batch = 0;
    std::string last;
    MAMORI_RETURN_IF_ERROR(storage_->Update([&](store::WriteTxn& txn) -> Status {
      batch = 0;
      MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan(cursor, end, kRewrapBatch));
      for (const auto& row : rows) {
        last = row.key;
        MAMORI_ASSIGN_OR_RETURN(WrappedRecordKey w, SplitWrapped(row.value));
        ++batch;
        if (w.version == new_version) continue;
        const std::string id = row.key.substr(RecordPrefix(name).size());
        MAMORI_ASSIGN_OR_RETURN(crypto::SecretBytes old_ds,
                                UnwrapDatasetKey(txn, root, name, w.version));
        MAMORI_ASSIGN_OR_RETURN(crypto::SecretBytes rk,
                                crypto::AeadOpenSecret(old_ds, w.sealed, RecordKeyAd(name, id)));
        MAMORI_ASSIGN_OR_RETURN(std::string sealed,
                                crypto::AeadSealSecret(fresh, rk, RecordKeyAd(name, id)));
        MAMORI_RETURN_IF_ERROR(txn.Put(row.key, std::to_string(new_version) + ":" + sealed));
      }
      return Status::Ok();
    }));
    rewrapped += batch;
    if (batch < kRewrapBatch) break;
    cursor = last + std::string(1, '\0');
  }
  // Delete the old versions once nothing refers to them.
  MAMORI_RETURN_IF_ERROR(storage_->Update([&](store::WriteTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan(RecordPrefix(name), end, 0));
    for (const auto& row : rows) {
      MAMORI_ASSIGN_OR_RETURN(WrappedRecordKey w, SplitWrapped(row.value));
      if (w.version != new_version) {
        return Status::Unavailable(
            "record keys were added under an old version during rotation; run the rotation again",
            "更新中に旧バージョンの鍵が追加されました。もう一度実行してください");
      }
    }
    const std::string vprefix = "ds/" + name + "/v/";
    MAMORI_ASSIGN_OR_RETURN(auto versions, txn.Scan(vprefix, store::PrefixEnd(vprefix), 0));
    for (const auto& row : versions) {
      if (row.key != VersionKey(name, new_version)) MAMORI_RETURN_IF_ERROR(txn.Delete(row.key));
    }
    return Status::Ok();
  }));
  MAMORI_RETURN_IF_ERROR(storage_->Compact());
  std::lock_guard lock(mu_);
  auto& versions = dataset_keys_[name];
  for (auto it = versions.begin(); it != versions.end();) {
    it = it->first == new_version ? std::next(it) : versions.erase(it);
  }
  return rewrapped;
}

Status KeyStore::RotateRootKey() {
  std::lock_guard lock(mu_);
  MAMORI_ASSIGN_OR_RETURN(crypto::SecretBytes next, root_.StageNext());
  const crypto::SecretBytes& old = root_key_;
  MAMORI_RETURN_IF_ERROR(storage_->Update([&](store::WriteTxn& txn) -> Status {
    // Every value wrapped directly by the root key, with its associated data.
    auto rewrap = [&](const std::string& key, const std::string& ad) -> Status {
      MAMORI_ASSIGN_OR_RETURN(auto wrapped, txn.Get(key));
      if (!wrapped) return Status::Ok();
      MAMORI_ASSIGN_OR_RETURN(crypto::SecretBytes plain, crypto::AeadOpenSecret(old, *wrapped, ad));
      MAMORI_ASSIGN_OR_RETURN(std::string sealed, crypto::AeadSealSecret(next, plain, ad));
      return txn.Put(key, sealed);
    };
    MAMORI_RETURN_IF_ERROR(rewrap("root/check", RootCheckAd()));
    MAMORI_RETURN_IF_ERROR(rewrap("sys/subject", SystemKeyAd("subject")));
    MAMORI_RETURN_IF_ERROR(rewrap("sys/audit", SystemKeyAd("audit")));
    MAMORI_ASSIGN_OR_RETURN(auto ds_rows, txn.Scan("ds/", store::PrefixEnd("ds/"), 0));
    for (const auto& row : ds_rows) {
      const std::string rest = row.key.substr(3);
      const auto slash = rest.find('/');
      if (slash == std::string::npos || rest.compare(slash, 3, "/v/") != 0) continue;
      MAMORI_ASSIGN_OR_RETURN(uint32_t v, ParseU32(rest.substr(slash + 3)));
      MAMORI_RETURN_IF_ERROR(rewrap(row.key, DatasetKeyAd(rest.substr(0, slash), v)));
    }
    MAMORI_ASSIGN_OR_RETURN(auto ix_rows, txn.Scan("ix/", store::PrefixEnd("ix/"), 0));
    for (const auto& row : ix_rows)
      MAMORI_RETURN_IF_ERROR(rewrap(row.key, IndexKeyAd(row.key.substr(3))));
    MAMORI_ASSIGN_OR_RETURN(auto version, txn.Get("root/version"));
    MAMORI_ASSIGN_OR_RETURN(uint32_t v, ParseU32(version.value_or("0")));
    return txn.Put("root/version", std::to_string(v + 1));
  }));
  MAMORI_RETURN_IF_ERROR(storage_->Compact());
  MAMORI_RETURN_IF_ERROR(root_.CommitNext());
  root_key_ = std::move(next);
  return Status::Ok();
}

Result<KeyStoreInfo> KeyStore::Info() {
  KeyStoreInfo info;
  info.root_provider = root_.Describe();
  info.audit_key_fingerprint = audit_key_->PublicKey().Fingerprint();
  MAMORI_RETURN_IF_ERROR(storage_->View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto version, txn.Get("root/version"));
    MAMORI_ASSIGN_OR_RETURN(info.root_version, ParseU32(version.value_or("0")));
    MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan("ds/", store::PrefixEnd("ds/"), 0));
    for (const auto& row : rows) {
      constexpr std::string_view kSuffix = "/current";
      if (!row.key.ends_with(kSuffix)) continue;
      KeyStoreInfo::Dataset ds;
      ds.name = row.key.substr(3, row.key.size() - 3 - kSuffix.size());
      MAMORI_ASSIGN_OR_RETURN(ds.current_version, ParseU32(row.value));
      const std::string prefix = RecordPrefix(ds.name);
      MAMORI_ASSIGN_OR_RETURN(auto keys, txn.Scan(prefix, store::PrefixEnd(prefix), 0));
      ds.record_keys = keys.size();
      info.datasets.push_back(std::move(ds));
    }
    return Status::Ok();
  }));
  return info;
}

}  // namespace mamori::keys
