// The real server, in-process, on 127.0.0.1 with an ephemeral port, on a
// real engine in a temp dir, with its generated certificate; tests talk to
// it over real TLS (https_client.h). Authentication: fixed bearer tokens
// (test_auth.h) — "alice-token" is user alice.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "api/api_server.h"
#include "api/certificate.h"
#include "api/https_client.h"
#include "api/test_auth.h"
#include "engine/engine_fixture.h"

namespace mamori::api::testing {

inline constexpr const char* kToken = "alice-token";
inline constexpr const char* kDataset = "employee_my_number";

class ApiTest : public engine::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    auto cert = EnsureServerCertificate(dir_ / "tls");
    ASSERT_TRUE(cert.has_value()) << cert.error().ToString();
    cert_ = *cert;
    identity::Principal alice;
    alice.id = "alice";
    alice.display_name = "Alice";
    alice.roles = {"handler"};
    authenticator_.Add(kToken, alice);
    config_.host = "127.0.0.1";
    config_.port = 0;
    config_.threads = 2;
    config_.handler_threads = 4;
    config_.tls.certificate = cert_.certificate_path;
    config_.tls.private_key = cert_.private_key_path;
    config_.timeouts.header = std::chrono::milliseconds(2000);
    config_.timeouts.body = std::chrono::milliseconds(2000);
    config_.timeouts.shutdown = std::chrono::milliseconds(5000);
    // Tests log on many times from 127.0.0.1; the logon limit has its own
    // tests (limits_test.cc), which set it back.
    config_.limits.login_per_minute = 60'000;
    config_.limits.login_burst = 10'000;
  }

  void TearDown() override {
    client_.reset();
    api_.reset();
    EngineTest::TearDown();
  }

  // Starts the server with config_ (tests adjust it first).
  void StartServer(std::function<Status(Router&)> extra_routes = {}) {
    ApiServerOptions options;
    options.config = config_;
    options.engine = engine_.get();
    options.authenticator = &authenticator_;
    options.authorizer = &authorizer_;
    options.log_sink = [this](std::string_view line) {
      std::lock_guard lock(log_mu_);
      log_.emplace_back(line);
    };
    options.extra_routes = std::move(extra_routes);
    auto api = ApiServer::Start(std::move(options));
    ASSERT_TRUE(api.has_value()) << api.error().ToString();
    api_ = std::move(*api);
  }

  std::unique_ptr<HttpsClient> NewClient(ClientOptions options = {}) {
    if (options.trust_certificate.empty()) options.trust_certificate = cert_.certificate_path;
    return std::make_unique<HttpsClient>(api_->port(), std::move(options));
  }
  // A client of the operations listener (config_.metrics_listen must be set).
  std::unique_ptr<HttpsClient> NewMetricsClient() {
    ClientOptions options;
    options.trust_certificate = cert_.certificate_path;
    return std::make_unique<HttpsClient>(api_->metrics_port(), std::move(options));
  }

  // One request on the shared keep-alive connection, with token_ (alice's)
  // unless `authenticated` is false.
  HttpResponse Call(std::string_view method, std::string_view target, std::string_view body = {},
                    std::vector<std::pair<std::string, std::string>> headers = {},
                    bool authenticated = true) {
    if (!client_) client_ = NewClient();
    if (authenticated) headers.emplace_back("Authorization", "Bearer " + token_);
    if (!body.empty() && std::none_of(headers.begin(), headers.end(),
                                      [](const auto& h) { return h.first == "Content-Type"; })) {
      headers.emplace_back("Content-Type", "application/json");
    }
    auto r = client_->Send(method, target, body, headers);
    EXPECT_TRUE(r.has_value()) << r.error().ToString();
    return r ? *r : HttpResponse{};
  }

  std::vector<std::string> LogLines() {
    std::lock_guard lock(log_mu_);
    return log_;
  }

  static std::string RecordJson(uint64_t i, const std::string& name = "山田 太郎") {
    return nlohmann::json{{"my_number", engine::TestMyNumber(i)},
                          {"name", name},
                          {"name_kana", "やまだ たろう"},
                          {"birth_date", "1980-04-01"}}
        .dump();
  }

  CertificateInfo cert_;
  ServerConfig config_;
  // The bearer token Call sends: the fixed test token, or a real session's.
  std::string token_ = kToken;
  FixedTokenAuthenticator authenticator_;
  TestAuthorizer authorizer_;
  std::unique_ptr<ApiServer> api_;
  std::unique_ptr<HttpsClient> client_;
  std::mutex log_mu_;
  std::vector<std::string> log_;
};

}  // namespace mamori::api::testing
