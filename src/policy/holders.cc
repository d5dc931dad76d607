#include "policy/holders.h"

#include <algorithm>

namespace mamori::policy {

Result<std::vector<std::string>> HolderResolver::HoldersOf(const Right& right) {
  auto [it, fresh] = by_role_.try_emplace(right.role);
  if (fresh) {
    MAMORI_ASSIGN_OR_RETURN(it->second, include_disabled_
                                            ? directory_.HoldersOfIncludingDisabled(right.role)
                                            : directory_.HoldersOf(right.role));
    std::sort(it->second.begin(), it->second.end());
    it->second.erase(std::unique(it->second.begin(), it->second.end()), it->second.end());
  }
  if (!right.Designated()) return it->second;
  std::vector<std::string> out;
  for (const auto& person : it->second) {
    std::string department;
    if (!right.department.empty()) {
      auto [d, first] = department_.try_emplace(person);
      if (first) {
        MAMORI_ASSIGN_OR_RETURN(d->second, directory_.DepartmentOf(person));
      }
      department = d->second;
    }
    if (right.Designates(person, department)) out.push_back(person);
  }
  return out;
}

}  // namespace mamori::policy
