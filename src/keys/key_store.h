// The key store: every wrapped key of the hierarchy, in its own database file
// (keys.db), separate from the data store.
//
//   root key (provider) ──wraps──> dataset keys (versioned), index keys,
//                                  system keys (audit signing, subject refs)
//   dataset key ──────────wraps──> record keys (one per record)
//
// Record keys are handed out from a pool that is made durable in batches, so
// a put does not pay a key-store sync of its own; a pooled key that is never
// used wraps nothing and is harmless. When a pool of more than one key is
// half used, a background thread makes the next batch durable, so a put does
// not wait for that batch's sync either (it waits only if the pool runs dry). Destroying a record
// key deletes it with SQLite secure_delete and truncates the WAL, so it is gone from this file;
// copies of the data store never held it.
//
// Thread-safe. No method logs or returns key material except the accessors
// whose purpose is to return a key (as SecretBytes).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/status.h"
#include "crypto/secret.h"
#include "crypto/signature.h"
#include "keys/root_key.h"
#include "store/storage.h"

namespace mamori::keys {

struct RecordKey {
  std::string id;  // 32 hex characters, random
  crypto::SecretBytes key;
};

struct KeyStoreInfo {
  std::string root_provider;  // RootKeyProvider::Describe()
  uint32_t root_version = 0;
  struct Dataset {
    std::string name;
    uint32_t current_version = 0;
    size_t record_keys = 0;
  };
  std::vector<Dataset> datasets;
  std::string audit_key_fingerprint;
};

class KeyStore {
 public:
  // Creates keys.db at path (it must not exist) with root-check, audit signing
  // key and subject-reference key, all wrapped by the provider's root key.
  static Result<std::unique_ptr<KeyStore>> Create(const std::string& path, RootKeyProvider& root);
  // Opens an existing key store. kNotFound when absent; kUnauthenticated when
  // the root key does not match (nothing is changed). Completes a root
  // rotation that was interrupted after the key store was re-wrapped.
  static Result<std::unique_ptr<KeyStore>> Open(const std::string& path, RootKeyProvider& root,
                                                size_t record_key_pool = 64);
  ~KeyStore();

  // Creates version 1 of the dataset key and the dataset's index key.
  // kAlreadyExists if the dataset has keys.
  Status CreateDataset(std::string_view dataset);
  bool HasDataset(std::string_view dataset);

  // A fresh, durable record key wrapped by the dataset's current key.
  Result<RecordKey> NewRecordKey(std::string_view dataset);
  // kNotFound when the key was destroyed (the record was shredded).
  Result<crypto::SecretBytes> GetRecordKey(std::string_view dataset, std::string_view key_id);
  // Deletes the record key and purges it from the database files. Idempotent.
  Status DestroyRecordKey(std::string_view dataset, std::string_view key_id);

  // HMAC key of the dataset's blind indexes (not rotated: rotating it would
  // need a re-index of every record).
  Result<crypto::SecretBytes> IndexKey(std::string_view dataset);
  // HMAC key for keyed-hash subject references in audit events.
  Result<crypto::SecretBytes> SubjectKey();
  const crypto::EcdsaP256PrivateKey& AuditSigningKey() const { return *audit_key_; }

  // Creates a new dataset key version, re-wraps every record key of the
  // dataset under it in batches (the store stays online) and deletes the old
  // versions. Returns the number of record keys re-wrapped.
  Result<size_t> RotateDatasetKey(std::string_view dataset);
  // Moves the whole hierarchy to a new root key from the same provider
  // (StageNext → re-wrap in one transaction → CommitNext).
  Status RotateRootKey();

  Result<KeyStoreInfo> Info();

  // One-way markers: facts about the data store recorded here, beside the
  // keys, where someone who can write only the data store cannot undo them
  // (engine: "every record envelope carries an authentication code", after
  // which a row without one is refused). Stored as mark/<name>; a marker is
  // never removed.
  Result<bool> HasMarker(std::string_view name);
  Status SetMarker(std::string_view name);

 private:
  KeyStore(std::unique_ptr<store::Storage> storage, RootKeyProvider& root,
           crypto::SecretBytes root_key, size_t pool_size);
  Status LoadSystemKeys();
  Result<crypto::SecretBytes> DatasetKey(store::ReadTxn& txn, std::string_view dataset,
                                         uint32_t version);
  // Makes pool_size_ new keys durable; the last goes to *keep when given
  // (so a caller that refilled an empty pool is sure of a key), the rest to
  // the pool.
  Status RefillPool(std::string_view dataset, RecordKey* keep = nullptr);
  void RefillLoop();

  // Refills: the datasets whose pool is below half (wanted, for the
  // background thread) and those being refilled now, in the background or
  // by a caller that found its pool empty. Guarded by mu_.
  std::condition_variable refill_cv_;
  std::vector<std::string> refill_wanted_;
  std::set<std::string, std::less<>> refilling_;
  bool refill_stop_ = false;
  std::thread refiller_;  // started by the first NewRecordKey of a pool > 1

  std::unique_ptr<store::Storage> storage_;
  RootKeyProvider& root_;
  size_t pool_size_;

  std::mutex mu_;  // guards everything below
  crypto::SecretBytes root_key_;
  std::map<std::string, std::map<uint32_t, crypto::SecretBytes>, std::less<>> dataset_keys_;
  std::map<std::string, crypto::SecretBytes, std::less<>> index_keys_;
  std::map<std::string, std::vector<RecordKey>, std::less<>> pools_;
  crypto::SecretBytes subject_key_;
  std::unique_ptr<crypto::EcdsaP256PrivateKey> audit_key_;
};

}  // namespace mamori::keys
