// No password, TOTP code, birth date or phone number reaches the audit log,
// whatever the operation and whether it succeeded or was refused; and the log
// identity writes into stays verifiable.
#include "identity_fixture.h"

namespace mamori::identity {
namespace {

class AuditSecretsTest : public IdentityTest {};

// The text of every member of an event that could carry a value. `prev`,
// `time`, `seq` and `subject` are hashes, times and counters: a 6-digit code
// can appear in them by chance, and none of them is caller text.
std::string EventText(const audit::Event& e) {
  std::string out = e.actor + "|" + e.terminal + "|" + e.purpose + "|" + e.operation + "|" +
                    e.dataset + "|" + e.record + "|" + e.result + "|" + e.code + "|" + e.reason +
                    "|" + e.request_id;
  for (const auto& [k, v] : e.attrs) out += "|" + k + "=" + v;
  return out;
}

TEST_F(AuditSecretsTest, NoSecretOrPersonalValueInAnyEvent) {
  std::vector<std::string> secrets = {kGoodPassword,    kOtherPassword, kThirdPassword,
                                      "Wrong#Pass123x", "1985-07-23",   "19850723",
                                      "090-1234-5678"};
  NewUser nu;
  nu.id = "chief";
  nu.display_name = "Chief Officer";
  nu.roles = {"chief_officer"};
  nu.birth_date = "1985-07-23";
  nu.phone = "090-1234-5678";
  nu.must_change_password = false;
  ASSERT_TRUE(dir().CreateUser(Admin(), nu, kGoodPassword).ok());
  (void)dir().CreateUser(Admin(), nu, "Chief19850723!");  // refused: exists / birth date
  secrets.push_back("Chief19850723!");

  // Enrol TOTP through a restricted session.
  auto login = auth().Login(Req("chief", kGoodPassword, kT0));
  ASSERT_TRUE(login.has_value()) << login.error().ToString();
  auto enrolment = auth().BeginTotpEnrolment(login->token, At(kT0));
  ASSERT_TRUE(enrolment.has_value());
  secrets.push_back(enrolment->secret_base32);
  const crypto::SecretBytes secret = Base32Decode(enrolment->secret_base32);
  const std::string enrol_code = TotpCode(secret, TotpStep(kT0));
  secrets.push_back(enrol_code);
  ASSERT_TRUE(auth().ConfirmTotpEnrolment(login->token, enrol_code, At(kT0)).ok());

  // Logons with right, wrong and replayed codes; wrong passwords; a password
  // typed into the ID box.
  const TimeMicros t1 = kT0 + 10 * kMinute;
  LoginRequest req = Req("chief", kGoodPassword, t1);
  req.totp = TotpCode(secret, TotpStep(t1));
  secrets.push_back(req.totp);
  auto ok = auth().Login(req);
  ASSERT_TRUE(ok.has_value()) << ok.error().ToString();
  secrets.push_back(ok->token);
  (void)auth().Login(req);  // replay
  req.password = "Wrong#Pass123x";
  (void)auth().Login(req);
  (void)auth().Login(Req(kOtherPassword, kOtherPassword, t1));

  // Password change refused by a rule, then done; an administrator's reset.
  EXPECT_FALSE(auth().ChangePassword(ok->token, kGoodPassword, "Chief19850723!", At(t1)).ok());
  ASSERT_TRUE(auth().ChangePassword(ok->token, kGoodPassword, kOtherPassword, At(t1)).ok());
  EXPECT_FALSE(auth().ChangePassword(ok->token, "Wrong#Pass123x", kThirdPassword, At(t1)).ok());
  ASSERT_TRUE(dir().ResetPassword(Admin(t1), "chief", kThirdPassword).ok());
  (void)auth().Logout(login->token, At(t1));  // already ended by the change: refused

  const auto events = Events();
  ASSERT_GE(events.size(), 15u);
  size_t identity_events = 0;
  for (const auto& e : events) {
    if (e.operation.starts_with("identity.")) ++identity_events;
    const std::string text = EventText(e);
    for (const auto& s : secrets) {
      EXPECT_EQ(text.find(s), std::string::npos)
          << e.operation << " #" << e.seq << " holds a secret value";
    }
  }
  EXPECT_EQ(identity_events, events.size() - 1);  // all but store.init
  EXPECT_TRUE(LogVerifies());
}

}  // namespace
}  // namespace mamori::identity
