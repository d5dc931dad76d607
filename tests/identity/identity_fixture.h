// A real engine (data store, key store, audit log) in a temp dir with the
// identity module over its data store, cheap Argon2 parameters, and helpers
// to read the audit events identity wrote.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "audit/log.h"
#include "audit/verify.h"
#include "crypto/random.h"
#include "engine/engine.h"
#include "identity/identity.h"
#include "identity/totp.h"
#include "testing/audit_events.h"
#include "testing/temp_dir.h"

namespace mamori::identity {

// The test clock starts here (2026-04-01T00:00:00Z) and is moved by hand.
inline constexpr TimeMicros kT0 = 1775001600LL * kMicrosPerSecond;
inline constexpr TimeMicros kMinute = 60 * kMicrosPerSecond;

// Meets every default rule and is not derived from any test user's data.
inline constexpr char kGoodPassword[] = "Vq7#kP2m!xLr9z";
inline constexpr char kOtherPassword[] = "Hb4$wN8j@tQe6y";
inline constexpr char kThirdPassword[] = "Zc3&mR5v*gKu1p";

inline std::string Fingerprint(char fill) { return std::string(64, fill); }

// RFC 4648 base32 without padding, as an authenticator app reads the secret.
inline crypto::SecretBytes Base32Decode(std::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const int v = c >= 'A' && c <= 'Z' ? c - 'A' : c - '2' + 26;
    buffer = (buffer << 5) | static_cast<uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<char>((buffer >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  return crypto::SecretBytes(out);
}

class IdentityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    paths_.data_dir = dir_ / "data";
    engine::Context init;
    init.actor = "os:tester";
    ASSERT_TRUE(engine::Engine::Init(paths_, nullptr, init).ok());
    engine::EngineOptions options;
    options.paths = paths_;
    auto opened = engine::Engine::Open(std::move(options), init);
    ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
    engine_ = std::move(*opened);
    auto key = crypto::RandomSecret(32);
    ASSERT_TRUE(key.has_value());
    key_ = std::move(*key);
    IdentityOptions io;
    io.argon2 = {.time_cost = 1, .memory_kib = 64, .parallelism = 1};
    auto id = Identity::Open(engine_->data_store(), key_, std::move(io));
    ASSERT_TRUE(id.has_value()) << id.error().ToString();
    id_ = std::move(*id);
  }

  Directory& dir() { return id_->directory(); }
  Authenticator& auth() { return id_->authenticator(); }

  static engine::Context Admin(TimeMicros t = kT0) {
    engine::Context c;
    c.actor = "admin1";
    c.terminal = "t-admin";
    c.request_id = "req-admin";
    c.time = t;
    return c;
  }
  static engine::Context At(TimeMicros t, const std::string& actor = "") {
    engine::Context c;
    c.actor = actor;
    c.request_id = "req";
    c.time = t;
    return c;
  }
  static Terminal Inside() { return {"t-inside", Fingerprint('a'), true}; }
  static Terminal Outside() { return {"", Fingerprint('b'), false}; }

  // A user who may log on without TOTP from inside the controlled area and
  // need not change the password first.
  void AddUser(const std::string& id, std::vector<std::string> roles = {"handler"},
               const std::string& password = kGoodPassword) {
    NewUser nu;
    nu.id = id;
    nu.display_name = "Test User " + id;
    nu.department = "総務部";
    nu.roles = std::move(roles);
    nu.must_change_password = false;
    Status s = dir().CreateUser(Admin(), nu, password);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  LoginRequest Req(const std::string& user, const std::string& password, TimeMicros t = kT0,
                   Terminal terminal = Inside()) {
    LoginRequest r;
    r.user_id = user;
    r.password = password;
    r.terminal = std::move(terminal);
    r.request_id = "req-login";
    r.time = t;
    return r;
  }

  // Every audit event in the log, oldest first.
  std::vector<audit::Event> Events() { return mamori::testing::EventsOf(engine_->data_store(), ""); }
  std::vector<audit::Event> Events(const std::string& operation) {
    return mamori::testing::EventsOf(engine_->data_store(), operation);
  }
  audit::Event LastEvent(const std::string& operation) {
    auto all = Events(operation);
    EXPECT_FALSE(all.empty()) << "no " << operation << " event";
    return all.empty() ? audit::Event{} : all.back();
  }
  bool LogVerifies() {
    audit::VerifyReport report;
    EXPECT_TRUE(engine_->data_store()
                    .View([&](store::ReadTxn& txn) -> Status {
                      report = audit::VerifyLog(txn, nullptr);
                      return Status::Ok();
                    })
                    .ok());
    return report.ok;
  }
  // The raw bytes stored under a key of the data store.
  std::string Raw(const std::string& key) {
    std::string out;
    EXPECT_TRUE(engine_->data_store()
                    .View([&](store::ReadTxn& txn) -> Status {
                      MAMORI_ASSIGN_OR_RETURN(auto v, txn.Get(key));
                      if (v) out = *v;
                      return Status::Ok();
                    })
                    .ok());
    return out;
  }

  testing::TempDir dir_;
  engine::Paths paths_;
  std::unique_ptr<engine::Engine> engine_;
  crypto::SecretBytes key_;
  std::unique_ptr<Identity> id_;
};

}  // namespace mamori::identity
