// Segregation of duties for change requests (docs/REQUIREMENTS.md §4 and §14;
// 003 II.5(4) 必須 A-B; 002 第19条, 第130条). Pure checks: the flow
// (rights_admin.h) runs them inside the transaction that records the step,
// against the stored request.
//
// The rules (decisions where the sources leave it open):
// 1. Only people act: the principal of every step is a user
//    (PrincipalKind::kUser). Service accounts act for systems, and the local
//    operator ("os:…") is an OS account that could be the same person as a
//    user under another id, which would defeat rules 3-5.
// 2. Any person may request. The approver holds an approving role
//    (kApproverRoles: the section manager, the department officer, the
//    個人信用情報管理責任者, the chief officer, the CISO and their deputy). The
//    configurer holds "admin": only authorised people change access-control
//    settings (002 第130条).
// 3. The requester does not approve (applicant ≠ approver).
// 4. The configurer is neither the approver nor the requester: a grant is
//    the act of three different people, so no two of them can give a right
//    on their own.
// 5. An administrator cannot give themselves access: a step on a grant,
//    change or reinstate is refused when the actor holds "admin" and holds
//    the role granted (or, for reinstate and role_add, is the person). It
//    applies to every step, so an admin cannot request it either.
// 6. The person a role change or credential reset is about approves and
//    configures none of it (they may request it).
// People are compared by Principal::id only: a person holding several roles
// or positions is one person, whichever role they act in.
//
// Refusals are kPermissionDenied whose subject is the reason code below.
#pragma once

#include <array>
#include <string_view>

#include "core/status.h"
#include "identity/principal.h"
#include "policy/change.h"

namespace mamori::policy {

inline constexpr std::string_view kAdminRole = "admin";
// The managers who approve rights and decide reviews: the one list the
// system rights table (system_rights.cc, rights.approve and review.decide)
// and these checks share, so that a role allowed to approve is never refused
// as an approver.
inline constexpr std::array<std::string_view, 6> kApproverRoles = {
    "section_manager", "department_officer", "credit_info_director", "chief_officer", "ciso",
    "deputy_ciso"};

inline constexpr std::string_view kSodNotPerson = "policy.sod_not_a_person";
inline constexpr std::string_view kSodNotApprover = "policy.sod_not_approver";
inline constexpr std::string_view kSodNotConfigurer = "policy.sod_not_configurer";
inline constexpr std::string_view kSodSelfApproval = "policy.sod_self_approval";
inline constexpr std::string_view kSodApproverConfigures = "policy.sod_approver_configures";
inline constexpr std::string_view kSodRequesterConfigures = "policy.sod_requester_configures";
inline constexpr std::string_view kSodAdminSelfGrant = "policy.sod_admin_self_grant";
inline constexpr std::string_view kSodOwnChange = "policy.sod_own_change";

bool HoldsApproverRole(const identity::Principal& who);

// Rules 1 and 5.
Status CheckRequester(const identity::Principal& who, const ChangeRequest& req);
// Rules 1, 2, 3, 5 and 6.
Status CheckApprover(const identity::Principal& who, const ChangeRequest& req);
// Rules 1, 2, 4, 5 and 6.
Status CheckConfigurer(const identity::Principal& who, const ChangeRequest& req);
// Who may reject an open request: a person other than the requester who
// holds an approving role or, once it is approved, an admin other than the
// approver. Rule 5 does not apply: a rejection gives nobody anything.
Status CheckRejecter(const identity::Principal& who, const ChangeRequest& req);

}  // namespace mamori::policy
