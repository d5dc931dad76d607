// What a dataset's classification and handling restrictions (取扱制限,
// [002 第5条, 別表1]) mean for taking its records out (持ち出し): the one
// place that decides it, read by Engine::Export (which enforces it), by the
// ledger (which shows it) and by the approval flow (which asks the approvers
// it names).
//
// Every restriction the engine knows has an effect on a take-out; none is a
// label only:
//
//   no_takeout             持出禁止   refused
//   no_copy                複製禁止   refused: the exported file is a copy
//   no_distribution        配布禁止   only to a recipient inside the organisation
//   no_external_provision  外部提供禁止 only to a recipient inside the organisation
//   encrypt_required       暗号化必須 met by construction: every export is
//                                     CMS-encrypted (crypto/cms_writer.h); an
//                                     unencrypted export does not exist
//   dispose_after_reading  読後廃棄   its end must be confirmed as destroyed,
//                                     never as returned
//   custom_*               (own)      refused: a restriction whose meaning
//                                     the engine does not know cannot be
//                                     kept, so the take-out fails closed
//
// Approvers: every take-out needs the section's 情報セキュリティ管理者
// (section_manager); confidentiality-3 data also needs the department's
// 情報セキュリティ責任者 (department_officer) [002 第47条2, 第48条3]. Each
// approver is a different person and none is the exporter [002 第19条].
// The role ids are those of identity's role catalogue (identity/roles.h),
// spelt out here because engine sits below identity.
//
// Every take-out has a deadline (until) by which its return or destruction
// is confirmed; at most kMaxTakeoutDays after the day of export (JST).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "engine/dataset.h"

namespace mamori::engine {

inline constexpr std::string_view kRoleSectionManager = "section_manager";
inline constexpr std::string_view kRoleDepartmentOfficer = "department_officer";
inline constexpr int kMaxTakeoutDays = 366;

struct TakeoutRules {
  // OK, or kPermissionDenied whose subject names the restriction that forbids
  // any take-out ("no_takeout", "no_copy", "custom_…").
  Status permitted;
  // The recipient must be inside the organisation (no_distribution,
  // no_external_provision); `internal_because` names the first restriction.
  bool internal_only = false;
  std::string internal_because;
  // dispose_after_reading: the end is confirmed as destroyed only.
  bool destroy_only = false;
  // Every one of these roles approves, each by a different person.
  std::vector<std::string> approver_roles;
};

TakeoutRules TakeoutRulesFor(const DatasetDef& def);

// For the ledger and the API: {"permitted", "refused_by", "internal_only",
// "destroy_only", "approver_roles", "max_days", "encrypted": "CMS
// AuthEnvelopedData AES-256-GCM"} with Japanese alongside.
nlohmann::json TakeoutRulesToJson(const TakeoutRules& rules);

}  // namespace mamori::engine
