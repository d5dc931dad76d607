// Passwords and codes do not linger (issue 12, hole 9): the routes that
// carry them wipe the raw body — on refusals too — the decoded copy is
// wiped to its last string, the connection's read buffer is wiped after
// each request, and a LoginRequest wipes itself.
#include <functional>
#include <new>
#include <optional>

#include "api/body.h"
#include "api/call.h"
#include "api/service.h"
#include "api/session.h"
#include "api/stack_fixture.h"

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

class SecretsTest : public StackApiTest {
 protected:
  // Runs the handler of `method path` directly on a request with `body`,
  // as the server would after routing; the request is kept for inspection.
  HandlerResult Run(const std::string& method, const std::string& path, const std::string& body,
                    Request& request) {
    if (router_.routes().empty()) {
      RouteDeps deps = stack_->Deps();
      EXPECT_TRUE(AddAuthRoutes(router_, deps).ok());
    }
    request.info.method = method;
    request.info.target = path;
    request.info.path = path;
    request.info.route = path;
    request.info.request_id = "req-secrets";
    request.info.peer.address = "127.0.0.1";
    request.info.headers = {{"content-type", "application/json"},
                            {"authorization", "Bearer no-such-token"}};
    request.body = body;
    auto match = router_.Find(method, path);
    EXPECT_NE(match.route, nullptr) << path;
    if (!match.route) return std::unexpected(Problem{});
    api::Call call{request, nullptr};
    return match.route->handler(call);
  }
  Router router_;
};

TEST_F(SecretsTest, TheLoginRouteWipesTheBodyAcceptedOrRefused) {
  AddUser("hana", {"handler"});
  for (const std::string& body :
       {nlohmann::json{{"user", "hana"}, {"password", kSecret}}.dump(),
        nlohmann::json{{"user", "hana"}, {"password", kSecret}, {"extra", 1}}.dump(),
        nlohmann::json{{"user", "hana"}, {"password", kSecret}, {"totp", 1}}.dump(),
        std::string(R"({"user":"hana","password":")") + kSecret + R"(","totp":1e400})"}) {
    Request request;
    auto r = Run("POST", "/v1/auth/login", body, request);
    ASSERT_FALSE(r.has_value()) << body;  // the wrong password or a bad body
    EXPECT_TRUE(request.body.empty()) << body;
    EXPECT_TRUE(AllZero(request.body)) << body;
  }
  Request request;
  auto ok = Run("POST", "/v1/auth/login",
                nlohmann::json{{"user", "hana"}, {"password", kStackPassword}}.dump(), request);
  ASSERT_TRUE(ok.has_value());
  EXPECT_TRUE(request.body.empty());
  EXPECT_TRUE(AllZero(request.body));
}

TEST_F(SecretsTest, ThePasswordAndTotpRoutesWipeTheBodyAcceptedOrRefused) {
  for (const std::string& body : {nlohmann::json{{"current", kSecret}, {"new", kSecret}}.dump(),
                                  nlohmann::json{{"current", kSecret}}.dump(),
                                  nlohmann::json{{"current", kSecret}, {"new", 7}}.dump()}) {
    Request request;
    auto r = Run("POST", "/v1/auth/password", body, request);
    ASSERT_FALSE(r.has_value());
    EXPECT_TRUE(AllZero(request.body)) << body;
  }
  for (const std::string& body : {nlohmann::json{{"code", "123456"}}.dump(),
                                  nlohmann::json{{"code", "123456"}, {"x", true}}.dump()}) {
    Request request;
    auto r = Run("POST", "/v1/auth/totp/confirm", body, request);
    ASSERT_FALSE(r.has_value());
    EXPECT_TRUE(AllZero(request.body)) << body;
  }
}

// Whatever the route does with it, the pipeline wipes the body once the
// handler has returned — observed through a deferred handler, whose request
// lives on until it answers.
TEST(PipelineTest, TheBodyIsWipedWhenTheHandlerReturns) {
  Router router;
  const std::string* seen = nullptr;
  Respond answer;
  Route keep{"POST", "/test/keep", Access::kPublic, {}, nullptr};
  keep.deferred = [&](api::Call& call, Respond respond) {
    seen = &call.request.body;  // a careless route: reads it, wipes nothing
    answer = std::move(respond);
  };
  ASSERT_TRUE(router.Add(std::move(keep)).ok());
  Route plain{"POST", "/test/plain", Access::kPublic, {}, [&](api::Call& call) -> HandlerResult {
                seen = &call.request.body;
                return JsonResponse(200, {});
              }};
  ASSERT_TRUE(router.Add(std::move(plain)).ok());
  RejectAllAuthenticator auth;
  Logger logger(LogLevel::kOff, [](std::string_view) {});
  Metrics metrics;
  Service service(std::move(router), auth, logger, metrics);

  Request request;
  request.info.method = "POST";
  request.info.target = "/test/keep";
  request.body = std::string(R"({"password":")") + kSecret + R"("})";
  std::optional<Response> response;
  service.Handle(
      std::move(request), [&](Response r) { response = std::move(r); },
      [](bool, const std::function<void()>& rest) { rest(); });
  ASSERT_NE(seen, nullptr);
  ASSERT_FALSE(response.has_value());  // the request is still alive
  EXPECT_TRUE(seen->empty());
  EXPECT_TRUE(AllZero(*seen));
  answer(JsonResponse(200, {}));
  ASSERT_TRUE(response.has_value());

  // A plain handler: wiped before the answer leaves (checked from inside
  // the responder, while the request still exists).
  Request plain_request;
  plain_request.info.method = "POST";
  plain_request.info.target = "/test/plain";
  plain_request.body = std::string(R"({"password":")") + kSecret + R"("})";
  bool wiped = false;
  service.Handle(
      std::move(plain_request), [&](const Response&) { wiped = seen->empty() && AllZero(*seen); },
      [](bool, const std::function<void()>& rest) { rest(); });
  EXPECT_TRUE(wiped);
}

TEST(ScrubTest, EveryStringOfTheDecodedBodyIsWiped) {
  Request request;
  request.body = std::string(R"({"password":")") + kSecret + R"("})";
  api::Call call{request, nullptr};
  nlohmann::json decoded = {{"password", kSecret},
                            {"nested", {{"again", kSecret}, {"list", {kSecret, 1}}}}};
  std::vector<const std::string*> strings = {
      &decoded["password"].get_ref<const std::string&>(),
      &decoded["nested"]["again"].get_ref<const std::string&>(),
      &decoded["nested"]["list"][0].get_ref<const std::string&>()};
  Scrub(call, decoded);
  EXPECT_TRUE(request.body.empty());
  EXPECT_TRUE(AllZero(request.body));
  for (const std::string* s : strings) {
    EXPECT_TRUE(s->empty());
    EXPECT_TRUE(AllZero(*s));
  }
  EXPECT_EQ(decoded["nested"]["list"][1], 1);
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
