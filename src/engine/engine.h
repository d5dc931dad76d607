// The engine: one data directory holding a data store (mamori.db) and, by
// default under keys/, a separate key store (keys.db) and root key file.
//
// Contract of every operation:
// - It runs as one storage transaction that writes its effect and its audit
//   event together; if the audit write fails, the operation fails.
// - A refusal (bad input, unknown dataset, unregistered purpose) changes no
//   data, is itself audited, and returns an error naming the field or
//   purpose that was wrong — never a personal value.
// - Record operations need ctx.purpose to be a purpose the dataset registers.
// - Values are sealed with AES-256-GCM under a per-record key; associated
//   data binds dataset, record, version, field and key id. Search uses blind
//   indexes (HMAC-SHA-256); no plaintext reaches disk.
// - Every stored row is checked when it is read (integrity.h): a row moved
//   from another record or dataset, altered, or an older version put back
//   while its newer versions are still in the history fails with kDataLoss
//   naming the record id, audited, and nothing of it is returned.
//
// Thread-safe: concurrent operations share commits (group commit).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "engine/batch.h"
#include "engine/context.h"
#include "engine/dataset.h"
#include "engine/records_check.h"
#include "engine/takeout.h"
#include "keys/audit_signer.h"
#include "keys/key_store.h"
#include "keys/root_key.h"
#include "store/storage.h"

namespace mamori::audit {
struct Event;
struct SignedTreeHead;
}  // namespace mamori::audit

namespace mamori::engine {

struct Paths {
  std::string data_dir;
  std::string keys_dir;  // default: <data_dir>/keys
  // A PostgreSQL connection URI (store/postgres/postgres_storage.h) when the
  // data lives there instead of DataStore(); the rest stays in data_dir.
  std::string store_uri;
  std::string DataStore() const { return data_dir + "/mamori.db"; }
  std::string KeyStore() const { return KeysDir() + "/keys.db"; }
  std::string RootKeyFile() const { return KeysDir() + "/root.key"; }
  std::string PassphraseSalt() const { return KeysDir() + "/passphrase.salt"; }
  std::string AuditPublicKey() const { return data_dir + "/audit-public-key.pem"; }
  std::string KeysDir() const { return keys_dir.empty() ? data_dir + "/keys" : keys_dir; }
};

struct EngineOptions {
  Paths paths;
  // Null: the key file at paths.RootKeyFile().
  std::unique_ptr<keys::RootKeyProvider> root;
  size_t record_key_pool = 64;
  // A signed tree head is written after this many events, and on Close.
  uint64_t sign_every_events = 10'000;
  // Who holds the audit signing key (keys/audit_signer.h). Null: the key
  // store's own. Open refuses a signer other than the one that signed the
  // log's latest head, so a store is signed by one key all its life and an
  // operator who forgets the key held apart is told so at once.
  std::unique_ptr<keys::AuditSigner> audit_signer;
  // Run on the opened stores before Open writes anything (pruning, finishing
  // interrupted shreds) and before any head is signed: `mamori serve` checks
  // the store against its witnesses here, so that a store it refuses is
  // left exactly as it was found. An error is what Open returns.
  std::function<Status(store::Storage& data, keys::AuditSigner& signer)> check_store;
};

struct RecordView {
  std::string id;
  uint32_t version = 0;
  TimeMicros created_at = 0, updated_at = 0;
  std::string created_by, updated_by;
  std::optional<CivilDate> end_of_use, deadline;
  nlohmann::json values;  // field name → value
  // {"<field>": value, …, "_meta": {id, version, created_at, …}}
  nlohmann::json ToJson() const;
};

struct WriteResult {
  std::string id;
  uint32_t version = 0;
  uint64_t audit_seq = 0;  // the leaf of the audit event: ask for its inclusion proof
};

struct RecordPage {
  std::vector<RecordView> records;
  std::string next_cursor;  // empty at the end
};

struct FindPage {
  std::vector<std::string> ids;  // ascending
  std::string next_cursor;       // empty at the end; else pass it to get the next page
};

// What allows a disposal outside the retention sweep ([003 V(4)①D]: work
// outside the standard procedure needs an application and an approval): the
// approval's id, recorded in the pending marker, the audit events and the
// signed disposal record, and a check the engine runs in the transaction
// that records the request, against the state it reads there. A refusal of
// the check is audited as the request's refusal and shreds nothing.
struct ShredAuthority {
  std::string approval;
  std::function<Status(store::ReadTxn&)> check;
};

struct SweepReport {
  size_t examined = 0;
  std::vector<nlohmann::json> disposals;
  std::vector<std::string> errors;  // per-record failures; the sweep goes on
};

class Engine {
 public:
  // Creates a new data directory: root key (file, or passphrase salt when
  // `root` is a PassphraseProvider), key store, data store, audit signing key,
  // and the first audit event. Refuses an existing store.
  // `audit_signer` (null: the key store's key) signs the first head, and its
  // public key is written to paths.AuditPublicKey().
  static Status Init(const Paths& paths, keys::RootKeyProvider* root, const Context& ctx,
                     keys::AuditSigner* audit_signer = nullptr);
  // kNotFound for a directory without a store; kUnauthenticated for a wrong
  // root key; neither changes anything. Completes interrupted shreds.
  static Result<std::unique_ptr<Engine>> Open(EngineOptions options, const Context& ctx);
  ~Engine();
  // Signs a final tree head and closes both stores.
  Status Close();

