// Only designated terminals (issue 12, hole 11): with
// require_terminal_certificate the TLS handshake demands a certificate from
// the client CA whose fingerprint is a registered, enabled terminal or an
// active service account. Refused: no certificate, another CA's, the CA's
// but unregistered, a disabled terminal's (from its next connection on).
// Accepted: a registered terminal and a service account. Off: today's
// behaviour. The operations listener stays reachable without a certificate.
//
// TLS 1.3 clients finish their side of the handshake before the server has
// checked their certificate; the server's refusal arrives as an alert on
// the first read. So "refused" is: no answer to a request.
#include <cstdlib>

#include "api/stack_fixture.h"

namespace mamori::api::testing {
namespace {

class TerminalCertificateTest : public StackApiTest {
 protected:
  void SetUp() override {
    StackApiTest::SetUp();
    // From the fixture's CA: an unregistered certificate and a service
    // account's. A stranger's from its own CA.
    const std::string script =
        "set -e; cd '" + pki_ + "'; " +
        "for n in spare app; do "
        "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $n.key "
        "-out $n.csr -subj /CN=$n; "
        "openssl x509 -req -in $n.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out $n.crt "
        "-days 2; done; "
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout other.key "
        "-out other.crt -subj /CN=stranger -days 2";
    ASSERT_EQ(std::system(("(" + script + ") >/dev/null 2>&1").c_str()), 0);
    auto app = DescribeCertificate(pki_ + "/app.crt");
    ASSERT_TRUE(app.has_value());
    identity::NewServiceAccount a;
    a.id = "payroll";
    a.display_name = "給与システム";
    a.cert_fingerprint = app->sha256_fingerprint;
    a.roles = {"handler"};
    ASSERT_TRUE(stack_->identity().service_accounts().Create(Local(), a).ok());
    config_.tls.require_terminal_certificate = true;
  }

  ClientOptions With(const std::string& name) const {
    ClientOptions o;
    o.client_certificate = pki_ + "/" + name + ".crt";
    o.client_key = pki_ + "/" + name + ".key";
    return o;
  }

  // One GET /healthz on a new connection: its status, or 0 when refused.
  int Health(ClientOptions o) {
    auto r = NewClient(std::move(o))->Send("GET", "/healthz");
    return r ? r->status : 0;
  }

