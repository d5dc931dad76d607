// Logon: previous logon shown, refusals that do not tell IDs apart, disabled
// IDs, lockout (sequential and under 16 parallel attempts), lock expiry and
// the administrator's unlock and reset.
#include <atomic>
#include <latch>
#include <thread>

#include "identity/attempts.h"
#include "identity/keyspace.h"
#include "identity/token.h"
#include "identity_fixture.h"

namespace mamori::identity {
namespace {

using LoginTest = IdentityTest;

TEST_F(LoginTest, SuccessShowsThePreviousLogon) {
  AddUser("sato");
  auto first = auth().Login(Req("sato", kGoodPassword, kT0));
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  EXPECT_EQ(first->previous_logon.time, 0);
  EXPECT_EQ(first->token.size(), kTokenLength);
  EXPECT_EQ(first->principal.id, "sato");
  EXPECT_EQ(first->principal.kind, PrincipalKind::kUser);
  EXPECT_EQ(first->principal.roles, std::vector<std::string>{"handler"});
  EXPECT_EQ(first->principal.terminal.id, "t-inside");
  EXPECT_FALSE(first->must_change_password);
  EXPECT_EQ(first->idle_expires_at, kT0 + 15 * kMinute);
  EXPECT_EQ(first->expires_at, kT0 + 480 * kMinute);

  auto second = auth().Login(Req("sato", kGoodPassword, kT0 + kMinute));
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->previous_logon.time, kT0);
  EXPECT_EQ(second->previous_logon.result, "ok");

  EXPECT_FALSE(auth().Login(Req("sato", kOtherPassword, kT0 + 2 * kMinute)).has_value());
  auto third = auth().Login(Req("sato", kGoodPassword, kT0 + 3 * kMinute));
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(third->previous_logon.time, kT0 + 2 * kMinute);
  EXPECT_EQ(third->previous_logon.result, "failed");
  EXPECT_EQ(third->failures_since_previous_success, 1u);

  // Only the token's hash is stored.
  EXPECT_FALSE(Raw(keyspace::Session(TokenHash(third->token))).empty());
  EXPECT_EQ(Raw(keyspace::Session(third->token)), "");
  const audit::Event ev = LastEvent("identity.login");
  EXPECT_EQ(ev.result, "ok");
  EXPECT_EQ(ev.actor, "sato");
  EXPECT_EQ(ev.terminal, "t-inside");
  EXPECT_EQ(ev.attrs.at("session"), third->principal.session_id);
}

TEST_F(LoginTest, UnknownIdAndWrongPasswordGetTheSameAnswer) {
  AddUser("sato");
  auto wrong = auth().Login(Req("sato", kOtherPassword));
  auto unknown = auth().Login(Req("satoo", kGoodPassword));
  ASSERT_FALSE(wrong.has_value());
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(wrong.error().code(), Code::kUnauthenticated);
  EXPECT_EQ(wrong.error().subject(), "login.failed");
  EXPECT_EQ(unknown.error().subject(), wrong.error().subject());
  EXPECT_EQ(unknown.error().message(), wrong.error().message());
  EXPECT_EQ(unknown.error().message_ja(), wrong.error().message_ja());

  const auto events = Events("identity.login");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].reason, "wrong_password");
  EXPECT_EQ(events[0].actor, "sato");
  EXPECT_EQ(events[0].attrs.at("failed_count"), "1");
  // The unknown ID is only referenced by a keyed hash: it could be a password
  // typed into the wrong box.
  EXPECT_EQ(events[1].reason, "unknown_id");
  EXPECT_EQ(events[1].result, "refused");
  EXPECT_EQ(events[1].actor, "");
  EXPECT_EQ(events[1].subject.size(), 32u);
  EXPECT_EQ(audit::CanonicalJson(events[1]).find("satoo"), std::string::npos);
  // The same unknown ID gives the same reference, so repeated tries show.
  (void)auth().Login(Req("satoo", kOtherPassword));
  EXPECT_EQ(LastEvent("identity.login").subject, events[1].subject);
}

TEST_F(LoginTest, DisabledIdIsRefusedAndRecordedAsSuch) {
  AddUser("yamada");
  ASSERT_TRUE(dir().DisableUser(Admin(), "yamada", DisableReason::kLeave).has_value());
  auto r = auth().Login(Req("yamada", kGoodPassword, kT0 + kMinute));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().subject(), "login.failed");
  const audit::Event ev = LastEvent("identity.login");
  EXPECT_EQ(ev.result, "refused");
  EXPECT_EQ(ev.reason, "disabled");
  EXPECT_EQ(ev.actor, "yamada");
  EXPECT_EQ(ev.code, "unauthenticated");
  EXPECT_EQ(dir().GetUser("yamada")->last_logon.result, "refused");
}

