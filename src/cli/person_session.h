// A command taken by a person at the server's console, as the API would
// take it: USER logs on here (a real, audited logon from this console,
// "local:<host>", inside the controlled area), the system rights table
// decides the same operation as the route, the body runs as that person,
// and the session ends when the command does. The password comes from a
// file or standard input, never from the command line. Shared by the
// commands of the approval flows (approvals, exceptions).
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
  void AddTo(CLI::App* cmd) {
    store.AddTo(cmd);
    cmd->add_option("--user", user, "the person's user id")->required();
    cmd->add_option("--password-file", password_file,
                    "file holding the password (default -: standard input)")
        ->capture_default_str();
    cmd->add_option("--totp", totp, "the 6-digit code, when the user needs TOTP");
  }
};

using PersonBody = std::function<Result<nlohmann::json>(api::Stack&, const policy::Caller&)>;

// Logs USER on at this console, authorises `operation` (on `target` when
// not empty) through the system rights table, runs `body` as that person
// and prints its answer, logs off. The exit code.
int AsPerson(const PersonFlags& f, std::string_view operation, const std::string& target,
             const PersonBody& body);

}  // namespace mamori::cli
