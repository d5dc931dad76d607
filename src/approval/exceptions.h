// Exception measures (例外措置, [002 第26-27条]): not applying a rule of the
// policy for a stated measure, scope and period, on the approval of the
// approvers the CISO designated, recorded in the exception ledger
// (例外措置台帳) and reported periodically (exception_reports.h).
//
// An application cites
//   rule     the rule it departs from, as a reference code — never text:
//            a clause of a source document "002.art47", "002.art47.2"
//            (document, 第N条, 第M項) or "003.VI.1" (document and section
//            numbers), or a clause of the organisation's own policy
//            "policy.<id>[.<id>]…" (ids of [a-z0-9_]);
//   measure  what is done instead, a code ("takeout.unencrypted");
//   scope    what it applies to, an identifier (a dataset, a system, a
//            department code);
//   period   its first and last JST day (at most 366 days; not over yet,
//            unless it is an emergency filed afterwards);
//   reason   a reason code; attachments by SHA-256.
// It opens a request of the exception flow (flows.h): the exception's id is
// the request's ("A00000001"), and the steps of its approval go through the
// approval engine (/v1/approvals/{id}/approve). In an emergency the measure
// is taken first and filed afterwards with when it was taken (acted_at);
// filed after its deadline it is marked late and raised by the analysis
// (analysis/rules.h late_filing).
//
// Approvers ([002 第26条1]): the CISO line (ciso, deputy_ciso,
// chief_officer) designates the roles and persons who approve exceptions;
// requests opened afterwards are approved by them instead of the CISO line
// (open requests keep the approvers they were opened with). A designated
// role must be one that may decide approvals at all (`approver_roles`), and
// a designated person must exist and hold one.
//
// The ledger's state of an exception at a time (LedgerState): the request's
// pending, rejected, cancelled or expired; once approved: scheduled (its
// period not begun), in_force, ended (ended early by its applicant) or
// lapsed (its period over). Only the applicant ends an exception early.
//
// Every step is one audited transaction ("exception.apply", ".end",
// ".designate"); refusals are audited and change nothing. Events carry
// ids and codes only.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "approval/approvals.h"
#include "core/status.h"
#include "store/storage.h"

namespace mamori::approval {

inline constexpr std::string_view kExceptionNotFound = "exception";
inline constexpr std::string_view kExceptionNotApplicant = "exception.not_applicant";
inline constexpr std::string_view kExceptionNotCisoLine = "exception.not_ciso_line";
inline constexpr std::string_view kExceptionNotInForce = "exception.not_in_force";

// The application as submitted.
struct ExceptionDraft {
  std::string rule, measure, scope, reason;
  CivilDate start, end;
  std::vector<std::string> attachments;
  TimeMicros acted_at = 0;  // an emergency measure already taken; 0: none
};

// What the ledger keeps beside the approval request, at "exc/e/<id>".
struct ExceptionTerms {
  std::string id;  // the approval request's
  std::string rule, measure, scope;
  CivilDate start, end;
  std::string ended_by, end_reason;
  TimeMicros ended_at = 0;
};

// One line of the ledger: the terms with their request.
struct ExceptionEntry {
  ExceptionTerms terms;
  Request request;
};

// "pending", "rejected", "cancelled", "expired", "scheduled", "in_force",
// "ended", "lapsed".
std::string LedgerState(const ExceptionEntry& e, TimeMicros now);
bool InForce(const ExceptionEntry& e, TimeMicros now);
nlohmann::json ExceptionToJson(const ExceptionEntry& e, TimeMicros now);

// kInvalidArgument (subject "rule") unless `rule` is a reference code of
// one of the forms above.
Status ValidateRuleReference(std::string_view rule);

// Who approves exceptions, as the CISO line designated it.
struct Designation {
  std::vector<std::string> roles, persons;
  std::string by;
  TimeMicros at = 0;
};

class Exceptions {
 public:
  // All must outlive this object. `approver_roles`: the roles that may
  // decide approvals (policy's approval.decide), the only ones designated.
  Exceptions(store::Storage& storage, Approvals& approvals, const People* people,
             std::vector<std::string> approver_roles);

  Result<ExceptionEntry> Apply(const Caller& caller, const ExceptionDraft& draft);
  // Ends an approved exception before its period is over; `reason` an
  // optional code.
  Result<ExceptionEntry> End(const Caller& caller, std::string_view id, std::string_view reason);
  Result<Designation> Designate(const Caller& caller, const std::vector<std::string>& roles,
                                const std::vector<std::string>& persons);

  // nullopt: none designated (the CISO line approves).
  Result<std::optional<Designation>> Approvers();
  Result<ExceptionEntry> Get(std::string_view id);
  // Every exception, in id order.
  Result<std::vector<ExceptionEntry>> Ledger();
  static Result<std::vector<ExceptionEntry>> ReadLedger(store::ReadTxn& txn);

 private:
  store::Storage& storage_;
  Approvals& approvals_;
  const People* people_;
  std::vector<std::string> approver_roles_;
};

}  // namespace mamori::approval
