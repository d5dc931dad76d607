// The router: method + path template → handler, for the routes the route
// table declares (route_table.h). Templates are literal segments and {name}
// parameters, e.g. "/v1/datasets/{ds}/records/{id}"; a parameter matches one
// non-empty segment, percent-decoded. The routes can be enumerated, so a
// test can hold them against docs/openapi.yaml and the table, and the
// template (never the concrete path) is what logs and metrics name.
#pragma once

#include <expected>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api/problem.h"
#include "api/request.h"
#include "api/route_table.h"
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

struct Route {
  std::string method;  // "GET", "POST", "PATCH", "PUT", "DELETE"
  std::string pattern;
  Handler handler;                     // exactly one of handler
  DeferredHandler deferred = nullptr;  // and deferred is set
  // What the route table declares for it (route_table.h): set by Router::Add.
  const RouteSpec* spec = nullptr;
};

class Router {
 public:
  // Routes may be added only as `table` declares them (RouteTable() unless a
  // test brings its own).
  explicit Router(std::span<const RouteSpec> table = RouteTable()) : table_(table) {}

  // Declares one more route, for a test's own routes; the server's are all
  // in RouteTable().
  void Declare(RouteSpec spec);

  // kInvalidArgument for a malformed template or an unknown method,
  // kAlreadyExists for a method + template registered twice,
  // kFailedPrecondition for a route the table does not declare, or declares
  // without saying who may call it (Guard::kUndeclared): such a server must
  // not start.
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
  std::span<const RouteSpec> table_;
  std::vector<std::unique_ptr<RouteSpec>> declared_;  // stable addresses
  std::vector<Route> routes_;
  // The segments of each route's template, split once in Add: Find runs
  // for every request and matches the path against the whole table.
  std::vector<std::vector<std::string>> segments_;
};

}  // namespace mamori::api
