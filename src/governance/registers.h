// governance/registers: the one register mechanism. Every register the
// rules require (register_kinds.h) is kept here the same way:
//   - an entry is created, changed and retired as one audited transaction
//     (audit/audited.h: "register.create", ".change", ".retire", ".check",
//     ".approve"); each makes a version that records who, when and which
//     fields changed — by name only, since a value may be personal (a place,
//     a name) — and the event carries the kind, the entry id, the version
//     and the changed field names, never a value;
//   - the fields are checked against the kind's schema: unknown fields,
//     missing required ones, codes outside the list, bad dates, users that
//     are not active in the directory and references to entries that do
//     not exist or are retired are refused, naming the field, and change
//     nothing;
//   - the kind's own rules (register_rules.h) are decided in the same
//     transaction;
//   - who keeps a kind is the policy's system operation of the kind
//     (RegisterKind::keep_operation), decided again here so that a route
//     that serves every kind (/v1/registers/{kind}) cannot keep one its
//     caller may not;
//   - an entry of a kind with periodic checks (check_days > 0) is due for a
//     check check_days after its registration or its last check; a check
//     records its date, a result code of the kind and an optional note code.
//     An active entry past its due date (JST) is overdue: listed as such by
//     IsOverdue/Overdue (GET /v1/registers/{kind}?overdue=true, and the
//     compliance report) and raised as a finding of the analysis
//     (cycle_findings.h: register_check_overdue).
//   - a retired entry keeps its versions and checks; it is never changed,
//     checked or referred to again.
//
// Layout in the data store:
//   reg/e/<kind>/<id>             the entry (JSON)
//   reg/v/<kind>/<id>/<000001>    its versions
//   reg/n/<kind>                  the last number given in the kind
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "approval/approvals.h"
#include "approval/people.h"
#include "core/status.h"
#include "core/time.h"
#include "governance/register_kinds.h"
#include "store/storage.h"

namespace mamori::governance {

// Refusal subjects (the field's name for a field that is wrong).
inline constexpr std::string_view kRegisterKindUnknown = "register.kind";
inline constexpr std::string_view kRegisterEntryUnknown = "register.entry";
inline constexpr std::string_view kRegisterNotKeeper = "register.not_keeper";
inline constexpr std::string_view kRegisterRetired = "register.retired";
inline constexpr std::string_view kRegisterNoCheck = "register.no_periodic_check";
inline constexpr std::string_view kRegisterFields = "fields";

struct RegisterCheck {
  CivilDate date;
  std::string result, note, by;
  TimeMicros at = 0;
};

struct RegisterApproval {
  std::string by;
  TimeMicros at = 0;
};

struct RegisterEntry {
  std::string kind, id;
  int version = 0;
  nlohmann::json fields = nlohmann::json::object();
  std::string created_by, updated_by;
  TimeMicros created_at = 0, updated_at = 0;
  bool retired = false;
  std::string retired_by, retire_reason;
  TimeMicros retired_at = 0;
  std::optional<CivilDate> check_due;  // kinds with periodic checks
  std::vector<RegisterCheck> checks;   // oldest first
  std::optional<RegisterApproval> approval;

  // The field's string value, or "" when absent or not a string.
  std::string Text(std::string_view field) const;
};

struct RegisterVersion {
  int version = 0;
  std::string action, by;  // action: create, change, retire, check, approve
  TimeMicros at = 0;
  std::vector<std::string> changed;  // field names
};

// Active, with a check due before JST `today`.
bool IsOverdue(const RegisterEntry& e, CivilDate today);
nlohmann::json EntryToJson(const RegisterEntry& e, TimeMicros now);
nlohmann::json VersionToJson(const RegisterVersion& v);
// The kind's schema, for GET /v1/registers.
nlohmann::json KindToJson(const RegisterKind& kind);

class Registers {
 public:
  // `storage` must outlive this object; `people` (may be null: user fields
  // are then checked for their form only) too.
  Registers(store::Storage& storage, const approval::People* people);

  // `fields`: a JSON object of the kind's fields.
  Result<RegisterEntry> Create(const approval::Caller& caller, std::string_view kind,
                               const nlohmann::json& fields);
  // `changes`: the fields to set; null removes an optional field.
  Result<RegisterEntry> Change(const approval::Caller& caller, std::string_view kind,
                               std::string_view id, const nlohmann::json& changes);
  // `reason`: an optional code.
  Result<RegisterEntry> Retire(const approval::Caller& caller, std::string_view kind,
                               std::string_view id, std::string_view reason);
  // A periodic check (点検, 棚卸し) done on `date` (not in the future);
  // `note` an optional code.
  Result<RegisterEntry> RecordCheck(const approval::Caller& caller, std::string_view kind,
                                    std::string_view id, CivilDate date, std::string_view result,
                                    std::string_view note);
  // The approval of an entry of a kind that has one (cloud_service: the
  // 統括情報セキュリティ責任者, [002 第66条]); register_rules.h decides.
  Result<RegisterEntry> Approve(const approval::Caller& caller, std::string_view kind,
                                std::string_view id);

  Result<RegisterEntry> Get(std::string_view kind, std::string_view id);
  Result<std::vector<RegisterEntry>> List(std::string_view kind);
  Result<std::vector<RegisterVersion>> Versions(std::string_view kind, std::string_view id);

  static Result<std::optional<RegisterEntry>> ReadEntry(store::ReadTxn& txn, std::string_view kind,
                                                        std::string_view id);
  static Result<std::vector<RegisterEntry>> ReadKind(store::ReadTxn& txn, std::string_view kind);
  // Every overdue entry of every kind, for the compliance report.
  static Result<std::vector<RegisterEntry>> ReadOverdue(store::ReadTxn& txn, TimeMicros now);

 private:
  using Step = std::function<Status(store::WriteTxn&, const RegisterKind&, RegisterEntry&,
                                    RegisterVersion&, audit::Event&)>;
  // Runs `step` on the existing entry `id` (empty: a new one) in one
  // audited transaction after the kind and keeper checks; writes the entry
  // and its version.
  Result<RegisterEntry> Run(const approval::Caller& caller, std::string_view operation,
                            std::string_view kind, std::string_view id, bool keeper,
                            const Step& step);

  store::Storage& storage_;
  const approval::People* people_;
};

}  // namespace mamori::governance
