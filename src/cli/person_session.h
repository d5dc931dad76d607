// A command taken by a person at the server's console, as the API would
// take it: USER logs on here (AtConsole, common.h: a real, audited logon
// from this console, "local:<host>", inside the controlled area), the
// system rights table decides the same operation as the route, the body
// runs as that person, and the session ends when the command does. Shared
// by the commands of the approval flows (approvals, exceptions).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/stack.h"
#include "cli/common.h"
#include "policy/caller.h"

namespace mamori::cli {

using PersonBody = std::function<Result<nlohmann::json>(api::Stack&, const policy::Caller&)>;

// Defined with the approvals commands (cmd_approvals.cc).
namespace approvals_cli {
// Logs USER on at this console, authorises `operation` (on `target` when
// not empty) through the system rights table, runs `body` as that person
// and prints its answer, logs off. The exit code.
int AsPerson(const PersonFlags& f, std::string_view operation, const std::string& target,
             const PersonBody& body);
}  // namespace approvals_cli
using approvals_cli::AsPerson;

}  // namespace mamori::cli
