// Steps shared by the engine's record operations (records.cc, record_scans.cc):
// admission (dataset, purpose, record id), reading and checking the current
// row, validation of values, blind-index tags. Internal to the engine.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/event.h"
#include "core/status.h"
#include "crypto/secret.h"
#include "engine/engine.h"
#include "engine/envelope.h"

namespace mamori::engine {

inline constexpr int kOptimisticRetries = 5;
inline constexpr size_t kMaxPageLimit = 1000;

Status BadRecordId();
// kPermissionDenied: the context names no actor, so no event could say who.
Status NoActor();
Status RetryLater();
// kInvalidArgument naming `what` ("limit") unless 1 <= limit <= kMaxPageLimit.
Status CheckPageLimit(size_t limit);
// The indexed field `name` of `def`, or kInvalidArgument naming it (when it
// is an identifier) as a field one cannot search by.
Result<const FieldDef*> IndexedField(const DatasetDef& def, std::string_view name);

class RecordOps {
 public:
  explicit RecordOps(Engine& e) : e_(e) {}

  // Dataset, actor, purpose and (optionally) record-id checks; refusals
  // audited. Made here whatever the caller checked before: the engine's
  // rules do not depend on the API's.
  //
  // The definition is the one cached by an earlier operation, without a
  // read, unless `reload`. Every operation confirms it in its own write
  // transaction (Current) and, when another process or thread has changed
  // it since, reloads and runs again: the purpose and field checks always
  // apply the definition in force when the operation commits.
  Result<std::shared_ptr<const DatasetDef>> Admit(const Context& ctx, std::string_view op,
                                                  std::string_view dataset, std::string_view id,
                                                  bool check_id, bool reload = false);

  std::shared_ptr<const DatasetDef> Cached(std::string_view dataset);

  // Whether `def` is still the dataset's current definition, read in the
  // operation's own transaction.
  static Result<bool> Current(store::ReadTxn& txn, const DatasetDef& def);

  // A read's audit event, in the read's own write transaction: written only
  // when `def` is still current (else *stale) and the record still holds
  // `raw` (else *changed), so that the event names exactly what is returned.
  Status AuditRead(store::WriteTxn& txn, const DatasetDef& def, std::string_view dataset,
                   std::string_view id, const std::string& raw, audit::Event& ev, bool* stale,
                   bool* changed);

  // The event of a read of `version`.
  audit::Event ReadEvent(const Context& ctx, std::string_view dataset, std::string_view id,
                         uint32_t version);

  struct Loaded {
    std::string raw;
    Envelope env;
    crypto::SecretBytes key;
    nlohmann::json values;
  };

  // Reads the current version with the newest history row in one snapshot,
  // checks it (integrity.h: this record's, not rolled back) and opens it;
  // refusals and integrity failures audited under `op`.
  Result<Loaded> Load(const Context& ctx, std::string_view op, std::string_view dataset,
                      std::string_view id);

  // The record key of a checked envelope: kDataLoss when it was destroyed.
  Result<crypto::SecretBytes> RecordKey(std::string_view dataset, std::string_view id,
                                        const Envelope& env);

  // Validates a whole record (put) or the merged result (update).
  Result<nlohmann::json> Validate(const DatasetDef& def, const nlohmann::json& input,
                                  const nlohmann::json* base);

  Result<std::map<std::string, std::string>> Tags(const DatasetDef& def,
                                                  const nlohmann::json& values);

  static std::string Tag(const crypto::SecretBytes& key, std::string_view field,
                         std::string_view form);

  static RecordView View(std::string_view id, const Envelope& env, nlohmann::json values);

  // A record's next row, sealed and signed, with its event: a new record
  // (version 1) or a new version of `base`. Put, Update and PutBatch each
  // make it the same way and write it with Write in their own transaction.
  struct Prepared {
    std::string id;
    Envelope env;
    std::string body;
    audit::Event ev;
    std::optional<Loaded> base;  // the version it replaces (an update)
  };
  // From values already validated (Validate) against `def`.
  Result<Prepared> PreparePut(const Context& ctx, const DatasetDef& def,
                              const nlohmann::json& values);
  Result<Prepared> PrepareUpdate(const Context& ctx, const DatasetDef& def, std::string_view id,
                                 Loaded base, const nlohmann::json& values);
  // Writes the row, its index entries and deadline (and, for an update, the
  // history row) — not the event. *changed (an update): the record no
  // longer holds base.raw, and nothing was written.
  static Status Write(store::WriteTxn& txn, std::string_view dataset, const Prepared& p,
                      bool* changed);

  // The lookups of a batch (records_batch.cc): for each value, the index
  // prefix of its blind-index tag on `field` and the id of the stored
  // record it names (empty: none), read in one snapshot. kInvalidArgument
  // for a value given twice or not of the field's form, kFailedPrecondition
  // for one that names two records; *at says which. Not audited.
  struct Lookup {
    std::vector<std::string> prefixes, ids;
  };
  Result<Lookup> LookUp(const DatasetDef& def, const FieldDef& field,
                        const std::vector<std::string>& values, size_t* at);
  // Load of a record a lookup found, trusted only when the record holds the
  // value looked up (as Find trusts an index entry: one planted in the
  // store finds nothing); refusals audited under `op` with `attrs`.
  Result<Loaded> LoadMatched(const Context& ctx, std::string_view op, const DatasetDef& def,
                             const FieldDef& field, const std::string& prefix,
                             const std::string& id,
                             const std::map<std::string, std::string>& attrs);

  const crypto::SecretBytes& envelope_key() const { return e_.envelope_key_; }

  Engine& e_;
};

}  // namespace mamori::engine
