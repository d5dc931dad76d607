// TOTP at logon: enrolment from a restricted session, codes required by role
// and outside the controlled area, the window, replay, and wrong codes
// counting towards the lockout.
#include "identity_fixture.h"

namespace mamori::identity {
namespace {

class TotpLoginTest : public IdentityTest {
 protected:
  // Logs "boss" (an admin: TOTP by role) on from inside and enrols TOTP;
  // returns the secret.
  crypto::SecretBytes Enrol() {
    AddUser("boss", {"admin"});
    auto login = auth().Login(Req("boss", kGoodPassword, kT0));
    EXPECT_TRUE(login.has_value()) << login.error().ToString();
    if (!login) return {};
    EXPECT_TRUE(login->totp_enrolment_required);
    const Terminal t = Inside();
    EXPECT_EQ(auth().Touch(login->token, &t, At(kT0)).error().subject(), "session.totp_required");

    auto enrolment = auth().BeginTotpEnrolment(login->token, At(kT0));
    EXPECT_TRUE(enrolment.has_value()) << enrolment.error().ToString();
    if (!enrolment) return {};
    EXPECT_NE(enrolment->otpauth_uri.find("algorithm=SHA256"), std::string::npos);
    EXPECT_NE(enrolment->otpauth_uri.find("secret=" + enrolment->secret_base32), std::string::npos);
    crypto::SecretBytes secret = Base32Decode(enrolment->secret_base32);
    EXPECT_EQ(secret.size(), kTotpSecretBytes);

    EXPECT_EQ(auth().ConfirmTotpEnrolment(login->token, "000000", At(kT0)).subject(),
              "totp.invalid");
    Status s = auth().ConfirmTotpEnrolment(login->token, TotpCode(secret, TotpStep(kT0)), At(kT0));
    EXPECT_TRUE(s.ok()) << s.ToString();
    // The enrolling session now counts as verified.
    EXPECT_TRUE(auth().Touch(login->token, &t, At(kT0)).has_value());
    return secret;
  }
};

TEST_F(TotpLoginTest, EnrolThenLogOnWithCodes) {
  const crypto::SecretBytes secret = Enrol();
  ASSERT_FALSE(secret.empty());
  EXPECT_TRUE(dir().GetUser("boss")->totp.enrolled);

  // Without a code the answer is that of any failure, right password or
  // not; only the wrong password counts towards the lockout.
  const TimeMicros t1 = kT0 + 10 * kMinute;
  auto no_code = auth().Login(Req("boss", kGoodPassword, t1));
  EXPECT_EQ(no_code.error().subject(), "login.failed");
  EXPECT_EQ(LastEvent("identity.login").reason, "totp_missing");
  EXPECT_EQ(dir().GetUser("boss")->failed_count, 0u);
  EXPECT_EQ(auth().Login(Req("boss", kOtherPassword, t1)).error().subject(), "login.failed");
  EXPECT_EQ(LastEvent("identity.login").reason, "wrong_password");
  EXPECT_EQ(dir().GetUser("boss")->failed_count, 1u);

  LoginRequest req = Req("boss", kGoodPassword, t1);
  req.totp = TotpCode(secret, TotpStep(t1) - 1);  // one step behind: within the window
  auto ok = auth().Login(req);
  ASSERT_TRUE(ok.has_value()) << ok.error().ToString();
  EXPECT_FALSE(ok->totp_enrolment_required);
  const Terminal t = Inside();
  EXPECT_TRUE(auth().Touch(ok->token, &t, At(t1)).has_value());
  EXPECT_EQ(LastEvent("identity.login").attrs.at("mfa"), "true");

  // The same code again is a replay.
  auto replay = auth().Login(req);
  EXPECT_EQ(replay.error().subject(), "login.failed");
  EXPECT_EQ(LastEvent("identity.login").reason, "totp_replayed");

  // A code two steps away is outside the window.
  req.totp = TotpCode(secret, TotpStep(t1) + 2);
  EXPECT_EQ(auth().Login(req).error().subject(), "login.failed");
  EXPECT_EQ(LastEvent("identity.login").reason, "totp_invalid");
}

TEST_F(TotpLoginTest, WrongCodesCountTowardsTheLockout) {
  const crypto::SecretBytes secret = Enrol();
  ASSERT_FALSE(secret.empty());
  const TimeMicros t1 = kT0 + 10 * kMinute;
  LoginRequest req = Req("boss", kGoodPassword, t1);
  const std::string right = TotpCode(secret, TotpStep(t1));
  // A code that no step of the window produces.
  std::string wrong = "000000";
  for (int n = 0; wrong == right || wrong == TotpCode(secret, TotpStep(t1) - 1) ||
                  wrong == TotpCode(secret, TotpStep(t1) + 1);
       ++n) {
    wrong = std::to_string(100000 + n);
  }
  for (int i = 0; i < 5; ++i) {
    req.totp = wrong;
    EXPECT_EQ(auth().Login(req).error().subject(), "login.failed");
  }
  req.totp = right;
  EXPECT_EQ(auth().Login(req).error().subject(), "login.failed");
  EXPECT_EQ(LastEvent("identity.login").reason, "locked");
  EXPECT_EQ(Events("identity.lockout").size(), 1u);
}

TEST_F(TotpLoginTest, OutsideTheControlledAreaNeedsAnEnrolledCode) {
  AddUser("remote");  // a handler: no TOTP by role
  EXPECT_TRUE(auth().Login(Req("remote", kGoodPassword, kT0, Inside())).has_value());
  auto outside = auth().Login(Req("remote", kGoodPassword, kT0, Outside()));
  EXPECT_EQ(outside.error().subject(), "login.failed");
  EXPECT_EQ(LastEvent("identity.login").reason, "totp_not_enrolled");

  IdentityPolicy p;
  p.totp_outside_controlled_area = false;
  ASSERT_TRUE(id_->SetPolicy(Admin(), p).ok());
  EXPECT_TRUE(auth().Login(Req("remote", kGoodPassword, kT0, Outside())).has_value());
}

TEST_F(TotpLoginTest, EnrolledUserOutsideGivesACode) {
  const crypto::SecretBytes secret = Enrol();
  ASSERT_FALSE(secret.empty());
  const TimeMicros t1 = kT0 + 5 * kMinute;
  LoginRequest req = Req("boss", kGoodPassword, t1, Outside());
  EXPECT_EQ(auth().Login(req).error().subject(), "login.failed");
  EXPECT_EQ(LastEvent("identity.login").reason, "totp_missing");
  req.totp = TotpCode(secret, TotpStep(t1));
  auto r = auth().Login(req);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->principal.terminal.id, "");
  EXPECT_EQ(LastEvent("identity.login").terminal, "cert:" + Fingerprint('b').substr(0, 16));
}

TEST_F(TotpLoginTest, AdministratorResetsALostDevice) {
  ASSERT_FALSE(Enrol().empty());
  auto again = auth().Login(Req("boss", kGoodPassword, kT0 + kMinute));
  ASSERT_FALSE(again.has_value());
  ASSERT_TRUE(dir().ResetTotp(Admin(), "boss").ok());
  EXPECT_EQ(LastEvent("identity.totp_reset").attrs.at("was_enrolled"), "true");
  auto login = auth().Login(Req("boss", kGoodPassword, kT0 + 2 * kMinute));
  ASSERT_TRUE(login.has_value());
  EXPECT_TRUE(login->totp_enrolment_required);
  // Enrolling twice needs a reset in between.
  ASSERT_TRUE(auth().BeginTotpEnrolment(login->token, At(kT0 + 2 * kMinute)).has_value());
}

TEST_F(TotpLoginTest, ASecondEnrolmentIsRefused) {
  const crypto::SecretBytes secret = Enrol();
  ASSERT_FALSE(secret.empty());
  const TimeMicros t1 = kT0 + 5 * kMinute;
  LoginRequest req = Req("boss", kGoodPassword, t1);
  req.totp = TotpCode(secret, TotpStep(t1));
  auto login = auth().Login(req);
  ASSERT_TRUE(login.has_value()) << login.error().ToString();
  auto again = auth().BeginTotpEnrolment(login->token, At(t1));
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().subject(), "totp.already_enrolled");
  EXPECT_EQ(LastEvent("identity.totp_enrol_begin").result, "refused");
}

}  // namespace
}  // namespace mamori::identity
