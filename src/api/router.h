// The route table: method + path template → handler. Templates are literal
// segments and {name} parameters, e.g. "/v1/datasets/{ds}/records/{id}"; a
// parameter matches one non-empty segment, percent-decoded. The table can be
// enumerated, so a test can hold it against docs/openapi.yaml, and the
// template (never the concrete path) is what logs and metrics name.
#pragma once

#include <expected>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "api/problem.h"
#include "api/request.h"
#include "core/status.h"

namespace mamori::api {

struct Call;  // call.h
using HandlerResult = std::expected<Response, Problem>;
using Handler = std::function<HandlerResult(Call&)>;
// A handler that answers later: it calls `respond` exactly once, possibly on
// another thread after it has returned (an audited read answers when its
// audit event is durable, without holding a handler thread meanwhile). The
// Call is valid only until the handler returns: copy what `respond`'s
// caller needs. It must not throw once it has arranged for `respond`.
using Respond = std::function<void(HandlerResult)>;
using DeferredHandler = std::function<void(Call&, Respond)>;

enum class Access {
  kPublic,         // health, readiness, metrics: no credentials, no personal data
  kAuthenticated,  // everything else: Authenticator first, 401 without a Principal
};

struct Route {
  std::string method;  // "GET", "POST", "PATCH", "PUT", "DELETE"
  std::string pattern;
  Access access = Access::kAuthenticated;
  // The query parameters the route accepts; any other is refused with
  // unknown_parameter, so that a misspelt "purpose" cannot pass unnoticed.
  std::vector<std::string> query;
  Handler handler;                     // exactly one of handler
  DeferredHandler deferred = nullptr;  // and deferred is set
};

class Router {
 public:
  // kInvalidArgument for a malformed template or an unknown method,
  // kAlreadyExists for a method + template registered twice.
  Status Add(Route route);

  struct Match {
    const Route* route = nullptr;  // null when no route has this method and path
    PathParams params;
    // Methods of the routes whose template matches the path: non-empty with
    // a null route means 405 (with an Allow header), empty means 404.
    std::vector<std::string> allowed;
  };
  // `path` is the still percent-encoded path of the target. When templates
  // overlap, the one with more literal segments wins.
  Match Find(std::string_view method, std::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  // The segments of each route's template, split once in Add: Find runs
  // for every request and matches the path against the whole table.
  std::vector<std::vector<std::string>> segments_;
};

}  // namespace mamori::api
