// Internal to analysis: its layout in the engine's data store, all under
// "ana/" so that it never meets another module's keys, and the helpers its
// files share for JSON records and audit events.
//
//   ana/policy                       Parameters (parameters.h)
//   ana/cursor                       how far the continuous evaluation has read
//   ana/seq/<name>                   id counters ("finding", "list")
//   ana/f/<finding>                  Finding (finding.h)
//   ana/fk/<key>                     finding id of a finding key (merging evidence)
//   ana/l/<list>                     ReconciliationList (lists.h)
//   ana/ld/<YYYY-MM-DD>/<dataset>    list id of a business day and dataset
//   ana/lp/<list>                    "" while a list waits for confirmation
//   ana/x/<name>                     an exporter's cursor (export.h)
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "audit/event.h"
#include "core/status.h"
#include "engine/context.h"
#include "store/storage.h"

namespace mamori::analysis::internal {

inline constexpr std::string_view kPolicyKey = "ana/policy";
inline constexpr std::string_view kCursorKey = "ana/cursor";
inline constexpr std::string_view kFindingPrefix = "ana/f/";
inline constexpr std::string_view kFindingKeyPrefix = "ana/fk/";
inline constexpr std::string_view kListPrefix = "ana/l/";
inline constexpr std::string_view kListDayPrefix = "ana/ld/";
inline constexpr std::string_view kListPendingPrefix = "ana/lp/";
inline constexpr std::string_view kExportPrefix = "ana/x/";

// The actor and terminal of the events the analysis writes itself.
inline constexpr std::string_view kAnalysisActor = "mamori";
inline constexpr std::string_view kAnalysisTerminal = "local:analysis";

inline std::string Key(std::string_view prefix, std::string_view id) {
  std::string k(prefix);
  k += id;
  return k;
}

// nullopt when absent; kDataLoss naming `what` when the bytes are not JSON.
Result<std::optional<nlohmann::json>> ReadJson(store::ReadTxn& txn, std::string_view key,
                                               std::string_view what);
Status WriteJson(store::WriteTxn& txn, std::string_view key, const nlohmann::json& value);

// The next id of a counter: letter + 8 digits ("F00000001").
Result<std::string> NextId(store::WriteTxn& txn, std::string_view counter, char letter);

// An "ok" event of `operation` by ctx's actor, terminal and request at `now`.
audit::Event MakeEvent(const engine::Context& ctx, std::string_view operation, TimeMicros now);
// The same by the analysis itself (kAnalysisActor from kAnalysisTerminal).
audit::Event SystemEvent(std::string_view operation, TimeMicros now);

// kDataLoss for a stored record of `what` that does not parse; never quotes it.
Status Corrupt(std::string_view what);

}  // namespace mamori::analysis::internal
