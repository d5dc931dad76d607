// Who must act on what the analysis raises — findings and the daily
// reconciliation lists ([003 II.5(6)-(7)]; docs/REQUIREMENTS.md §6, the
// roles of §14): the organisation's people as policy::Directory knows them.
// Decisions (the sources name the roles, not a rule of assignment):
//   - a finding about a person goes to the section security manager
//     (情報セキュリティ管理者, section_manager) of the person's department,
//     else its department officer (department_officer), else the CISO line
//     (ciso, chief_officer, deputy_ciso), else SIRT, else internal audit
//     (audit_lead, auditor) — never to the person themselves, so that a
//     finding about the only person of the CISO line goes to SIRT or audit;
//   - an overdue reconciliation list escalates to the department officer of
//     the dataset's department, else the CISO line, else SIRT — other than
//     the late confirmer, unless no one else holds any of these roles;
//   - a finding about no one in the organisation (an unknown ID, a source
//     address, the analysis itself) goes to the CISO line, else SIRT, else
//     internal audit;
//   - a dataset's daily list is confirmed by a confirmer of its department,
//     else its section manager, else its department officer, else the CISO
//     line — never by someone who accessed the data that day;
//   - among several holders, the first by id (stable, and visible in the
//     list: a department reassigns by changing roles).
// Calls the Directory outside any transaction (its contract), and caches
// what it learns for its own lifetime: make one per evaluation round.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "policy/directory.h"

namespace mamori::analysis {

class Assigner {
 public:
  // `directory` must outlive the Assigner.
  explicit Assigner(const policy::Directory& directory) : directory_(directory) {}

  // "" for an id the directory does not know.
  Result<std::string> DepartmentOf(const std::string& person);

  // The owner of a finding about `actor` ("" for none in the organisation).
  Result<std::string> FindingOwner(const std::string& actor, const std::string& department);
  // The owner of an overdue list of a dataset of `department`.
  Result<std::string> EscalationOwner(const std::string& department, const std::string& except);
  // The confirmer of a list of a dataset of `department`, not one of `accessed`.
  Result<std::string> Confirmer(const std::string& department,
                                const std::set<std::string>& accessed);

 private:
  struct Step {
    std::string_view role;
    bool same_department;
  };
  Result<std::string> First(const std::vector<Step>& chain, const std::string& department,
                            const std::set<std::string>& except);
  Result<const std::vector<std::string>*> Holders(std::string_view role);

  const policy::Directory& directory_;
  std::map<std::string, std::vector<std::string>, std::less<>> holders_;
  std::map<std::string, std::string> departments_;
};

}  // namespace mamori::analysis
