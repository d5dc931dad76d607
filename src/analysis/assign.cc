#include "analysis/assign.h"

#include <algorithm>

#include "identity/roles.h"

namespace mamori::analysis {
namespace {

namespace r = identity::role;

}  // namespace

Result<std::string> Assigner::DepartmentOf(const std::string& person) {
  if (person.empty()) return std::string();
  auto it = departments_.find(person);
  if (it != departments_.end()) return it->second;
  MAMORI_ASSIGN_OR_RETURN(std::string dept, directory_.DepartmentOf(person));
  departments_[person] = dept;
  return dept;
}

Result<const std::vector<std::string>*> Assigner::Holders(std::string_view role) {
  auto it = holders_.find(role);
  if (it == holders_.end()) {
    MAMORI_ASSIGN_OR_RETURN(auto ids, directory_.HoldersOf(role));
    std::sort(ids.begin(), ids.end());
    it = holders_.emplace(std::string(role), std::move(ids)).first;
  }
  return &it->second;
}

Result<std::string> Assigner::First(const std::vector<Step>& chain, const std::string& department,
                                    const std::set<std::string>& except) {
  for (const Step& step : chain) {
    if (step.same_department && department.empty()) continue;
    MAMORI_ASSIGN_OR_RETURN(const std::vector<std::string>* ids, Holders(step.role));
    for (const std::string& id : *ids) {
      if (except.contains(id)) continue;
      if (step.same_department) {
        MAMORI_ASSIGN_OR_RETURN(std::string dept, DepartmentOf(id));
        if (dept != department) continue;
      }
      return id;
    }
  }
  return std::string();
}

Result<std::string> Assigner::FindingOwner(const std::string& actor,
                                           const std::string& department) {
  // SIRT, then internal audit, close both chains: a finding about the only
  // person of the CISO line must still reach someone who is not that person
  // and may act on it, and internal audit is the function independent of
  // the CISO line ([002 第37条]).
  if (department.empty()) {
    return First({{r::kCiso, false},
                  {r::kChiefOfficer, false},
                  {r::kDeputyCiso, false},
                  {r::kSirt, false},
                  {r::kAuditLead, false},
                  {r::kAuditor, false}},
                 "", {actor});
  }
  return First({{r::kSectionManager, true},
                {r::kDepartmentOfficer, true},
                {r::kCiso, false},
                {r::kChiefOfficer, false},
                {r::kDeputyCiso, false},
                {r::kSirt, false},
                {r::kAuditLead, false},
                {r::kAuditor, false}},
               department, {actor});
}

Result<std::string> Assigner::EscalationOwner(const std::string& department,
                                              const std::string& except) {
  const std::vector<Step> chain = {{r::kDepartmentOfficer, true},
                                   {r::kCiso, false},
                                   {r::kChiefOfficer, false},
                                   {r::kDeputyCiso, false},
                                   {r::kSirt, false}};
  MAMORI_ASSIGN_OR_RETURN(std::string owner, First(chain, department, {except}));
  if (!owner.empty()) return owner;
  // The late confirmer is the only one who could take it (a CISO who
  // confirms a dataset of a department without officers): an overdue list
  // must reach someone, and it is a duty left undone rather than conduct to
  // review, so it goes back to them rather than to no one.
  return First(chain, department, {});
}

Result<std::string> Assigner::Confirmer(const std::string& department,
                                        const std::set<std::string>& accessed) {
  return First({{r::kConfirmer, true},
                {r::kSectionManager, true},
                {r::kDepartmentOfficer, true},
                {r::kCiso, false},
                {r::kChiefOfficer, false},
                {r::kDeputyCiso, false}},
               department, accessed);
}

}  // namespace mamori::analysis
