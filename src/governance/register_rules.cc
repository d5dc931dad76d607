#include "governance/register_rules.h"

#include <algorithm>

#include "identity/roles.h"
#include "policy/system_rights.h"

namespace mamori::governance {
namespace {

using json = nlohmann::json;

bool Handles(const RegisterEntry& e, std::string_view code) {
  const json& h = e.fields.value("handles", json::array());
  return std::any_of(h.begin(), h.end(), [&](const json& c) { return c == code; });
}

bool HandlesProtected(const RegisterEntry& e) {
  const json& h = e.fields.value("handles", json::array());
  return std::any_of(h.begin(), h.end(), [](const json& c) { return c != "none"; });
}

bool Flag(const RegisterEntry& e, std::string_view field) {
  return e.fields.value(std::string(field), false) == true;
}

bool Changed(const std::vector<std::string>& changed, std::string_view field) {
  return std::find(changed.begin(), changed.end(), field) != changed.end();
}

Status Contractor(store::ReadTxn& txn, const RegisterEntry& e) {
  if (HandlesProtected(e)) {
    for (std::string_view clause :
         {"clause_supervision_audit", "clause_confidentiality", "clause_incident_reporting",
          "clause_return_disposal", "clause_damages_termination", "clause_safety_measures",
          "clause_staff_supervision"}) {
      if (!Flag(e, clause)) {
        return Status::FailedPrecondition(
            "a contractor handling protected information needs every safety clause in its "
            "contract (supervision and audit, confidentiality, incident reporting, return or "
            "disposal, damages and termination, safety measures, supervision of its staff); "
            "missing: " +
                std::string(clause),
            "保護すべき情報を取り扱う委託先の契約には監督・監査、守秘、事故報告、返却・廃棄、"
            "損害賠償・解除、安全管理措置、従業者の監督の条項がすべて必要です (不足: " +
                std::string(clause) + ")",
            std::string(kContractorClauses));
      }
    }
  }
  const std::string parent_id = e.Text("parent");
  if (parent_id.empty()) return Status::Ok();
  auto refuse = [](const std::string& en, const std::string& ja) {
    return Status::FailedPrecondition(en, ja, std::string(kSubcontractNotApproved));
  };
  MAMORI_ASSIGN_OR_RETURN(auto parent, Registers::ReadEntry(txn, "contractor", parent_id));
  if (!parent || parent->Text("subcontracting") != "prior_approval") {
    return refuse("the contractor does not allow sub-contracting with prior approval",
                  "元の委託先の契約は事前承認による再委託を認めていません");
  }
  const auto approved_on = ParseDate(e.Text("prior_approval_on"));
  const auto starts = ParseDate(e.Text("contract_start"));
  if (!approved_on || e.Text("prior_approval_ref").empty()) {
    return refuse(
        "a sub-contractor is registered only with its prior approval recorded "
        "(prior_approval_on, prior_approval_ref)",
        "再委託先は事前承認の記録 (prior_approval_on, prior_approval_ref) "
        "がなければ登録できません");
  }
  if (starts && *starts < *approved_on) {
    return refuse("the sub-contract started before its approval",
                  "再委託が承認より前に開始されています");
  }
  return Status::Ok();
}

Status Cloud(const RegisterEntry* before, RegisterEntry& e,
             const std::vector<std::string>& changed) {
  if ((Handles(e, kHandlesMyNumber) || Handles(e, kHandlesCredit)) &&
      e.Text("storage_country") != "JP") {
    return Status::PermissionDenied(
        "My Numbers and credit information are kept in Japan only: a cloud service storing "
        "them outside Japan is refused",
        "個人番号と信用情報は国内でのみ保管します: 国外に保管するクラウドサービスは利用できません",
        std::string(kCloudOutsideJapan));
  }
  if (e.Text("ismap") == "listed" && e.Text("ismap_registration").empty()) {
    return Status::InvalidArgument(
        "ismap_registration: a service listed on ISMAP names its registration number",
        "ismap_registration: ISMAP 登録のサービスは登録番号を指定します", "ismap_registration");
  }
  // What the approval covered: a change withdraws it [002 第66条].
  if (before && e.approval) {
    for (std::string_view f :
         {"ismap", "ismap_registration", "storage_country", "storage_region", "handles",
          "disposal_method", "responsible", "security_requirements", "provider"}) {
      if (Changed(changed, f)) e.approval.reset();
    }
  }
  if (e.Text("status") == "in_use" && !e.approval) {
    return Status::FailedPrecondition(
        "a cloud service is used only once the chief information security officer "
        "(統括情報セキュリティ責任者) approved it as registered",
        "クラウドサービスは登録内容のとおり統括情報セキュリティ責任者の承認を受けるまで"
        "利用できません",
        std::string(kCloudNotApproved));
  }
  return Status::Ok();
}

Status InformationSystem(const RegisterEntry& e) {
  if (e.Text("hosting") == "cloud" && e.Text("cloud_service").empty()) {
    return Status::InvalidArgument(
        "cloud_service: a system hosted on a cloud service names it",
        "cloud_service: クラウドサービス上のシステムはそのサービスを指定します", "cloud_service");
  }
  return Status::Ok();
}

Status NetworkChange(const RegisterEntry& e) {
  if (e.Text("approved_by") == e.Text("changed_by")) {
    return Status::FailedPrecondition(
        "a network-device change is approved by someone other than who made it",
        "通信回線装置の設定変更は実施者以外が承認します", std::string(kNetworkSelfApproved));
  }
  return Status::Ok();
}

}  // namespace

Status CheckEntryRules(store::ReadTxn& txn, const RegisterKind& kind, const RegisterEntry* before,
                       RegisterEntry& after, const std::vector<std::string>& changed) {
  if (kind.name == "contractor") return Contractor(txn, after);
  if (kind.name == "cloud_service") return Cloud(before, after, changed);
  if (kind.name == "information_system") return InformationSystem(after);
  if (kind.name == "network_change") return NetworkChange(after);
  return Status::Ok();
}

Status CheckRetireRules(const RegisterKind& kind, const RegisterEntry& e) {
  if (kind.name == "contractor" && HandlesProtected(e) && e.Text("end_of_contract").empty()) {
    return Status::FailedPrecondition(
        "a contractor that handled protected information is retired once the return or "
        "erasure of the information is recorded (end_of_contract)",
        "保護すべき情報を取り扱った委託先は情報の返却・抹消の記録 (end_of_contract) の後に"
        "廃止します",
        std::string(kContractorEnd));
  }
  if (kind.name == "cloud_service" &&
      (e.Text("status") != "ended" || !Flag(e, "account_deleted"))) {
    return Status::FailedPrecondition(
        "a cloud service is retired once its use ended and its account was deleted",
        "クラウドサービスは利用終了とアカウント削除の後に廃止します",
        std::string(kCloudNotDisposed));
  }
  if (kind.name == "media" && e.Text("disposal").empty()) {
    return Status::FailedPrecondition(
        "a medium is retired once it was wiped or destroyed (disposal)",
        "記録媒体は消去または破壊 (disposal) の記録の後に廃止します", "disposal");
  }
  return Status::Ok();
}

Status CheckApproval(const RegisterKind& kind, const RegisterEntry& entry,
                     const approval::Caller& caller) {
  if (kind.approve_operation.empty()) {
    return Status::FailedPrecondition("entries of this register are not approved",
                                      "この台帳の項目は承認の対象ではありません",
                                      std::string(kNotApprover));
  }
  // The route decided approve_operation; the chief_officer role is asked
  // again here so that no other route's authorisation can stand in for it.
  if (!policy::SystemAllows(caller.principal, kind.approve_operation) ||
      !caller.principal.HasRole(identity::role::kChiefOfficer)) {
    return Status::PermissionDenied(
        "only the chief information security officer (chief_officer) approves a cloud service",
        "クラウドサービスを承認するのは統括情報セキュリティ責任者 (chief_officer) だけです",
        std::string(kNotApprover));
  }
  if (entry.created_by == caller.principal.id) {
    return Status::PermissionDenied("nobody approves a cloud service they registered",
                                    "自分が登録したクラウドサービスは承認できません",
                                    std::string(kCloudSelfApproval));
  }
  return Status::Ok();
}

}  // namespace mamori::governance
