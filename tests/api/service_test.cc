// The request pipeline without the network: routing errors, authentication
// before parameter checks, exceptions, readiness while draining, the status
// → problem mapping, and request parsing.
#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "api/call.h"
#include "api/routes.h"
#include "api/service.h"
#include "api/test_auth.h"

namespace mamori::api::testing {
namespace {

class ServiceTest : public ::testing::Test {
 protected:
  ServiceTest() : logger_(LogLevel::kInfo, [this](std::string_view l) { log_.emplace_back(l); }) {
    identity::Principal p;
    p.id = "bob";
    auth_.Add("t", p);
  }

  void Build(Router router) {
    service_ = std::make_unique<Service>(std::move(router), auth_, authz_, logger_, metrics_);
  }

  Response Handle(std::string method, std::string target, bool token = true) {
    Request r;
    r.info.method = std::move(method);
    r.info.target = std::move(target);
    r.info.peer.address = "127.0.0.1";
    if (token) r.info.headers.emplace_back("authorization", "Bearer t");
    return service_->Handle(std::move(r));
  }

  static std::string Code(const Response& r) {
    return nlohmann::json::parse(r.body).value("code", "");
  }

  FixedTokenAuthenticator auth_;
  TestAuthorizer authz_;
  std::vector<std::string> log_;
  Logger logger_;
  Metrics metrics_;
  std::unique_ptr<Service> service_;
};

// A deferred handler answers from another thread after it has returned; the
// pipeline finishes there (headers, access log) and answers exactly once,
// even when the handler throws after arranging its answer.
TEST_F(ServiceTest, DeferredHandlersAnswerFromAnotherThreadExactlyOnce) {
  Router router;
  std::vector<std::thread> workers;  // handlers run on this thread: no lock needed
  Route later = TestRoute(router, "GET", "/v1/later/{id}", Guard::kSession, nullptr, {});
  later.deferred = [&workers](Call& call, const Respond& respond) {
    workers.emplace_back([id = call.Param("id"), principal = call.principal->id, respond] {
      respond(JsonResponse(200, {{"id", id}, {"actor", principal}}));
    });
  };
  ASSERT_TRUE(router.Add(std::move(later)).ok());
  Route thrown = TestRoute(router, "GET", "/v1/thrown", Guard::kSession, nullptr, {});
  thrown.deferred = [](Call&, const Respond& respond) {
    respond(JsonResponse(200, {{"first", true}}));
    throw std::runtime_error("after answering");
  };
  ASSERT_TRUE(router.Add(std::move(thrown)).ok());
  Route refused = TestRoute(router, "GET", "/v1/refused", Guard::kSession, nullptr, {});
  refused.deferred = [](Call&, const Respond&) { throw std::runtime_error("before answering"); };
  ASSERT_TRUE(router.Add(std::move(refused)).ok());
  Build(std::move(router));

  auto ok = Handle("GET", "/v1/later/x1");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(nlohmann::json::parse(ok.body)["actor"], "bob");
  bool has_request_id = false;
  for (const auto& [name, value] : ok.headers) has_request_id |= name == "X-Request-Id";
  EXPECT_TRUE(has_request_id);
  ASSERT_FALSE(log_.empty());
  EXPECT_NE(log_.back().find("/v1/later/{id}"), std::string::npos);

  auto first = Handle("GET", "/v1/thrown");
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(nlohmann::json::parse(first.body)["first"], true);
  EXPECT_EQ(Code(Handle("GET", "/v1/refused")), "internal");
  // Unauthenticated: the deferred handler never runs.
  EXPECT_EQ(Code(Handle("GET", "/v1/later/x1", false)), "unauthenticated");
  for (auto& w : workers) w.join();
}

TEST_F(ServiceTest, RoutingErrorsAndAuthenticationOrder) {
  Router router;
  ASSERT_TRUE(
      router
          .Add(TestRoute(
              router, "GET", "/v1/things/{id}", Guard::kSession,
              [](Call& c) -> HandlerResult {
                return JsonResponse(200, {{"id", c.Param("id")}, {"actor", c.Context("p").actor}});
              },
              {"purpose"}))
          .ok());
  Build(std::move(router));

  auto ok = Handle("GET", "/v1/things/a%20b?purpose=x");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(nlohmann::json::parse(ok.body)["id"], "a b");
  EXPECT_EQ(nlohmann::json::parse(ok.body)["actor"], "bob");

  EXPECT_EQ(Code(Handle("GET", "/v1/things")), "route_not_found");
  auto wrong = Handle("DELETE", "/v1/things/1");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(Code(wrong), "method_not_allowed");
  // Without credentials nothing else is revealed, not even parameter names.
  EXPECT_EQ(Code(Handle("GET", "/v1/things/1?bogus=1", false)), "unauthenticated");
  EXPECT_EQ(Code(Handle("GET", "/v1/things/1?bogus=1")), "unknown_parameter");
  EXPECT_EQ(Code(Handle("GET", "http://evil/v1/things/1")), "bad_request");
}

TEST_F(ServiceTest, HandlerExceptionIsAnInternalProblemAndLogged) {
  Router router;
  ASSERT_TRUE(router
                  .Add(TestRoute(router, "GET", "/boom", Guard::kPublic,
                                 [](Call&) -> HandlerResult { throw std::runtime_error("boom"); }))
                  .ok());
  Build(std::move(router));
  auto r = Handle("GET", "/boom");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(Code(r), "internal");
  EXPECT_EQ(r.body.find("boom"), std::string::npos);
  ASSERT_EQ(log_.size(), 2u);
  EXPECT_NE(log_[0].find("\"level\":\"error\""), std::string::npos);
  EXPECT_NE(log_[1].find("\"route\":\"/boom\""), std::string::npos);
}

TEST_F(ServiceTest, ReadinessIsOffWhileDraining) {
  std::atomic<bool> draining{true};
  Router router;
  RouteDeps deps;
  deps.metrics = &metrics_;
  deps.draining = &draining;
  ASSERT_TRUE(AddOperationsRoutes(router, deps).ok());
  Build(std::move(router));
  auto r = Handle("GET", "/readyz", false);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(Code(r), "not_ready");
  EXPECT_EQ(Handle("GET", "/healthz", false).status, 200);
}

TEST(ProblemTest, StatusCodesMapToHttp) {
  EXPECT_EQ(Problem::FromStatus(Status::InvalidArgument("x")).status, 400);
  EXPECT_EQ(Problem::FromStatus(Status::Unauthenticated("x")).status, 401);
  EXPECT_EQ(Problem::FromStatus(Status::PermissionDenied("x")).status, 403);
  EXPECT_EQ(Problem::FromStatus(Status::NotFound("x")).status, 404);
  EXPECT_EQ(Problem::FromStatus(Status::AlreadyExists("x")).status, 409);
  EXPECT_EQ(Problem::FromStatus(Status::FailedPrecondition("x")).status, 409);
  EXPECT_EQ(Problem::FromStatus(Status::Unavailable("x")).status, 503);
  const Problem integrity = Problem::FromStatus(Status::DataLoss("tag mismatch in field name"));
  EXPECT_EQ(integrity.status, 500);
  EXPECT_EQ(TitleOf(integrity.code), "Integrity check failed");
  const Problem io = Problem::FromStatus(Status::IoError("disk /var/secret full"));
  EXPECT_EQ(io.status, 500);
  EXPECT_EQ(io.detail.find("/var/secret"), std::string::npos);
  EXPECT_EQ(io.log_detail, "disk /var/secret full");
  for (std::string_view code : {"purpose_required", "malformed_json", "header_too_large"}) {
    EXPECT_NE(TitleJaOf(code), TitleJaOf("no_such_code")) << code;
  }
  EXPECT_EQ(HttpStatusOf("header_too_large"), 431);
  EXPECT_EQ(HttpStatusOf("payload_too_large"), 413);
  EXPECT_EQ(HttpStatusOf("unsupported_media_type"), 415);
}

TEST(RequestTest, TargetsAndQueries) {
  std::string path;
  QueryParams q;
  ASSERT_TRUE(ParseTarget("/a/b?x=1&y=%E5%B1%B1+%E7%94%B0&z", &path, &q).ok());
  EXPECT_EQ(path, "/a/b");
  EXPECT_EQ(q["x"], "1");
  EXPECT_EQ(q["y"], "山 田");
  EXPECT_EQ(q["z"], "");
  EXPECT_FALSE(ParseTarget("/a?x=1&x=2", &path, &q).ok());
  EXPECT_FALSE(ParseTarget("/a?x=%4", &path, &q).ok());
  EXPECT_FALSE(ParseTarget("/a?x=%00", &path, &q).ok());
  EXPECT_FALSE(ParseTarget("*", &path, &q).ok());
  EXPECT_EQ(PercentDecode("%2Fx", false), "/x");
  EXPECT_EQ(PercentDecode("a+b", false), "a+b");
}

TEST(RouterTest, MatchingPrefersLiteralsAndReportsMethods) {
  Router r;
  auto h = [](Call&) -> HandlerResult { return Response{}; };
  ASSERT_TRUE(r.Add(TestRoute(r, "GET", "/v1/x/{id}", Guard::kPublic, h)).ok());
  ASSERT_TRUE(r.Add(TestRoute(r, "GET", "/v1/x/special", Guard::kPublic, h)).ok());
  ASSERT_TRUE(r.Add(TestRoute(r, "DELETE", "/v1/x/{id}", Guard::kPublic, h)).ok());
  EXPECT_EQ(r.Add(TestRoute(r, "GET", "/v1/x/{id}", Guard::kPublic, h)).code(),
            Code::kAlreadyExists);
  EXPECT_FALSE(r.Add(TestRoute(r, "GET", "/v1/{bad", Guard::kPublic, h)).ok());
  EXPECT_FALSE(r.Add(TestRoute(r, "BREW", "/v1/y", Guard::kPublic, h)).ok());

  auto special = r.Find("GET", "/v1/x/special");
  ASSERT_NE(special.route, nullptr);
  EXPECT_EQ(special.route->pattern, "/v1/x/special");
  auto param = r.Find("GET", "/v1/x/a%2Fb");
  ASSERT_NE(param.route, nullptr);
  EXPECT_EQ(param.params.at("id"), "a/b");
  auto post = r.Find("POST", "/v1/x/1");
  EXPECT_EQ(post.route, nullptr);
  EXPECT_EQ(post.allowed, (std::vector<std::string>{"GET", "DELETE"}));
  EXPECT_TRUE(r.Find("GET", "/v1/x/").allowed.empty());
  EXPECT_TRUE(r.Find("GET", "/v1/x/1/2").allowed.empty());
}

// A route the table does not declare, or declares without saying who may
// call it, cannot be added: the server refuses to start with it.
TEST(RouterTest, RefusesARouteTheTableDoesNotDeclare) {
  Router r;
  auto h = [](Call&) -> HandlerResult { return Response{}; };
  Status undeclared = r.Add({"GET", "/v1/nowhere", h});
  EXPECT_EQ(undeclared.code(), Code::kFailedPrecondition);
  EXPECT_NE(undeclared.message().find("/v1/nowhere"), std::string::npos);
  RouteSpec no_guard;
  no_guard.method = "GET";
  no_guard.pattern = "/v1/unguarded";
  no_guard.operation = "test.route";
  r.Declare(no_guard);
  EXPECT_EQ(r.Add({"GET", "/v1/unguarded", h}).code(), Code::kFailedPrecondition);
  RouteSpec no_operation = no_guard;
  no_operation.pattern = "/v1/nameless";
  no_operation.operation.clear();
  no_operation.guard = Guard::kSession;
  r.Declare(no_operation);
  EXPECT_EQ(r.Add({"GET", "/v1/nameless", h}).code(), Code::kFailedPrecondition);
  // The server's own table declares every route it serves.
  Router server;
  EXPECT_TRUE(server.Add({"GET", "/v1/users", h}).ok());
  EXPECT_EQ(server.Add({"GET", "/v1/users/{user}/secrets", h}).code(), Code::kFailedPrecondition);
}

// Every entry of the server's route table is complete: an operation, a guard,
// data routes name {ds}, only data routes take a purpose, targets are path
// parameters, and strict bodies list their members.
TEST(RouteTableTest, EveryEntryIsComplete) {
  std::set<std::pair<std::string, std::string>> seen;
  for (const RouteSpec& spec : RouteTable()) {
    SCOPED_TRACE(spec.method + " " + spec.pattern);
    EXPECT_TRUE(seen.emplace(spec.method, spec.pattern).second) << "declared twice";
    EXPECT_FALSE(spec.operation.empty());
    EXPECT_NE(spec.guard, Guard::kUndeclared);
    if (spec.guard == Guard::kData) {
      // {ds} in the path, or one declared query parameter naming it.
      EXPECT_NE(spec.pattern.find("{ds}") == std::string::npos, spec.dataset_query.empty());
      if (!spec.dataset_query.empty()) {
        EXPECT_NE(std::find(spec.query.begin(), spec.query.end(), spec.dataset_query),
                  spec.query.end());
      }
    } else {
      EXPECT_FALSE(spec.purpose);
    }
    if (!spec.target.empty()) {
      EXPECT_NE(spec.pattern.find("{" + spec.target + "}"), std::string::npos);
    }
    EXPECT_EQ(spec.body == BodyRule::kStrict, !spec.members.empty());
    for (const auto& q : spec.query) EXPECT_NE(q, "purpose") << "purpose is declared by the flag";
  }
}

TEST(RequestIdTest, SixteenHexDigitsAndNeverRepeatedInAProcess) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    const std::string id = NewRequestId();
    ASSERT_EQ(id.size(), 16u);
    ASSERT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
    ASSERT_TRUE(seen.insert(id).second) << "repeated " << id;
  }
}

}  // namespace
}  // namespace mamori::api::testing
