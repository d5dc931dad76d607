// Internal to identity: reading and writing its records inside a
// transaction (keyspace.h has the layout, records.h the JSON).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "identity/principal.h"
#include "identity/records.h"
#include "store/storage.h"

namespace mamori::identity::internal {

Result<std::optional<User>> LoadUser(store::ReadTxn& txn, std::string_view id);
Status PutUser(store::WriteTxn& txn, const User& u);

Result<std::optional<ServiceAccount>> LoadServiceAccount(store::ReadTxn& txn, std::string_view id);
Status PutServiceAccount(store::WriteTxn& txn, const ServiceAccount& s);

Result<std::optional<TerminalEntry>> LoadTerminal(store::ReadTxn& txn, std::string_view id);
// TerminalRegistry::ResolveTerminal inside a transaction.
Result<identity::Terminal> ResolveTerminal(store::ReadTxn& txn, std::string_view fingerprint);
Status PutTerminal(store::WriteTxn& txn, const TerminalEntry& t);

Result<std::optional<Session>> LoadSession(store::ReadTxn& txn, std::string_view token_hash);
// Writes the session and its entry in the user's session index.
Status PutSession(store::WriteTxn& txn, const Session& s);
// Removes the session and its index entry.
Status DeleteSession(store::WriteTxn& txn, const Session& s);

// Ends every active session of `user_id` except `keep_hash`, setting `state`,
// ended_at and end_reason. Returns how many were ended.
Result<size_t> EndUserSessions(store::WriteTxn& txn, std::string_view user_id, TimeMicros now,
                               SessionState state, std::string_view reason,
                               std::string_view keep_hash = {});

}  // namespace mamori::identity::internal
