// The stored findings and the steps people take on them (finding.h).
//
// Contract:
// - Raising: the continuous evaluation (monitor.h) merges what a round
//   collected into the open finding of the same key, or raises a new one:
//   id, owner (assign.h), due date, status new. Raising is audited
//   ("analysis.finding", actor "mamori", attrs finding, rule, severity,
//   owner, about = the person it is about); adding evidence to an open
//   finding is not (it is derived from the log and recomputable by an
//   on-demand run). Evidence for a key whose finding is already closed
//   raises a new finding: a closed finding is never reopened silently.
// - Steps (each one audited transaction; refusals audited too):
//     Review   new → under_review
//     Explain  under_review → explained   (reason required)
//     Escalate new | under_review → escalated (an incident; reason required)
//   The reason text is kept in the finding's history, never in the audit
//   log. Who: never the person the finding is about ("analysis.own_finding"
//   — a handler cannot close their own finding); the owner, a department
//   officer of the finding's department, or the CISO line (ciso,
//   deputy_ciso, chief_officer) or SIRT ("analysis.not_finding_owner"
//   otherwise). The system rights table decides finding.update first.
// - Visibility (finding.list): nobody sees a finding about themselves (the
//   CISO line and auditors included: it would tip off the person
//   reviewed). Otherwise the CISO line, SIRT and auditors see every
//   finding; a section manager, department officer or credit information
//   director sees the findings they own and those of their department.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/assign.h"
#include "analysis/collector.h"
#include "analysis/finding.h"
#include "analysis/parameters.h"
#include "core/status.h"
#include "identity/principal.h"
#include "jp/business_calendar.h"
#include "policy/caller.h"
#include "store/storage.h"

namespace mamori::analysis {

// Reason codes (Status subject) of refusals.
inline constexpr std::string_view kOwnFinding = "analysis.own_finding";
inline constexpr std::string_view kNotFindingOwner = "analysis.not_finding_owner";
inline constexpr std::string_view kFindingClosed = "analysis.finding_closed";
inline constexpr std::string_view kFindingStep = "analysis.finding_step";

struct FindingFilter {
  std::optional<FindingStatus> status;
  std::optional<Rule> rule;
  std::string owner;  // each: exact match when non-empty
  std::string actor;
  bool open_only = false;
};

// Whom a raised finding goes to, resolved before the transaction.
struct Assignment {
  std::string department;
  std::string owner;
};

class Findings {
 public:
  // `store` must outlive the object.
  explicit Findings(store::Storage& store) : store_(store) {}

  Result<Finding> Get(std::string_view id);
  // By id ascending.
  Result<std::vector<Finding>> List(const FindingFilter& filter);

  Result<Finding> Review(const policy::Caller& caller, std::string_view id,
                         std::string_view comment = {});
  Result<Finding> Explain(const policy::Caller& caller, std::string_view id,
                          std::string_view reason);
  Result<Finding> Escalate(const policy::Caller& caller, std::string_view id,
                           std::string_view reason);

  static bool MayView(const identity::Principal& who, const Finding& f);

  // The department and owner of a finding with `key` (outside transactions);
  // `facts` gives a dataset's department for an overdue list. An overdue
  // step of the organisation's cycles (improvement_overdue,
  // inspection_order_overdue, register_check_overdue) belongs to
  // `department` (empty: the actor's) and goes to its actor, the person
  // responsible, while the directory knows them — else to the department's
  // managers as a finding about no one would.
  static Result<Assignment> AssignFor(Assigner& assigner, const FindingKey& key, const Facts& facts,
                                      const std::string& department = {});

  // Inside the evaluation's transaction: merges `c` into the open finding
  // of its key, or raises a new one with `a` and a due date from `params`
  // and `calendar`, appending its audit event. Returns the finding's id.
  static Result<std::string> MergeIn(store::WriteTxn& txn, const Collected& c, const Assignment& a,
                                     const Parameters& params, const jp::BusinessCalendar& calendar,
                                     TimeMicros now);

 private:
  Result<Finding> Step(const policy::Caller& caller, std::string_view id, FindingStatus to,
                       std::string_view reason);

  store::Storage& store_;
};

// The due date of a finding of `severity` raised at `now`.
Result<CivilDate> DueDate(const Parameters& params, const jp::BusinessCalendar& calendar,
                          Severity severity, TimeMicros now);

}  // namespace mamori::analysis
