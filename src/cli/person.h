// Commands that act as a person at the server's console rather than as the
// OS operator: USER logs on here (a real, audited logon from this console,
// "local:<host>", a terminal inside the controlled area), the system rights
// table decides the command's operation as it decides the route's, the
// command runs as that person, and the session ends when the command does.
// The password comes from a file or standard input, never from the
// command line (argv is visible to every local user).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "api/stack.h"
#include "cli/common.h"
#include "policy/caller.h"

namespace mamori::cli {

struct PersonFlags {
  StoreFlags store;
  std::string user, password_file = "-", totp;
  void AddTo(CLI::App* cmd);
};

// What a command body acts with: the stack over the opened store, the
// person as identity resolved them at logon, and the console's context
// (its request id is the one the logon and the authorisation were
// audited with).
struct PersonCall {
  api::Stack& stack;
  policy::Caller caller;
  engine::Context local;
};
using PersonBody = std::function<Result<nlohmann::json>(PersonCall&)>;

// Logs USER on, authorises `operation` (on `target` when not empty)
// through the system rights table, runs `body`, prints its JSON, logs
// off. The exit code: 0, or 1 with the error on stderr.
int AsPerson(const PersonFlags& f, std::string_view operation, const std::string& target,
             const PersonBody& body);

}  // namespace mamori::cli
