// The server itself: health, readiness and metrics; keep-alive; routing
// errors; size limits; slow and idle clients; the connection limit; client
// certificates; logs without personal data; graceful shutdown.
#include <cstdlib>
#include <future>
#include <thread>

#include "api/api_fixture.h"
#include "api/call.h"
#include "api/session.h"
#include "audit/log.h"
#include "store/sqlite/sqlite_storage.h"

namespace mamori::api::testing {
namespace {

using std::chrono::milliseconds;

class ServerTest : public ApiTest {};

TEST_F(ServerTest, HealthReadinessAndMetrics) {
  config_.metrics_listen = ListenAddress{"127.0.0.1", 0};
  config_.metrics_detail = true;
  StartServer();
  auto health = Call("GET", "/healthz", {}, {}, false);
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.Json()["status"], "ok");
  EXPECT_EQ(health.Header("cache-control"), "no-store");
  EXPECT_EQ(health.Header("x-request-id").size(), 16u);
  auto ready = Call("GET", "/readyz", {}, {}, false);
  EXPECT_EQ(ready.status, 200) << ready.body;

  CreateEmployees();
  const std::string id = PutEmployee(1);
  auto got = Call(
      "GET", std::string("/v1/datasets/") + kDataset + "/records/" + id + "?purpose=withholding");
  ASSERT_EQ(got.status, 200);

  // Not on the API's listener; on the operations listener.
  EXPECT_EQ(Call("GET", "/metrics", {}, {}, false).status, 404);
  auto scraped = NewMetricsClient()->Send("GET", "/metrics");
  ASSERT_TRUE(scraped.has_value()) << scraped.error().ToString();
  const HttpResponse& metrics = *scraped;
  ASSERT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.Header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& m = metrics.body;
  EXPECT_NE(
      m.find("mamori_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1"),
      std::string::npos)
      << m;
  EXPECT_NE(m.find("route=\"/v1/datasets/{ds}/records/{id}\",status=\"200\"} 1"),
            std::string::npos);
  EXPECT_NE(m.find("mamori_http_request_duration_seconds_bucket{method=\"GET\",route=\"/"
                   "readyz\",le=\"+Inf\"} 1"),
            std::string::npos);
  EXPECT_NE(m.find("mamori_http_requests_in_flight 0"), std::string::npos);  // the API's
  EXPECT_NE(m.find("mamori_audit_log_events "), std::string::npos);
  // No ids, purposes, principals or values.
  for (const std::string& secret :
       {id, std::string("withholding"), std::string("alice"), engine::TestMyNumber(1)}) {
    EXPECT_EQ(m.find(secret), std::string::npos) << secret;
  }
}

TEST_F(ServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  StartServer();
  auto client = NewClient();
  for (int i = 0; i < 20; ++i) {
    auto r = client->Send("GET", "/healthz");
    ASSERT_TRUE(r.has_value()) << r.error().ToString();
    EXPECT_EQ(r->status, 200);
    EXPECT_NE(r->Header("connection"), "close");
  }
  EXPECT_EQ(api_->metrics().connections_open(), 1);
}

TEST_F(ServerTest, UnknownRouteAndWrongMethod) {
  StartServer();
  auto missing = Call("GET", "/v1/nothing/here");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.Header("content-type"), "application/problem+json");
  EXPECT_EQ(missing.Json()["code"], "route_not_found");
  EXPECT_EQ(missing.Json()["title_ja"], "該当するAPIがありません");

  auto wrong = Call("PUT", "/v1/datasets", "{}");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.Json()["code"], "method_not_allowed");
  EXPECT_EQ(wrong.Header("allow"), "GET, POST");

  auto bad = Call("GET", "/healthz?x=%zz", {}, {}, false);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Json()["code"], "bad_request");
}

TEST_F(ServerTest, OversizeHeaderIs431AndClosesTheConnection) {
  StartServer();
  auto client = NewClient();
  auto r = client->Send("GET", "/healthz", {}, {{"X-Padding", std::string(9000, 'a')}});
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(r->Header("content-type"), "application/problem+json");
  EXPECT_EQ(r->Json()["code"], "header_too_large");
  EXPECT_EQ(r->Header("connection"), "close");
  EXPECT_TRUE(client->ServerClosed(milliseconds(2000)));
}

