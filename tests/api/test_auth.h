// Test-only implementations of the server's two plug-in points, for tests of
// the request pipeline and the transport (never of who may do what: those
// go through the real identity and policy, stack_fixture.h): fixed bearer
// tokens, and an authorizer that allows everything except the operations a
// test denies.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>

#include "api/auth.h"
#include "api/router.h"

namespace mamori::api::testing {

// A route of a test's own, declared in `router` as the route table declares
// the server's (route_table.h): kSession stands for "any authenticated
// principal", kPublic for none. Returns the Route to Add.
inline Route TestRoute(Router& router, std::string method, std::string pattern, Guard guard,
                       Handler handler, std::vector<std::string> query = {}) {
  RouteSpec spec;
  spec.method = method;
  spec.pattern = pattern;
  spec.operation = "test.route";
  spec.guard = guard;
  spec.query = std::move(query);
  router.Declare(std::move(spec));
  return Route{std::move(method), std::move(pattern), std::move(handler)};
}

class FixedTokenAuthenticator final : public Authenticator {
 public:
  void Add(std::string token, identity::Principal principal) {
    tokens_.emplace(std::move(token), std::move(principal));
  }
  Result<identity::Principal> Authenticate(const RequestInfo& request) override {
    const std::string_view token = BearerToken(request);
    if (token.empty()) {
      return Fail(
          Status::Unauthenticated("a bearer token is required", "ベアラートークンが必要です"));
    }
    auto it = tokens_.find(std::string(token));
    if (it == tokens_.end()) {
      return Fail(Status::Unauthenticated("the token is not valid", "トークンが無効です"));
    }
    identity::Principal p = it->second;
    p.terminal.fingerprint = request.peer.cert_sha256;
    // A bearer token is a person's session (the pipeline lets only a
    // session onto session routes).
    if (p.kind == identity::PrincipalKind::kUser && p.session_id.empty()) {
      p.session_id = "session-of-" + p.id;
    }
    return p;
  }

 private:
  std::map<std::string, identity::Principal> tokens_;
};

class TestAuthorizer final : public Authorizer {
 public:
  void Deny(std::string operation) {
    std::lock_guard lock(mu_);
    denied_.insert(std::move(operation));
  }
  Status Authorize(const identity::Principal&, const Action& action) override {
    std::lock_guard lock(mu_);
    ++calls_;
    if (denied_.count(std::string(action.operation))) {
      return Status::PermissionDenied("no grant allows " + std::string(action.operation),
                                      "権限がありません", "grant");
    }
    return Status::Ok();
  }
  int calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }

 private:
  std::mutex mu_;
  std::set<std::string> denied_;
  int calls_ = 0;
};

}  // namespace mamori::api::testing
