// The analysis policy: business hours, the organisation's closed days and
// every threshold of the rules (rules.h), as DATA (docs/ARCHITECTURE.md
// decision 9). The sources ask for the analysis ("with focus on high access
// frequency at high-risk times such as holidays and late at night",
// [003 II.5(6)-(8)]) but give no number, so each number below is a
// documented default an organisation changes through SetParameters
// (audited, "analysis.policy_set"); docs/ANALYSIS.md explains each.
//
// Stored at "ana/policy"; absent means all defaults.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "audit/event.h"
#include "core/status.h"
#include "engine/context.h"
#include "jp/business_calendar.h"
#include "store/storage.h"

namespace mamori::analysis {

struct Parameters {
  // Business hours in JST, minutes after midnight: [start, end). Outside
  // them, and all day on a closed day, access is "off hours".
  uint32_t business_start_minute = 8 * 60;  // 08:00
  uint32_t business_end_minute = 20 * 60;   // 20:00
  // Saturdays, Sundays, national holidays and 12/29–1/3 by default.
  jp::ClosedDays closed;

  // off_hours: severity high from this many off-hours accesses by one
  // person in one day (medium below).
  uint32_t off_hours_high_count = 20;
  // frequency_spike: a day's accesses by one person at least `spike_percent`
  // of their own daily mean over the last `baseline_days` days with
  // activity, and at least `spike_min_count`; only once `baseline_min_days`
  // such days are known.
  uint32_t spike_percent = 300;
  uint32_t spike_min_count = 50;
  uint32_t baseline_days = 20;
  uint32_t baseline_min_days = 5;
  // bulk_access: records disclosed to one person within one clock hour, and
  // records returned by one export (record.export, or a list page).
  uint32_t bulk_records_per_hour = 100;
  uint32_t bulk_records_per_export = 500;
  // rare_purpose: a purpose that was under `rare_purpose_percent` % of the
  // person's earlier accesses, once they have `rare_purpose_min_history`.
  uint32_t rare_purpose_percent = 5;
  uint32_t rare_purpose_min_history = 100;
  // logon_failures: this many failed logons within the window, per user
  // and per source (terminal or address).
  uint32_t failures_per_user = 5;
  uint32_t failures_per_source = 10;
  uint32_t failure_window_minutes = 10;
  // concurrent_terminals: one person's events from two terminals this close.
  uint32_t concurrent_window_minutes = 5;
  // Findings are due this many business days after they are raised.
  uint32_t due_days_high = 1;
  uint32_t due_days_medium = 3;
  uint32_t due_days_low = 5;
  // A day's reconciliation lists are produced this long after the day
  // ends, so that events committed around midnight are in them.
  uint32_t list_grace_minutes = 10;
  // The analysis is behind when an event waits longer than this.
  uint32_t behind_seconds = 300;

  bool operator==(const Parameters&) const = default;
};

// kInvalidArgument naming the first parameter outside its range (subject
// "policy.<name>").
Status ValidateParameters(const Parameters& p);

nlohmann::json ParametersToJson(const Parameters& p);
// Members present in `j` replace those of `base`; an unknown member or a
// wrong type is kInvalidArgument naming it. The result is validated.
Result<Parameters> ParametersFromJson(const nlohmann::json& j, const Parameters& base = {});

// The parameters in force: defaults when none were set; kDataLoss when the
// stored ones do not parse.
Result<Parameters> ReadParameters(store::ReadTxn& txn);
Result<Parameters> GetParameters(store::Storage& store);
// Validates, stores and audits ("analysis.policy_set", every parameter in
// attrs) in one transaction. Does not authorise: the caller has (policy.update).
Status SetParameters(store::Storage& store, const engine::Context& ctx, const Parameters& p);
// The same, with `gate` run in the transaction before the write: what must
// hold for the change to be made (an approved policy_change request,
// approval/flows.h); its refusal changes nothing and is audited. `gate` may
// add identifiers to the event (the approval's id).
Status SetParameters(store::Storage& store, const engine::Context& ctx, const Parameters& p,
                     const std::function<Status(store::WriteTxn&, audit::Event&)>& gate);

// The business calendar of p.closed.
Result<jp::BusinessCalendar> CalendarOf(const Parameters& p);

}  // namespace mamori::analysis
