// Rights and grants. A Right is what may be done, and by whom: role ×
// management category (管理区分) × dataset × operation × purpose, held by the
// role's holders within one organisational unit (部署) or by named persons.
// A Grant is a Right in force, created only by a configured change request
// (change.h, rights_admin.h).
//
// Decisions:
// - The purpose is one registered purpose id, never a wildcard: a grant for
//   two purposes is two grants, so the register shows each use separately
//   (docs/REQUIREMENTS.md §2 "only within one's duties"). Administer and
//   shred grants carry no purpose (operation.h: NeedsPurpose).
// - Holders are designated (docs/ARCHITECTURE.md decision 12): a right
//   reaches a principal who holds `role` and, when `department` is set,
//   belongs to that department, and, when `persons` is set, is one of them.
//   The My Number rules require the handlers (事務取扱担当者) of each task to
//   be designated, and the credit-information guideline has the 個人信用
//   情報管理者 designate them [003 II.2(2)]: a new right on a category of
//   kDesignatedCategories must name a department or persons
//   (ValidateNewRight). Rights stored before designation existed keep
//   reaching every holder of their role; the register shows them as such.
// - The dataset may be "*": every dataset of the category, present and future,
//   that registers the purpose. A grant whose dataset or purpose does not
//   exist is accepted and simply never matches; the register still shows it.
// - unmask lets the grant's holders see fields whose mask rule demands it
//   (by default My Number and 法人番号) under the grant's purpose.
// - expires (optional) ends the grant without a removal request, for
//   temporary duties; an expired grant stays in the register.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "core/time.h"
#include "policy/operation.h"

namespace mamori::policy {

inline constexpr std::string_view kAllDatasets = "*";

struct Right {
  std::string role;      // identity role, e.g. "handler"
  std::string category;  // management category, DatasetDef::category
  std::string dataset;   // dataset name, or kAllDatasets
  Operation operation = Operation::kRead;
  std::string purpose;  // purpose id; empty exactly when !NeedsPurpose(operation)
  bool unmask = false;
  TimeMicros expires = 0;  // 0: until removed
  // Designation: the department (部署) the role's holders must belong to,
  // and/or the persons (principal ids, sorted) who alone may use it.
  std::string department;
  std::vector<std::string> persons;

  // Whether the right reaches a principal with this id and department who
  // holds `role` (the caller checks the role).
  bool Designates(std::string_view person, std::string_view person_department) const;
  bool Designated() const { return !department.empty() || !persons.empty(); }

  // The same role, category, dataset, operation, purpose and designation:
  // two grants with the same key would make the register ambiguous, so only
  // one may be active.
  bool SameKey(const Right& other) const;
  bool operator==(const Right&) const = default;
};

// The management categories whose new rights must be designated: specific
// personal information (My Number data) and credit information.
inline constexpr std::string_view kDesignatedCategories[] = {"specific_personal_information",
                                                             "credit_information"};

// kInvalidArgument naming the member: role, category and purpose must be
// identifiers (engine::IsValidName), dataset an identifier or "*", purpose
// empty exactly when the operation needs none, unmask only with a purpose;
// department at most 128 bytes of text without control characters; persons
// principal ids (identity/ids.h), no more than 100, without repeats.
Status ValidateRight(const Right& right);
// ValidateRight, and what a right requested now must also meet: on a
// category of kDesignatedCategories, a data operation (all but administer)
// names a department or persons (subject "department",
// policy.designation_required).
Status ValidateNewRight(const Right& right);

// "handler: read employee_my_number [specific_personal_information] for withholding
// (部署 総務部)".
std::string DescribeRight(const Right& right);

nlohmann::json RightToJson(const Right& right);
// Strict: unknown members and wrong types are kInvalidArgument naming the
// member; the result is also checked by ValidateRight.
Result<Right> RightFromJson(const nlohmann::json& json);

struct Grant {
  std::string id;  // "G00000001"
  Right right;
  bool active = true;                // false once removed (the record stays for the register)
  uint32_t version = 1;              // +1 on each configured change
  TimeMicros since = 0;              // when the current version was configured
  TimeMicros ended = 0;              // when it was removed; 0 while active
  std::string request;               // the request that configured the current version
  std::vector<std::string> history;  // every request that created, changed or removed it

  bool InForce(TimeMicros now) const {
    return active && (right.expires == 0 || now < right.expires);
  }
};

nlohmann::json GrantToJson(const Grant& grant);
// kDataLoss when stored bytes do not have the shape GrantToJson writes.
Result<Grant> GrantFromJson(const nlohmann::json& json);

}  // namespace mamori::policy
