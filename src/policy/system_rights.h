// Who may act on the system itself rather than on a dataset's records:
// people and terminals, the rights flow, reviews, policy parameters, the
// ledger and the audit log. Data operations (read, write, find, export,
// shred on records) are never decided here: they need a grant
// (authorizer.h), which nobody holds by role alone.
//
// The table is fixed in code, like the role catalogue (identity/roles.h),
// because segregation of duties depends on it:
// - the administrator (admin) manages people, terminals, service accounts
//   and configures approved rights, but reads no records, approves no right
//   and does not see the audit events that record what it did
//   ([003 II.5(2)(4)]: administrator IDs only for administrative work);
// - managers (section_manager, department_officer, credit_info_director, …)
//   request and approve rights and decide reviews [003 II.2(2), II.5(4)];
// - the CISO line sets policy parameters [002 第7-19条];
// - auditors read everything that is evidence and change nothing
//   [002 第19条: auditee ≠ auditor].
// Operations are the audit operation names the server asks about, e.g.
// "user.create", "rights.approve", "audit.events".
#pragma once

#include <span>
#include <string_view>

#include "identity/principal.h"

namespace mamori::policy {

struct SystemRule {
  std::string_view operation;
  std::span<const std::string_view> roles;  // any one of them allows it
  std::string_view description_ja;
};

// Every rule, in a stable order (for the rights register and the docs).
std::span<const SystemRule> SystemRules();

// The rule for `operation`, or null when it is not a system operation.
const SystemRule* FindSystemRule(std::string_view operation);

// True when one of who's roles is listed for `operation`; false for an
// operation that is not in the table (deny by default).
bool SystemAllows(const identity::Principal& who, std::string_view operation);

}  // namespace mamori::policy
