#include "cli/route_verbs.h"

#include <charconv>
#include <map>
#include <memory>
#include <optional>

#include <nlohmann/json.hpp>

#include "api/console.h"
#include "cli/common.h"

namespace mamori::cli {
namespace {

using Kind = VerbOption::Kind;

struct VerbState {
  PersonFlags person;
  std::map<std::string, std::string> values;
  std::map<std::string, std::vector<std::string>> lists;
  std::map<std::string, bool> flags;
};

// A whole number, or nullopt.
std::optional<int64_t> WholeNumber(const std::string& text) {
  int64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
  return n;
}

int NotWhole(const VerbOption& o) {
  return ReportError(Status::InvalidArgument(o.flag + " must be a whole number",
                                             o.flag + " は整数で指定します", o.flag));
}

int Run(const RouteVerb& verb, const VerbState& s) {
  std::string path = verb.path;
  std::vector<std::pair<std::string, std::string>> query;
  nlohmann::json body = nlohmann::json::object();
  for (const auto& o : verb.options) {
    auto v = s.values.find(o.member);
    const std::string value = v == s.values.end() ? "" : v->second;
    switch (o.kind) {
      case Kind::kPath:
        if (auto at = path.find("{" + o.member + "}"); at != std::string::npos) {
          path.replace(at, o.member.size() + 2, PercentEncoded(value));
        }
        break;
      case Kind::kQuery:
        query.emplace_back(o.member, value);
        break;
      case Kind::kString:
        if (!value.empty()) body[o.member] = value;
        break;
      case Kind::kInt: {
        if (value.empty()) break;
        auto n = WholeNumber(value);
        if (!n) return NotWhole(o);
        body[o.member] = *n;
        break;
      }
      case Kind::kInts:
        if (!s.lists.count(o.member)) break;
        body[o.member] = nlohmann::json::array();
        for (const auto& text : s.lists.at(o.member)) {
          auto n = WholeNumber(text);
          if (!n || *n < 0) return NotWhole(o);
          body[o.member].push_back(static_cast<uint64_t>(*n));
        }
        break;
      case Kind::kBool:
        body[o.member] = s.flags.count(o.member) && s.flags.at(o.member);
        break;
      case Kind::kStrings:
        if (s.lists.count(o.member)) body[o.member] = s.lists.at(o.member);
        break;
    }
  }
  const std::string target = TargetWith(path, query);
  const bool sends = verb.method != "GET" && !body.empty();
  return AtConsole(s.person, [&](api::Stack&, api::Console& console) {
    return PrintResponse(console.Call(verb.method, target, sends ? body.dump() : ""));
  });
}

}  // namespace

void AddRouteVerbs(CLI::App* cmd, const std::vector<RouteVerb>& verbs, int& exit_code) {
  for (const auto& verb : verbs) {
    auto* sub = cmd->add_subcommand(verb.name, verb.help);
    auto state = std::make_shared<VerbState>();
    state->person.AddTo(sub);
    for (const auto& o : verb.options) {
      CLI::Option* opt = nullptr;
      if (o.kind == Kind::kBool) {
        opt = sub->add_flag(o.flag, state->flags[o.member], o.help);
      } else if (o.kind == Kind::kStrings || o.kind == Kind::kInts) {
        opt = sub->add_option(o.flag, state->lists[o.member], o.help);
      } else {
        opt = sub->add_option(o.flag, state->values[o.member], o.help);
      }
      if (o.required) opt->required();
    }
    sub->callback([verb, state, &exit_code] { exit_code = Run(verb, *state); });
  }
}

}  // namespace mamori::cli
