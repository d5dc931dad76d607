// Sessions: idle timeout, absolute lifetime, logout, the expiry sweep, the
// terminal binding, current roles, and the distinct answers for a dead token.
#include "identity/records_store.h"
#include "identity/token.h"
#include "identity_fixture.h"

namespace mamori::identity {
namespace {

class SessionTest : public IdentityTest {
 protected:
  void SetUp() override {
    IdentityTest::SetUp();
    AddUser("endo");
  }
  std::string LogOn(TimeMicros t = kT0) {
    auto r = auth().Login(Req("endo", kGoodPassword, t));
    EXPECT_TRUE(r.has_value()) << r.error().ToString();
    return r ? r->token : "";
  }
  Result<SessionInfo> TouchAt(const std::string& token, TimeMicros t) {
    const Terminal term = Inside();
    return auth().Touch(token, &term, At(t));
  }
};

TEST_F(SessionTest, IdleTimeoutCountsFromTheLastActivity) {
  const std::string token = LogOn();
  auto info = TouchAt(token, kT0 + 14 * kMinute);
  ASSERT_TRUE(info.has_value()) << info.error().ToString();
  EXPECT_EQ(info->principal.id, "endo");
  EXPECT_EQ(info->idle_expires_at, kT0 + 29 * kMinute);
  ASSERT_TRUE(TouchAt(token, kT0 + 28 * kMinute).has_value());
  auto expired = TouchAt(token, kT0 + 43 * kMinute);
  ASSERT_FALSE(expired.has_value());
  EXPECT_EQ(expired.error().code(), Code::kUnauthenticated);
  EXPECT_EQ(expired.error().subject(), "session.expired");
  // It stays expired, even at a time that would have been within the limit.
  EXPECT_EQ(TouchAt(token, kT0 + 29 * kMinute).error().subject(), "session.expired");
  const auto ended = Events("identity.session_expired");
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].reason, "idle");
  EXPECT_EQ(ended[0].actor, "endo");
  EXPECT_EQ(LastEvent("identity.session").reason, "session.expired");
}

TEST_F(SessionTest, AbsoluteLifetimeEndsEvenAnActiveSession) {
  const std::string token = LogOn();
  TimeMicros t = kT0;
  for (; t < kT0 + 470 * kMinute; t += 10 * kMinute) {
    ASSERT_TRUE(TouchAt(token, t).has_value()) << (t - kT0) / kMinute;
  }
  auto r = TouchAt(token, kT0 + 480 * kMinute);
  EXPECT_EQ(r.error().subject(), "session.expired");
  EXPECT_EQ(LastEvent("identity.session_expired").reason, "lifetime");
}

TEST_F(SessionTest, LogoutInvalidatesTheToken) {
  const std::string token = LogOn();
  ASSERT_TRUE(auth().Logout(token, At(kT0 + kMinute)).ok());
  const audit::Event ev = LastEvent("identity.logout");
  EXPECT_EQ(ev.result, "ok");
  EXPECT_EQ(ev.actor, "endo");
  EXPECT_EQ(TouchAt(token, kT0 + 2 * kMinute).error().subject(), "session.logged_out");
  EXPECT_EQ(auth().Logout(token, At(kT0 + 2 * kMinute)).subject(), "session.logged_out");
  // Another session of the same user is unaffected.
  const std::string other = LogOn(kT0 + 3 * kMinute);
  EXPECT_TRUE(TouchAt(other, kT0 + 4 * kMinute).has_value());
}