TEST_F(ServerTest, OversizeBodyIs413BeforeTheBodyIsRead) {
  config_.limits.max_body_bytes = 64 * 1024;
  StartServer();
  auto client = NewClient();
  // Declares more than the limit and sends none of it: the answer must not
  // wait for the body.
  ASSERT_TRUE(client
                  ->WriteRaw(std::string("POST /v1/datasets HTTP/1.1\r\nHost: x\r\n") +
                             "Authorization: Bearer " + kToken +
                             "\r\nContent-Type: application/json\r\nContent-Length: 70000\r\n\r\n")
                  .ok());
  auto r = client->ReadResponse();
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->Json()["code"], "payload_too_large");
  EXPECT_TRUE(client->ServerClosed(milliseconds(2000)));

  // Within the limit is fine.
  auto ok = Call("POST", "/v1/datasets", std::string(60 * 1024, ' ') + "{}");
  EXPECT_EQ(ok.status, 400) << ok.body;  // read, parsed, refused by the engine as a definition
}

TEST_F(ServerTest, SlowHeaderIsCutOff) {
  config_.timeouts.header = milliseconds(300);
  StartServer();
  auto client = NewClient();
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1\r\n\r\n";
  bool cut = false;
  for (char c : request) {
    if (!client->WriteRaw(std::string(1, c)).ok()) {
      cut = true;
      break;
    }
    std::this_thread::sleep_for(milliseconds(40));
  }
  // 50 bytes × 40 ms is far past the 300 ms deadline for the whole header.
  if (!cut) cut = !client->ReadResponse().has_value();
  EXPECT_TRUE(cut);
  const std::string metrics = api_->metrics().Render(false);
  EXPECT_NE(metrics.find("mamori_http_timeouts_total{phase=\"header\"} 1"), std::string::npos)
      << metrics;
}

TEST_F(ServerTest, IdleKeepAliveConnectionIsClosed) {
  config_.timeouts.idle = milliseconds(200);
  StartServer();
  auto client = NewClient();
  ASSERT_TRUE(client->Send("GET", "/healthz").has_value());
  EXPECT_TRUE(client->ServerClosed(milliseconds(3000)));
}

TEST_F(ServerTest, ConnectionsBeyondTheLimitAreClosed) {
  config_.limits.max_connections = 2;
  StartServer();
  auto a = NewClient();
  auto b = NewClient();
  ASSERT_TRUE(a->Send("GET", "/healthz").has_value());
  ASSERT_TRUE(b->Send("GET", "/healthz").has_value());
  auto c = NewClient();
  EXPECT_FALSE(c->Send("GET", "/healthz").has_value());
  a.reset();
  // A slot frees once the server sees the first connection go.
  bool served = false;
  for (int i = 0; i < 50 && !served; ++i) {
    std::this_thread::sleep_for(milliseconds(20));
    served = NewClient()->Send("GET", "/healthz").has_value();
  }
  EXPECT_TRUE(served);
  const std::string metrics = api_->metrics().Render(false);
  EXPECT_NE(metrics.find("mamori_http_connections_rejected_total{reason=\"max_connections\"} "),
            std::string::npos);
  EXPECT_EQ(metrics.find("mamori_http_connections_rejected_total{reason=\"max_connections\"} 0"),
            std::string::npos);
}

TEST_F(ServerTest, LogsNameRouteTemplatesNeverValues) {
  StartServer();
  CreateEmployees();
  const std::string id = PutEmployee(1);
  auto r = Call(
      "GET", std::string("/v1/datasets/") + kDataset + "/records/" + id + "?purpose=withholding");
  ASSERT_EQ(r.status, 200);
  bool found = false;
  for (const std::string& line : LogLines()) {
    EXPECT_EQ(line.find(id), std::string::npos) << line;
    EXPECT_EQ(line.find("withholding"), std::string::npos) << line;
    EXPECT_EQ(line.find(engine::TestMyNumber(1)), std::string::npos) << line;
    EXPECT_EQ(line.find(kToken), std::string::npos) << line;
    const auto j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_TRUE(j.is_object()) << line;
    if (j.value("request_id", "") == r.Header("x-request-id")) {
      found = true;
      EXPECT_EQ(j["msg"], "request");
      EXPECT_EQ(j["route"], "/v1/datasets/{ds}/records/{id}");
      EXPECT_EQ(j["method"], "GET");
      EXPECT_EQ(j["status"], 200);
      EXPECT_EQ(j["principal"], "alice");
      EXPECT_TRUE(j["duration_ms"].is_number());
      EXPECT_TRUE(j["time"].is_string());
    }
  }
  EXPECT_TRUE(found);
}

