// Authorize: deny by default, the three-person grant taking effect, purpose
// binding, terminals for C3 and designated terminals, no_copy, wildcard
// datasets, change, removal and expiry.
#include <atomic>
#include <thread>

#include "policy/keyspace.h"
#include "policy/policy_fixture.h"
#include "policy/snapshot.h"

namespace mamori::policy {
namespace {

using identity::Principal;

TEST_F(PolicyTest, NothingIsAllowedUntilGranted) {
  for (const Principal& p : {yamada_, kato_, sato_, suzuki_, admin1_}) {
    for (Operation op : {Operation::kRead, Operation::kWrite, Operation::kFind, Operation::kExport,
                         Operation::kShred, Operation::kAdminister}) {
      for (const auto* def : {&employees_, &payroll_}) {
        const std::string purpose = def == &payroll_ ? "payroll" : "withholding";
        Decision d = authz_->Authorize(p, *def, op, purpose);
        EXPECT_FALSE(d.allowed) << p.id << " " << OperationName(op);
        // Export of the no_copy dataset is refused for that reason first.
        const bool no_copy = op == Operation::kExport && def == &employees_;
        EXPECT_EQ(d.code, no_copy ? kHandlingNoCopy : kNoGrant);
      }
    }
  }
  Decision d = authz_->Authorize(yamada_, employees_, Operation::kRead, "withholding");
  Status s = d.ToStatus();
  EXPECT_EQ(s.code(), Code::kPermissionDenied);
  EXPECT_EQ(s.subject(), "policy.no_grant");
  EXPECT_FALSE(s.message().empty());
  EXPECT_NE(s.message_ja(), s.message());
  Principal nobody;
  EXPECT_EQ(authz_->Authorize(nobody, employees_, Operation::kRead, "withholding").code,
            kUnidentified);
}

TEST_F(PolicyTest, GrantTakesEffectOnlyWhenConfiguredByAThirdPerson) {
  auto req = admin_->RequestGrant(As(sato_), HandlerRead(), "源泉徴収事務の担当");
  ASSERT_TRUE(req.has_value()) << req.error().ToString();
  EXPECT_EQ(req->state, ChangeState::kRequested);
  EXPECT_FALSE(authz_->Authorize(yamada_, employees_, Operation::kRead, "withholding").allowed);

  auto approved = admin_->Approve(As(suzuki_, kT0 + 1), req->id);
  ASSERT_TRUE(approved.has_value()) << approved.error().ToString();
  EXPECT_FALSE(authz_->Authorize(yamada_, employees_, Operation::kRead, "withholding").allowed);

  auto configured = admin_->Configure(As(admin1_, kT0 + 2), req->id, "設定済み");
  ASSERT_TRUE(configured.has_value()) << configured.error().ToString();
  EXPECT_EQ(configured->state, ChangeState::kConfigured);
  EXPECT_EQ(configured->requested.by, "sato");
  EXPECT_EQ(configured->approved.by, "suzuki");
  EXPECT_EQ(configured->configured.by, "admin1");

  Decision d = authz_->Authorize(yamada_, employees_, Operation::kRead, "withholding");
  EXPECT_TRUE(d.allowed) << d.Message();
  EXPECT_EQ(d.code, kAllowed);
  EXPECT_EQ(d.grant, configured->grant_id);
  EXPECT_TRUE(d.ToStatus().ok());
  // Only what was granted: not write, not another role, not another dataset.
  EXPECT_EQ(authz_->Authorize(yamada_, employees_, Operation::kWrite, "withholding").code,
            kNoGrant);
  EXPECT_EQ(authz_->Authorize(sato_, employees_, Operation::kRead, "withholding").code, kNoGrant);
  EXPECT_EQ(authz_->Authorize(yamada_, payroll_, Operation::kRead, "payroll").code, kNoGrant);
  // kato holds the same role: roles, not persons, are granted.
  EXPECT_TRUE(authz_->Authorize(kato_, employees_, Operation::kRead, "withholding").allowed);

  // A second Authorizer (another process on the same store) sees the same.
  Authorizer other(engine_->data_store());
  EXPECT_TRUE(other.Authorize(yamada_, employees_, Operation::kRead, "withholding").allowed);
}

TEST_F(PolicyTest, PurposeMustBeRegisteredAndGranted) {
  GrantVia(HandlerRead("payroll", "payroll"));
  const Principal p = yamada_;
  EXPECT_TRUE(authz_->Authorize(p, payroll_, Operation::kRead, "payroll").allowed);
  // Registered, but not the purpose of the grant.
  EXPECT_EQ(authz_->Authorize(p, payroll_, Operation::kRead, "year_end").code, kNoGrant);
  Decision unregistered = authz_->Authorize(p, payroll_, Operation::kRead, "marketing");
  EXPECT_EQ(unregistered.code, kPurposeNotRegistered);
  // Whatever was typed is not echoed, registered-looking or not.
  EXPECT_EQ(unregistered.Message().find("marketing"), std::string::npos);
  EXPECT_EQ(authz_->Authorize(p, payroll_, Operation::kRead, "").code, kPurposeRequired);
  // A value typed where a purpose belongs is never echoed.
  Decision typed = authz_->Authorize(p, payroll_, Operation::kRead, "山田 太郎");
  EXPECT_EQ(typed.code, kPurposeNotRegistered);
  EXPECT_EQ(typed.Message().find("山田"), std::string::npos);
  EXPECT_EQ(typed.MessageJa().find("山田"), std::string::npos);
}

TEST_F(PolicyTest, ConfidentialityThreeOnlyFromControlledOrDesignatedTerminals) {
  GrantVia(HandlerRead());
  EXPECT_TRUE(
      authz_->Authorize(At(yamada_, "t-office", true), employees_, Operation::kRead, "withholding")
          .allowed);
  Decision home =
      authz_->Authorize(At(yamada_, "t-home", false), employees_, Operation::kRead, "withholding");
  EXPECT_EQ(home.code, kC3Terminal);
  EXPECT_EQ(home.subject, "t-home");
  // Claimed to be in the controlled area, but not a registered terminal.
  EXPECT_EQ(
      authz_->Authorize(At(yamada_, "", true), employees_, Operation::kRead, "withholding").code,
      kC3Terminal);
  // C2 data is not restricted by terminal unless designated.
  GrantVia(HandlerRead("payroll", "payroll"));
  EXPECT_TRUE(authz_->Authorize(At(yamada_, "t-home", false), payroll_, Operation::kRead, "payroll")
                  .allowed);

  // Designated terminals replace the controlled-area rule for that dataset.
  auto req =
      admin_->RequestTerminals(As(sato_), "employee_my_number", {"t-mynumber-1"}, "専用端末");
  ASSERT_TRUE(req.has_value()) << req.error().ToString();
  ApproveAndConfigure(req->id);
  EXPECT_TRUE(authz_
                  ->Authorize(At(yamada_, "t-mynumber-1", false), employees_, Operation::kRead,
                              "withholding")
                  .allowed);
  EXPECT_EQ(
      authz_->Authorize(At(yamada_, "t-office", true), employees_, Operation::kRead, "withholding")
          .code,
      kC3Terminal);
  auto restrict_payroll = admin_->RequestTerminals(As(sato_), "payroll", {"t-payroll"}, "経理端末");
  ASSERT_TRUE(restrict_payroll.has_value());
  ApproveAndConfigure(restrict_payroll->id);
  EXPECT_EQ(
      authz_->Authorize(At(yamada_, "t-home", false), payroll_, Operation::kRead, "payroll").code,
      kTerminalNotDesignated);
  EXPECT_TRUE(
      authz_->Authorize(At(yamada_, "t-payroll", false), payroll_, Operation::kRead, "payroll")
          .allowed);
  // An empty list removes the designation.
  auto lift = admin_->RequestTerminals(As(sato_), "payroll", {}, "制限解除");
  ASSERT_TRUE(lift.has_value());
  ApproveAndConfigure(lift->id);
  EXPECT_TRUE(authz_->Authorize(At(yamada_, "t-home", false), payroll_, Operation::kRead, "payroll")
                  .allowed);
}

// An application has no terminal of its own: even when its connection
// resolves to a terminal in the controlled area (a certificate registered to
// both before the registries refused it), it is outside, and it reaches
// confidentiality-3 data only when a designation made through the register
// names its host (ServiceHost).
TEST_F(PolicyTest, AnApplicationIsInTheControlledAreaOnlyWhenDesignated) {
  GrantVia(HandlerRead());
  GrantVia(HandlerRead("payroll", "payroll"));
  // The applications are designated holders of the My Number grant too.
  Right apps = HandlerRead();
  apps.persons = {"payroll-app", "tax-app"};
  GrantVia(apps);
  identity::Principal app;
  app.kind = identity::PrincipalKind::kService;
  app.id = "payroll-app";
  app.display_name = "給与システム";
  app.roles = {"handler"};
  app.terminal = {"t-office", "ab12", true};
  dir_.holders["handler"].insert({"payroll-app", "tax-app"});
  Decision c3 = authz_->Authorize(app, employees_, Operation::kRead, "withholding");
  EXPECT_EQ(c3.code, kC3Terminal);
  EXPECT_EQ(c3.subject, "service:payroll-app");
  // C2 data without a designation is not restricted by terminal.
  EXPECT_TRUE(authz_->Authorize(app, payroll_, Operation::kRead, "payroll").allowed);

  auto req = admin_->RequestTerminals(As(sato_), "employee_my_number",
                                      {"t-office", ServiceHost("payroll-app")}, "給与システム");
  ASSERT_TRUE(req.has_value()) << req.error().ToString();
  ApproveAndConfigure(req->id);
  EXPECT_TRUE(authz_->Authorize(app, employees_, Operation::kRead, "withholding").allowed);
  EXPECT_TRUE(
      authz_->Authorize(At(yamada_, "t-office", true), employees_, Operation::kRead, "withholding")
          .allowed);
  // Another application, and a person at a terminal named like the host,
  // are not the designated host.
  identity::Principal other = app;
  other.id = "tax-app";
  EXPECT_EQ(authz_->Authorize(other, employees_, Operation::kRead, "withholding").code,
            kC3Terminal);
  EXPECT_EQ(authz_
                ->Authorize(At(yamada_, ServiceHost("payroll-app"), true), employees_,
                            Operation::kRead, "withholding")
                .code,
            kC3Terminal);
}

TEST_F(PolicyTest, NoCopyRefusesExportWhateverIsGranted) {
  Right exp = HandlerRead();
  exp.operation = Operation::kExport;
  GrantVia(exp);
  Decision d = authz_->Authorize(yamada_, employees_, Operation::kExport, "withholding");
  EXPECT_EQ(d.code, kHandlingNoCopy);
  EXPECT_EQ(d.ToStatus().code(), Code::kPermissionDenied);
  // Reading single records stays a matter of grants.
  EXPECT_EQ(authz_->Authorize(yamada_, employees_, Operation::kRead, "withholding").code, kNoGrant);
  Right payroll_export = HandlerRead("payroll", "payroll");
  payroll_export.operation = Operation::kExport;
  GrantVia(payroll_export);
  EXPECT_TRUE(authz_->Authorize(yamada_, payroll_, Operation::kExport, "payroll").allowed);
}

TEST_F(PolicyTest, WildcardDatasetCoversTheCategoryOnly) {
  Right all = HandlerRead();
  all.dataset = "*";
  GrantVia(all);
  EXPECT_TRUE(authz_->Authorize(yamada_, employees_, Operation::kRead, "withholding").allowed);
  engine::DatasetDef other = employees_;
  other.name = "dependents_my_number";
  EXPECT_TRUE(authz_->Authorize(yamada_, other, Operation::kRead, "withholding").allowed);
  other.category = "personal_information";
  EXPECT_EQ(authz_->Authorize(yamada_, other, Operation::kRead, "withholding").code, kNoGrant);
}

TEST_F(PolicyTest, AdministerNeedsAGrantButNoPurpose) {
  Right adm;
  adm.role = "section_manager";
  adm.category = "personal_information";
  adm.dataset = "payroll";
  adm.operation = Operation::kAdminister;
  // A non-admin may request a right for a role they hold: two others decide.
  GrantVia(adm);
  EXPECT_TRUE(authz_->Authorize(sato_, payroll_, Operation::kAdminister, "").allowed);
  EXPECT_TRUE(authz_->Authorize(sato_, payroll_, Operation::kAdminister, "anything").allowed);
  Right with_purpose = adm;
  with_purpose.purpose = "payroll";
  auto bad = admin_->RequestGrant(As(sato_), with_purpose, "目的付き");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().subject(), "purpose");
}

TEST_F(PolicyTest, ChangeAndRemovalGoThroughTheSameFlow) {
  const std::string id = GrantVia(HandlerRead("payroll", "payroll"));
  auto change =
      admin_->RequestChange(As(sato_), id, HandlerRead("payroll", "year_end"), "年末調整へ");
  ASSERT_TRUE(change.has_value()) << change.error().ToString();
  ASSERT_TRUE(change->previous.has_value());
  EXPECT_EQ(change->previous->purpose, "payroll");
  // Requested but not configured: the old right holds.
  EXPECT_TRUE(authz_->Authorize(yamada_, payroll_, Operation::kRead, "payroll").allowed);
  ApproveAndConfigure(change->id);
  EXPECT_EQ(authz_->Authorize(yamada_, payroll_, Operation::kRead, "payroll").code, kNoGrant);
  EXPECT_TRUE(authz_->Authorize(yamada_, payroll_, Operation::kRead, "year_end").allowed);

  auto removal = admin_->RequestRemoval(As(sato_), id, "担当解除");
  ASSERT_TRUE(removal.has_value()) << removal.error().ToString();
  EXPECT_TRUE(authz_->Authorize(yamada_, payroll_, Operation::kRead, "year_end").allowed);
  ApproveAndConfigure(removal->id);
  EXPECT_EQ(authz_->Authorize(yamada_, payroll_, Operation::kRead, "year_end").code, kNoGrant);
  auto again = admin_->RequestRemoval(As(sato_), id, "二重");
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().subject(), kGrantInactive);
}

