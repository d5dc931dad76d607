// One request in a handler: the request, the authenticated Principal, and
// the decoding steps every resource handler shares — query parameters,
// strict JSON bodies, the engine::Context, and turning engine errors into
// problems.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/auth.h"
#include "api/problem.h"
#include "api/request.h"
#include "api/route_table.h"
#include "core/time.h"
#include "engine/context.h"
#include "identity/principal.h"
#include "policy/caller.h"

namespace mamori::api {

// Deeper JSON is refused before parsing: nothing mamori accepts nests this
// deep, and depth is what makes JSON handling expensive.
inline constexpr int kMaxJsonDepth = 32;

struct Call {
  Request& request;
  const identity::Principal* principal = nullptr;  // non-null on authenticated routes
  // The route table's entry for the route (route_table.h).
  const RouteSpec* spec = nullptr;
  // The body as the entry declares it, decoded and checked before the
  // handler runs: an object of the declared members (kStrict), any JSON
  // value (kJson), or null (kNone).
  nlohmann::json body;

  // Who, from where, why and which request, for an engine operation
  // (DESIGN.md decision 1): actor = principal id; terminal = the registered
  // terminal id, else the terminal's or the connection's client-certificate
  // fingerprint ("cert:<sha256>"), else "remote:<address>".
  engine::Context Context(std::string_view purpose) const;

  // A path parameter of the matched template (always present).
  const std::string& Param(std::string_view name) const;
  // A query parameter, or nullopt.
  std::optional<std::string_view> Query(std::string_view name) const;
  // A query parameter's text; "" when absent.
  std::string QueryText(std::string_view name) const;
  // The purpose (利用目的) the request states, as authorised: ?purpose= on a
  // route that takes one, else "".
  std::string Purpose() const;
};

// The policy Caller of the request's principal (authenticated routes: the
// principal must be set), with the request id for the audit event.
policy::Caller CallerOf(const Call& call);

// A non-negative decimal query parameter; `fallback` when absent, or a 400
// problem naming the parameter when absent without a fallback or malformed.
std::expected<uint64_t, Problem> QueryUint(const Call& call, std::string_view name,
                                           std::optional<uint64_t> fallback = std::nullopt);
// A required, non-empty query parameter (400 invalid_argument naming it).
std::expected<std::string, Problem> QueryRequired(const Call& call, std::string_view name);
// "true" or "false"; absent or empty is false. Else 400 naming the parameter.
std::expected<bool, Problem> QueryBool(const Call& call, std::string_view name);
// A UTC time like 2026-11-22T00:00:00Z given as `name` (a query parameter or
// a body member); nullopt for empty text, a 400 naming `name` when malformed.
std::expected<std::optional<TimeMicros>, Problem> UtcArgument(std::string_view text,
                                                              const std::string& name);

// The body as JSON: Content-Type must be application/json (a charset
// parameter, if any, utf-8) → else 415 unsupported_media_type; the body must
// parse, nest at most kMaxJsonDepth and be valid UTF-8 → else 400
// malformed_json. The detail names the position, never the content. A
// number beyond the range of a double (1e400) is 400 invalid_argument
// naming the top-level member that holds it.
std::expected<nlohmann::json, Problem> JsonBody(const Call& call);

// A JSON response (application/json; charset=utf-8).
Response JsonResponse(int status, const nlohmann::json& body);

// The problem for an engine error in the operation run with `ctx`. The
// engine refuses a missing purpose and an unregistered one with
// permission_denied (and audits it); the API names these two cases with
// their own codes: purpose_required (400) and purpose_not_registered (403).
// Marked audited: the engine audits every refusal it returns.
Problem EngineProblem(const Status& status, const engine::Context& ctx);
// Problem::FromStatus for a refusal that the part deciding it has already
// audited (identity, policy, engine).
Problem AuditedProblem(const Status& status);

// Authorizer::Authorize as a problem (403, or what the authorizer said); a
// refusal for a missing or unregistered purpose becomes purpose_required
// (400) or purpose_not_registered (403). Marked audited: the Authorizer
// audits every refusal.
std::expected<void, Problem> Authorize(Authorizer& authorizer, const Call& call,
                                       const Action& action);

// What the route table declares for the call's route, asked of the
// Authorizer: nothing for kPublic, a principal for kSession, and for kSystem
// and kData the Action of the entry's operation (or its variant), the {ds}
// dataset, the {id} record, the stated purpose and the target parameter.
std::expected<void, Problem> AuthorizeRoute(Authorizer& authorizer, const Call& call);

}  // namespace mamori::api