TEST_F(LoginTest, LockoutAfterThresholdFailures) {
  AddUser("kimura");
  for (int i = 0; i < 5; ++i) {
    auto r = auth().Login(Req("kimura", kOtherPassword, kT0 + i * kMinute));
    EXPECT_EQ(r.error().subject(), "login.failed") << i;
  }
  const auto locks = Events("identity.lockout");
  ASSERT_EQ(locks.size(), 1u);
  EXPECT_EQ(locks[0].actor, "kimura");
  EXPECT_EQ(locks[0].attrs.at("failed_count"), "5");
  // The right password is refused while locked, with the answer of any
  // failure; the audit event says why.
  auto r = auth().Login(Req("kimura", kGoodPassword, kT0 + 5 * kMinute));
  EXPECT_EQ(r.error().subject(), "login.failed");
  EXPECT_EQ(LastEvent("identity.login").reason, "locked");
  EXPECT_EQ(dir().GetUser("kimura")->failed_count, 5u);

  // 30 minutes after the lock it ends and the count starts again.
  const TimeMicros locked_at = kT0 + 4 * kMinute;
  EXPECT_EQ(auth().Login(Req("kimura", kGoodPassword, locked_at + 29 * kMinute)).error().subject(),
            "login.failed");
  EXPECT_EQ(LastEvent("identity.login").reason, "locked");
  auto after = auth().Login(Req("kimura", kGoodPassword, locked_at + 30 * kMinute));
  ASSERT_TRUE(after.has_value()) << after.error().ToString();
  EXPECT_EQ(after->previous_logon.result, "locked");
  EXPECT_EQ(dir().GetUser("kimura")->failed_count, 0u);
}

TEST_F(LoginTest, SuccessResetsTheConsecutiveCount) {
  AddUser("mori");
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 4; ++i) EXPECT_FALSE(auth().Login(Req("mori", kOtherPassword)).has_value());
    EXPECT_TRUE(auth().Login(Req("mori", kGoodPassword)).has_value()) << round;
  }
  EXPECT_TRUE(Events("identity.lockout").empty());
}

TEST_F(LoginTest, IndefiniteLockNeedsAnAdministrator) {
  IdentityPolicy p;
  p.lockout_minutes = 0;
  p.lockout_threshold = 3;
  ASSERT_TRUE(id_->SetPolicy(Admin(), p).ok());
  AddUser("ogawa");
  for (int i = 0; i < 3; ++i) (void)auth().Login(Req("ogawa", kOtherPassword));
  const TimeMicros much_later = kT0 + 30LL * 24 * 60 * kMinute;
  EXPECT_EQ(auth().Login(Req("ogawa", kGoodPassword, much_later)).error().subject(),
            "login.failed");
  EXPECT_EQ(LastEvent("identity.login").reason, "locked");

  engine::Context self = Admin(much_later);
  self.actor = "ogawa";
  EXPECT_EQ(dir().UnlockUser(self, "ogawa").subject(), "identity.self_change");
  ASSERT_TRUE(dir().UnlockUser(Admin(much_later), "ogawa").ok());
  const audit::Event ev = LastEvent("identity.unlock");
  EXPECT_EQ(ev.actor, "admin1");
  EXPECT_EQ(ev.attrs.at("target"), "ogawa");
  EXPECT_EQ(ev.attrs.at("was_locked"), "true");
  EXPECT_TRUE(auth().Login(Req("ogawa", kGoodPassword, much_later + kMinute)).has_value());
}

// 16 threads send wrong passwords at once: exactly `threshold` of them are
// checked and counted, one lock follows, the rest are refused without their
// password counting (all sixteen answers are the same).
TEST_F(LoginTest, LockoutHoldsUnderParallelAttempts) {
  // The user's hash is made with a costlier Argon2 so that the checks overlap.
  IdentityOptions slow;
  slow.argon2 = {.time_cost = 2, .memory_kib = 8 * 1024, .parallelism = 1};
  auto slow_dir = Directory::Open(engine_->data_store(), key_, slow);
  ASSERT_TRUE(slow_dir.has_value());
  NewUser nu;
  nu.id = "target";
  nu.display_name = "Target";
  nu.roles = {"handler"};
  nu.must_change_password = false;
  ASSERT_TRUE((*slow_dir)->CreateUser(Admin(), nu, kGoodPassword).ok());

  constexpr int kThreads = 16;
  std::latch start(kThreads);
  std::atomic<int> failed{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      LoginRequest r = Req("target", std::string(kOtherPassword) + std::to_string(i));
      start.arrive_and_wait();
      auto result = auth().Login(r);
      const std::string why = result.has_value() ? "" : result.error().subject();
      if (why == "login.failed") {
        ++failed;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), kThreads);
  EXPECT_EQ(other.load(), 0);

  auto u = dir().GetUser("target");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->failed_count, 5u);
  EXPECT_TRUE(u->pending.empty());
  EXPECT_TRUE(IsLocked(*u, kT0));
  EXPECT_EQ(Events("identity.lockout").size(), 1u);
  size_t wrong = 0, refused_unchecked = 0;
  for (const auto& e : Events("identity.login")) {
    if (e.reason == "wrong_password") ++wrong;
    if (e.reason == "locked" || e.reason == "attempts_in_flight") ++refused_unchecked;
  }
  EXPECT_EQ(wrong, 5u);
  EXPECT_EQ(refused_unchecked, static_cast<size_t>(kThreads - 5));

  // The right password is refused while the lock holds.
  EXPECT_EQ(auth().Login(Req("target", kGoodPassword, kT0 + kMinute)).error().subject(),
            "login.failed");
  EXPECT_EQ(LastEvent("identity.login").reason, "locked");
  EXPECT_TRUE(LogVerifies());
}