TEST_F(PolicyTest, ExpiredGrantsNoLongerAllow) {
  Right temp = HandlerRead("payroll", "payroll");
  temp.expires = kT0 + 10 * kDay;
  GrantVia(temp);
  EXPECT_TRUE(
      authz_->Authorize(yamada_, payroll_, Operation::kRead, "payroll", kT0 + kDay).allowed);
  EXPECT_EQ(authz_->Authorize(yamada_, payroll_, Operation::kRead, "payroll", kT0 + 10 * kDay).code,
            kGrantExpired);
}

TEST_F(PolicyTest, DecisionsRunConcurrentlyWithChanges) {
  // Readers share snapshots while a grant is configured and removed; every
  // answer is one of the two consistent ones.
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!stop) {
        Decision d = authz_->Authorize(yamada_, payroll_, Operation::kRead, "payroll");
        if (!d.allowed && d.code != kNoGrant) ++bad;
      }
    });
  }
  const std::string id = GrantVia(HandlerRead("payroll", "payroll"));
  auto removal = admin_->RequestRemoval(As(sato_), id, "解除");
  ASSERT_TRUE(removal.has_value());
  ApproveAndConfigure(removal->id);
  stop = true;
  for (auto& r : readers) r.join();
  EXPECT_EQ(bad, 0);
  EXPECT_EQ(authz_->Authorize(yamada_, payroll_, Operation::kRead, "payroll").code, kNoGrant);
}

