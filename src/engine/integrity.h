// What makes a stored record row trustworthy to someone who can write the
// data store (sqlite3 on mamori.db) but holds no key: the checks every read
// of a record makes, and the authentication codes the writes put in place
// for them (docs/ENGINE.md, "Moved and rolled-back rows").
//
// Every envelope (envelope.h) carries
//   p  RowHash of the stored row of the version before it (empty for
//      version 1): the versions of a record form a hash chain;
//   m  HMAC-SHA-256, under the envelope key, over the dataset, the record id
//      and every other member (EnvelopeMacInput): a row copied to another
//      record or dataset, or with any member changed, does not verify.
// The envelope key is derived from a system key of the key store
// (Engine::DeriveModuleKey(kEnvelopeKeyLabel)), so a copy of the data store
// alone cannot make a new code.
//
// A row that verifies can still be an older version of the same record put
// back. CheckCurrentRow refuses that whenever the record's history still
// holds the versions written after it: the current row must be exactly one
// version newer than the newest history row and name that row's hash. Only
// the audit log can tell that a record was rolled back with its newer
// history rows deleted too (records_check.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "crypto/secret.h"
#include "engine/envelope.h"
#include "store/storage.h"

namespace mamori::engine {

// Engine::DeriveModuleKey label of the envelope key.
inline constexpr std::string_view kEnvelopeKeyLabel = "engine/envelope-mac/v1";
// The key-store marker (keys::KeyStore::SetMarker) set once every envelope
// of the store carries an authentication code; from then on a row without
// one is refused.
inline constexpr std::string_view kEnvelopesAuthenticatedMarker = "engine/envelopes-authenticated";

// Lower-case hex of the first 16 bytes of SHA-256(stored): the `p` of the
// next version and the "envelope" attribute of the write's audit event.
// 128 bits: finding a second row with the same hash is out of reach, and
// the value is written into every write's audit event.
std::string RowHash(std::string_view stored);

// The bytes the authentication code covers: a domain label, then the
// dataset, the record id and every member of `env` except the code,
// each length-prefixed so that no two envelopes share an input.
std::string EnvelopeMacInput(std::string_view dataset, std::string_view record,
                             const Envelope& env);
// Sets env.mac.
void SignEnvelope(const crypto::SecretBytes& key, std::string_view dataset, std::string_view record,
                  Envelope& env);

// The newest row under h/<dataset>/<record>/ (one reverse seek), if any.
Result<std::optional<store::KeyValue>> NewestHistoryRow(store::ReadTxn& txn,
                                                        std::string_view dataset,
                                                        std::string_view record);

// Whether `env` carries an authentication code that verifies for
// (dataset, record): the row was written by the engine for this record.
// kDataLoss naming the record otherwise.
Status CheckRowBelongs(const crypto::SecretBytes& key, std::string_view dataset,
                       std::string_view record, const Envelope& env);

// The checks of the current row `env` of (dataset, record), read with the
// newest history row of the same snapshot. kDataLoss naming the record id
// (never a value) when
//   - the row carries no authentication code, or one that does not verify
//     (moved from another record or dataset, or a member altered);
//   - the history holds a version newer than or equal to the row's
//     (an older version put back over the current one);
//   - the history does not end at the version just before the row's, or
//     that history row is not the one the row was written after.
Status CheckCurrentRow(const crypto::SecretBytes& key, std::string_view dataset,
                       std::string_view record, const Envelope& env,
                       const std::optional<store::KeyValue>& newest_history);

// The checks of a whole history, oldest first, that ends at the current row
// `current` (already checked by CheckCurrentRow): versions 1..n-1, each row
// the one its successor was written after. Returns the decoded envelopes.
Result<std::vector<Envelope>> CheckHistory(std::string_view dataset, std::string_view record,
                                           const std::vector<store::KeyValue>& rows,
                                           const Envelope& current);

// The version a history key ends with; nullopt when the key is not
// h/<dataset>/<record>/<8 digits>.
std::optional<uint32_t> HistoryKeyVersion(std::string_view key, std::string_view dataset,
                                          std::string_view record);

// kDataLoss naming the record, for a check that failed: "record <id>: <why>".
Status TamperedRecord(std::string_view record, std::string_view why_en, std::string_view why_ja);

// The authentication code of a pending-shred marker (keyspace p/): the
// marker names the key to destroy, so one planted in the data store must
// not be acted on. Sign sets its "m" member; Verify checks and removes it.
void SignPendingShred(const crypto::SecretBytes& key, std::string_view dataset,
                      std::string_view record, nlohmann::json& marker);
bool VerifyPendingShred(const crypto::SecretBytes& key, std::string_view dataset,
                        std::string_view record, nlohmann::json& marker);

}  // namespace mamori::engine