TEST_F(LoginTest, AbandonedAttemptsCountAsFailures) {
  // An attempt whose process died between the gate and the outcome: pending
  // forever unless the next reservation counts it.
  User u;
  IdentityPolicy p;
  p.lockout_threshold = 2;
  ASSERT_EQ(ReserveAttempt(u, p, kT0, "a").gate, Gate::kProceed);
  ASSERT_EQ(ReserveAttempt(u, p, kT0, "b").gate, Gate::kProceed);
  EXPECT_EQ(ReserveAttempt(u, p, kT0 + kMinute, "c").gate, Gate::kBusy);
  const Reservation r = ReserveAttempt(u, p, kT0 + kStaleAttemptMicros, "d");
  EXPECT_EQ(r.gate, Gate::kLocked);
  EXPECT_TRUE(r.locked_now);
  EXPECT_EQ(u.failed_count, 2u);
  EXPECT_TRUE(u.pending.empty());
}

TEST_F(LoginTest, ExpiredPasswordLogsOnOnlyToChangeIt) {
  AddUser("hayashi");
  const TimeMicros later = kT0 + 91LL * 24 * 60 * kMinute;
  auto login = auth().Login(Req("hayashi", kGoodPassword, later));
  ASSERT_TRUE(login.has_value()) << login.error().ToString();
  EXPECT_TRUE(login->must_change_password);
  const Terminal t = Inside();
  EXPECT_EQ(auth().Touch(login->token, &t, At(later)).error().subject(),
            "session.password_change_required");
  EXPECT_TRUE(auth().Touch(login->token, &t, At(later), true).has_value());

  Status s = auth().ChangePassword(login->token, kGoodPassword, kOtherPassword, At(later));
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto info = auth().Touch(login->token, &t, At(later + kMinute));
  ASSERT_TRUE(info.has_value()) << info.error().ToString();
  EXPECT_FALSE(info->restricted());
  EXPECT_EQ(LastEvent("identity.password_change").result, "ok");
}

TEST_F(LoginTest, AdministratorResetForcesAChange) {
  AddUser("ishii");
  auto before = auth().Login(Req("ishii", kGoodPassword));
  ASSERT_TRUE(before.has_value());
  for (int i = 0; i < 5; ++i) (void)auth().Login(Req("ishii", kOtherPassword));

  ASSERT_TRUE(dir().ResetPassword(Admin(kT0 + kMinute), "ishii", kThirdPassword).ok());
  EXPECT_EQ(LastEvent("identity.password_reset").attrs.at("sessions_ended"), "1");
  const Terminal t = Inside();
  EXPECT_EQ(auth().Touch(before->token, &t, At(kT0 + kMinute)).error().subject(),
            "session.revoked");
  EXPECT_FALSE(auth().Login(Req("ishii", kGoodPassword, kT0 + 2 * kMinute)).has_value());
  auto after = auth().Login(Req("ishii", kThirdPassword, kT0 + 3 * kMinute));
  ASSERT_TRUE(after.has_value()) << after.error().ToString();  // the reset also unlocked
  EXPECT_TRUE(after->must_change_password);

  // The reset password is held to the rules and the history.
  EXPECT_EQ(dir().ResetPassword(Admin(), "ishii", "short").subject(), "password.too_short");
  EXPECT_EQ(dir().ResetPassword(Admin(), "ishii", kGoodPassword).subject(), "password.reused");
  engine::Context self = Admin();
  self.actor = "ishii";
  EXPECT_EQ(dir().ResetPassword(self, "ishii", kOtherPassword).subject(), "identity.self_change");
}

}  // namespace
}  // namespace mamori::identity
