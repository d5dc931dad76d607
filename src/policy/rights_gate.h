// Policy's answer to identity's RightsGuard (identity/rights_guard.h): which
// direct change of a person's roles or department would give them rights,
// and whether a credential reset has the second person it needs.
//
// A principal holds rights when a grant in force reaches it (its role, its
// department or its name as designated, not revoked by a review) or when a
// system rule lets one of its roles do more than every role may (manage
// people, approve, configure, read evidence …: system_rights.h). A direct
// change widens rights when the principal after it holds a right it did not
// hold before; removing a role or moving someone out of a designated
// department never does, and passes.
//
// The rules are read from the caller's transaction, so a grant configured
// concurrently is seen entirely or not at all. Thread-safe (stateless).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "identity/rights_guard.h"
#include "policy/snapshot.h"

namespace mamori::policy {

class RightsGate final : public identity::RightsGuard {
 public:
  Status CheckDirectChange(store::WriteTxn& txn, const engine::Context& ctx,
                           const identity::HolderView& before,
                           const identity::HolderView& after) override;
  Status CheckCredentialReset(store::WriteTxn& txn, const engine::Context& ctx,
                              const identity::HolderView& holder, std::string_view credential,
                              std::string_view request) override;
};

// The first right `after` holds that `before` does not ("grant G00000003",
// "system right user.create"), or nullopt when the change widens nothing.
std::optional<std::string> WidenedRight(const Snapshot& rules, const identity::HolderView& before,
                                        const identity::HolderView& after, TimeMicros now);

// The roles some system rule lets do more than every role may (admin, the
// managers, auditors, …), in the order of the role catalogue.
std::vector<std::string_view> RolesCarryingSystemRights();

// Whether `holder` holds any right beyond those every role has.
bool HoldsRights(const Snapshot& rules, const identity::HolderView& holder, TimeMicros now);

}  // namespace mamori::policy
