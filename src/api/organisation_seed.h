// An organisation from a JSON file — people with departments, managers,
// positions and roles, and data rights in force — built through the same
// code the server runs: users by identity (password rules, audit events),
// rights through the three-person flow (request by one person, approval by a
// second, configuration by a third, each step audited under that person's id
// and checked by segregation of duties). What `mamori demo seed` runs for
// `make run`, and what the authorisation matrix test builds its
// organisation with.
//
// The file:
//   {"users": [{"id", "display_name", "department", "manager", "roles": [...],
//               "positions": [...]}, ...],
//    "grants": [{"right": {...policy::RightFromJson...}, "requester",
//                "approver", "configurer", "reason"}, ...]}
//
// It acts in the names of the people in the file, which only a bootstrap may
// do: it refuses a store that already has users. The people are created by
// ctx's actor (the local operator), who alone may give roles outside the
// register (identity/rights_guard.h); every user must change the initial
// password at first logon.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "api/stack.h"
#include "core/status.h"

namespace mamori::api {

// kFailedPrecondition when the store has users; kInvalidArgument naming the
// member when the file has not the shape above; the flow's own refusals as
// they are.
Status SeedOrganisation(Stack& stack, const engine::Context& ctx, const nlohmann::json& org,
                        std::string_view initial_password);

}  // namespace mamori::api
