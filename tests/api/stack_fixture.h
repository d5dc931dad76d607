// The real server with the real access rules: ApiTest's engine and TLS, with
// an api::Stack (identity + policy + AccessControl) instead of the test
// authenticator. Users are created through identity, log on through
// POST /v1/auth/login, and get data rights only through the three-person
// grant flow. TOTP is switched off by policy (it has its own tests) and
// Argon2 is cheap, so a test logs on in milliseconds.
//
// A test CA issues a client certificate for terminal kTerminalId, registered
// inside the controlled area: the shared connection (Send) presents it, so
// C3 datasets are usable; NewClient() without options presents none.
#pragma once

#include <sys/wait.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/api_fixture.h"
#include "api/stack.h"
#include "testing/audit_events.h"

namespace mamori::api::testing {

// Meets every default password rule and is derived from no test user's data.
inline constexpr char kStackPassword[] = "Vq7#kP2m!xLr9z";
inline constexpr char kTerminalId[] = "t-soumu-1";

class StackApiTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    auto stack = Stack::Open(*engine_, identity_options_);
    ASSERT_TRUE(stack.has_value()) << stack.error().ToString();
    stack_ = std::move(*stack);
    auto policy = stack_->identity().GetPolicy();
    ASSERT_TRUE(policy.has_value());
    policy->totp_roles.clear();
    policy->totp_outside_controlled_area = false;
    ASSERT_TRUE(stack_->identity().SetPolicy(Local(), *policy).ok());

