#include "identity/roles.h"

#include <array>
#include <string>

namespace mamori::identity {
namespace {

// Titles follow the source documents' wording ([002 第7-19条], [003 II.2(2), VI]).
constexpr std::array<RoleInfo, 16> kRoles = {{
    {role::kHandler, "事務取扱担当者（取扱者）", "handler"},
    {role::kInquiryOperator, "照会作業者", "inquiry operator"},
    {role::kConfirmer, "確認者", "confirmer"},
    {role::kSectionManager, "情報セキュリティ管理者／個人信用情報管理者", "section manager"},
    {role::kDepartmentOfficer, "情報セキュリティ責任者", "department security officer"},
    {role::kAreaOfficer, "区域情報セキュリティ責任者", "area security officer"},
    {role::kChiefOfficer, "統括情報セキュリティ責任者", "chief security officer"},
    {role::kCiso, "最高情報セキュリティ責任者（CISO）", "CISO"},
    {role::kDeputyCiso, "最高情報セキュリティ副責任者", "deputy CISO"},
    {role::kCreditInfoDirector, "個人信用情報管理責任者", "credit information director"},
    {role::kAuditLead, "監査責任者", "audit lead"},
    {role::kAuditor, "監査担当者", "auditor"},
    {role::kSirt, "CSIRT 要員", "SIRT member"},
    {role::kTerminalManager, "端末管理者", "terminal manager"},
    {role::kCloudManager, "クラウドサービス管理者", "cloud service manager"},
    {role::kAdmin, "システム管理者", "system administrator"},
}};

}  // namespace

std::span<const RoleInfo> KnownRoles() { return kRoles; }

bool IsValidRole(std::string_view r) {
  for (const auto& info : kRoles) {
    if (info.id == r) return true;
  }
  if (!r.starts_with(kCustomRolePrefix)) return false;
  const std::string_view name = r.substr(kCustomRolePrefix.size());
  if (name.empty() || name.size() > 48) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

Status CheckRole(std::string_view r) {
  if (IsValidRole(r)) return Status::Ok();
  std::string known;
  for (const auto& info : kRoles) {
    if (!known.empty()) known += ", ";
    known += info.id;
  }
  return Status::InvalidArgument(
      "unknown role; use one of " + known + ", or custom_<name> with a-z, 0-9 and _",
      "未知のロールです。" + known +
          " のいずれか、または custom_<英小文字・数字・_> を指定してください",
      "role");
}

}  // namespace mamori::identity