// A CA, a terminal certificate it issued, and a stranger's certificate.
class ClientCertTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    const std::string d = dir_ / "pki";
    const std::string script =
        "set -e; mkdir -p '" + d + "'; cd '" + d + "'; " +
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key "
        "-out ca.crt -subj /CN=test-ca -days 2; "
        "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout term.key "
        "-out term.csr -subj /CN=terminal-1; "
        "openssl x509 -req -in term.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out term.crt "
        "-days 2; "
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout other.key "
        "-out other.crt -subj /CN=stranger -days 2";
    ASSERT_EQ(std::system(("(" + script + ") >/dev/null 2>&1").c_str()), 0);
    pki_ = d;
    config_.tls.client_ca = d + "/ca.crt";
  }
  std::string pki_;
};

TEST_F(ClientCertTest, VerifiedFingerprintReachesHandlersAndTheAuditLog) {
  StartServer([](Router& router) {
    return router.Add(TestRoute(
        router, "GET", "/test/peer", Guard::kPublic, [](api::Call& call) -> HandlerResult {
          return JsonResponse(200, {{"cert", call.request.info.peer.cert_sha256}});
        }));
  });
  auto expected = DescribeCertificate(pki_ + "/term.crt");
  ASSERT_TRUE(expected.has_value());
  std::string hex;
  for (char c : expected->sha256_fingerprint) {
    if (c != ':') hex.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }

  ClientOptions terminal;
  terminal.client_certificate = pki_ + "/term.crt";
  terminal.client_key = pki_ + "/term.key";
  auto client = NewClient(terminal);
  auto r = client->Send("GET", "/test/peer");
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->Json()["cert"], hex);

  // Handlers' engine::Context names the certificate as the terminal.
  CreateEmployees();
  auto put = client->Send(
      "POST", std::string("/v1/datasets/") + kDataset + "/records?purpose=withholding",
      RecordJson(1),
      {{"Authorization", std::string("Bearer ") + kToken}, {"Content-Type", "application/json"}});
  ASSERT_TRUE(put.has_value());
  ASSERT_EQ(put->status, 201) << put->body;
  EXPECT_EQ(LastEvent().terminal, "cert:" + hex);

  // No certificate: still served (optional), no fingerprint.
  auto anonymous = NewClient()->Send("GET", "/test/peer");
  ASSERT_TRUE(anonymous.has_value());
  EXPECT_EQ(anonymous->Json()["cert"], "");

  // A certificate from another issuer fails the handshake.
  ClientOptions stranger;
  stranger.client_certificate = pki_ + "/other.crt";
  stranger.client_key = pki_ + "/other.key";
  auto refused = NewClient(stranger)->Send("GET", "/test/peer");
  EXPECT_FALSE(refused.has_value());
}

