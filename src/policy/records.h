// Internal: reading and writing policy's JSON records inside a transaction,
// id counters, the decision version, and the audit event of a policy step.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/event.h"
#include "core/status.h"
#include "policy/caller.h"
#include "store/storage.h"

namespace mamori::policy {

// nullopt when absent; kDataLoss when the stored bytes are not JSON.
Result<std::optional<nlohmann::json>> ReadJson(store::ReadTxn& txn, std::string_view key);
Status WriteJson(store::WriteTxn& txn, std::string_view key, const nlohmann::json& value);
// Every value under prefix, parsed, in key order.
Result<std::vector<nlohmann::json>> ScanJson(store::ReadTxn& txn, std::string_view prefix);

// The next id of a counter: letter + 8 digits ("R00000001"). Ids ascend in
// commit order because Update runs its functions one at a time.
Result<std::string> NextId(store::WriteTxn& txn, std::string_view counter, char letter);

// The version Authorize compares against its snapshot; 0 before any change.
Result<uint64_t> ReadVersion(store::ReadTxn& txn);
// Called by every write that changes a decision or a mask.
Status BumpVersion(store::WriteTxn& txn);

// An event with the caller's actor, terminal, request id and time, result ok.
audit::Event MakeEvent(const Caller& caller, std::string_view operation);

// Runs fn and appends `ev` in one Update. When fn (or the append) fails, the
// effect is rolled back and the refusal is appended in its own Update with
// result "refused" (or "error" for I/O, data loss and internal errors), code
// and reason (the Status subject) filled in, keeping whatever attrs fn had
// set. Returns fn's error, or an I/O error when even the refusal could not be
// audited.
Status RunAudited(store::Storage& storage, audit::Event ev,
                  const std::function<Status(store::WriteTxn&, audit::Event&)>& fn);

}  // namespace mamori::policy
