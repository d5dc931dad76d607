// The access-rights register (アクセス権限管理簿, docs/REQUIREMENTS.md §4;
// 003 II.5(3)(4)): every grant, change, removal, reinstatement, review
// revocation and setting change with its requester, approver, configurer,
// reasons and times, and who holds each right now, so that the scope of a
// leak can be determined at any moment. It is a view of the flow's own
// records (change.h), never a separate list to keep in step.
//
// Queries read the store in one View and then ask the Directory about
// current holders outside it. They write no audit event: the API audits the
// request that asks for the register.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "policy/change.h"
#include "policy/directory.h"
#include "policy/right.h"
#include "store/storage.h"

namespace mamori::policy {

// Every member that is set narrows the result; all empty: everything.
struct RegisterQuery {
  std::string role;  // the right's role
  // The rights this person holds now (through the roles Directory reports
  // for them) and the entries naming them (reinstate, revocation). Roles
  // they held in the past are identity's history, not this register's.
  std::string person;
  // The right's dataset; "*" rights match too when `category` is given and
  // equal, because they apply to every dataset of that category.
  std::string dataset;
  std::string category;
  std::optional<TimeMicros> since;  // ChangeRequest::EffectiveTime() >= since
  std::optional<TimeMicros> until;  // ChangeRequest::EffectiveTime() < until
  std::vector<ChangeKind> kinds;    // empty: every kind
  // false: only configured entries (what took effect); true: also open,
  // rejected and withdrawn requests.
  bool include_open = false;
};

// One active grant and the people it reaches now.
struct Holding {
  Grant grant;
  std::vector<std::string> holders;  // hold the role and are not revoked, sorted
  std::vector<std::string> revoked;  // hold the role but a review revoked their use, sorted
};

// The register form of an entry: ChangeToJson with the steps named
// requester, approver, configurer and closed_by.
nlohmann::json RegisterEntryToJson(const ChangeRequest& entry);
nlohmann::json HoldingToJson(const Holding& holding);

class RightsRegister {
 public:
  // Both must outlive this object.
  RightsRegister(store::Storage& storage, const Directory& directory)
      : storage_(storage), directory_(directory) {}

  // Matching entries in request order.
  Result<std::vector<ChangeRequest>> Entries(const RegisterQuery& query);
  // Active grants matching role, person, dataset and category (times, kinds
  // and include_open do not apply), in grant order.
  Result<std::vector<Holding>> Holdings(const RegisterQuery& query);
  Result<Grant> GetGrant(std::string_view id);
  Result<std::vector<Grant>> Grants(bool include_removed);

  // {"title", "generated_at", "query", "entries": [...], "holdings": [...]}
  // for auditors and the console; now = 0 means the present.
  Result<nlohmann::json> Export(const RegisterQuery& query, TimeMicros now = 0);

 private:
  // The roles among `roles` that `person` holds now.
  Result<std::vector<std::string>> RolesHeldBy(std::string_view person,
                                               const std::vector<std::string>& roles);

  store::Storage& storage_;
  const Directory& directory_;
};

}  // namespace mamori::policy
