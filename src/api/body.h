// Strict JSON request bodies, as every write route of the people, devices,
// rights and review families takes them: a JSON object whose members are
// all known, each of its kind, the required ones present. Anything else is
// a 400 invalid_argument problem whose subject names the member at fault
// ("body" when the body is not an object), so a client never believes that a
// misspelt or mistyped member had an effect. The problems are plain (not
// audited): the part that would have acted never saw the request, so the
// server's RequestAuditor records them.
//
// After StrictBody has accepted a body, the accessors below read members of
// Kind::kString and Kind::kStrings without further checks.
#pragma once

#include <expected>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "api/call.h"
#include "api/problem.h"

namespace mamori::api {

enum class Kind {
  kString,
  kStrings,  // an array of strings
  kBool,
  kAny,  // any JSON value: the handler decodes it itself (e.g. "right", "mask_scope")
};

struct Member {
  constexpr Member(std::string_view n, Kind k = Kind::kString, bool r = false)
      : name(n), kind(k), required(r) {}
  std::string_view name;
  Kind kind;
  bool required;
};

// The body of `call` checked against `members`. Order of checks: the
// decoding (JsonBody: media type, syntax, depth), the object shape, unknown
// members, each member's kind, then the required ones. With `empty_ok` an
// empty body counts as {} without a Content-Type (steps whose text is
// optional, e.g. an approval's comment).
std::expected<nlohmann::json, Problem> StrictBody(const Call& call,
                                                  std::initializer_list<Member> members,
                                                  bool empty_ok = false);

// The 400 invalid_argument problem about one member (subject = name).
Problem BadMember(std::string_view name, std::string detail, std::string detail_ja);

// A string member; nullopt / "" / {} when absent.
std::optional<std::string> OptString(const nlohmann::json& body, std::string_view name);
std::string StringOf(const nlohmann::json& body, std::string_view name);
std::vector<std::string> Strings(const nlohmann::json& body, std::string_view name);

// Overwrites the secrets a request carried (passwords) in the raw body —
// its whole buffer, not only its length — and in every string of the
// decoded copy (`decoded` may be null when decoding failed), as soon as they
// are no longer needed. The body is left empty.
void Scrub(Call& call, nlohmann::json* decoded);
inline void Scrub(Call& call, nlohmann::json& decoded) { Scrub(call, &decoded); }

}  // namespace mamori::api
