// Verbs that mirror routes one to one, declared as data: each is a method
// and a path of the API, and the options that fill its path parameters,
// query and JSON body. A verb is one request through the API's own pipeline
// as the person at the console (api/console.h): the same route table,
// authorisation, body rules, handler, audit events and answers as over
// HTTPS. Used by the governance commands (training, audits, inspections).
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace mamori::cli {

struct VerbOption {
  enum class Kind {
    kPath,     // fills "{member}" in the path (percent-encoded)
    kQuery,    // a query parameter
    kString,   // a string member of the body
    kInt,      // a whole-number member of the body
    kBool,     // a flag: the member is true when given, false otherwise
    kStrings,  // an array of strings, the option repeated
    kInts,     // an array of whole numbers, the option repeated
  };
  std::string flag;    // "--year"
  std::string member;  // "year"
  Kind kind = Kind::kString;
  bool required = false;
  std::string help;
};

struct RouteVerb {
  std::string name, help, method, path;
  std::vector<VerbOption> options;
};

// Adds each verb as a sub-command of `cmd` with the person's flags
// (PersonFlags) and its own options; its callback stores the exit code.
void AddRouteVerbs(CLI::App* cmd, const std::vector<RouteVerb>& verbs, int& exit_code);

}  // namespace mamori::cli
