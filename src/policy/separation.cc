#include "policy/separation.h"

#include <string>

#include "policy/json_util.h"

namespace mamori::policy {
namespace {

Status CheckPerson(const identity::Principal& who) {
  if (who.kind != identity::PrincipalKind::kUser || who.id.empty()) {
    return Refuse(kSodNotPerson,
                  "only a person logged in with their own user id may request, approve or "
                  "configure rights",
                  "権限の申請・承認・設定は本人の利用者 ID でログインした人だけが行えます");
  }
  return Status::Ok();
}

// Rule 5: does this step let an administrator reach data themselves?
Status CheckAdminSelfGrant(const identity::Principal& who, const ChangeRequest& req) {
  if (!who.HasRole(kAdminRole)) return Status::Ok();
  bool self = false;
  switch (req.kind) {
    case ChangeKind::kGrant:
    case ChangeKind::kChange:
      self = req.right && who.HasRole(req.right->role);
      break;
    case ChangeKind::kReinstate:
    case ChangeKind::kRoleAdd:
      self = req.person == who.id;
      break;
    default:
      break;
  }
  if (!self) return Status::Ok();
  return Refuse(kSodAdminSelfGrant,
                "an administrator cannot take part in granting a role they hold themselves",
                "管理者は自分が保有するロールへの権限付与に関与できません");
}

// Rule 6: the person a role change or credential reset is about neither
// approves nor configures it.
Status CheckNotConcerned(const identity::Principal& who, const ChangeRequest& req) {
  const bool about_a_person = req.kind == ChangeKind::kRoleAdd ||
                              req.kind == ChangeKind::kRoleRemove ||
                              req.kind == ChangeKind::kCredentialReset;
  if (!about_a_person || req.person != who.id) return Status::Ok();
  return Refuse(kSodOwnChange,
                "nobody approves or configures a change of their own roles or credentials",
                "自分のロールや認証情報の変更を自分で承認・設定することはできません");
}

}  // namespace

bool HoldsApproverRole(const identity::Principal& who) {
  for (auto role : kApproverRoles) {
    if (who.HasRole(role)) return true;
  }
  return false;
}

Status CheckRequester(const identity::Principal& who, const ChangeRequest& req) {
  MAMORI_RETURN_IF_ERROR(CheckPerson(who));
  return CheckAdminSelfGrant(who, req);
}

Status CheckApprover(const identity::Principal& who, const ChangeRequest& req) {
  MAMORI_RETURN_IF_ERROR(CheckPerson(who));
  if (!HoldsApproverRole(who)) {
    return Refuse(kSodNotApprover,
                  "approving rights needs section_manager, department_officer, "
                  "credit_info_director, chief_officer, ciso or deputy_ciso",
                  "権限の承認には情報セキュリティ管理者・責任者・個人信用情報管理責任者・"
                  "統括責任者・CISO・副CISO のいずれかのロールが必要です");
  }
  if (who.id == req.requested.by) {
    return Refuse(kSodSelfApproval, "nobody approves their own request",
                  "自分の申請を自分で承認することはできません");
  }
  MAMORI_RETURN_IF_ERROR(CheckNotConcerned(who, req));
  return CheckAdminSelfGrant(who, req);
}

Status CheckConfigurer(const identity::Principal& who, const ChangeRequest& req) {
  MAMORI_RETURN_IF_ERROR(CheckPerson(who));
  if (!who.HasRole(kAdminRole)) {
    return Refuse(kSodNotConfigurer, "configuring rights needs the admin role",
                  "権限の設定には admin ロールが必要です");
  }
  if (who.id == req.approved.by) {
    return Refuse(kSodApproverConfigures, "the approver of a request cannot also configure it",
                  "承認者と設定者は別の人でなければなりません");
  }
  if (who.id == req.requested.by) {
    return Refuse(kSodRequesterConfigures, "the requester of a request cannot also configure it",
                  "申請者と設定者は別の人でなければなりません");
  }
  MAMORI_RETURN_IF_ERROR(CheckNotConcerned(who, req));
  return CheckAdminSelfGrant(who, req);
}

Status CheckRejecter(const identity::Principal& who, const ChangeRequest& req) {
  MAMORI_RETURN_IF_ERROR(CheckPerson(who));
  if (who.id == req.requested.by) {
    return Refuse(kSodSelfApproval, "a requester withdraws their request rather than reject it",
                  "申請者は却下ではなく取下げを行ってください");
  }
  const bool configurer =
      req.state == ChangeState::kApproved && who.HasRole(kAdminRole) && who.id != req.approved.by;
  if (!HoldsApproverRole(who) && !configurer) {
    return Refuse(kSodNotApprover,
                  "only someone who could approve or configure it may reject a request",
                  "申請を却下できるのは承認または設定を行える人だけです");
  }
  return Status::Ok();
}

}  // namespace mamori::policy
