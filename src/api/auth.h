// Where authentication (identity) and authorisation (policy) plug into the
// server. The api module defines these two small interfaces and calls them
// for every non-public route; identity and policy implement them, so the
// server depends on neither (Vault's auth-method shape).
//
// Order for a request to an authenticated route:
//   1. Authenticator::Authenticate — no Principal, no handler (401 problem);
//   2. the pipeline asks Authorizer::Authorize for the Action the route
//      table declares for the route (route_table.h; 403 problem);
//   3. the handler and its engine, identity or policy operation, which
//      checks again what it is given and audits its own refusals.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "api/problem.h"
#include "api/request.h"
#include "api/route_table.h"
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
  Action(std::string_view op, std::string_view ds = {}, std::string_view why = {},
         std::string_view rid = {}, std::string_view req = {})
      : operation(op), dataset(ds), purpose(why), record(rid), request_id(req) {}
  // A system operation on one user, terminal, service account, request,
  // grant or review campaign: `tgt` is its id as the path named it.
  static Action On(std::string_view op, std::string_view tgt) {
    Action a(op);
    a.target = tgt;
    return a;
  }
  std::string_view operation;   // audit operation name, e.g. "record.get", "audit.proof"
  std::string_view dataset;     // empty for operations not on one dataset
  std::string_view purpose;     // the stated purpose (利用目的), or empty
  std::string_view record;      // record id, or empty
  std::string_view request_id;  // set by api::Authorize (call.h) for the audit event
  // The id the operation acts on, or empty. An Authorizer that audits names
  // it in the event (attrs["target"]), so the log says which person's entry
  // was read or refused; it is an identifier, never a personal value, and an
  // implementation must check that before it writes it.
  std::string_view target;
};

class Authorizer {
 public:
  virtual ~Authorizer() = default;
  // OK, or kPermissionDenied naming the rule that refused. An implementation
  // must record its refusals in the audit log (every request is audited:
  // docs/REQUIREMENTS.md §6, [003 II.5(6) 必須 A]); the server only turns
  // the Status into a 403 problem. Called concurrently.
  virtual Status Authorize(const identity::Principal& principal, const Action& action) = 0;

  // What of an authorised read the principal may see: `values` is one
  // record as RecordView::ToJson gives it (field name → value, plus
  // "_meta"), or for "audit.proof" an inclusion proof with its "event";
  // the result replaces it in the response. Masking by role and
  // purpose (policy/mask.h) happens here. The default discloses everything
  // (for authorizers that do not mask, e.g. in tests).
  virtual nlohmann::json Disclose(const identity::Principal& principal, const Action& action,
                                  nlohmann::json values);

  // Whether this Authorizer decides what `spec` declares (route_table.h):
  // an error names what it cannot decide (an operation no rule covers, a
  // data route whose purpose flag disagrees with the operation), and the
  // server then refuses to start. The default accepts every declaration
  // (authorizers for tests of the pipeline itself).
  virtual Status CheckDeclaration(const RouteSpec& spec) const;

  // The system operations (the kSystem routes' operations) `principal` may
  // perform now, in a stable order: each one exactly when Authorize would
  // allow that operation to it, decided by the same code. Nothing is
  // audited (GET /v1/auth/session answers it; the routes themselves audit
  // their use). The default: none (an authorizer that does not decide
  // system operations by a table offers none).
  virtual Result<std::vector<std::string>> SystemOperations(const identity::Principal& principal);
};

// Records the requests that ended in a problem nobody else audited: no or
// bad framing, unknown routes and methods, unknown query parameters,
// malformed parameters. (Engine, identity and policy refusals are audited
// where they are decided; Problem::audited marks them.) Must not fail the
// request: an implementation that cannot write reports it through its own
// channel. Called concurrently.
class RequestAuditor {
 public:
  virtual ~RequestAuditor() = default;
  // `principal` is null when the request was not (or not yet) authenticated.
  virtual void Refused(const RequestInfo& request, const identity::Principal* principal,
                       const Problem& problem) = 0;
};

// Which client certificates may connect at all, when the server admits only
// designated terminals (config tls.require_terminal_certificate): the
// handshake asks Admit for the fingerprint of a certificate that verified
// against the client CA, and fails unless it is admitted.
class CertificateAdmission {
 public:
  virtual ~CertificateAdmission() = default;
  // OK to admit; else a refusal whose subject names why
  // ("certificate.unregistered", "certificate.disabled"); an error reading
  // the registries refuses too. Called on an I/O thread inside the TLS
  // handshake: it must be quick and must not write. Called concurrently.
  virtual Status Admit(std::string_view cert_sha256) = 0;
  // Records a refusal of Admit (the audit log); called afterwards on a
  // handler thread, where writing may wait for a commit. Must not throw.
  virtual void Refused(std::string_view cert_sha256, const PeerInfo& peer, const Status& why) = 0;
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
