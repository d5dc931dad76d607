// The route table: every route of the API, the operation it performs, who
// may call it, whether it needs a purpose (利用目的) and the body it takes —
// declared as data in one place (route_table.cc) and enforced by the request
// pipeline (service.h), never by the handlers (docs/ARCHITECTURE.md
// decision 11).
//
// A handler is registered with the Router by method and template; the Router
// refuses one that the table does not declare, and ValidateRoutes refuses a
// table entry whose operation the Authorizer does not know, so a server
// cannot start with a route nobody decided about. For each request the
// pipeline then
//   1. authenticates (every guard but kPublic);
//   2. refuses query parameters the entry does not list;
//   3. authorises through the Authorizer with the Action the entry describes:
//      the operation, the dataset of the {ds} parameter, the record of {id},
//      the purpose of ?purpose= and the target parameter (kSystem, kData);
//   4. decodes the body as declared (strictly: unknown members, wrong kinds
//      and missing required members are refused, naming the member);
//   5. runs the handler, which reads the decoded body from Call::body;
//   6. overwrites the members declared secret, and the raw body, once the
//      handler is done with them.
// Refusals of steps 2-4 are audited: the Authorizer audits its own, the
// server's RequestAuditor the others.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mamori::api {

// Who may call a route.
enum class Guard {
  kUndeclared,  // never valid: the Router refuses it
  kPublic,      // no credentials: health, readiness, logon
  kSession,     // a person's own session (never an application's certificate)
  kSystem,      // the system rights table decides the operation (policy/system_rights.h)
  kData,        // a data grant for the operation on the {ds} dataset (policy/authorizer.h)
  kPeer,        // a peer node, by its pinned certificate alone, on the exchange listener
                // (exchange_server.h); nobody else, with or without a session
};

// The kind of a body member (strict bodies).
enum class Kind {
  kString,
  kStrings,  // an array of strings
  kBool,
  kAny,  // any JSON value: the handler decodes it itself (e.g. "right", "mask_scope")
};

struct BodyMember {
  std::string name;
  Kind kind = Kind::kString;
  bool required = false;
  // A password, TOTP code or personal value: overwritten in the decoded body
  // (and the raw body with it) as soon as the handler returns.
  bool secret = false;
};

enum class BodyRule {
  kNone,    // no body; an empty one or {} is accepted and ignored
  kStrict,  // a JSON object of the declared members only
  kJson,    // any JSON value, validated by the part that acts on it (records,
            // dataset definitions, the identity policy): the engine or identity
            // refuses what it cannot take, and audits that refusal
};

struct RouteSpec {
  std::string method;
  std::string pattern;
  // The operation's audit name: a system rule ("user.create"), a data
  // operation ("record.get") or, for public and session routes, a name for
  // logs and the authorisation matrix ("auth.login").
  std::string operation;
  Guard guard = Guard::kUndeclared;
  // The operation instead when the query parameter `variant_param` is
  // present: one collection GET both lists records and, with ?field=, finds
  // them by a blind index, and the two are granted separately.
  std::string variant_param;
  std::string variant_operation;
  // kData only: the route takes ?purpose= and authorisation requires a grant
  // for that purpose. False for the operations policy decides without one
  // (administer, shred).
  bool purpose = false;
  // The path parameter naming what a kSystem operation acts on (a user,
  // terminal, request, …), named in the audit event; empty for none.
  std::string target;
  // kData only, for a route that acts on a dataset without naming it in its
  // path (POST /v1/takeouts): the query parameter that names the dataset
  // (listed in `query` too). Empty: the {ds} path parameter.
  std::string dataset_query;
  // Query parameters besides "purpose".
  std::vector<std::string> query;
  BodyRule body = BodyRule::kNone;
  std::vector<BodyMember> members;  // kStrict
  bool body_optional = false;       // kStrict: an empty body counts as {}

  // Builders for the table.
  RouteSpec&& Query(std::vector<std::string> names) &&;
  RouteSpec&& Strict(std::vector<BodyMember> list) &&;
  RouteSpec&& Optional() &&;
  RouteSpec&& Json() &&;
  RouteSpec&& Target(std::string param) &&;
  RouteSpec&& Variant(std::string param, std::string operation) &&;
  RouteSpec&& DatasetFrom(std::string param) &&;

  // The operation a request with these query parameter names performs.
  template <typename HasParam>
  const std::string& OperationFor(const HasParam& has_param) const {
    return !variant_param.empty() && has_param(variant_param) ? variant_operation : operation;
  }
};

// The table of every route the server serves, in the order of
// docs/openapi.yaml.
std::span<const RouteSpec> RouteTable();

// The entry of `table` for method + template, or null.
const RouteSpec* FindRouteSpec(std::span<const RouteSpec> table, std::string_view method,
                               std::string_view pattern);

// "public", "session", "system", "data" ("undeclared").
std::string_view GuardName(Guard guard);

}  // namespace mamori::api
