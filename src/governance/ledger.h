// Internal to governance: the records of the organisation's own cycles
// (training, internal audit, self-inspection) as JSON under "gov/" in the
// engine's data store, with ascending ids, read and written inside the
// transactions of audit::RunAudited.
//
//   gov/seq/<kind>      decimal id counter
//   gov/<kind>/<id>     the record (JSON)
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/event.h"
#include "core/status.h"
#include "identity/principal.h"
#include "store/storage.h"

namespace mamori::governance {

// The next id of `kind`: prefix + 6 digits ("TP000001").
Result<std::string> NextId(store::WriteTxn& txn, std::string_view kind, std::string_view prefix);

std::string RecordKey(std::string_view kind, std::string_view id);
// nullopt when absent; kDataLoss when the stored bytes are not a JSON object.
Result<std::optional<nlohmann::json>> ReadRecord(store::ReadTxn& txn, std::string_view kind,
                                                 std::string_view id);
Status WriteRecord(store::WriteTxn& txn, std::string_view kind, std::string_view id,
                   const nlohmann::json& value);
// Every record of `kind` in id order.
Result<std::vector<nlohmann::json>> ReadRecords(store::ReadTxn& txn, std::string_view kind);

// One audited step on one stored record: reads record `id` of `kind`
// (NotFound(not_found, id, en_what, ja_what) when absent), runs `step` on it
// and writes it back, with `ev` (its "audit" attribute set to the id) in
// the same transaction (audit/audited.h). The record after the step.
using RecordStep = std::function<Status(store::WriteTxn&, nlohmann::json&, audit::Event&)>;
Result<nlohmann::json> ChangeRecord(store::Storage& storage, audit::Event ev, std::string_view kind,
                                    std::string_view id, std::string_view not_found,
                                    std::string_view en_what, std::string_view ja_what,
                                    const RecordStep& step);

// Record `id` of `kind` read in its own transaction (NotFound as above).
Result<nlohmann::json> GetRecord(store::Storage& storage, std::string_view kind,
                                 std::string_view id, std::string_view not_found,
                                 std::string_view en_what, std::string_view ja_what);
// Every record of `kind`, read in its own transaction.
Result<std::vector<nlohmann::json>> ListRecords(store::Storage& storage, std::string_view kind);

// kDataLoss "a stored <what> record is damaged" (English and Japanese).
Status Damaged(std::string_view what);
// kInvalidArgument naming `member`.
Status Invalid(std::string_view member, const std::string& en, const std::string& ja);
// kNotFound of `what` `id` (the id shown only when it is an identifier).
Status NotFound(std::string_view code, std::string_view id, std::string_view en_what,
                std::string_view ja_what);

// A person (not an application) of the CISO line: ciso, deputy_ciso,
// chief_officer.
bool IsCisoLine(const identity::Principal& p);
// A person holding a department's managing role: section_manager,
// department_officer, credit_info_director.
bool IsDepartmentManager(const identity::Principal& p);

// The fiscal year (年度) of a day: April to March, named by its April's year.
int FiscalYear(CivilDate d);

}  // namespace mamori::governance
