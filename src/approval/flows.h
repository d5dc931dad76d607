// The flows the server registers with the approval engine besides the
// rights register's (policy/rights_admin.h, "rights"). Their approvers
// follow the source documents; who holds each role is the organisation's.
//
//   non_standard_work  規格外作業: work outside the standard procedure, such
//                      as disposing of records outside the retention sweep
//                      ([003 V(4)①D]). Approved by the section manager
//                      (section_manager) of the applicant's department;
//                      open for 7 days; no after-the-fact filing: the work
//                      waits for the approval.
//   exception          例外措置: not applying a rule of the policy
//                      ([002 第26-27条]). Approved by the CISO line (ciso,
//                      deputy_ciso, chief_officer); open for 14 days. In an
//                      emergency the measure is taken first and filed
//                      afterwards, within 2 business days ([002 第27条]
//                      ただし書 "事後速やかに").
#pragma once

#include <string_view>
#include <vector>

#include "approval/approvals.h"

namespace mamori::approval {

inline constexpr std::string_view kNonStandardWork = "non_standard_work";
inline constexpr std::string_view kException = "exception";

std::vector<Flow> StandardFlows();

}  // namespace mamori::approval
