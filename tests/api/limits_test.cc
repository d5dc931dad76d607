// The server's protections against floods (issue 12, holes 8 and 9): logons
// per client address (429 with Retry-After, audited without the ID), the
// password-hash budget (503 with Retry-After; honest logons queue and
// succeed), connections per client address (one address holding its
// maximum does not shut out another), and bodies whose numbers or members
// are out of range or of the wrong type (400 naming the member, never 500).
#include <atomic>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "api/call.h"
#include "api/rate_limiter.h"
#include "api/stack_fixture.h"

namespace mamori::api::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// The limiter on its own, on a clock the test moves.
TEST(AddressRateLimiterTest, ABurstThenTheRate) {
  AddressRateLimiter limiter(RateLimit{.per_minute = 6, .burst = 3});
  const auto t0 = AddressRateLimiter::Clock::time_point{} + seconds(1000);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Take("192.0.2.1", t0), 0u) << i;
  // Empty: one more in 10 s (6 a minute).
  EXPECT_EQ(limiter.Take("192.0.2.1", t0), 10u);
  EXPECT_EQ(limiter.Take("192.0.2.1", t0 + seconds(4)), 6u);
  EXPECT_EQ(limiter.Take("192.0.2.1", t0 + seconds(10)), 0u);
  EXPECT_EQ(limiter.Take("192.0.2.1", t0 + seconds(10)), 10u);
  // Another address has its own allowance.
  EXPECT_EQ(limiter.Take("192.0.2.2", t0), 0u);
  // Refilled to the burst, never beyond.
  const auto later = t0 + seconds(3600);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Take("192.0.2.1", later), 0u);
  EXPECT_GT(limiter.Take("192.0.2.1", later), 0u);
}

