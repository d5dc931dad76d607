// The request pipeline between the wire and the handlers, independent of the
// transport (the server calls it; tests may call it directly):
//
//   request id → target → route (404 / 405) → authentication for
//   non-public routes (401) → query names (400) → authorisation as the route
//   table declares it (403; route_table.h) → the declared body (400/415) →
//   handler → secrets overwritten → problem+json → X-Request-Id and security
//   headers → access log line → metrics.
//
// Handle never throws: a handler's exception becomes a 500 internal problem
// (a JSON type or range error, a 400). The request body is wiped (its whole
// buffer, crypto::WipeString) as soon as the handler returns, whatever the
// route: a body may hold a password.
// Thread-safe; handlers run concurrently on the server's handler threads, and
// a deferred handler (router.h) finishes on whatever thread answers it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "api/auth.h"
#include "api/console_assets.h"
#include "api/logger.h"
#include "api/metrics.h"
#include "api/problem.h"
#include "api/request.h"
#include "api/router.h"

namespace mamori::api {

class Service {
 public:
  // The references (and `auditor`, when not null) must outlive the Service.
  // With an auditor, every problem not already audited is recorded (auth.h).
  Service(Router router, Authenticator& authenticator, Authorizer& authorizer, Logger& logger,
          Metrics& metrics, RequestAuditor* auditor = nullptr);

  // Whether the Authorizer decides every route's declaration
  // (Authorizer::CheckDeclaration): a server must not start otherwise.
  Status CheckRoutes() const;

  // `request` arrives with method, target, headers, peer and body set; the
  // pipeline fills path, query, route, params and request_id. `respond`
  // receives the response exactly once: before Handle returns, or later on
  // another thread when the route's handler is deferred. Finding the route
  // runs on the calling thread (it neither blocks nor audits); the rest is
  // handed to `schedule`, told whether the route is deferred, to run on a
  // thread that may block. The server gives deferred routes their own few
  // threads (server.h).
  using Responder = std::function<void(Response)>;
  using Scheduler = std::function<void(bool deferred, std::function<void()> rest)>;
  void Handle(Request request, Responder respond, const Scheduler& schedule);
  // The same on the calling thread, waiting for the response (tests, tools).
  Response Handle(Request request);

  // Runs `reads` inside one read snapshot of the data store
  // (store::Storage::ViewShared). When set, authentication and the part of
  // a deferred handler that runs before it returns share one snapshot: an
  // audited read's reads of session, user, policy and record are one
  // transaction instead of several. Only deferred routes use it; they write
  // nothing they read back. Set before the first request.
  using ReadScope = std::function<void(const std::function<void()>& reads)>;
  void SetReadScope(ReadScope scope) { read_scope_ = std::move(scope); }

  // Serves the web console's files at /console/ (console_assets.h) before
  // any route is looked up. Must outlive the Service; set before the first
  // request.
  void SetConsole(const ConsoleAssets* console) { console_ = console; }

  // A request the server refused before it could be dispatched: header or
  // body too large, malformed framing. Logged and counted like the others.
  Response Reject(const Problem& problem, std::string_view method, const PeerInfo& peer = {});

  const Router& router() const { return router_; }
  Logger& logger() { return logger_; }
  Metrics& metrics() { return metrics_; }

 private:
  struct Pending;  // one request between its handler and its response
  // Authentication, query names, authorisation, the body, then the route's
  // handler.
  void Dispatch(const std::shared_ptr<Pending>& p, const Route& route);
  // Problem to response, metrics, access log, headers; then responds.
  void Complete(const std::shared_ptr<Pending>& pending, HandlerResult result);
  Response Finish(Response response, std::string_view request_id);

  Router router_;
  Authenticator& authenticator_;
  Authorizer& authorizer_;
  Logger& logger_;
  Metrics& metrics_;
  RequestAuditor* auditor_;
  ReadScope read_scope_;
  const ConsoleAssets* console_ = nullptr;
};

// 16 hex digits: the id of one request in logs, audit events and the
// X-Request-Id response header. Never taken from the client (log injection).
// Eight random digits drawn once per process, then eight of a counter: unique
// within a process for 2^32 requests, and across restarts with the chance of
// two 32-bit random draws meeting. Not a secret, so not drawn per request
// (the CSPRNG call was 1.6 % of a read's CPU; docs/PERFORMANCE.md).
std::string NewRequestId();

}  // namespace mamori::api