TEST_F(PolicyTest, RecordedRefusalsAreAuditedWithoutValues) {
  const Principal home = At(yamada_, "t-home", false);
  Decision d = authz_->Authorize(home, employees_, Operation::kRead, "山田 太郎");
  ASSERT_FALSE(d.allowed);
  ASSERT_TRUE(authz_->RecordRefusal(As(home), employees_, Operation::kRead, "山田 太郎", d).ok());
  auto events = EventsOf("policy.authorize");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].actor, "yamada");
  EXPECT_EQ(events[0].terminal, "t-home");
  EXPECT_EQ(events[0].dataset, "employee_my_number");
  EXPECT_EQ(events[0].result, "refused");
  EXPECT_EQ(events[0].code, "permission_denied");
  EXPECT_EQ(events[0].reason, "policy.purpose_not_registered");
  EXPECT_EQ(events[0].attrs.at("operation"), "read");
  EXPECT_EQ(audit::CanonicalJson(events[0]).find("山田"), std::string::npos);
  Decision allowed;
  allowed.allowed = true;
  EXPECT_FALSE(
      authz_->RecordRefusal(As(home), employees_, Operation::kRead, "withholding", allowed).ok());
}

// Stored policy records that do not parse: the error names what failed,
// never the stored bytes (here in a member name, and in a row's key).
TEST_F(PolicyTest, StoredRecordsThatDoNotParseQuoteNoneOfTheirBytes) {
  const std::string secret = "山田太郎123456789018";
  auto load = [&]() {
    Status out;
    EXPECT_TRUE(engine_->data_store()
                    .View([&](store::ReadTxn& txn) -> Status {
                      out = StatusOf(LoadSnapshot(txn));
                      return Status::Ok();
                    })
                    .ok());
    return out;
  };
  auto put = [&](const std::string& key, const std::string& value) {
    ASSERT_TRUE(engine_->data_store()
                    .Update([&](store::WriteTxn& txn) { return txn.Put(key, value); })
                    .ok());
  };
  auto del = [&](const std::string& key) {
    ASSERT_TRUE(
        engine_->data_store().Update([&](store::WriteTxn& txn) { return txn.Delete(key); }).ok());
  };
  const std::string unknown_member = keyspace::Grant("g99999999");
  put(unknown_member, nlohmann::json({{"id", "g99999999"}, {secret, 1}}).dump());
  Status s = load();
  EXPECT_EQ(s.code(), Code::kDataLoss);
  EXPECT_EQ(s.ToString().find("山田"), std::string::npos) << s.ToString();
  EXPECT_EQ(s.message_ja().find("山田"), std::string::npos);
  del(unknown_member);
  const std::string bad_key = keyspace::Grant(secret);
  put(bad_key, "{\"" + secret);
  s = load();
  EXPECT_EQ(s.code(), Code::kDataLoss);
  EXPECT_EQ(s.ToString().find("山田"), std::string::npos) << s.ToString();
  EXPECT_EQ(s.ToString().find("123456789018"), std::string::npos) << s.ToString();
  del(bad_key);
  EXPECT_TRUE(load().ok());
}

}  // namespace
}  // namespace mamori::policy
