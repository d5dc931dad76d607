// The flows the server registers with the approval engine besides the
// rights register's (policy/rights_admin.h, "rights"). Their approvers
// follow the source documents; who holds each role is the organisation's.
//
//   non_standard_work  規格外作業: work outside the standard procedure, such
//                      as disposing of records outside the retention sweep
//                      ([003 V(4)①D]). Approved by the section manager
//                      (section_manager) of the applicant's department;
//                      open for 7 days; no after-the-fact filing: the work
//                      waits for the approval.
//   exception          例外措置: not applying a rule of the policy
//                      ([002 第26-27条]). Approved by the CISO line (ciso,
//                      deputy_ciso, chief_officer); open for 14 days. In an
//                      emergency the measure is taken first and filed
//                      afterwards, within 2 business days ([002 第27条]
//                      ただし書 "事後速やかに").
//   takeout            持ち出し: taking records out in an encrypted file
//                      ([002 第47-49条]); its stages follow the dataset's
//                      classification, so it is registered with the engine
//                      that reads definitions (approval/takeout_flow.h).
//   connection         電算結合: connecting this system to another
//                      institution's with its list of items sent and
//                      received ([000 第5号様式], docs/REQUIREMENTS.md §9).
//                      Subject: the connection id; action "connect".
//                      Approved by the CISO line (ciso, deputy_ciso,
//                      chief_officer); open for 14 days; no after-the-fact
//                      filing: nothing flows before the approval.
#pragma once

#include <string_view>
#include <vector>

#include "approval/approvals.h"

namespace mamori::approval {

inline constexpr std::string_view kNonStandardWork = "non_standard_work";
inline constexpr std::string_view kException = "exception";
inline constexpr std::string_view kConnection = "connection";
inline constexpr std::string_view kConnectAction = "connect";

std::vector<Flow> StandardFlows();

// Refusal codes of CheckWorkApproval (Status subject).
inline constexpr std::string_view kWorkNotApproved = "disposal.not_approved";
inline constexpr std::string_view kWorkApprovalExpired = "disposal.approval_expired";
inline constexpr std::string_view kWorkApprovalMismatch = "disposal.approval_mismatch";
inline constexpr std::string_view kWorkNotApplicant = "disposal.not_applicant";

// Whether approval `id` allows `actor` to do `action` on `subject` at
// `now`, read in the transaction that records the work: a request of
// non_standard_work, approved, for exactly this subject and action, applied
// for by `actor` (who does the work they applied for; their approver, being
// someone else, never does it), and used before its expires_at — an
// approval is for work about to be done, not a standing permission.
// kPermissionDenied (kNotFound for an unknown id) naming the reason.
Status CheckWorkApproval(store::ReadTxn& txn, std::string_view id, std::string_view subject,
                         std::string_view action, std::string_view actor, TimeMicros now);
// The same for work carried out by the local operator (an OS account at the
// server's console, actor "os:…"): it is no person of the directory and
// applies for nothing, so the applicant rule does not apply to it; the
// request must still be an approved non_standard_work request for exactly
// this subject and action, and in force. The disposal record names the
// operator and the approval; the approval names who applied and approved.
Status CheckWorkApprovalByOperator(store::ReadTxn& txn, std::string_view id,
                                   std::string_view subject, std::string_view action,
                                   TimeMicros now);

// Whether approval `id` allows the connection `connection` to be
// registered at `now`, read in the transaction that registers it: a request
// of the connection flow, approved, for exactly this connection id and the
// action "connect", used before its expires_at. kPermissionDenied (kNotFound
// for an unknown id) with the subjects below.
inline constexpr std::string_view kConnectionNotApproved = "connection.not_approved";
inline constexpr std::string_view kConnectionApprovalExpired = "connection.approval_expired";
inline constexpr std::string_view kConnectionApprovalMismatch = "connection.approval_mismatch";
Status CheckConnectionApproval(store::ReadTxn& txn, std::string_view id,
                               std::string_view connection, TimeMicros now);

}  // namespace mamori::approval
