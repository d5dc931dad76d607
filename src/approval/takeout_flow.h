// The take-out flow (持ち出し, [002 第47-49条]): an application to take
// records of one dataset out in an encrypted file, approved by the people
// engine/takeout_rules.h names for its classification, and the check that
// an export is exactly what was approved.
//
// A request of type "takeout" has subject = the dataset, action
// "record.export" and details (request.h) stating the terms:
//   purpose    the registered purpose of the take-out
//   all        true: every record of the dataset; else
//   records    the record ids selected (at most kMaxDetailItems)
//   fields     the fields written (absent or empty: every field)
//   recipient  the SHA-256 fingerprint of the recipient's certificate
//              (lower-case hex, as `openssl x509 -fingerprint -sha256`
//              prints it without colons)
//   internal   whether the recipient is inside the organisation
//   until      the JST day by which its return or destruction is confirmed
// Application (the flow's prepare): refused when the dataset's restrictions
// forbid any take-out (no_takeout, no_copy, custom_*: subject names it),
// when they allow internal recipients only and `internal` is false, for an
// unknown dataset, purpose or field, a malformed selection, or an `until`
// outside today..today+kMaxTakeoutDays. Stages: one per approver role of
// takeout_rules.h, within the applicant's department, in any order — the
// section manager (section_manager), and for confidentiality 3 also the
// department officer (department_officer); the engine's rules make them two
// different people, neither the applicant. Open for 7 days.
//
// CheckTakeoutApproval, in the transaction that records the export (and
// once before the file is written): the request exists, is a takeout
// request for this dataset and purpose ("takeout.approval_mismatch"), is
// approved ("takeout.not_approved": pending — one of two approvers is not
// enough — rejected, cancelled, expired), the exporter is its applicant
// ("takeout.not_applicant"), it is used before its expires_at
// ("takeout.approval_expired"), it has not been used
// ("approval.already_used"), and the export stays inside the terms
// ("takeout.outside_approval"): the same recipient certificate, fields a
// subset of the approved ones, records a subset of the approved selection
// (any when all was approved), until no later than approved.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "approval/approvals.h"
#include "core/status.h"
#include "core/time.h"
#include "engine/engine.h"
#include "engine/takeout.h"
#include "store/storage.h"

namespace mamori::approval {

inline constexpr std::string_view kTakeout = "takeout";
inline constexpr std::string_view kTakeoutAction = "record.export";

inline constexpr std::string_view kTakeoutMismatch = "takeout.approval_mismatch";
inline constexpr std::string_view kTakeoutNotApproved = "takeout.not_approved";
inline constexpr std::string_view kTakeoutNotApplicant = "takeout.not_applicant";
inline constexpr std::string_view kTakeoutExpired = "takeout.approval_expired";
inline constexpr std::string_view kTakeoutOutside = "takeout.outside_approval";

// The terms of a take-out, as approved or as asked for at export.
struct TakeoutTerms {
  std::string dataset, purpose;
  bool all = false;
  std::vector<std::string> records;
  std::vector<std::string> fields;  // empty: every field
  std::string recipient;            // certificate SHA-256, lower-case hex
  bool internal = false;
  CivilDate until;
};

// The details member of a request for `terms` (dataset is its subject).
nlohmann::json TakeoutDetails(const TakeoutTerms& terms);
// The terms a takeout request states; kInvalidArgument naming the member.
Result<TakeoutTerms> TakeoutTermsOf(std::string_view subject, const nlohmann::json& details);

// The flow, reading dataset definitions from `engine` (which must outlive
// the Approvals it is registered with).
Flow TakeoutFlow(engine::Engine& engine);

// See above. `wanted.dataset/purpose/records/all/fields/recipient/until`
// are what the export writes; kNotFound for an unknown id, else
// kPermissionDenied (kFailedPrecondition for a used approval) naming the
// reason.
Status CheckTakeoutApproval(store::ReadTxn& txn, std::string_view id, const TakeoutTerms& wanted,
                            std::string_view actor, TimeMicros now);

// Who approved which stage of an approved takeout request, in the roles
// the engine checks against the dataset's rules.
std::vector<engine::TakeoutApprover> TakeoutApprovers(const Request& r);

}  // namespace mamori::approval
