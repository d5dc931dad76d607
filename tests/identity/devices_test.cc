// Terminals and service accounts, both identified by certificate fingerprint.
#include <cctype>

#include "identity_fixture.h"

namespace mamori::identity {
namespace {

using DevicesTest = IdentityTest;

// "AA:BB:…" as openssl prints it.
std::string Colons(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    if (!out.empty()) out += ':';
    out += hex.substr(i, 2);
  }
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

TEST_F(DevicesTest, TerminalsResolveByFingerprint) {
  TerminalRegistry& terms = id_->terminals();
  NewTerminal nt{"desk-03", Colons(Fingerprint('d')), "総務課 窓口端末 3", true};
  ASSERT_TRUE(terms.Register(Admin(), nt).ok());
  EXPECT_EQ(LastEvent("identity.terminal_register").attrs.at("fingerprint"), Fingerprint('d'));

  auto t = terms.ResolveTerminal(Fingerprint('d'));
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->id, "desk-03");
  EXPECT_TRUE(t->controlled_area);
  EXPECT_EQ(terms.ResolveTerminal(Colons(Fingerprint('d')))->id, "desk-03");

  // Unknown and malformed certificates resolve to an unregistered terminal.
  auto unknown = terms.ResolveTerminal(Fingerprint('e'));
  ASSERT_TRUE(unknown.has_value());
  EXPECT_EQ(unknown->id, "");
  EXPECT_FALSE(unknown->controlled_area);
  EXPECT_EQ(unknown->fingerprint, Fingerprint('e'));
  EXPECT_EQ(terms.ResolveTerminal("xyz")->fingerprint, "");

  // One certificate, one terminal.
  EXPECT_EQ(terms.Register(Admin(), {"desk-04", Fingerprint('d'), "", true}).code(),
            Code::kAlreadyExists);
  EXPECT_EQ(terms.Register(Admin(), {"desk-04", "abc", "", true}).subject(), "fingerprint");

  // Renewal moves the binding; disabling removes it.
  TerminalChanges ch;
  ch.fingerprint = Fingerprint('f');
  ch.controlled_area = false;
  ASSERT_TRUE(terms.Update(Admin(), "desk-03", ch).ok());
  EXPECT_EQ(terms.ResolveTerminal(Fingerprint('d'))->id, "");
  EXPECT_EQ(terms.ResolveTerminal(Fingerprint('f'))->id, "desk-03");
  EXPECT_FALSE(terms.Get("desk-03")->controlled_area);
  ASSERT_TRUE(terms.Disable(Admin(), "desk-03").ok());
  EXPECT_EQ(terms.ResolveTerminal(Fingerprint('f'))->id, "");
  ASSERT_TRUE(terms.Enable(Admin(), "desk-03").ok());
  EXPECT_EQ(terms.ResolveTerminal(Fingerprint('f'))->id, "desk-03");
  EXPECT_EQ(terms.List()->size(), 1u);
  EXPECT_EQ(terms.Disable(Admin(), "nowhere").code(), Code::kNotFound);
}

TEST_F(DevicesTest, ServiceAccountsAuthenticateByCertificateOnly) {
  ServiceAccountRegistry& svc = id_->service_accounts();
  ASSERT_TRUE(svc.Create(Admin(), {"payroll", "給与システム", Fingerprint('1'), {"handler"}}).ok());
  EXPECT_EQ(svc.Create(Admin(), {"payroll2", "x", Fingerprint('1'), {}}).code(),
            Code::kAlreadyExists);
  EXPECT_EQ(svc.Create(Admin(), {"payroll3", "x", Fingerprint('2'), {"root"}}).subject(), "role");

  auto p = svc.AuthenticateCertificate(Colons(Fingerprint('1')), At(kT0));
  ASSERT_TRUE(p.has_value()) << p.error().ToString();
  EXPECT_EQ(p->kind, PrincipalKind::kService);
  EXPECT_EQ(p->id, "payroll");
  EXPECT_EQ(p->roles, std::vector<std::string>{"handler"});
  EXPECT_TRUE(p->session_id.empty());

  auto unknown = svc.AuthenticateCertificate(Fingerprint('9'), At(kT0));
  EXPECT_EQ(unknown.error().code(), Code::kUnauthenticated);
  EXPECT_EQ(unknown.error().subject(), "certificate.unknown");
  EXPECT_EQ(LastEvent("identity.cert_auth").reason, "unknown");

  ASSERT_TRUE(svc.Disable(Admin(), "payroll").ok());
  auto disabled = svc.AuthenticateCertificate(Fingerprint('1'), At(kT0));
  EXPECT_EQ(disabled.error().subject(), "certificate.disabled");
  const audit::Event ev = LastEvent("identity.cert_auth");
  EXPECT_EQ(ev.result, "refused");
  EXPECT_EQ(ev.reason, "disabled");
  EXPECT_EQ(ev.actor, "payroll");
  ASSERT_TRUE(svc.Enable(Admin(), "payroll").ok());

  // Rotation: the old certificate stops working at once.
  ASSERT_TRUE(svc.SetCertificate(Admin(), "payroll", Fingerprint('3')).ok());
  EXPECT_FALSE(svc.AuthenticateCertificate(Fingerprint('1'), At(kT0)).has_value());
  EXPECT_EQ(svc.AuthenticateCertificate(Fingerprint('3'), At(kT0))->id, "payroll");

  ASSERT_TRUE(svc.AddRole(Admin(), "payroll", "custom_batch").ok());
  ASSERT_TRUE(svc.RemoveRole(Admin(), "payroll", "handler").ok());
  EXPECT_EQ(svc.Get("payroll")->roles, std::vector<std::string>{"custom_batch"});
  EXPECT_EQ(svc.List()->size(), 1u);
  EXPECT_TRUE(LogVerifies());
}

}  // namespace
}  // namespace mamori::identity
