// The server's real authentication and authorisation: identity (sessions,
// service accounts, terminals) and policy (grants, masking, the system
// rights table) behind the api's plug-in points (auth.h). What `mamori
// serve` runs.
//
// Authenticate, for a route that needs it:
//   - "Authorization: Bearer TOKEN": the session (identity::Authenticator::
//     Touch), bound to the terminal of the connection's client certificate
//     (identity::TerminalRegistry::ResolveTerminal). A restricted session
//     (password change or TOTP enrolment pending) reaches only the routes
//     that lift the restriction (kRestrictedRoutes).
//   - no token but a client certificate: the service account holding it
//     (applications authenticate by certificate only).
//   - neither: 401 "credentials.missing", audited as "api.authenticate".
//   Identity audits its own refusals (expired, logged out, unknown).
//
// Authorize:
//   - record.* operations: policy::Authorizer on the dataset's definition
//     (grant × category × dataset × operation × purpose × terminal, and the
//     grant's designated holders). It never allows on an error: an unknown
//     dataset, a missing or unregistered purpose and unreadable rules are
//     refused and audited here (and the engine checks them again).
//   - anything else: the system rights table (policy/system_rights.h); the
//     event of a system operation carries no purpose. A person suspended by
//     a leave review keeps only what every role may do (policy.disabled),
//     like their data rights, until the review is decided.
//   Every refusal is audited, with the operation asked for and the policy
//   reason code; so are successful reads that no other part audits
//   (audit log, people, register views), so the log shows who looked. Both
//   events name the action's target (attrs["target"]: which user, terminal,
//   account, request, grant or campaign), so the log also shows at whom;
//   a target that is not an id is written as "(invalid)".
//
// Disclose masks a record per policy::Authorizer::ApplyMask, and keeps the
// event out of an inclusion proof ("audit.proof") for a principal the
// system rights table does not allow "audit.events".
// RequestAuditor writes "api.request" refusals (unknown routes, bad
// framing, malformed parameters) with the problem code as reason.
//
// Thread-safe; the references must outlive the object.
#pragma once

#include <array>
#include <string_view>

#include "api/auth.h"
#include "engine/engine.h"
#include "identity/identity.h"
#include "policy/authorizer.h"

namespace mamori::api {

// Routes a restricted session may call: those that lift the restriction,
// and the session itself.
inline constexpr std::array<std::string_view, 5> kRestrictedRoutes = {
    "/v1/auth/session", "/v1/auth/logout", "/v1/auth/password", "/v1/auth/totp",
    "/v1/auth/totp/confirm"};

class AccessControl final : public Authenticator, public Authorizer, public RequestAuditor {
 public:
  AccessControl(engine::Engine& engine, identity::Identity& identity, policy::Authorizer& policy)
      : engine_(engine), identity_(identity), policy_(policy) {}

  Result<identity::Principal> Authenticate(const RequestInfo& request) override;
  Status Authorize(const identity::Principal& principal, const Action& action) override;
  // kSystem: every operation is in the system rights table; kData: the
  // operations are data operations, the template names {ds}, and the route
  // takes a purpose exactly when policy needs one for the operation.
  Status CheckDeclaration(const RouteSpec& spec) const override;
  nlohmann::json Disclose(const identity::Principal& principal, const Action& action,
                          nlohmann::json values) override;
  void Refused(const RequestInfo& request, const identity::Principal* principal,
               const Problem& problem) override;
  // Every rule of the system rights table that Authorize allows `principal`
  // now: the same standing (a suspension by a leave review leaves what
  // every role may do) and the same table; fails closed when the rules are
  // unreadable.
  Result<std::vector<std::string>> SystemOperations(const identity::Principal& principal) override;

 private:
  Status AuthorizeData(const identity::Principal& principal, const Action& action);

  engine::Engine& engine_;
  identity::Identity& identity_;
  policy::Authorizer& policy_;
};

// The engine context of a request before (or without) a principal: the
// request id and the terminal the connection shows ("cert:<sha256>" or
// "remote:<address>"); actor "anonymous".
engine::Context RequestContext(const RequestInfo& request);

// The policy operation of a record.* operation name; nullopt for others.
std::optional<policy::Operation> DataOperation(std::string_view operation);

}  // namespace mamori::api
