#include "policy/rights_gate.h"

#include <algorithm>

#include "audit/log.h"
#include "identity/roles.h"
#include "policy/change_apply.h"
#include "policy/records.h"
#include "policy/system_rights.h"

namespace mamori::policy {
namespace {

bool HasRole(const identity::HolderView& h, std::string_view role) {
  return std::find(h.roles.begin(), h.roles.end(), role) != h.roles.end();
}

bool Reaches(const Snapshot& rules, const Grant& g, const identity::HolderView& h, TimeMicros now) {
  return !h.id.empty() && g.InForce(now) && HasRole(h, g.right.role) &&
         g.right.Designates(h.id, h.department) && !rules.Excluded(g.id, h.id);
}

// A rule every catalogue role has (reading the ledger's definitions, the
// role list, …) is no right worth a register entry.
bool ForEveryone(const SystemRule& rule) {
  for (const auto& r : identity::KnownRoles()) {
    if (std::find(rule.roles.begin(), rule.roles.end(), r.id) == rule.roles.end()) return false;
  }
  return true;
}

bool Allows(const SystemRule& rule, const identity::HolderView& h) {
  return std::any_of(rule.roles.begin(), rule.roles.end(),
                     [&](std::string_view r) { return HasRole(h, r); });
}

Status SecondPerson(const std::string& en, const std::string& ja) {
  return Status::PermissionDenied(en, ja, std::string(identity::kSecondPerson));
}

}  // namespace

std::optional<std::string> WidenedRight(const Snapshot& rules, const identity::HolderView& before,
                                        const identity::HolderView& after, TimeMicros now) {
  for (const auto& [role, grants] : rules.grants_by_role) {
    if (!HasRole(after, role)) continue;
    for (const Grant& g : grants) {
      if (Reaches(rules, g, after, now) && !Reaches(rules, g, before, now)) return "grant " + g.id;
    }
  }
  for (const SystemRule& rule : SystemRules()) {
    if (ForEveryone(rule)) continue;
    if (Allows(rule, after) && !Allows(rule, before)) {
      return "system right " + std::string(rule.operation);
    }
  }
  return std::nullopt;
}

std::vector<std::string_view> RolesCarryingSystemRights() {
  std::vector<std::string_view> out;
  for (const auto& role : identity::KnownRoles()) {
    for (const SystemRule& rule : SystemRules()) {
      if (!ForEveryone(rule) &&
          std::find(rule.roles.begin(), rule.roles.end(), role.id) != rule.roles.end()) {
        out.push_back(role.id);
        break;
      }
    }
  }
  return out;
}

bool HoldsRights(const Snapshot& rules, const identity::HolderView& holder, TimeMicros now) {
  return WidenedRight(rules, identity::HolderView{}, holder, now).has_value();
}

Status RightsGate::CheckDirectChange(store::WriteTxn& txn, const engine::Context& ctx,
                                     const identity::HolderView& before,
                                     const identity::HolderView& after) {
  MAMORI_ASSIGN_OR_RETURN(auto rules, LoadSnapshot(txn));
  const TimeMicros now = ctx.time ? ctx.time : NowMicros();
  auto widened = WidenedRight(*rules, before, after, now);
  if (!widened) return Status::Ok();
  return Status::PermissionDenied(
      "this change would give " + after.id + " a right they do not hold (" + *widened +
          "): holding a role that carries rights, or belonging to a department a grant is "
          "designated to, is given through the rights register (POST /v1/rights/requests with "
          "kind role_add: requester, approver and configurer are three people)",
      "この変更により " + after.id + " が新たな権限 (" + *widened +
          ") を持つことになります: 権限を伴うロールの付与や、指定された部署への異動は、"
          "アクセス権限管理簿の申請 (POST /v1/rights/requests, kind role_add: 申請者・承認者・"
          "設定者の3名) によって行ってください",
      std::string(identity::kViaRegister));
}

Status RightsGate::CheckCredentialReset(store::WriteTxn& txn, const engine::Context& ctx,
                                        const identity::HolderView& holder,
                                        std::string_view credential, std::string_view request) {
  MAMORI_ASSIGN_OR_RETURN(auto rules, LoadSnapshot(txn));
  const TimeMicros now = ctx.time ? ctx.time : NowMicros();
  if (!HoldsRights(*rules, holder, now)) return Status::Ok();
  const std::string what(credential);
  if (request.empty()) {
    return SecondPerson(
        holder.id + " holds rights: resetting their " + what +
            " needs a second person. Request it (POST /v1/rights/requests with kind "
            "credential_reset), have a manager approve it, and name the request in the reset",
        holder.id + " は権限を保有しているため、" + what +
            " の再設定には第二者の承認が必要です。申請 (POST /v1/rights/requests, kind "
            "credential_reset) "
            "を管理者以外の上長が承認した後、その申請を指定して再設定してください");
  }
  MAMORI_ASSIGN_OR_RETURN(auto found, ReadRequest(txn, request));
  auto unfit = [&](const std::string& en, const std::string& ja) {
    return SecondPerson("request " + std::string(request) + " " + en,
                        "申請 " + std::string(request) + " は" + ja);
  };
  if (!found) return unfit("does not exist", "存在しません");
  ChangeRequest req = std::move(*found);
  if (req.kind != ChangeKind::kCredentialReset || req.person != holder.id ||
      req.credential != credential) {
    return unfit("is not a " + what + " reset of " + holder.id,
                 holder.id + " の " + what + " 再設定の申請ではありません");
  }
  if (req.state != ChangeState::kApproved) {
    return unfit("is " + std::string(ChangeStateName(req.state)) + ", not approved",
                 "承認済みではありません (" + std::string(ChangeStateName(req.state)) + ")");
  }
  if (req.approved.by == ctx.actor) {
    return unfit("was approved by the person resetting: a second person must approve it",
                 "再設定を行う本人が承認しています: 別の人の承認が必要です");
  }
  req.configured = Step{ctx.actor, "", now, ""};
  req.state = ChangeState::kConfigured;
  MAMORI_RETURN_IF_ERROR(WriteRequest(txn, req));
  audit::Event ev;
  ev.time = now;
  ev.actor = ctx.actor;
  ev.terminal = ctx.terminal;
  ev.request_id = ctx.request_id;
  ev.operation = "policy.configure";
  ev.result = std::string(audit::kResultOk);
  DescribeChange(req, ev);
  return StatusOf(audit::Append(txn, ev));
}

}  // namespace mamori::policy