    pki_ = dir_ / "pki";
    const std::string script =
        "set -e; mkdir -p '" + pki_ + "'; cd '" + pki_ + "'; " +
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key "
        "-out ca.crt -subj /CN=test-ca -days 2; "
        "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout term.key "
        "-out term.csr -subj /CN=terminal-1; "
        "openssl x509 -req -in term.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out term.crt "
        "-days 2";
    ASSERT_EQ(std::system(("(" + script + ") >/dev/null 2>&1").c_str()), 0);
    config_.tls.client_ca = pki_ + "/ca.crt";
    auto cert = DescribeCertificate(pki_ + "/term.crt");
    ASSERT_TRUE(cert.has_value());
    identity::NewTerminal t;
    t.id = kTerminalId;
    t.fingerprint = cert->sha256_fingerprint;
    t.description = "総務課 窓口端末 1";
    t.controlled_area = true;
    Status registered = stack_->identity().terminals().Register(Local(), t);
    ASSERT_TRUE(registered.ok()) << registered.ToString();
  }

  // Client options presenting the registered terminal's certificate.
  ClientOptions TerminalClient() const {
    ClientOptions o;
    o.client_certificate = pki_ + "/term.crt";
    o.client_key = pki_ + "/term.key";
    return o;
  }

  void TearDown() override {
    client_.reset();
    api_.reset();
    stack_.reset();
    ApiTest::TearDown();
  }

  // The server over stack_ (config_ may be adjusted first).
  void StartStackServer() {
    ApiServerOptions options = OptionsFor(*stack_, config_);
    options.log_sink = [this](std::string_view line) {
      std::lock_guard lock(log_mu_);
      log_.emplace_back(line);
    };
    auto api = ApiServer::Start(std::move(options));
    ASSERT_TRUE(api.has_value()) << api.error().ToString();
    api_ = std::move(*api);
    client_ = NewClient(TerminalClient());
  }

  static engine::Context Local() {
    engine::Context c;
    c.actor = "os:tester";
    c.terminal = "local:test";
    c.request_id = "req-test";
    return c;
  }

  // A user who may log on with kStackPassword without changing it first.
  void AddUser(const std::string& id, std::vector<std::string> roles,
               const std::string& manager = "", const std::string& department = "総務部") {
    identity::NewUser u;
    u.id = id;
    u.display_name = "Test " + id;
    u.department = department;
    u.manager = manager;
    u.roles = std::move(roles);
    u.must_change_password = false;
    Status s = stack_->identity().directory().CreateUser(Local(), u, kStackPassword);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  // POST /v1/auth/login on the shared connection; the token, or "" (with a
  // test failure) when refused.
  std::string Login(const std::string& user, const std::string& password = kStackPassword) {
    auto r = Send("", "POST", "/v1/auth/login",
                  nlohmann::json{{"user", user}, {"password", password}}.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    return j.is_object() && j.contains("token") ? j["token"].get<std::string>() : "";
  }

  // One request with `token` ("" for none) on the shared connection.
  HttpResponse Send(const std::string& token, std::string_view method, std::string_view target,
                    std::string_view body = {}) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
    return Call(method, target, body, std::move(headers), /*authenticated=*/false);
  }

  // A paged list read to its end: GET `route` with ?limit=`limit`, then with
  // each next_cursor until it is null. The "id"s of member's items in the
  // order received; pages counts the requests. A page that is not a 200 or
  // holds more than `limit` items fails the test.
  std::vector<std::string> ReadAllPages(const std::string& token, const std::string& route,
                                        const std::string& member, size_t limit,
                                        size_t* pages = nullptr) {
    std::vector<std::string> ids;
    const std::string sep = route.find('?') == std::string::npos ? "?" : "&";
    std::string cursor;
    size_t n = 0;
    do {
      std::string target = route + sep + "limit=" + std::to_string(limit);
      if (!cursor.empty()) target += "&cursor=" + QueryEscape(cursor);
      auto r = Send(token, "GET", target);
      ++n;
      EXPECT_EQ(r.status, 200) << target << " " << r.body;
      const nlohmann::json page = r.Json();
      if (r.status != 200 || !page.is_object() || !page.contains("next_cursor")) break;
      EXPECT_LE(page[member].size(), limit) << target;
      for (const auto& item : page[member]) ids.push_back(item.value("id", ""));
      cursor = page["next_cursor"].is_string() ? page["next_cursor"].get<std::string>() : "";
      EXPECT_TRUE(page["next_cursor"].is_null() || !cursor.empty()) << r.body;
    } while (!cursor.empty() && n < 10'000);
    if (pages) *pages = n;
    return ids;
  }

  // Percent-encodes everything but RFC 3986 unreserved characters.
  static std::string QueryEscape(std::string_view s) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
      if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
        out += static_cast<char>(c);
      } else {
        out += '%';
        out += kHex[c >> 4];
        out += kHex[c & 15];
      }
    }
    return out;
  }

  // The audit event attribute `name` of `ev`, or "" when it has none.
  static std::string AttrOf(const audit::Event& ev, const std::string& name) {
    auto it = ev.attrs.find(name);
    return it == ev.attrs.end() ? "" : it->second;
  }

  // A data right in force through the real flow: requested by `requester`,
  // approved by `approver`, configured by `configurer` (three different
  // people holding fitting roles). Returns the grant id.
  std::string GrantThroughFlow(const policy::Right& right, const std::string& requester,
                               const std::string& approver, const std::string& configurer) {
    auto req = stack_->rights().RequestGrant(CallerOf(requester), right, "test grant");
    EXPECT_TRUE(req.has_value()) << req.error().ToString();
    if (!req) return "";
    auto ok = stack_->rights().Approve(CallerOf(approver), req->id);
    EXPECT_TRUE(ok.has_value()) << ok.error().ToString();
    auto done = stack_->rights().Configure(CallerOf(configurer), req->id);
    EXPECT_TRUE(done.has_value()) << done.error().ToString();
    return done ? done->grant_id : "";
  }

  // The Caller for a stored user, as the server would resolve them.
  policy::Caller CallerOf(const std::string& user) {
    auto u = stack_->identity().directory().GetUser(user);
    EXPECT_TRUE(u.has_value()) << user;
    return u ? CallerFor(*u, "req-test") : policy::Caller{};
  }

  // Audit events with `operation`, oldest first.
  std::vector<audit::Event> EventsOf(const std::string& operation) {
    return mamori::testing::EventsOf(engine_->data_store(), operation);
  }

  // The subject of a problem answer: the member, rule or reason code at fault.
  static std::string Subject(const HttpResponse& r) { return r.Json().value("subject", ""); }
  // The last event of `operation` is a refusal with `reason`.
  void ExpectRefused(const std::string& operation, std::string_view reason) {
    auto events = EventsOf(operation);
    ASSERT_FALSE(events.empty()) << operation;
    EXPECT_EQ(events.back().result, "refused");
    EXPECT_EQ(events.back().reason, reason);
  }

#ifdef MAMORI_BINARY
  // `mamori ARGS --data <this store>` as a separate process on the same
  // store, the password on standard input as a person at the console types
  // it; its standard output then standard error in *out. The exit code; -1
  // when it did not exit.
  int RunMamori(const std::string& args, const std::string& password, std::string* out) {
    const std::string pw = dir_ / "pw";
    std::ofstream(pw) << password << "\n";
    const std::string outfile = dir_ / "cli.out";
    const std::string cmd = std::string(MAMORI_BINARY) + " " + args + " --data '" +
                            paths_.data_dir + "' <'" + pw + "' >'" + outfile + "' 2>'" + outfile +
                            ".err'";
    const int rc = std::system(cmd.c_str());
    *out = engine::ReadFileBytes(outfile) + engine::ReadFileBytes(outfile + ".err");
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  }
#endif

  // Cheap Argon2; a test fixture may change these in its constructor.
  identity::IdentityOptions identity_options_ = [] {
    identity::IdentityOptions o;
    o.argon2 = {.time_cost = 1, .memory_kib = 64, .parallelism = 1};
    return o;
  }();
  std::unique_ptr<Stack> stack_;
  std::string pki_;
};

}  // namespace mamori::api::testing
