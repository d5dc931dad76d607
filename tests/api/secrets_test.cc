// Passwords and codes do not linger (issue 12, hole 9): the pipeline wipes
// every raw body once its handler returns and the members the route table
// declares secret (whole buffers), the connection's read buffer is wiped
// after each request, and a LoginRequest wipes itself.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <new>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "api/body.h"
#include "api/call.h"
#include "api/route_table.h"
#include "api/router.h"
#include "api/service.h"
#include "api/session.h"
#include "api/test_auth.h"
#include "identity/authenticator.h"

namespace mamori::api::testing {
namespace {

// Every byte of the string's buffer, up to its capacity, is zero.
bool AllZero(const std::string& s) {
  const char* p = s.data();
  for (size_t i = 0; i < s.capacity(); ++i) {
    if (p[i] != '\0') return false;
  }
  return true;
}

constexpr char kSecret[] = "Secret#Passw0rd-that-is-longer-than-sso";

// A route of the test's own, declared with a JSON body; `deferred` makes it
// answer later (its request then lives on after the handler returned).
Route TestBodyRoute(Router& router, const std::string& pattern, const std::string** seen,
                    Respond* later) {
  RouteSpec spec;
  spec.method = "POST";
  spec.pattern = pattern;
  spec.operation = "test.body";
  spec.guard = Guard::kPublic;
  spec.body = BodyRule::kJson;
  router.Declare(std::move(spec));
  Route route{"POST", pattern, nullptr};
  if (later) {
    route.deferred = [seen, later](api::Call& call, Respond respond) {
      *seen = &call.request.body;  // a careless route: reads it, wipes nothing
      *later = std::move(respond);
    };
  } else {
    route.handler = [seen](api::Call& call) -> HandlerResult {
      *seen = &call.request.body;
      return JsonResponse(200, {});
    };
  }
  return route;
}

// Whatever the route does with it, the pipeline wipes the raw body once the
// handler has returned — observed through a deferred handler, whose request
// lives on until it answers, and from inside the responder of a plain one.
TEST(PipelineTest, TheBodyIsWipedWhenTheHandlerReturns) {
  Router router;
  const std::string* seen = nullptr;
  Respond answer;
  ASSERT_TRUE(router.Add(TestBodyRoute(router, "/test/keep", &seen, &answer)).ok());
  ASSERT_TRUE(router.Add(TestBodyRoute(router, "/test/plain", &seen, nullptr)).ok());
  RejectAllAuthenticator auth;
  DenyAllAuthorizer authz;
  Logger logger(LogLevel::kOff, [](std::string_view) {});
  Metrics metrics;
  Service service(std::move(router), auth, authz, logger, metrics);
  const auto inline_scheduler = [](bool, const std::function<void()>& rest) { rest(); };
  const auto request = [](const std::string& target) {
    Request r;
    r.info.method = "POST";
    r.info.target = target;
    r.info.headers = {{"content-type", "application/json"}};
    r.body = std::string(R"({"password":")") + kSecret + R"("})";
    return r;
  };

  std::optional<Response> response;
  service.Handle(
      request("/test/keep"), [&](Response r) { response = std::move(r); }, inline_scheduler);
  ASSERT_NE(seen, nullptr);
  ASSERT_FALSE(response.has_value());  // the request is still alive
  EXPECT_TRUE(seen->empty());
  EXPECT_TRUE(AllZero(*seen));
  answer(JsonResponse(200, {}));
  ASSERT_TRUE(response.has_value());

  bool wiped = false;
  seen = nullptr;
  service.Handle(
      request("/test/plain"),
      [&](const Response&) { wiped = seen != nullptr && seen->empty() && AllZero(*seen); },
      inline_scheduler);
  EXPECT_TRUE(wiped);
}

// The members the route table declares secret — the logon's password and
// code — are wiped to their whole buffers with the raw body; the rest stays.
TEST(ScrubSecretsTest, TheLogonsSecretsAreWipedWithTheRawBody) {
  const RouteSpec* spec = FindRouteSpec(RouteTable(), "POST", "/v1/auth/login");
  ASSERT_NE(spec, nullptr);
  Request request;
  request.body = nlohmann::json{{"user", "hana"}, {"password", kSecret}, {"totp", "135790"}}.dump();
  api::Call call{request, nullptr, spec, nullptr};
  call.body = nlohmann::json::parse(request.body);
  const std::string* password = &call.body["password"].get_ref<const std::string&>();
  const std::string* totp = &call.body["totp"].get_ref<const std::string&>();
  ScrubSecrets(call);
  EXPECT_TRUE(request.body.empty());
  EXPECT_TRUE(AllZero(request.body));
  EXPECT_TRUE(password->empty());
  EXPECT_TRUE(AllZero(*password));
  EXPECT_TRUE(AllZero(*totp));
  EXPECT_EQ(call.body["user"], "hana");
}

TEST(ReadBufferTest, WhatEarlierRequestsLeftIsWiped) {
  ReadBuffer buffer;
  const std::string first = std::string("POST /v1/auth/login HTTP/1.1\r\n\r\n") + kSecret;
  const std::string next = "GET /healthz";  // a pipelined request, not yet read
  auto in = buffer.prepare(first.size() + next.size());
  std::memcpy(in.data(), first.data(), first.size());
  std::memcpy(static_cast<char*>(in.data()) + first.size(), next.data(), next.size());
  buffer.commit(first.size() + next.size());
  buffer.consume(first.size());  // the parser has read the first request
  WipeSpare(buffer);
  // The unread bytes are kept…
  ASSERT_EQ(buffer.size(), next.size());
  EXPECT_EQ(std::string(static_cast<const char*>(buffer.data().data()), buffer.size()), next);
  // …and nothing of the first request is left anywhere in the storage.
  auto all = buffer.prepare(buffer.capacity() - buffer.size());
  const std::string rest(static_cast<const char*>(all.data()), all.size());
  EXPECT_EQ(rest.find("Secret"), std::string::npos);
  EXPECT_EQ(rest.find_first_not_of('\0'), std::string::npos);
}

TEST(LoginRequestTest, ItsPasswordAndCodeAreWipedWithIt) {
  // A short password lives inside the object (the small-string buffer):
  // after destruction the storage must not hold it.
  alignas(identity::LoginRequest) unsigned char storage[sizeof(identity::LoginRequest)];
  auto* r = new (storage) identity::LoginRequest;
  r->password = "Pw#12345";
  r->totp = "135790";
  identity::LoginRequest moved = std::move(*r);  // the moved-from copy too
  r->~LoginRequest();
  const std::string bytes(reinterpret_cast<const char*>(storage), sizeof storage);
  EXPECT_EQ(bytes.find("#12345"), std::string::npos);
  EXPECT_EQ(bytes.find("35790"), std::string::npos);
  EXPECT_EQ(moved.password, "Pw#12345");
}

}  // namespace
}  // namespace mamori::api::testing
