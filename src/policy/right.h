// Rights and grants. A Right is what may be done: role × management category
// (管理区分) × dataset × operation × purpose. A Grant is a Right in force,
// created only by a configured change request (change.h, rights_admin.h).
//
// Decisions:
// - The purpose is one registered purpose id, never a wildcard: a grant for
//   two purposes is two grants, so the register shows each use separately
//   (REQUIREMENTS.md §2 "only within one's duties"). kAdminister grants carry
//   no purpose, because administering a dataset discloses no values.
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
  std::string purpose;  // purpose id; empty exactly when operation is kAdminister
  bool unmask = false;
  TimeMicros expires = 0;  // 0: until removed

  // The same role, category, dataset, operation and purpose: two grants with
  // the same key would make the register ambiguous, so only one may be active.
  bool SameKey(const Right& other) const;
  bool operator==(const Right&) const = default;
};

// kInvalidArgument naming the member: role, category and purpose must be
// identifiers (engine::IsValidName), dataset an identifier or "*", purpose
// empty exactly for kAdminister, unmask only with a purpose.
Status ValidateRight(const Right& right);

// "handler: read employee_my_number [specific_personal_information] for withholding".
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