  // Datasets (台帳).
  Result<DatasetDef> CreateDataset(const Context& ctx, const nlohmann::json& definition);
  Result<DatasetDef> UpdateDataset(const Context& ctx, const nlohmann::json& definition);
  Result<std::vector<DatasetDef>> ListDatasets(const Context& ctx);
  Result<DatasetDef> GetDataset(const Context& ctx, std::string_view name);
  Result<std::vector<DatasetDef>> DatasetVersions(const Context& ctx, std::string_view name);
  // The ledger entry docs/REQUIREMENTS.md §1 asks for (items, purposes, storage
  // place and method, retention, department, access restrictions, counts).
  Result<nlohmann::json> Ledger(const Context& ctx, std::string_view name);

  // Records.
  Result<WriteResult> Put(const Context& ctx, std::string_view dataset,
                          const nlohmann::json& values);
  Result<RecordView> Get(const Context& ctx, std::string_view dataset, std::string_view id);
  // Get without waiting for the audit event to be durable: the checks and
  // the read run on the calling thread, and `then` receives what Get would
  // have returned once the event is durable, on a thread of the store's
  // (store::Storage::UpdateThen), or at once for a refusal. Nothing of the
  // record reaches `then` before its disclosure is in the log.
  void GetThen(const Context& ctx, std::string_view dataset, std::string_view id,
               std::function<void(Result<RecordView>)> then);
  // Writes every record of `records` (a JSON array, at most
  // kMaxBatchRecords) in one transaction with one record.put or
  // record.update event each, the batch's own event and options.also
  // (batch.h): all or nothing. Each record passes every check Put (or, when
  // it matches a stored record, Update) makes — dataset, actor, purpose,
  // fields, sealing under its record key — and one that fails refuses the
  // whole batch, audited under options.operation with attribute "index"
  // (its position); nothing is written. Returns one WriteResult per record,
  // in order.
  Result<std::vector<WriteResult>> PutBatch(const Context& ctx, std::string_view dataset,
                                            const nlohmann::json& records,
                                            const PutBatchOptions& options = {});
  // For each of `values` (1 to kMaxBatchRecords, none twice), the record
  // whose indexed `field` holds it, or nullopt when none does: the Find and
  // Get of each in one transaction, which writes one record.get event per
  // record returned and the batch's event ("record.get_batch": field,
  // count asked, matches found). Each record is checked as Get checks it;
  // a value that names two records, and every refusal of Find or Get,
  // refuses the whole batch (audited as record.get_batch, with "index").
  Result<std::vector<std::optional<RecordView>>> GetBatch(const Context& ctx,
                                                          std::string_view dataset,
                                                          std::string_view field,
                                                          const std::vector<std::string>& values);
  // Merges `changes` into the record (a null value removes an optional
  // field); the previous version is kept for history (完全性).
  Result<WriteResult> Update(const Context& ctx, std::string_view dataset, std::string_view id,
                             const nlohmann::json& changes);
  // Every version, oldest first.
  Result<std::vector<RecordView>> History(const Context& ctx, std::string_view dataset,
                                          std::string_view id);
  // Ids of records whose indexed field equals value (after normalisation),
  // ascending, at most `limit` (1..1000) of them after `cursor` (a record
  // id: the next_cursor of the previous page; empty for the first). The
  // audit event of each page says how many ids it disclosed ("matches")
  // and whether more follow ("more").
  Result<FindPage> Find(const Context& ctx, std::string_view dataset, std::string_view field,
                        std::string_view value, std::string_view cursor, size_t limit);
  Result<RecordPage> List(const Context& ctx, std::string_view dataset, std::string_view cursor,
                          size_t limit);
  // Marks the end of use (利用終了); starts the retention clock for rules
  // counted from end of use.
  Result<RecordView> EndUse(const Context& ctx, std::string_view dataset, std::string_view id,
                            CivilDate date);
  // Destroys the record key and every stored version; returns the signed
  // disposal record (廃棄記録). `reason` is a code of DisposalReasonCodes()
  // and `reference` empty or a request/ticket id (disposal_reason.h); both
  // are kept in the disposal record and its event, and anything else is
  // refused (invalid_argument naming "reason" or "reference").
  // The current row must authenticate as this record's (its key id is the
  // key destroyed); an older version put back is shredded all the same,
  // since destroying the key destroys every version.
  Result<nlohmann::json> Shred(const Context& ctx, std::string_view dataset, std::string_view id,
                               std::string_view reason, std::string_view reference = {});
  // The same under `authority`, which the disposal record then names
  // ("approval").
  Result<nlohmann::json> Shred(const Context& ctx, std::string_view dataset, std::string_view id,
                               std::string_view reason, std::string_view reference,
                               const ShredAuthority& authority);
  Result<std::vector<nlohmann::json>> Disposals(const Context& ctx, std::string_view dataset);
  // Compares every stored record of the dataset with the last write the
  // audit log records for it (records_check.h): finds a record rolled back
  // together with its history, deleted, or left after a shred. Reads the
  // whole log; audited as dataset.verify_records. Names record ids only.
  Result<RecordsCheckReport> VerifyRecords(const Context& ctx, std::string_view dataset);

