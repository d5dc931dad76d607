// Strict JSON request bodies, as the route table declares them for every
// write route of the sessions, people, devices, rights and review families
// (route_table.h; the pipeline decodes them before the handler runs): a JSON object whose members
// are all known, each of its kind, the required ones present. Anything else is a 400
// invalid_argument problem whose subject names the member at fault
// ("body" when the body is not an object), so a client never believes that a
// misspelt or mistyped member had an effect. The problems are plain (not
// audited): the part that would have acted never saw the request, so the
// server's RequestAuditor records them.
//
// After StrictBody has accepted a body, the accessors below read members of
// Kind::kString and Kind::kStrings without further checks.
#pragma once

#include <expected>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "api/call.h"
#include "api/problem.h"

namespace mamori::api {

// The body of `call` checked against `members`. Order of checks: the
// decoding (JsonBody: media type, syntax, depth), the object shape, unknown
// members, each member's kind, then the required ones. With `empty_ok` an
// empty body counts as {} without a Content-Type (steps whose text is
// optional, e.g. an approval's comment).
std::expected<nlohmann::json, Problem> StrictBody(const Call& call,
                                                  std::span<const BodyMember> members,
                                                  bool empty_ok = false);

// The 400 invalid_argument problem about one member (subject = name).
Problem BadMember(std::string_view name, std::string detail, std::string detail_ja);

// A string member; nullopt / "" / {} when absent.
std::optional<std::string> OptString(const nlohmann::json& body, std::string_view name);
std::string StringOf(const nlohmann::json& body, std::string_view name);
// A view of a string member in place, "" when absent: for secrets, which the
// pipeline overwrites in the body, so that no copy outlives the request.
std::string_view StringView(const nlohmann::json& body, std::string_view name);
std::vector<std::string> Strings(const nlohmann::json& body, std::string_view name);

// The body as the route table declares it (Call::body): BodyRule::kNone
// takes nothing but an empty body or {}; kStrict a JSON object of the
// declared members only (StrictBody, body.h); kJson any JSON (JsonBody).
// A strict body that is refused has its decoded strings wiped with it (it
// may carry a password beside the member at fault).
std::expected<nlohmann::json, Problem> DecodeBody(const Call& call);

// Overwrites the members the route table declares secret in Call::body (at
// any depth of them) and the raw request body — whole buffers, not only
// their lengths (crypto::WipeString) — once the handler no longer needs
// them. The raw body is left empty. The pipeline calls it on every path
// past routing; the Service wipes a body it never handed on, too.
void ScrubSecrets(Call& call);
}  // namespace mamori::api