TEST_F(SessionTest, LogoutEverywhereEndsEveryOtherSessionOfThePersonOnly) {
  const std::string here = LogOn();
  const std::string there = LogOn(kT0 + kMinute);
  const std::string third = LogOn(kT0 + 2 * kMinute);
  AddUser("fujii");
  auto someone_else = auth().Login(Req("fujii", kGoodPassword, kT0 + 2 * kMinute));
  ASSERT_TRUE(someone_else.has_value()) << someone_else.error().ToString();
  // One of endo's sessions already ended: it is not counted again.
  ASSERT_TRUE(auth().Logout(third, At(kT0 + 3 * kMinute)).ok());

  auto ended = auth().Logout(here, At(kT0 + 4 * kMinute), /*everywhere=*/true);
  ASSERT_TRUE(ended.has_value()) << ended.error().ToString();
  EXPECT_EQ(*ended, 1u);
  EXPECT_EQ(TouchAt(here, kT0 + 5 * kMinute).error().subject(), "session.logged_out");
  EXPECT_EQ(TouchAt(there, kT0 + 5 * kMinute).error().subject(), "session.logged_out");
  EXPECT_TRUE(TouchAt(someone_else->token, kT0 + 5 * kMinute).has_value());
  const audit::Event ev = LastEvent("identity.logout");
  EXPECT_EQ(ev.result, "ok");
  EXPECT_EQ(ev.actor, "endo");
  EXPECT_EQ(ev.attrs.at("everywhere"), "true");
  EXPECT_EQ(ev.attrs.at("other_sessions_ended"), "1");
  // A token already ended cannot end the others again.
  const std::string later = LogOn(kT0 + 6 * kMinute);
  auto refused = auth().Logout(there, At(kT0 + 7 * kMinute), /*everywhere=*/true);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().subject(), "session.logged_out");
  EXPECT_TRUE(TouchAt(later, kT0 + 8 * kMinute).has_value());
  // A plain logout leaves the others alone and says so in no attribute.
  const std::string plain = LogOn(kT0 + 9 * kMinute);
  auto none = auth().Logout(plain, At(kT0 + 10 * kMinute), /*everywhere=*/false);
  ASSERT_TRUE(none.has_value());
  EXPECT_EQ(*none, 0u);
  EXPECT_EQ(LastEvent("identity.logout").attrs.count("everywhere"), 0u);
  EXPECT_TRUE(TouchAt(later, kT0 + 11 * kMinute).has_value());
}

TEST_F(SessionTest, UnknownAndMalformedTokensAreRefusedAndAudited) {
  auto random = NewSessionToken();
  ASSERT_TRUE(random.has_value());
  EXPECT_EQ(TouchAt(*random, kT0).error().subject(), "session.unknown");
  EXPECT_EQ(TouchAt("not a token", kT0).error().subject(), "session.unknown");
  EXPECT_EQ(TouchAt("", kT0).error().subject(), "session.unknown");
  EXPECT_EQ(Events("identity.session").size(), 3u);
  EXPECT_EQ(LastEvent("identity.session").result, "refused");
}

TEST_F(SessionTest, ASessionIsBoundToItsTerminal) {
  const std::string token = LogOn();
  const Terminal elsewhere{"t-other", Fingerprint('c'), true};
  EXPECT_EQ(auth().Touch(token, &elsewhere, At(kT0)).error().subject(),
            "session.terminal_mismatch");
  EXPECT_TRUE(TouchAt(token, kT0).has_value());
}

// The server's path: the terminal is resolved from the certificate in the
// same read as the session, and the binding is checked against it.
TEST_F(SessionTest, TouchFromCertificateResolvesTheTerminalAndChecksTheBinding) {
  ASSERT_TRUE(id_->terminals().Register(Admin(), {"t-inside", Fingerprint('a'), "", true}).ok());
  const std::string token = LogOn();
  Terminal resolved;
  auto info = auth().TouchFromCertificate(token, Fingerprint('a'), &resolved, At(kT0));
  ASSERT_TRUE(info.has_value()) << info.error().ToString();
  EXPECT_EQ(info->principal.id, "endo");
  EXPECT_EQ(resolved.id, "t-inside");
  EXPECT_TRUE(resolved.controlled_area);
  EXPECT_EQ(resolved.fingerprint, Fingerprint('a'));

  // Another certificate, or none: refused as a terminal mismatch, audited,
  // and the unregistered terminal is what was resolved.
  Terminal other;
  EXPECT_EQ(auth().TouchFromCertificate(token, Fingerprint('c'), &other, At(kT0)).error().subject(),
            "session.terminal_mismatch");
  EXPECT_EQ(other.id, "");
  EXPECT_EQ(other.fingerprint, Fingerprint('c'));
  Terminal none;
  EXPECT_EQ(auth().TouchFromCertificate(token, "", &none, At(kT0)).error().subject(),
            "session.terminal_mismatch");
  EXPECT_EQ(LastEvent("identity.session").reason, "session.terminal_mismatch");

  // A disabled terminal resolves to no terminal: its id no longer counts.
  ASSERT_TRUE(id_->terminals().Disable(Admin(), "t-inside").ok());
  Terminal disabled;
  ASSERT_TRUE(auth().TouchFromCertificate(token, Fingerprint('a'), &disabled, At(kT0)).has_value());
  EXPECT_EQ(disabled.id, "");
  EXPECT_FALSE(disabled.controlled_area);
}