TEST_F(ServerTest, GracefulShutdownFinishesInFlightRequestsAndSignsATreeHead) {
  std::promise<void> entered;
  auto entered_future = entered.get_future();
  StartServer([&entered](Router& router) {
    return router.Add(TestRoute(router, "GET", "/test/slow", Guard::kPublic,
                                [&entered](api::Call&) -> HandlerResult {
                                  entered.set_value();
                                  std::this_thread::sleep_for(milliseconds(300));
                                  return JsonResponse(200, {{"done", true}});
                                }));
  });
  CreateEmployees();
  PutEmployee(1);
  auto idle = NewClient();
  ASSERT_TRUE(idle->Send("GET", "/healthz").has_value());

  auto busy = NewClient();
  auto slow = std::async(std::launch::async, [&] { return busy->Send("GET", "/test/slow"); });
  entered_future.wait();
  EXPECT_TRUE(api_->Shutdown());
  auto r = slow.get();
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Header("connection"), "close");
  EXPECT_TRUE(idle->ServerClosed(milliseconds(1000)));

  // The owner closes the engine next; the last head it signs covers the log.
  ASSERT_TRUE(engine_->Close().ok());
  engine_.reset();
  store::SqliteOptions options;
  options.path = paths_.DataStore();
  options.create_if_missing = false;
  auto storage = store::OpenSqliteStorage(options);
  ASSERT_TRUE(storage.has_value());
  ASSERT_TRUE((*storage)
                  ->View([](store::ReadTxn& txn) -> Status {
                    MAMORI_ASSIGN_OR_RETURN(auto current, audit::CurrentHead(txn));
                    MAMORI_ASSIGN_OR_RETURN(auto latest, audit::LatestSignedHead(txn));
                    EXPECT_TRUE(latest.has_value());
                    if (latest) {
                      EXPECT_EQ(latest->size, current.size);
                    }
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_TRUE((*storage)->Close().ok());
}

// A deferred route answers from a thread the server does not own; shutdown
// waits for that answer, and the client gets it.
TEST_F(ServerTest, GracefulShutdownWaitsForADeferredAnswer) {
  std::promise<void> entered;
  auto entered_future = entered.get_future();
  std::thread answerer;
  StartServer([&](Router& router) {
    Route later = TestRoute(router, "GET", "/test/later", Guard::kPublic, nullptr, {});
    later.deferred = [&](api::Call&, const Respond& respond) {
      answerer = std::thread([&entered, respond] {
        entered.set_value();
        std::this_thread::sleep_for(milliseconds(300));
        respond(JsonResponse(200, {{"later", true}}));
      });
    };
    return router.Add(std::move(later));
  });
  auto client = NewClient();
  auto pending = std::async(std::launch::async, [&] { return client->Send("GET", "/test/later"); });
  entered_future.wait();
  EXPECT_TRUE(api_->Shutdown());
  auto r = pending.get();
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(nlohmann::json::parse(r->body)["later"], true);
  answerer.join();
}

// The deferred lane takes at most kDeferredBacklog waiting requests; past
// that (its threads blocked, e.g. by refusals that each wait for a commit)
// requests go to the handler threads instead of queueing behind them.
TEST(ServerStateTest, ADeferredBacklogOverflowsToTheHandlerThreads) {
  boost::asio::thread_pool handlers(2);
  boost::asio::thread_pool lane(1);
  ServerConfig config;
  Logger logger(LogLevel::kOff, [](std::string_view) {});
  Metrics metrics;
  Router router;
  FixedTokenAuthenticator auth;
  TestAuthorizer authz;
  Service service(std::move(router), auth, authz, logger, metrics);
  ServerState state(config, service, handlers, lane);

  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> on_lane{0};
  std::atomic<int> elsewhere{0};
  const auto lane_thread = std::make_shared<std::thread::id>();
  std::promise<void> blocked;
  state.Schedule(true, [&, lane_thread] {
    *lane_thread = std::this_thread::get_id();
    blocked.set_value();
    released.wait();
  });
  blocked.get_future().wait();
  const size_t extra = 10;
  std::atomic<int> done{0};
  for (size_t i = 0; i < ServerState::kDeferredBacklog + extra; ++i) {
    state.Schedule(true, [&, lane_thread] {
      (std::this_thread::get_id() == *lane_thread ? on_lane : elsewhere)++;
      ++done;
    });
  }
  // The overflow ran while the lane was still blocked.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (elsewhere.load() < static_cast<int>(extra) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  EXPECT_EQ(elsewhere.load(), static_cast<int>(extra));
  EXPECT_EQ(on_lane.load(), 0);
  release.set_value();
  lane.join();
  handlers.join();
  EXPECT_EQ(on_lane.load(), static_cast<int>(ServerState::kDeferredBacklog));
  EXPECT_EQ(done.load(), static_cast<int>(ServerState::kDeferredBacklog + extra));
}

TEST_F(ServerTest, NewConnectionsAreRefusedWhileDraining) {
  std::promise<void> entered;
  std::promise<void> release;
  auto entered_future = entered.get_future();
  auto release_future = release.get_future().share();
  StartServer([&](Router& router) {
    return router.Add(
        TestRoute(router, "GET", "/test/block", Guard::kPublic, [&](api::Call&) -> HandlerResult {
          entered.set_value();
          release_future.wait();
          return JsonResponse(200, {});
        }));
  });
  auto busy = NewClient();
  auto blocked = std::async(std::launch::async, [&] { return busy->Send("GET", "/test/block"); });
  entered_future.wait();
  auto stopping = std::async(std::launch::async, [&] { return api_->Shutdown(); });
  bool refused = false;
  for (int i = 0; i < 100 && !refused; ++i) {
    refused = !NewClient()->Send("GET", "/healthz").has_value();
    if (!refused) std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_TRUE(refused);
  release.set_value();
  auto r = blocked.get();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(stopping.get());
}

}  // namespace
}  // namespace mamori::api::testing