  std::vector<audit::Event> Connects() { return EventsOf("api.connect"); }
};

TEST_F(TerminalCertificateTest, NoCertificateIsRefused) {
  StartStackServer();
  EXPECT_EQ(Health({}), 0);
  auto login = NewClient()->Send("POST", "/v1/auth/login", R"({"user":"hana","password":"x"})",
                                 {{"Content-Type", "application/json"}});
  EXPECT_FALSE(login.has_value());
  EXPECT_TRUE(EventsOf("identity.login").empty());  // no request was read
}

TEST_F(TerminalCertificateTest, AnotherCasCertificateIsRefused) {
  StartStackServer();
  EXPECT_EQ(Health(With("other")), 0);
}

TEST_F(TerminalCertificateTest, TheCasCertificateUnregisteredIsRefusedAndAudited) {
  StartStackServer();
  EXPECT_EQ(Health(With("spare")), 0);
  auto spare = DescribeCertificate(pki_ + "/spare.crt");
  ASSERT_TRUE(spare.has_value());
  // The refusal is written from a handler thread after the handshake.
  std::vector<audit::Event> refused;
  for (int i = 0; i < 500 && refused.empty(); ++i) {
    refused = Connects();
    if (refused.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].result, "refused");
  EXPECT_EQ(refused[0].reason, "certificate.unregistered");
  EXPECT_EQ(refused[0].actor, "anonymous");
  std::string hex;
  for (char c : spare->sha256_fingerprint) {
    if (c != ':') hex.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  EXPECT_EQ(refused[0].terminal, "cert:" + hex);
}

TEST_F(TerminalCertificateTest, ARegisteredTerminalAndAServiceAccountAreAccepted) {
  StartStackServer();
  AddUser("hana", {"handler"});
  EXPECT_EQ(Health(TerminalClient()), 200);
  const std::string token = Login("hana");  // from the terminal (the shared connection)
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(Send(token, "GET", "/v1/auth/session").status, 200);
  // The service account authenticates by its certificate alone.
  auto app = NewClient(With("app"))->Send("GET", "/v1/datasets");
  ASSERT_TRUE(app.has_value()) << app.error().ToString();
  EXPECT_EQ(app->status, 200) << app->body;
  EXPECT_TRUE(Connects().empty());
}

TEST_F(TerminalCertificateTest, ADisabledTerminalIsRefusedAtItsNextConnection) {
  StartStackServer();
  EXPECT_EQ(Health(TerminalClient()), 200);
  ASSERT_TRUE(stack_->identity().terminals().Disable(Local(), kTerminalId).ok());
  EXPECT_EQ(Health(TerminalClient()), 0);
  ASSERT_TRUE(stack_->identity().service_accounts().Disable(Local(), "payroll").ok());
  EXPECT_EQ(Health(With("app")), 0);
  std::vector<audit::Event> refused;
  for (int i = 0; i < 500 && refused.size() < 2; ++i) {
    refused = Connects();
    if (refused.size() < 2) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(refused.size(), 2u);
  for (const auto& ev : refused) EXPECT_EQ(ev.reason, "certificate.disabled");
  // Enabled again, admitted again.
  ASSERT_TRUE(stack_->identity().terminals().Enable(Local(), kTerminalId).ok());
  EXPECT_EQ(Health(TerminalClient()), 200);
}

TEST_F(TerminalCertificateTest, TheOperationsListenerNeedsNoCertificate) {
  config_.metrics_listen = ListenAddress{"127.0.0.1", 0};
  StartStackServer();
  auto health = NewMetricsClient()->Send("GET", "/healthz");
  ASSERT_TRUE(health.has_value()) << health.error().ToString();
  EXPECT_EQ(health->status, 200);
  auto ready = NewMetricsClient()->Send("GET", "/readyz");
  ASSERT_TRUE(ready.has_value());
  EXPECT_EQ(ready->status, 200);
  // Only the operations routes are there.
  auto login =
      NewMetricsClient()->Send("POST", "/v1/auth/login", R"({"user":"hana","password":"x"})",
                               {{"Content-Type", "application/json"}});
  ASSERT_TRUE(login.has_value());
  EXPECT_EQ(login->status, 404);
  EXPECT_EQ(Health({}), 0);  // while the API's listener still refuses
}

TEST_F(TerminalCertificateTest, OffEveryClientCompletesTheHandshakeAsBefore) {
  config_.tls.require_terminal_certificate = false;
  StartStackServer();
  EXPECT_EQ(Health({}), 200);
  EXPECT_EQ(Health(With("spare")), 200);
  EXPECT_EQ(Health(TerminalClient()), 200);
  EXPECT_EQ(Health(With("other")), 0);  // a certificate that does not verify, as before
  ASSERT_TRUE(stack_->identity().terminals().Disable(Local(), kTerminalId).ok());
  EXPECT_EQ(Health(TerminalClient()), 200);
  EXPECT_TRUE(Connects().empty());
}

TEST(TerminalCertificateConfigTest, TheSettingNeedsAClientCa) {
  ServerConfig config;
  config.tls.require_terminal_certificate = true;
  Status s = ValidateConfig(config);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.subject(), "tls.require_terminal_certificate");
  auto parsed = ParseConfig("[tls]\nclient_ca = \"ca.pem\"\nrequire_terminal_certificate = true\n",
                            "test.toml", "/etc/mamori");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  EXPECT_TRUE(parsed->tls.require_terminal_certificate);
  EXPECT_EQ(
      ParseConfig("[tls]\nrequire_terminal_certificate = \"yes\"\n", "t.toml").error().subject(),
      "tls.require_terminal_certificate");
}

}  // namespace
}  // namespace mamori::api::testing
