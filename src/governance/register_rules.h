// governance/register_rules: what a kind of register requires beyond its
// schema, decided in the transaction of the step (registers.h).
//
// contractor [003 IV(2)①③④; 002 第56-58条]
//   - one that handles protected data (anything but "none") has every
//     safety clause of its contract: supervision and audit rights,
//     confidentiality, incident reporting, return or disposal at the end,
//     damages and termination, its own safety measures and the supervision
//     of its staff — else refused ("contractor.clauses");
//   - a sub-contractor (parent set) is refused unless its parent allows
//     sub-contracting with prior approval and the prior approval is
//     recorded (prior_approval_on, not after the contract starts, and
//     prior_approval_ref) — "contractor.subcontract_not_approved";
//   - retiring one that handled protected data needs how its data came
//     back or were erased (end_of_contract) — "contractor.end_of_contract".
// cloud_service [002 第64条, 第66条, 第71条; 001 data kept in Japan]
//   - My Numbers or credit information stored outside Japan: refused
//     ("cloud.outside_japan"), as exchange refuses a node outside JP;
//   - listed on ISMAP: its registration number is required;
//   - status in_use only once approved ("cloud.not_approved"); a change of
//     what was approved (ISMAP, country, region, data, disposal, the
//     responsible person, the security requirements) withdraws the
//     approval, so a service in use cannot be changed under it;
//   - approved by a chief_officer (統括情報セキュリティ責任者) who did not
//     register it ("cloud.self_approval");
//   - retired only once ended with its account deleted
//     ("cloud.not_disposed").
// information_system: hosted on a cloud service names the service.
// media: retired only with its disposal (wiped or destroyed).
// network_change: the change is approved by someone other than who made
// it ("network_change.self_approved").
#pragma once

#include "approval/approvals.h"
#include "core/status.h"
#include "governance/registers.h"

namespace mamori::governance {

inline constexpr std::string_view kContractorClauses = "contractor.clauses";
inline constexpr std::string_view kSubcontractNotApproved = "contractor.subcontract_not_approved";
inline constexpr std::string_view kContractorEnd = "contractor.end_of_contract";
inline constexpr std::string_view kCloudOutsideJapan = "cloud.outside_japan";
inline constexpr std::string_view kCloudNotApproved = "cloud.not_approved";
inline constexpr std::string_view kCloudSelfApproval = "cloud.self_approval";
inline constexpr std::string_view kCloudNotDisposed = "cloud.not_disposed";
inline constexpr std::string_view kNotApprover = "register.not_approver";
inline constexpr std::string_view kNetworkSelfApproved = "network_change.self_approved";

// After the fields are valid: the entry as it will be (`after`, whose
// approval a rule may withdraw) against what it was (`before`, null on
// creation). `changed` lists the changed field names.
Status CheckEntryRules(store::ReadTxn& txn, const RegisterKind& kind, const RegisterEntry* before,
                       RegisterEntry& after, const std::vector<std::string>& changed);
Status CheckRetireRules(const RegisterKind& kind, const RegisterEntry& entry);
// Whether `caller` may approve `entry` (kinds with an approve_operation).
Status CheckApproval(const RegisterKind& kind, const RegisterEntry& entry,
                     const approval::Caller& caller);

}  // namespace mamori::governance
