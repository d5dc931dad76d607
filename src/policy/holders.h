// Who a right reaches now: the principals holding its role (Directory::
// HoldersOf) whom its designation names (Right::Designates: the department,
// the persons). What the register shows as holders and what a review asks a
// manager about are the same people Authorize lets through.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "policy/directory.h"
#include "policy/right.h"

namespace mamori::policy {

// Asks the Directory once per role and once per person's department; use
// one resolver for one query (it does not see later changes).
class HolderResolver {
 public:
  // `include_disabled`: disabled principals too (Directory::
  // HoldersOfIncludingDisabled), for a review of one person.
  explicit HolderResolver(const Directory& directory, bool include_disabled = false)
      : directory_(directory), include_disabled_(include_disabled) {}

  // Sorted, each id once.
  Result<std::vector<std::string>> HoldersOf(const Right& right);

 private:
  const Directory& directory_;
  bool include_disabled_;
  std::map<std::string, std::vector<std::string>> by_role_;
  std::map<std::string, std::string> department_;
};

}  // namespace mamori::policy
