// /metrics (issue 12, hole 9): not on the API's listener at all; on the
// operations listener (metrics_listen), which asks for no credentials, it
// shows the server's health and nothing that reveals activity — no count of
// logons, requests or refusals per route, no audit log size — unless the
// operator turns metrics_detail on. /healthz and /readyz stay public on
// both listeners.
#include "api/stack_fixture.h"

namespace mamori::api::testing {
namespace {

class OperationsListenerTest : public StackApiTest {
 protected:
  // Some activity worth hiding: a logon, a refused one, a refused request.
  void Activity() {
    AddUser("hana", {"handler"});
    ASSERT_FALSE(Login("hana").empty());
    EXPECT_EQ(Send("", "POST", "/v1/auth/login",
                   nlohmann::json{{"user", "hana"}, {"password", "Wrong#Guess-123"}}.dump())
                  .status,
              401);
    EXPECT_EQ(Send("", "GET", "/v1/datasets").status, 401);
  }
  std::string Scrape() {
    auto r = NewMetricsClient()->Send("GET", "/metrics");
    EXPECT_TRUE(r.has_value()) << r.error().ToString();
    EXPECT_EQ(r ? r->status : 0, 200);
    return r ? r->body : "";
  }
};

TEST_F(OperationsListenerTest, ByDefaultThereIsNoMetricsEndpoint) {
  StartStackServer();
  EXPECT_EQ(api_->metrics_port(), 0);
  EXPECT_EQ(Send("", "GET", "/metrics").status, 404);
  EXPECT_EQ(Send("", "GET", "/healthz").status, 200);
  EXPECT_EQ(Send("", "GET", "/readyz").status, 200);
}

TEST_F(OperationsListenerTest, OpenMetricsShowHealthAndNoActivity) {
  config_.metrics_listen = ListenAddress{"127.0.0.1", 0};
  StartStackServer();
  ASSERT_NE(api_->metrics_port(), 0);
  ASSERT_NE(api_->metrics_port(), api_->port());
  Activity();
  const std::string m = Scrape();
  for (const char* shown : {"mamori_http_connections_open ", "mamori_http_requests_in_flight ",
                            "mamori_http_connections_rejected_total{reason=\"per_address\"} ",
                            "mamori_load_shed_total{reason=\"rate_limited\"} ",
                            "mamori_tls_handshake_failures_total "}) {
    EXPECT_NE(m.find(shown), std::string::npos) << shown << "\n" << m;
  }
  for (const char* hidden : {"mamori_http_requests_total", "mamori_http_request_duration",
                             "mamori_audit_log_events", "route=", "/v1/", "status=\"401\""}) {
    EXPECT_EQ(m.find(hidden), std::string::npos) << hidden << "\n" << m;
  }
  // Health and readiness there too; nothing else.
  for (const char* path : {"/healthz", "/readyz"}) {
    auto r = NewMetricsClient()->Send("GET", path);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, 200) << path;
  }
  auto other = NewMetricsClient()->Send("GET", "/v1/datasets");
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(other->status, 404);
}

TEST_F(OperationsListenerTest, DetailAddsTheActivityCountsWhenTheOperatorAsks) {
  config_.metrics_listen = ListenAddress{"127.0.0.1", 0};
  config_.metrics_detail = true;
  StartStackServer();
  Activity();
  const std::string m = Scrape();
  EXPECT_NE(m.find("route=\"/v1/auth/login\",status=\"401\"} 1"), std::string::npos) << m;
  EXPECT_NE(m.find("route=\"/v1/auth/login\",status=\"200\"} 1"), std::string::npos) << m;
  EXPECT_NE(m.find("mamori_audit_log_events "), std::string::npos);
  // Still no ids, principals or values.
  EXPECT_EQ(m.find("hana"), std::string::npos);
}

}  // namespace
}  // namespace mamori::api::testing
