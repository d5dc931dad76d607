#include "governance/register_kinds.h"

#include <vector>

namespace mamori::governance {
namespace {

using T = FieldType;
constexpr bool kRequired = true;

// What an entry handles: 要機密 information by kind.
const std::vector<std::string_view> kHandles = {"my_number", "credit", "personal", "confidential",
                                                "none"};
const std::vector<std::string_view> kCheckResults = {"ok", "improvement_required", "not_ok"};

std::vector<RegisterKind> Build() {
  return {
      // 委託先 [002 第55-61条; 003 IV(1)-(3); 004 §6(8)]: the contract's
      // safety clauses as booleans (register_rules.h refuses a contractor
      // handling protected data without them), sub-contracting, and the
      // periodic check of its handling [003 IV(1)⑤, IV(3)①].
      {"contractor",
       "委託先台帳",
       "contractor register",
       "CT",
       {{"name", T::kText, kRequired},
        {"corporate_number", T::kCorporateNumber},
        {"service", T::kText, kRequired},
        {"department", T::kIdentifier, kRequired},
        {"supervisor", T::kUser, kRequired},
        {"handles", T::kCodes, kRequired, kHandles},
        {"contract_start", T::kDate, kRequired},
        {"contract_end", T::kDate},
        {"selection_criteria_met", T::kBool, kRequired},
        {"clause_supervision_audit", T::kBool, kRequired},
        {"clause_confidentiality", T::kBool, kRequired},
        {"clause_incident_reporting", T::kBool, kRequired},
        {"clause_return_disposal", T::kBool, kRequired},
        {"clause_damages_termination", T::kBool, kRequired},
        {"clause_safety_measures", T::kBool, kRequired},
        {"clause_staff_supervision", T::kBool, kRequired},
        {"subcontracting", T::kCode, kRequired, {"prohibited", "prior_approval"}},
        {"parent", T::kEntry, false, {}, "contractor"},
        {"prior_approval_on", T::kDate},
        {"prior_approval_ref", T::kIdentifier},
        {"end_of_contract", T::kCode, false, {"returned", "erased", "returned_and_erased"}}},
       365,
       {"ok", "improvement_required", "not_ok", "terminate"},
       "register.contractor.keep"},

      // クラウドサービス [002 第62-71条]: ISMAP, where the data are kept, how
      // they are disposed of, the named responsible person, and the approval
      // of the 統括情報セキュリティ責任者 before use [002 第66条].
      {"cloud_service",
       "クラウドサービス台帳",
       "cloud-service register",
       "CS",
       {{"name", T::kText, kRequired},
        {"provider", T::kText, kRequired},
        {"purpose", T::kText, kRequired},
        {"ismap", T::kCode, kRequired, {"listed", "not_listed"}},
        {"ismap_registration", T::kIdentifier},
        {"storage_country", T::kCountry, kRequired},
        {"storage_region", T::kText},
        {"disposal_method",
         T::kCode,
         kRequired,
         {"crypto_erase", "overwrite", "physical_destruction", "provider_certificate"}},
        {"responsible", T::kUser, kRequired},
        {"handles", T::kCodes, kRequired, kHandles},
        {"security_requirements", T::kText, kRequired},
        {"status", T::kCode, kRequired, {"planned", "in_use", "ended"}},
        {"account_deleted", T::kBool}},
       365,
       kCheckResults,
       "register.cloud_service.keep",
       "register.cloud_service.approve"},

      // ソーシャルメディアアカウント [002 第155条; 004 §6(8)].
      {"social_media",
       "ソーシャルメディアアカウント台帳",
       "social-media account register",
       "SM",
       {{"service",
         T::kCode,
         kRequired,
         {"x", "facebook", "instagram", "youtube", "line", "other"}},
        {"account", T::kIdentifier, kRequired},
        {"purpose", T::kText, kRequired},
        {"department", T::kIdentifier, kRequired},
        {"responsible", T::kUser, kRequired},
        {"posting_rules", T::kText, kRequired},
        {"authentication", T::kCode, kRequired, {"mfa", "password"}},
        {"verified_mark", T::kBool}},
       365,
       kCheckResults,
       "register.social_media.keep"},

      // 情報システム台帳 [002 第20条, 第69条, 第82条].
      {"information_system",
       "情報システム台帳",
       "information-system ledger",
       "IS",
       {{"name", T::kText, kRequired},
        {"department", T::kIdentifier, kRequired},
        {"responsible", T::kUser, kRequired},
        {"purpose", T::kText, kRequired},
        {"classification", T::kCode, kRequired, {"c3", "c2", "c1"}},
        {"handles", T::kCodes, kRequired, kHandles},
        {"security_requirements", T::kText, kRequired},
        {"hosting", T::kCode, kRequired, {"on_premises", "cloud"}},
        {"cloud_service", T::kEntry, false, {}, "cloud_service"},
        {"network", T::kCode, kRequired, {"closed", "lgwan", "internet"}},
        {"in_operation_since", T::kDate}},
       365,
       kCheckResults,
       "register.information_system.keep"},

      // 利用を認めるソフトウェア [002 第91条2, 第92条, 第100条, 第101条].
      {"software",
       "許可ソフトウェア台帳",
       "allowed-software register",
       "SW",
       {{"name", T::kText, kRequired},
        {"version", T::kIdentifier, kRequired},
        {"publisher", T::kText, kRequired},
        {"scope", T::kCode, kRequired, {"terminal", "server"}},
        {"system", T::kEntry, false, {}, "information_system"},
        {"decided_on", T::kDate, kRequired},
        {"purpose", T::kText}},
       365,
       kCheckResults,
       "register.software.keep"},

      // 利用・接続を認める機器 [002 第91条3; 003 V(1)④ 必須 A].
      {"device",
       "機器台帳",
       "device register",
       "DV",
       {{"type", T::kCode, kRequired, {"terminal", "server", "network", "storage", "peripheral"}},
        {"model", T::kText, kRequired},
        {"serial", T::kIdentifier, kRequired},
        {"location", T::kText, kRequired},
        {"manager", T::kUser, kRequired},
        {"system", T::kEntry, false, {}, "information_system"}},
       365,
       {"present", "missing", "damaged"},
       "register.device.keep"},

      // 記録媒体 [003 II.2(2)③C, V(2)③ 必須 B]: periodic inventory.
      {"media",
       "記録媒体管理簿",
       "media register",
       "MD",
       {{"type", T::kCode, kRequired, {"usb", "hdd", "ssd", "optical", "tape", "paper"}},
        {"label", T::kIdentifier, kRequired},
        {"location", T::kText, kRequired},
        {"custodian", T::kUser, kRequired},
        {"department", T::kIdentifier, kRequired},
        {"handles", T::kCodes, kRequired, kHandles},
        {"encrypted", T::kBool, kRequired},
        {"disposal", T::kCode, false, {"wiped", "destroyed"}}},
       180,
       {"present", "missing", "damaged"},
       "register.media.keep"},

      // 保守作業の記録 [002 第84条; 001 第4 7(2)].
      {"maintenance",
       "保守作業記録",
       "maintenance register",
       "MW",
       {{"system", T::kEntry, kRequired, {}, "information_system"},
        {"work", T::kText, kRequired},
        {"performed_on", T::kDate, kRequired},
        {"contractor", T::kEntry, false, {}, "contractor"},
        {"supervised_by", T::kUser, kRequired},
        {"data_access", T::kBool, kRequired},
        {"result", T::kCode, kRequired, {"completed", "partial", "failed"}}},
       0,
       {},
       "register.maintenance.keep"},

      // 通信回線装置の設定変更 [002 第114条; 001 第4 3(3)].
      {"network_change",
       "通信回線装置の設定変更記録",
       "network-device change register",
       "NC",
       {{"device", T::kEntry, kRequired, {}, "device"},
        {"change", T::kText, kRequired},
        {"changed_on", T::kDate, kRequired},
        {"changed_by", T::kUser, kRequired},
        {"approved_by", T::kUser, kRequired},
        {"reason",
         T::kCode,
         kRequired,
         {"security", "maintenance", "capacity", "incident", "other"}}},
       0,
       {},
       "register.network_change.keep"},
  };
}

}  // namespace

const FieldSpec* RegisterKind::Field(std::string_view field) const {
  for (const auto& f : fields) {
    if (f.name == field) return &f;
  }
  return nullptr;
}

std::span<const RegisterKind> RegisterKinds() {
  static const std::vector<RegisterKind> kinds = Build();
  return kinds;
}

const RegisterKind* FindRegisterKind(std::string_view name) {
  for (const auto& k : RegisterKinds()) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

}  // namespace mamori::governance
