#include "api/service.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <future>
#include <optional>

#include <nlohmann/json.hpp>

#include "api/body.h"
#include "api/call.h"
#include "audit/event.h"
#include "core/encoding.h"
#include "crypto/random.h"
#include "crypto/secret.h"

namespace mamori::api {
namespace {

// Client-chosen strings never reach logs or labels verbatim.
std::string_view MethodForLog(std::string_view method) {
  for (std::string_view m : {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}) {
    if (m == method) return m;
  }
  return "other";
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

std::string NewRequestId() {
  static const uint32_t process_prefix = [] {
    uint32_t prefix = 0;
    // Without the CSPRNG the ids stay unique within the process, which is
    // what correlation needs; the time keeps restarts apart.
    auto bytes = crypto::RandomBytes(sizeof prefix);
    if (bytes) {
      std::memcpy(&prefix, bytes->data(), sizeof prefix);
    } else {
      prefix = static_cast<uint32_t>(std::chrono::system_clock::now().time_since_epoch().count());
    }
    return prefix;
  }();
  static std::atomic<uint32_t> counter{0};
  char id[17];
  std::snprintf(id, sizeof id, "%08x%08x", process_prefix,
                counter.fetch_add(1, std::memory_order_relaxed));
  return std::string(id, 16);
}

Service::Service(Router router, Authenticator& authenticator, Authorizer& authorizer,
                 Logger& logger, Metrics& metrics, RequestAuditor* auditor)
    : router_(std::move(router)),
      authenticator_(authenticator),
      authorizer_(authorizer),
      logger_(logger),
      metrics_(metrics),
      auditor_(auditor) {}

Status Service::CheckRoutes() const {
  for (const Route& route : router_.routes()) {
    MAMORI_RETURN_IF_ERROR(authorizer_.CheckDeclaration(*route.spec));
  }
  return Status::Ok();
}

Response Service::Finish(Response response, std::string_view request_id) {
  response.headers.emplace_back("X-Request-Id", std::string(request_id));
  // Responses carry personal data: no cache may keep them. Only the
  // console's static files (console_assets.h) say otherwise themselves.
  const bool cache_set = std::ranges::any_of(
      response.headers, [](const auto& h) { return h.first == "Cache-Control"; });
  if (!cache_set) response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Strict-Transport-Security", "max-age=31536000");
  return response;
}

struct Service::Pending {
  // Also a request refused before its handler ran (no credentials, an
  // unknown parameter) may carry a password in its body.
  ~Pending() { crypto::WipeString(request.body); }
  Request request;
  Responder respond;
  std::chrono::steady_clock::time_point start;
  std::string route_label{kUnmatchedRoute};
  std::vector<std::string> allowed;
  std::optional<identity::Principal> principal;
  std::atomic<bool> answered{false};
};

Response Service::Handle(Request request) {
  std::promise<Response> answer;
  std::future<Response> response = answer.get_future();
  Handle(
      std::move(request), [&answer](Response r) { answer.set_value(std::move(r)); },
      [](bool, const std::function<void()>& rest) { rest(); });
  return response.get();
}

void Service::Handle(Request request, Responder respond, const Scheduler& schedule) {
  auto p = std::make_shared<Pending>();
  p->start = std::chrono::steady_clock::now();
  p->request = std::move(request);
  p->respond = std::move(respond);
  metrics_.RequestStarted();
  Request& req = p->request;
  RequestInfo& info = req.info;
  info.request_id = NewRequestId();
  HandlerResult result;  // a problem, until a route is found
  const Route* route = nullptr;

  if (Status s = ParseTarget(info.target, &info.path, &req.query); !s.ok()) {
    result = std::unexpected(
        Problem::Make(problem_code::kBadRequest, s.message(), s.message_ja(), "target"));
  } else if (console_ && ConsoleAssets::Owns(info.path)) {
    // Static files, the same for everyone: no credentials, nothing audited.
    p->route_label = kConsolePath;
    result = console_->Serve(info.method, info.path);
  } else if (Router::Match match = router_.Find(info.method, info.path); !match.route) {
    p->allowed = std::move(match.allowed);
    result = std::unexpected(
        p->allowed.empty()
            ? Problem::Make(problem_code::kRouteNotFound, "no resource at this path",
                            "このパスに該当するリソースはありません")
            : Problem::Make(
                  problem_code::kMethodNotAllowed, "this resource allows " + Join(p->allowed),
                  "このリソースで使えるメソッドは " + Join(p->allowed) + " です", "method"));
  } else {
    route = match.route;
    p->route_label = route->pattern;
    info.route = route->pattern;
    req.params = std::move(match.params);
  }
  if (route == nullptr && result) {
    return Complete(p, std::move(result));
  }
  if (route == nullptr) {
    // Completing audits the refusal: not on the calling thread either.
    return schedule(
        false, [this, p, result = std::move(result)]() mutable { Complete(p, std::move(result)); });
  }
  if (!route->deferred || !read_scope_) {
    return schedule(route->deferred != nullptr, [this, p, route] { Dispatch(p, *route); });
  }
  schedule(true, [this, p, route] { read_scope_([&] { Dispatch(p, *route); }); });
}

void Service::Dispatch(const std::shared_ptr<Pending>& p, const Route& route) {
  Request& req = p->request;
  const RouteSpec& spec = *route.spec;
  if (spec.guard != Guard::kPublic) {
    auto authenticated = authenticator_.Authenticate(req.info);
    if (!authenticated) {
      // The Authenticator audits failed attempts itself (auth.h).
      Problem problem = Problem::FromStatus(authenticated.error());
      problem.audited = true;
      return Complete(p, std::unexpected(std::move(problem)));
    }
    p->principal = std::move(*authenticated);
  }
  // After authentication, so that an anonymous client learns nothing about
  // which parameters a resource takes.
  for (const auto& [name, value] : req.query) {
    const bool declared = (spec.purpose && name == "purpose") ||
                          std::find(spec.query.begin(), spec.query.end(), name) != spec.query.end();
    if (!declared) {
      // The name is the client's to type: it is named only when it is an
      // identifier, never echoed as typed.
      const std::string shown = audit::EventIdentifier(name);
      return Complete(p,
                      std::unexpected(Problem::Make(
                          problem_code::kUnknownParameter,
                          "this resource takes no query parameter '" + shown + "'",
                          "このリソースにクエリパラメータ '" + shown + "' はありません", shown)));
    }
  }
  Call call{req, p->principal ? &*p->principal : nullptr, &spec, nullptr};
  // Authorisation before the body, so that a caller who may not use the
  // route learns nothing about what it takes.
  if (auto allowed = AuthorizeRoute(authorizer_, call); !allowed) {
    ScrubSecrets(call);
    return Complete(p, std::unexpected(allowed.error()));
  }
  auto body = DecodeBody(call);
  if (!body) {
    ScrubSecrets(call);
    return Complete(p, std::unexpected(body.error()));
  }
  call.body = std::move(*body);
  const auto crashed = [&] {
    return std::unexpected(Problem::FromStatus(
        Status::Internal("a handler threw an exception on route " + route.pattern)));
  };
  // A handler that reads a member of the body as a type it does not have
  // (or a number out of the type's range) is the client's mistake, not the
  // server's: 400, whichever handler forgot to check it first.
  const auto mistyped = [] {
    return std::unexpected(Problem::Make(
        "invalid_argument", "a member of the body has the wrong type or is out of range",
        "本文のメンバの型または値の範囲が不正です", "body"));
  };
  if (!route.deferred) {
    HandlerResult result;
    try {
      result = route.handler(call);
    } catch (const nlohmann::json::type_error&) {
      result = mistyped();
    } catch (const nlohmann::json::out_of_range&) {
      result = mistyped();
    } catch (const std::exception&) {
      result = crashed();
    }
    ScrubSecrets(call);
    return Complete(p, std::move(result));
  }
  try {
    route.deferred(call, [this, p](HandlerResult r) { Complete(p, std::move(r)); });
  } catch (const nlohmann::json::type_error&) {
    Complete(p, mistyped());  // ignored if the handler had already answered
  } catch (const nlohmann::json::out_of_range&) {
    Complete(p, mistyped());
  } catch (const std::exception&) {
    Complete(p, crashed());
  }
  // The Call (and with it the body) is the handler's only until it returns.
  ScrubSecrets(call);
}

void Service::Complete(const std::shared_ptr<Pending>& p, HandlerResult result) {
  if (p->answered.exchange(true)) return;
  const RequestInfo& info = p->request.info;
  const identity::Principal* principal = p->principal ? &*p->principal : nullptr;
  Response response;
  std::string problem_code;
  if (result) {
    response = std::move(*result);
  } else {
    const Problem& problem = result.error();
    problem_code = problem.code;
    if (!problem.audited && auditor_) auditor_->Refused(info, principal, problem);
    response = ProblemResponse(problem, info.request_id);
    if (problem.status == 405) response.headers.emplace_back("Allow", Join(p->allowed));
    if (problem.status == 401)
      response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"mamori\"");
    if (problem.status >= 500 && !problem.log_detail.empty()) {
      logger_.Log(LogLevel::kError, "request failed",
                  {{"request_id", info.request_id},
                   {"route", p->route_label},
                   {"code", problem.code},
                   {"cause", problem.log_detail}});
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - p->start).count();
  metrics_.RequestFinished(info.method, p->route_label, response.status, seconds);
  if (logger_.Enabled(LogLevel::kInfo)) {
    nlohmann::json line = {{"request_id", info.request_id},
                           {"method", MethodForLog(info.method)},
                           {"route", p->route_label},
                           {"status", response.status},
                           {"duration_ms", std::round(seconds * 1e6) / 1e3},
                           {"principal", principal ? principal->id : std::string()}};
    if (!problem_code.empty()) line["code"] = problem_code;
    logger_.Log(LogLevel::kInfo, "request", line);
  }
  p->respond(Finish(std::move(response), info.request_id));
}

Response Service::Reject(const Problem& problem, std::string_view method, const PeerInfo& peer) {
  const std::string request_id = NewRequestId();
  metrics_.RequestRejected(method, problem.status);
  if (auditor_) {
    RequestInfo info;
    info.method = std::string(MethodForLog(method));
    info.request_id = request_id;
    info.peer = peer;
    auditor_->Refused(info, nullptr, problem);
  }
  logger_.Log(LogLevel::kInfo, "request",
              {{"request_id", request_id},
               {"method", MethodForLog(method)},
               {"route", kUnmatchedRoute},
               {"status", problem.status},
               {"code", problem.code},
               {"principal", ""}});
  Response response = ProblemResponse(problem, request_id);
  response.close = true;
  return Finish(std::move(response), request_id);
}

}  // namespace mamori::api
