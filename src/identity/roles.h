// The role catalogue: the roles docs/REQUIREMENTS.md §14 names, as stable ids.
//
// A user holds several roles at once (one person often acts as handler and
// section manager through their position); policy grants rights to roles,
// never to people. Organisations add their own as "custom_<name>" (<name> is
// 1..48 of [a-z0-9_]). The catalogue is fixed in code because policy rules and
// segregation-of-duties checks refer to these ids by name.
#pragma once

#include <span>
#include <string_view>

#include "core/status.h"

namespace mamori::identity {

struct RoleInfo {
  std::string_view id;
  std::string_view title_ja;
  std::string_view title_en;
};

// Role ids policy and identity refer to by name.
namespace role {
inline constexpr std::string_view kHandler = "handler";
inline constexpr std::string_view kInquiryOperator = "inquiry_operator";
inline constexpr std::string_view kConfirmer = "confirmer";
inline constexpr std::string_view kSectionManager = "section_manager";
inline constexpr std::string_view kDepartmentOfficer = "department_officer";
inline constexpr std::string_view kAreaOfficer = "area_officer";
inline constexpr std::string_view kChiefOfficer = "chief_officer";
inline constexpr std::string_view kCiso = "ciso";
inline constexpr std::string_view kDeputyCiso = "deputy_ciso";
inline constexpr std::string_view kCreditInfoDirector = "credit_info_director";
inline constexpr std::string_view kAuditLead = "audit_lead";
inline constexpr std::string_view kAuditor = "auditor";
inline constexpr std::string_view kSirt = "sirt";
inline constexpr std::string_view kTerminalManager = "terminal_manager";
inline constexpr std::string_view kCloudManager = "cloud_manager";
inline constexpr std::string_view kAdmin = "admin";
}  // namespace role

inline constexpr std::string_view kCustomRolePrefix = "custom_";

// Every catalogue role, in a stable order (custom roles are not listed).
std::span<const RoleInfo> KnownRoles();
// A catalogue role or a well-formed custom_ role.
bool IsValidRole(std::string_view role);
// kInvalidArgument (subject "role") naming the catalogue when !IsValidRole.
Status CheckRole(std::string_view role);

}  // namespace mamori::identity