TEST_F(SessionTest, PrincipalCarriesTheCurrentRoles) {
  const std::string token = LogOn();
  ASSERT_TRUE(dir().AddRole(Admin(), "endo", "confirmer").ok());
  auto info = TouchAt(token, kT0 + kMinute);
  ASSERT_TRUE(info.has_value());
  EXPECT_TRUE(info->principal.HasRole("confirmer"));
  EXPECT_EQ(info->principal.session_id, SessionHandle(TokenHash(token)));
}

// Records parsed for one request are remembered for the next
// (parsed_cache.h); a change written straight into the store, as another
// process (the CLI) would, must count from the very next request.
TEST_F(SessionTest, AChangeWrittenStraightIntoTheStoreCountsAtOnce) {
  const std::string token = LogOn();
  ASSERT_TRUE(TouchAt(token, kT0 + kMinute).has_value());
  ASSERT_TRUE(TouchAt(token, kT0 + 2 * kMinute).has_value());  // served from the cache
  auto rewrite = [&](auto change) {
    Status s = engine_->data_store().Update([&](store::WriteTxn& txn) -> Status {
      MAMORI_ASSIGN_OR_RETURN(auto user, internal::LoadUser(txn, "endo"));
      if (!user) return Status::NotFound("no user endo");
      change(*user);
      return internal::PutUser(txn, *user);
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
  };
  rewrite([](User& u) { u.roles.push_back("confirmer"); });
  auto info = TouchAt(token, kT0 + 3 * kMinute);
  ASSERT_TRUE(info.has_value()) << info.error().ToString();
  EXPECT_TRUE(info->principal.HasRole("confirmer"));

  rewrite([](User& u) { u.state = AccountState::kDisabled; });
  auto refused = TouchAt(token, kT0 + 4 * kMinute);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().subject(), "session.revoked");
}

TEST_F(SessionTest, TighterIdleTimeoutAppliesToOpenSessions) {
  const std::string token = LogOn();
  IdentityPolicy p;
  p.idle_timeout_minutes = 5;
  ASSERT_TRUE(id_->SetPolicy(Admin(), p).ok());
  EXPECT_EQ(TouchAt(token, kT0 + 6 * kMinute).error().subject(), "session.expired");
}

TEST_F(SessionTest, SweepExpiresIdleSessionsAndForgetsOldOnes) {
  const std::string idle = LogOn();
  const std::string busy = LogOn(kT0 + 10 * kMinute);
  auto swept = auth().ExpireSessions(At(kT0 + 20 * kMinute));
  ASSERT_TRUE(swept.has_value());
  EXPECT_EQ(*swept, 1u);
  EXPECT_EQ(TouchAt(idle, kT0 + 20 * kMinute).error().subject(), "session.expired");
  EXPECT_TRUE(TouchAt(busy, kT0 + 20 * kMinute).has_value());

  const TimeMicros next_day = kT0 + 25LL * 60 * kMinute;
  ASSERT_TRUE(auth().ExpireSessions(At(next_day)).has_value());  // expires `busy`
  ASSERT_TRUE(auth().ExpireSessions(At(next_day + 25LL * 60 * kMinute)).has_value());
  EXPECT_EQ(TouchAt(idle, next_day).error().subject(), "session.unknown");
  EXPECT_EQ(TouchAt(busy, next_day).error().subject(), "session.unknown");
}

}  // namespace
}  // namespace mamori::identity