  // The directories this engine was opened on (a take-out spool lives in
  // the data directory).
  const Paths& paths() const { return options_.paths; }

  // Take-out (持ち出し): the contract is stated in engine/takeout.h.
  // Writes req.out_path encrypted to the recipient's certificate and
  // registers the take-out with its "record.export" event, or refuses
  // (audited, no file left).
  Result<TakeoutResult> Export(const Context& ctx, const TakeoutRequest& req);
  // Records the return or destruction of a take-out still out; the
  // confirmer is not the exporter.
  Result<TakeoutRecord> ConfirmTakeout(const Context& ctx, std::string_view takeout,
                                       TakeoutDisposition disposition);
  Result<TakeoutRecord> GetTakeout(const Context& ctx, std::string_view takeout);
  // Oldest first (ids are random, so by export time).
  Result<std::vector<TakeoutRecord>> ListTakeouts(const Context& ctx, const TakeoutFilter& filter);
  // Which records a take-out wrote (id and version each), in file order;
  // kDataLoss when the stored manifest does not hash to the one recorded.
  Result<std::vector<TakeoutManifestEntry>> TakeoutManifest(const Context& ctx,
                                                            std::string_view takeout);

  // Shreds every record whose retention deadline is before `today` (JST),
  // as the record's own authenticated envelope states it: an entry of the
  // deadline index that the record does not confirm is reported (and
  // audited) as an error, and nothing is shredded for it.
  Result<SweepReport> SweepRetention(const Context& ctx, CivilDate today);

  // Keys.
  Result<size_t> RotateDatasetKey(const Context& ctx, std::string_view dataset);
  Status RotateRootKey(const Context& ctx);
  Result<keys::KeyStoreInfo> KeyInfo(const Context& ctx);
  // A 32-byte key for another module's own sealing (identity seals birth
  // dates, phone numbers and TOTP secrets), derived with HKDF-SHA-256 from a
  // system key of the key store under `label`, so it lives and dies with the
  // key store and never sits in the data store. Distinct labels give
  // independent keys.
  Result<crypto::SecretBytes> DeriveModuleKey(std::string_view label);

  // The current definition of a dataset, not audited: for the server's
  // authorisation step, which audits the request itself (the operation that
  // follows, or the refusal). kNotFound / kInvalidArgument as GetDataset.
  Result<std::shared_ptr<const DatasetDef>> Definition(std::string_view name) {
    return LoadDataset(name);
  }
  // The definition this process last loaded, without a read (Definition
  // when none is cached): for work on what an operation just returned, such
  // as masking the values of a Get, which confirmed this definition, or a
  // newer one, in its own transaction.
  Result<std::shared_ptr<const DatasetDef>> CachedDefinition(std::string_view name);

