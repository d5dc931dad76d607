// A person at the server's console: the API's own pipeline, in process, for
// the CLI verbs that mirror routes (mamori takeouts, …), so that a verb and
// its route cannot drift apart — the same route table, authorisation,
// body rules, handler, audit events and answers.
//
// The person logs on here like at any terminal (identity's Login: password,
// TOTP when enrolled, lockout, the "identity.login" event), from the
// terminal "local:<host>" inside the controlled area (the server's own
// console, docs/ARCHITECTURE.md decision 9). Only authentication differs
// from the network: instead of a bearer token on each request, every Call
// is that logged-on person. Authorisation is the Stack's AccessControl
// (the real policy code), refusals are audited by it like over HTTPS.
// A session restricted to a password change or TOTP enrolment is refused:
// those are done through the API. The destructor logs the person off.
//
// Not thread-safe; one Console per command.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "api/auth.h"
#include "api/logger.h"
#include "api/metrics.h"
#include "api/request.h"
#include "core/status.h"
#include "engine/context.h"

namespace mamori::api {

class Service;
class Stack;

struct ConsoleLogon {
  std::string user;
  std::string_view password;  // the caller owns and wipes it
  std::string totp;           // empty when the person has none
};

class Console {
 public:
  // `local` names the console (terminal, request id) for the logon.
  // kUnauthenticated / kPermissionDenied as the logon refuses;
  // kFailedPrecondition for a restricted session.
  static Result<std::unique_ptr<Console>> LogOn(Stack& stack, const engine::Context& local,
                                                const ConsoleLogon& logon);
  ~Console();
  Console(const Console&) = delete;
  Console& operator=(const Console&) = delete;

  const identity::Principal& principal() const { return principal_; }

  // One request through the pipeline as this person. `target` is the path
  // and query, e.g. "/v1/takeouts?dataset=payroll_account"; a non-empty
  // body is sent as application/json. Problems come back as responses
  // (problem+json), as over HTTPS.
  Response Call(std::string_view method, std::string_view target, std::string body = {});

 private:
  Console(Stack& stack, engine::Context local, std::string token, identity::Principal who);

  class LoggedOn;  // the Authenticator: always this person
  Stack& stack_;
  engine::Context local_;
  std::string token_;
  identity::Principal principal_;
  Logger logger_;
  Metrics metrics_;
  std::unique_ptr<LoggedOn> authenticator_;
  std::unique_ptr<Service> service_;
};

// A problem response as the Status it was made from (code by HTTP status,
// subject and both messages kept), for printing by a command.
Status StatusOfProblem(const Response& problem);

}  // namespace mamori::api
