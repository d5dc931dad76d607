// Where authentication (identity) and authorisation (policy) plug into the
// server. The api module defines these two small interfaces and calls them
// for every non-public route; identity and policy implement them, so the
// server depends on neither (Vault's auth-method shape).
//
// Order for a request to an authenticated route:
//   1. Authenticator::Authenticate — no Principal, no handler (401 problem);
//   2. the handler builds the engine::Context from the Principal and asks
//      Authorizer::Authorize before each engine operation (403 problem);
//   3. the engine operation, which audits its own refusals.
#pragma once

#include <string>
#include <string_view>

#include "api/request.h"
#include "core/status.h"
#include "identity/principal.h"

namespace mamori::api {

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // The Principal behind the request's credentials (a bearer token, the
  // client-certificate fingerprint in request.peer, …). kUnauthenticated when
  // there are none or they are not valid; the message is shown to the client,
  // so it must not say which part was wrong beyond what helps an honest user.
  // Other codes (kUnavailable) are reported as they are. The implementation
  // records failed attempts in the audit log itself (lockout, disabled IDs):
  // the server only answers 401. Called concurrently from the server's
  // handler threads.
  virtual Result<identity::Principal> Authenticate(const RequestInfo& request) = 0;
};

// One operation a principal asks for, in the engine's vocabulary.
struct Action {
  std::string_view operation;  // audit operation name, e.g. "record.get", "audit.proof"
  std::string_view dataset;    // empty for operations not on one dataset
  std::string_view purpose;    // the stated purpose (利用目的), or empty
  std::string_view record;     // record id, or empty
};

class Authorizer {
 public:
  virtual ~Authorizer() = default;
  // OK, or kPermissionDenied naming the rule that refused. An implementation
  // must record its refusals in the audit log (the issue's "every request
  // audited"); the server only turns the Status into a 403 problem. Called
  // concurrently.
  virtual Status Authorize(const identity::Principal& principal, const Action& action) = 0;
};

// The production default until identity is wired in: every credential is
// refused, so no data endpoint is reachable.
class RejectAllAuthenticator final : public Authenticator {
 public:
  Result<identity::Principal> Authenticate(const RequestInfo& request) override;
};

// "Nothing is allowed until granted" with no grants: refuses every action.
class DenyAllAuthorizer final : public Authorizer {
 public:
  Status Authorize(const identity::Principal& principal, const Action& action) override;
};

// The bearer token of an "Authorization: Bearer TOKEN" header; empty when
// the header is absent or uses another scheme.
std::string_view BearerToken(const RequestInfo& request);

}  // namespace mamori::api