  // Audit.
  // Appends the event of a request refused before any engine operation ran
  // (no credentials, unknown route, malformed framing, a policy refusal) in
  // its own transaction: operation, result "refused" (or "error" for
  // kDataLoss/kIoError/kInternal), code and reason = why.subject(), and
  // `attrs` (e.g. the server's "target": which user or terminal was asked
  // for), which must hold no personal value. Returns `why`, or kIoError when
  // the event could not be written, or kInvalidArgument (nothing written)
  // when `operation` or an attribute name is not an identifier such as
  // "api.request": free text does not reach the log through these.
  Status RecordRefusal(const Context& ctx, std::string_view operation, std::string_view dataset,
                       const Status& why, const std::map<std::string, std::string>& attrs = {});
  // Appends an event of a successful operation that is not the engine's own
  // (identity and policy write theirs through their own transactions; this is
  // for the server's reads that touch no engine state, e.g. a register view).
  // attrs must hold no personal value. Returns the event's sequence number;
  // kInvalidArgument as RecordRefusal.
  Result<uint64_t> RecordEvent(const Context& ctx, std::string_view operation,
                               std::string_view dataset,
                               const std::map<std::string, std::string>& attrs = {});
  // Appends an "audit.sign_head" event and signs the head that covers it.
  Result<nlohmann::json> SignTreeHead(const Context& ctx);
  // Signs the current head without writing an event, for witnessing on a
  // timer: when the latest signed head already covers the log it is returned
  // unchanged, so an idle server signs and writes nothing. Durable when it
  // returns.
  Result<audit::SignedTreeHead> SignCurrentHead();
  store::Storage& data_store() { return *data_; }
  keys::AuditSigner& audit_signer() { return *signer_; }

 private:
  Engine(EngineOptions options, std::unique_ptr<keys::KeyStore> keys,
         std::unique_ptr<store::Storage> data, std::unique_ptr<keys::AuditSigner> signer);

  Result<std::shared_ptr<const DatasetDef>> LoadDataset(std::string_view name);
  Status CheckPurpose(const DatasetDef& def, const Context& ctx) const;
  // Writes a refusal event (with `attrs`) in its own transaction and returns `why`.
  Status Refuse(const Context& ctx, std::string_view operation, std::string_view dataset,
                std::string_view record, Status why,
                const std::map<std::string, std::string>& attrs = {});
  audit::Event MakeEvent(const Context& ctx, std::string_view operation, std::string_view dataset,
                         std::string_view record);
  std::string SubjectRef(std::string_view dataset, std::string_view discriminator);
  // What an event records as the purpose: one the dataset registers, or the
  // engine's disposal purposes; anything else is audit::kUnregisteredPurpose,
  // so that nothing typed as a purpose reaches the log.
  std::string LoggedPurpose(std::string_view dataset, std::string_view purpose);
  // AppendEvent as an audit::Appender, for audit::RunAudited and
  // audit::AuditRefusal (audit/audited.h).
  std::function<Result<uint64_t>(store::WriteTxn&, audit::Event&)> Appender();
  // Appends ev inside txn and signs a tree head when one is due.
  Result<uint64_t> AppendEvent(store::WriteTxn& txn, audit::Event& ev);
  Status CompletePendingShreds(const Context& ctx);
  // Deletes the partial file of every export interrupted before its commit
  // and records the interruption (takeout.h).
  Status CleanInterruptedExports(const Context& ctx);
  Result<TakeoutRecord> LoadTakeout(const Context& ctx, std::string_view op,
                                    std::string_view takeout);
  // Shred; with `due_before`, only when the record's deadline is before it.
  Result<nlohmann::json> ShredRecord(const Context& ctx, std::string_view dataset,
                                     std::string_view id, std::string_view reason,
                                     std::string_view reference,
                                     std::optional<CivilDate> due_before,
                                     const ShredAuthority* authority = nullptr);
  // Gives every row written before envelopes were authenticated its code
  // and hash chain, then sets the key-store marker (envelope_upgrade.cc).
  Status UpgradeEnvelopes(const Context& ctx);
  Result<nlohmann::json> FinishShred(const Context& ctx, std::string_view dataset,
                                     std::string_view id, const nlohmann::json& pending);

  EngineOptions options_;
  std::unique_ptr<keys::KeyStore> keys_;
  std::unique_ptr<store::Storage> data_;
  crypto::SecretBytes envelope_key_;           // integrity.h
  std::unique_ptr<keys::AuditSigner> signer_;  // may refer to keys_: reset before it
  std::atomic<uint64_t> events_since_head_{0};
  bool closed_ = false;

  std::mutex datasets_mu_;
  std::map<std::string, std::shared_ptr<const DatasetDef>, std::less<>> datasets_;
  friend class RecordOps;
};

}  // namespace mamori::engine