TEST(AddressRateLimiterTest, AnIpv6ClientCountsByItsSlash64) {
  EXPECT_EQ(AddressKey("192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(AddressKey("::ffff:192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(AddressKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
  EXPECT_EQ(AddressKey("2001:db8:1:2::1"), AddressKey("2001:db8:1:2:ffff::9"));
  EXPECT_NE(AddressKey("2001:db8:1:2::1"), AddressKey("2001:db8:1:3::1"));
  AddressRateLimiter limiter(RateLimit{.per_minute = 1, .burst = 1});
  const auto t0 = AddressRateLimiter::Clock::time_point{} + seconds(1000);
  EXPECT_EQ(limiter.Take("2001:db8:1:2::1", t0), 0u);
  EXPECT_GT(limiter.Take("2001:db8:1:2::2", t0), 0u);  // same /64
  EXPECT_EQ(limiter.Take("2001:db8:1:3::1", t0), 0u);
}

TEST(AddressRateLimiterTest, AFullTableForgetsRefilledAddressesAndElseRefuses) {
  AddressRateLimiter limiter(RateLimit{.per_minute = 60, .burst = 2}, 2);
  const auto t0 = AddressRateLimiter::Clock::time_point{} + seconds(1000);
  EXPECT_EQ(limiter.Take("192.0.2.1", t0), 0u);
  EXPECT_EQ(limiter.Take("192.0.2.2", t0), 0u);
  // Both still owe: no room for a third address now…
  EXPECT_GT(limiter.Take("192.0.2.3", t0), 0u);
  EXPECT_EQ(limiter.tracked(), 2u);
  // …but once they have refilled they are forgotten.
  EXPECT_EQ(limiter.Take("192.0.2.3", t0 + seconds(5)), 0u);
  EXPECT_EQ(limiter.tracked(), 1u);
}

TEST(AddressRateLimiterTest, NoLimitWhenTheRateIsZero) {
  AddressRateLimiter limiter(RateLimit{.per_minute = 0, .burst = 1});
  for (int i = 0; i < 100; ++i) EXPECT_EQ(limiter.Take("192.0.2.1"), 0u);
  EXPECT_EQ(limiter.tracked(), 0u);
}

class LimitsTest : public StackApiTest {
 protected:
  HttpResponse LoginFrom(const std::string& source, const std::string& user,
                         const std::string& password) {
    ClientOptions o = TerminalClient();
    o.source_address = source;
    auto r = NewClient(o)->Send("POST", "/v1/auth/login",
                                nlohmann::json{{"user", user}, {"password", password}}.dump(),
                                {{"Content-Type", "application/json"}});
    EXPECT_TRUE(r.has_value()) << r.error().ToString();
    return r ? *r : HttpResponse{};
  }
};

TEST_F(LimitsTest, LogonsArePerAddressAndTheRefusalIsAuditedWithoutTheId) {
  config_.limits.login_per_minute = 1;
  config_.limits.login_burst = 3;
  StartStackServer();
  AddUser("hana", {"handler"});
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(LoginFrom("127.0.0.1", "nobody", "Wrong#Guess-123").status, 401);
  const size_t logons = EventsOf("identity.login").size();
  auto limited = LoginFrom("127.0.0.1", "yamada-taro-1980", "Wrong#Guess-123");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.Json()["code"], "rate_limited");
  const std::string retry = limited.Header("retry-after");
  ASSERT_FALSE(retry.empty());
  EXPECT_GE(std::stoi(retry), 1);
  EXPECT_LE(std::stoi(retry), 60);
  // Refused before the body was read: no logon attempt, one api.request
  // event naming the reason and not the ID.
  EXPECT_EQ(EventsOf("identity.login").size(), logons);
  const auto refusals = EventsOf("api.request");
  ASSERT_FALSE(refusals.empty());
  const audit::Event& ev = refusals.back();
  EXPECT_EQ(ev.result, "refused");
  EXPECT_EQ(ev.reason, "rate_limited");
  EXPECT_EQ(ev.actor, "anonymous");
  EXPECT_EQ(audit::CanonicalJson(ev).find("yamada"), std::string::npos);
  // Even the right password waits; another address logs on.
  EXPECT_EQ(LoginFrom("127.0.0.1", "hana", kStackPassword).status, 429);
  EXPECT_EQ(LoginFrom("127.0.0.2", "hana", kStackPassword).status, 200);
  EXPECT_NE(api_->metrics().Render(false).find("mamori_load_shed_total{reason=\"rate_limited\"} 2"),
            std::string::npos);
}

// A budget of one password check at a time that does not queue: while a
// check holds it, a logon is 503 with Retry-After.
class BusyTest : public LimitsTest {
 protected:
  BusyTest() {
    identity_options_.hash_budget = {
        .memory_kib = 64, .max_waiting = 0, .max_wait = milliseconds(0)};
  }
};

TEST_F(BusyTest, ALogonBeyondTheHashBudgetIs503WithRetryAfter) {
  config_.timeouts.password_hash_wait = milliseconds(2500);
  StartStackServer();
  AddUser("hana", {"handler"});
  auto held = stack_->identity().directory().hash_budget().Acquire(64);
  ASSERT_TRUE(held.has_value());
  auto busy = LoginFrom("127.0.0.1", "hana", kStackPassword);
  EXPECT_EQ(busy.status, 503);
  EXPECT_EQ(busy.Json()["code"], "unavailable");
  EXPECT_EQ(busy.Json()["subject"], "login.busy");
  EXPECT_EQ(busy.Header("retry-after"), "3");  // the wait, in whole seconds
  EXPECT_EQ(EventsOf("identity.login").back().reason, "busy");
  held->Release();
  EXPECT_EQ(LoginFrom("127.0.0.1", "hana", kStackPassword).status, 200);
}

// Honest logons under a budget of one check at a time: they queue, and all
// of them succeed; the budget was never exceeded.
class QueueTest : public LimitsTest {
 protected:
  QueueTest() {
    identity_options_.argon2 = {.time_cost = 2, .memory_kib = 4096, .parallelism = 1};
    identity_options_.hash_budget = {
        .memory_kib = 4096, .max_waiting = 16, .max_wait = milliseconds(60'000)};
  }
};

TEST_F(QueueTest, HonestLogonsQueueForTheBudgetAndSucceed) {
  StartStackServer();
  constexpr int kPeople = 8;
  for (int i = 0; i < kPeople; ++i) AddUser("user" + std::to_string(i), {"handler"});
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kPeople; ++i) {
    threads.emplace_back([&, i] {
      auto r = LoginFrom("127.0.0." + std::to_string(10 + i), "user" + std::to_string(i),
                         kStackPassword);
      if (r.status == 200) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kPeople);
  const auto stats = stack_->identity().directory().hash_budget().stats();
  EXPECT_LE(stats.peak_kib, 4096u);
  EXPECT_EQ(stats.refused, 0u);
}

// Plain TCP connections that never start TLS, from one address.
std::vector<std::unique_ptr<boost::asio::ip::tcp::socket>> IdleConnections(
    boost::asio::io_context& io, uint16_t port, const std::string& from, int n) {
  namespace net = boost::asio;
  std::vector<std::unique_ptr<net::ip::tcp::socket>> out;
  for (int i = 0; i < n; ++i) {
    auto s = std::make_unique<net::ip::tcp::socket>(io);
    s->open(net::ip::tcp::v4());
    s->bind({net::ip::make_address(from), 0});
    s->connect({net::ip::make_address("127.0.0.1"), port});
    out.push_back(std::move(s));
  }
  return out;
}

class ConnectionLimitTest : public ApiTest {};

// 1,100 idle connections from one address used to shut every other client
// out until the handshake timeout: now an address has at most its share.
TEST_F(ConnectionLimitTest, OneAddressAtItsMaximumDoesNotShutOutAnother) {
  config_.limits.max_connections = 4;
  config_.limits.max_connections_per_address = 2;
  config_.timeouts.handshake = seconds(60);  // the idle ones stay for the whole test
  StartServer();
  boost::asio::io_context io;
  auto idle = IdleConnections(io, api_->port(), "127.0.0.1", 4);
  // Wait until the server has accepted them: two kept, two closed at once.
  const auto deadline = std::chrono::steady_clock::now() + seconds(30);
  const std::string closed = "mamori_http_connections_rejected_total{reason=\"per_address\"} 2";
  while (api_->metrics().Render(false).find(closed) == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  ASSERT_NE(api_->metrics().Render(false).find(closed), std::string::npos);
  EXPECT_EQ(api_->metrics().connections_open(), 2);
  // Another address is served at once (its client gives up long before
  // the handshake timeout would free a slot).
  ClientOptions other;
  other.source_address = "127.0.0.2";
  other.timeout = seconds(10);
  auto r = NewClient(other)->Send("GET", "/healthz");
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->status, 200);
  // The first address is at its maximum.
  ClientOptions same;
  same.source_address = "127.0.0.1";
  same.timeout = seconds(10);
  EXPECT_FALSE(NewClient(same)->Send("GET", "/healthz").has_value());
}

TEST(ConfigDefaultsTest, TheHandshakeTimeoutIsShortAndAddressesHaveLimits) {
  const ServerConfig config;
  EXPECT_EQ(config.timeouts.handshake, seconds(5));
  EXPECT_EQ(config.limits.max_connections_per_address, 64u);
  EXPECT_EQ(config.limits.login_burst, 20u);
  EXPECT_EQ(config.limits.login_per_minute, 20);
  EXPECT_EQ(config.limits.password_hash_memory_mib, 256u);
  EXPECT_EQ(config.limits.password_hash_queue, 16u);
  EXPECT_EQ(config.timeouts.password_hash_wait, seconds(5));
  EXPECT_FALSE(config.metrics_listen.has_value());
  EXPECT_FALSE(config.metrics_detail);
  EXPECT_FALSE(config.tls.require_terminal_certificate);
  const auto budget = IdentityOptionsFor(config).hash_budget;
  EXPECT_EQ(budget.memory_kib, 256u * 1024);
  EXPECT_EQ(budget.max_waiting, 16u);
  EXPECT_EQ(budget.max_wait, seconds(5));
}

// `{"totp": 1e400}` was a 500: the parser's range error escaped the
// handler. Any number out of range, and any member of the wrong type, is a
// 400 naming the member.
TEST_F(LimitsTest, NumbersOutOfRangeAndWrongTypesAre400NamingTheMember) {
  StartStackServer();
  AddUser("hana", {"handler"});
  AddUser("admin1", {"admin"});
  const struct {
    std::string body, member;
  } cases[] = {
      {R"({"user":"hana","password":"x","totp":1e400})", "totp"},
      {R"({"user":"hana","password":"x","totp":-1e400})", "totp"},
      {R"({"user":"hana","password":"x","totp":123456})", "totp"},
      {R"({"user":1e999,"password":"x"})", "user"},
      {R"({"user":"hana","password":["x"]})", "password"},
      {R"({"user":"hana","password":"x","extra":{"deep":[1,2,1e400]}})", "extra"},
  };
  for (const auto& c : cases) {
    auto r = Send("", "POST", "/v1/auth/login", c.body);
    EXPECT_EQ(r.status, 400) << c.body << " " << r.body;
    EXPECT_EQ(r.Json()["code"], "invalid_argument") << c.body;
    EXPECT_EQ(r.Json()["subject"], c.member) << c.body;
  }
  // The same on a route behind authentication, through the shared decoding.
  const std::string admin = Login("admin1");
  auto r = Send(admin, "POST", "/v1/users",
                R"({"id":"jiro","display_name":1e400,"password":"Vq7#kP2m!xLr9z"})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.Json()["subject"], "display_name");
  r = Send(admin, "POST", "/v1/terminals", R"({"id":"t9","fingerprint":-2e308})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.Json()["subject"], "fingerprint");
  // Nothing answered 500, and the refusals were audited.
  EXPECT_EQ(EventsOf("api.request").back().reason, "invalid_argument");
}

class BodyTest : public ApiTest {};

// A handler that reads a member as a type it does not have is the client's
// mistake: 400, not 500 — whichever handler forgot to check first.
TEST_F(BodyTest, AHandlerReadingTheWrongTypeAnswers400) {
  StartServer([](Router& router) {
    RouteSpec spec;
    spec.method = "POST";
    spec.pattern = "/test/typed";
    spec.operation = "test.typed";
    spec.guard = Guard::kPublic;
    spec.body = BodyRule::kJson;  // decoded by the pipeline, read by the handler
    router.Declare(std::move(spec));
    return router.Add({"POST", "/test/typed", [](api::Call& call) -> HandlerResult {
                         return JsonResponse(200, {{"n", call.body["n"].get<int>() + 1}});
                       }});
  });
  EXPECT_EQ(Call("POST", "/test/typed", R"({"n": 1})", {}, false).status, 200);
  auto r = Call("POST", "/test/typed", R"({"n": "one"})", {}, false);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.Json()["code"], "invalid_argument");
  r = Call("POST", "/test/typed", R"({"n": 1e400})", {}, false);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.Json()["subject"], "n");
}

}  // namespace
}  // namespace mamori::api::testing
