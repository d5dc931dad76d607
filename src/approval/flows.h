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
//                      ただし書 "事後速やかに"). The CISO may designate
//                      other approvers (exceptions.h), who then replace
//                      the CISO line in the requests opened after.
//   policy_change      ポリシー変更: a change of the organisation's policy
//                      parameters (the analysis thresholds, the flows'
//                      lifetimes), so that no one person can, say, raise a
//                      threshold to hide their own activity ([002 第19条1(1)]
//                      applicant ≠ approver). Approved by someone else in
//                      the CISO line; open for 7 days; no after-the-fact
//                      filing.
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
// The lifetimes and the filing deadline of the first three are the
// defaults of flow_parameters.h: the organisation's policy, read when a
// request opens.
#pragma once

#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "approval/approvals.h"

namespace mamori::approval {

inline constexpr std::string_view kNonStandardWork = "non_standard_work";
inline constexpr std::string_view kException = "exception";
inline constexpr std::string_view kPolicyChange = "policy_change";
// The action of every policy_change request.
inline constexpr std::string_view kPolicySetAction = "policy.set";
inline constexpr std::string_view kConnection = "connection";
inline constexpr std::string_view kConnectAction = "connect";

std::vector<Flow> StandardFlows();

// Refusal codes of CheckWorkApproval (Status subject).
inline constexpr std::string_view kWorkNotApproved = "disposal.not_approved";
inline constexpr std::string_view kWorkApprovalExpired = "disposal.approval_expired";
inline constexpr std::string_view kWorkApprovalMismatch = "disposal.approval_mismatch";
inline constexpr std::string_view kWorkNotApplicant = "disposal.not_applicant";

// What every flow checks before an approval allows its action, shared so
// that each flow words its refusals alike. ReadApproval: the request `id`,
// kNotFound (subject "approval") when there is none. CheckUsable: `r` is
// approved, applied for by `*applicant` unless that is null (the person who
// does approved work is its applicant, so an approver never does it), and
// not past its expires_at; else kPermissionDenied with the flow's subject for
// each. `doing_en`/`doing_ja` say what the applicant does ("does the
// approved work" / "承認された作業は").
struct UseRefusals {
  std::string_view not_approved, not_applicant, expired;
  std::string_view doing_en, doing_ja;
};
Result<Request> ReadApproval(store::ReadTxn& txn, std::string_view id);
Status CheckUsable(const Request& r, const std::string_view* applicant, TimeMicros now,
                   const UseRefusals& refusals);

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

// Refusal codes of UsePolicyChange (Status subject).
inline constexpr std::string_view kPolicyApprovalRequired = "policy.approval_required";
inline constexpr std::string_view kPolicyNotApproved = "policy.not_approved";
inline constexpr std::string_view kPolicyApprovalMismatch = "policy.approval_mismatch";
inline constexpr std::string_view kPolicyNotApplicant = "policy.not_applicant";
inline constexpr std::string_view kPolicyApprovalExpired = "policy.approval_expired";
inline constexpr std::string_view kPolicyApprovalUsed = "policy.approval_used";

// The digest that binds a policy_change request to one change: the SHA-256
// (lower-case hex) of the body of the change as compact JSON with its keys
// sorted — what `jq -cS .` prints, without the newline. The applicant
// attaches it to the request; the approver approves exactly that change.
std::string PolicyChangeDigest(const nlohmann::json& body);

// Whether approval `id` allows `actor` to change the policy `subject`
// ("policy/analysis", "policy/approval") to the body whose digest is
// `digest`, checked and consumed in the transaction that makes the change:
// a policy_change request, approved (by someone other than its applicant:
// the engine's rule 2), for this subject with `digest` among its
// attachments, applied for by `actor`, before its expires_at, and not used
// before — one approval, one change. `id` empty: kInvalidArgument
// kPolicyApprovalRequired, naming the subject and digest to apply with.
// Otherwise kPermissionDenied (kNotFound for an unknown id) naming the reason.
Status UsePolicyChange(store::WriteTxn& txn, std::string_view id, std::string_view subject,
                       std::string_view digest, std::string_view actor, TimeMicros now);
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
