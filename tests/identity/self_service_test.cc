// A user's own password change: the rules, reuse of the history, near-copies
// of the current password, and guessing the current password through it.
#include "identity_fixture.h"

namespace mamori::identity {
namespace {

class SelfServiceTest : public IdentityTest {
 protected:
  void SetUp() override {
    IdentityTest::SetUp();
    AddUser("nakamura");
    auto r = auth().Login(Req("nakamura", kGoodPassword));
    ASSERT_TRUE(r.has_value()) << r.error().ToString();
    token_ = r->token;
  }
  Status Change(std::string_view current, std::string_view next) {
    return auth().ChangePassword(token_, current, next, At(kT0 + kMinute));
  }
  std::string token_;
};

TEST_F(SelfServiceTest, RulesReuseAndNearCopies) {
  EXPECT_EQ(Change(kGoodPassword, "short").subject(), "password.too_short");
  EXPECT_EQ(Change(kGoodPassword, "Nakamura#2024x").subject(), "password.contains_id");
  EXPECT_EQ(Change(kGoodPassword, kGoodPassword).subject(), "password.reused");
  // One character away from the current password (compared in plain text).
  EXPECT_EQ(Change(kGoodPassword, "Vq7#kP2m!xLr9y").subject(), "password.near_copy");
  EXPECT_EQ(LastEvent("identity.password_change").reason, "password.near_copy");

  ASSERT_TRUE(Change(kGoodPassword, kOtherPassword).ok());
  ASSERT_TRUE(Change(kOtherPassword, kThirdPassword).ok());
  // Back to an older password, or a variant of one: found through the hashes.
  EXPECT_EQ(Change(kThirdPassword, kGoodPassword).subject(), "password.reused");
  EXPECT_EQ(Change(kThirdPassword, std::string(kGoodPassword) + "!").subject(),
            "password.near_copy");
  EXPECT_EQ(dir().GetUser("nakamura")->password_history.size(), 3u);
  EXPECT_EQ(dir().GetUser("nakamura")->failed_count, 0u);
}

TEST_F(SelfServiceTest, ChangeEndsTheOtherSessions) {
  auto other = auth().Login(Req("nakamura", kGoodPassword, kT0 + kMinute));
  ASSERT_TRUE(other.has_value());
  ASSERT_TRUE(Change(kGoodPassword, kOtherPassword).ok());
  EXPECT_EQ(LastEvent("identity.password_change").attrs.at("other_sessions_ended"), "1");
  const Terminal t = Inside();
  EXPECT_TRUE(auth().Touch(token_, &t, At(kT0 + 2 * kMinute)).has_value());
  EXPECT_EQ(auth().Touch(other->token, &t, At(kT0 + 2 * kMinute)).error().subject(),
            "session.revoked");
  EXPECT_TRUE(auth().Login(Req("nakamura", kOtherPassword, kT0 + 3 * kMinute)).has_value());
}

TEST_F(SelfServiceTest, GuessingTheCurrentPasswordLocksTheId) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Change("Wrong#Pass123x", kOtherPassword).subject(), "password.wrong_current") << i;
  }
  const audit::Event lock = LastEvent("identity.lockout");
  EXPECT_EQ(lock.actor, "nakamura");
  EXPECT_EQ(lock.attrs.at("sessions_ended"), "1");
  const Terminal t = Inside();
  EXPECT_EQ(auth().Touch(token_, &t, At(kT0 + 2 * kMinute)).error().subject(), "session.revoked");
  EXPECT_EQ(auth().Login(Req("nakamura", kGoodPassword, kT0 + 2 * kMinute)).error().subject(),
            "login.failed");
  EXPECT_EQ(LastEvent("identity.login").reason, "locked");
}

}  // namespace
}  // namespace mamori::identity
