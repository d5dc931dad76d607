// Segregation of duties in the grant flow: every violation is refused,
// audited, and changes nothing; a person holding several roles is one person.
#include "policy/policy_fixture.h"
#include "policy/system_rights.h"

namespace mamori::policy {
namespace {

using identity::Principal;

class SeparationTest : public PolicyTest {
 protected:
  // A refused step: the reason code, the audited refusal, nothing granted.
  void ExpectRefused(const Result<ChangeRequest>& r, std::string_view code, const std::string& op,
                     const std::string& actor) {
    ASSERT_FALSE(r.has_value()) << "expected " << code;
    EXPECT_EQ(r.error().subject(), code) << r.error().ToString();
    EXPECT_FALSE(r.error().message_ja().empty());
    const audit::Event ev = LastEvent();
    EXPECT_EQ(ev.operation, op);
    EXPECT_EQ(ev.actor, actor);
    EXPECT_EQ(ev.result, "refused");
    EXPECT_EQ(ev.reason, code);
    EXPECT_EQ(CountKeys("pol/g/"), grants_before_);
  }
  void SetUp() override {
    PolicyTest::SetUp();
    grants_before_ = CountKeys("pol/g/");
  }
  size_t grants_before_ = 0;
};

TEST_F(SeparationTest, NobodyApprovesTheirOwnRequest) {
  auto req = admin_->RequestGrant(As(suzuki_), HandlerRead(), "自分で申請");
  ASSERT_TRUE(req.has_value());
  ExpectRefused(admin_->Approve(As(suzuki_), req->id), kSodSelfApproval, "policy.approve",
                "suzuki");
  EXPECT_EQ(admin_->Get(req->id)->state, ChangeState::kRequested);
}

TEST_F(SeparationTest, ApproverDoesNotConfigure) {
  // One person who is both an approver and an administrator.
  const Principal both = Person("ito", {"section_manager", "admin"}, "総務課");
  auto req = admin_->RequestGrant(As(sato_), HandlerRead(), "申請");
  ASSERT_TRUE(req.has_value());
  ASSERT_TRUE(admin_->Approve(As(both), req->id).has_value());
  ExpectRefused(admin_->Configure(As(both), req->id), kSodApproverConfigures, "policy.configure",
                "ito");
  EXPECT_EQ(admin_->Get(req->id)->state, ChangeState::kApproved);
  EXPECT_FALSE(authz_->Authorize(yamada_, employees_, Operation::kRead, "withholding").allowed);
  // A third person completes it.
  ASSERT_TRUE(admin_->Configure(As(admin1_), req->id).has_value());
  EXPECT_TRUE(authz_->Authorize(yamada_, employees_, Operation::kRead, "withholding").allowed);
}

TEST_F(SeparationTest, RequesterDoesNotConfigure) {
  auto req = admin_->RequestGrant(As(admin1_), HandlerRead(), "管理者による申請");
  ASSERT_TRUE(req.has_value()) << req.error().ToString();
  ASSERT_TRUE(admin_->Approve(As(suzuki_), req->id).has_value());
  ExpectRefused(admin_->Configure(As(admin1_), req->id), kSodRequesterConfigures,
                "policy.configure", "admin1");
  ASSERT_TRUE(admin_->Configure(As(admin2_), req->id).has_value());
}

TEST_F(SeparationTest, AnAdministratorCannotGrantThemselvesAccess) {
  // admin9 also holds handler: no step of a handler grant may be theirs.
  const Principal admin_handler = Person("admin9", {"admin", "handler"}, "情報システム課");
  ExpectRefused(admin_->RequestGrant(As(admin_handler), HandlerRead(), "自分に"),
                kSodAdminSelfGrant, "policy.request", "admin9");
  auto req = admin_->RequestGrant(As(sato_), HandlerRead(), "申請");
  ASSERT_TRUE(req.has_value());
  ASSERT_TRUE(admin_->Approve(As(suzuki_), req->id).has_value());
  ExpectRefused(admin_->Configure(As(admin_handler), req->id), kSodAdminSelfGrant,
                "policy.configure", "admin9");
  // An approver who is also an admin holding the role.
  const Principal boss = Person("boss", {"ciso", "admin", "handler"}, "本部");
  auto req2 = admin_->RequestGrant(As(sato_), HandlerRead("payroll", "payroll"), "申請");
  ASSERT_TRUE(req2.has_value());
  ExpectRefused(admin_->Approve(As(boss), req2->id), kSodAdminSelfGrant, "policy.approve", "boss");
  // A change towards the admin's role is refused the same way.
  const std::string id = GrantVia(HandlerRead("payroll", "year_end"));
  Right to_admin = HandlerRead("payroll", "year_end");
  to_admin.role = "admin";
  auto change = admin_->RequestChange(As(sato_), id, to_admin, "管理者へ");
  ASSERT_TRUE(change.has_value());
  ASSERT_TRUE(admin_->Approve(As(suzuki_), change->id).has_value());
  auto refused = admin_->Configure(As(admin1_), change->id);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().subject(), kSodAdminSelfGrant);
}

TEST_F(SeparationTest, OnePersonWithSeveralRolesIsStillOnePerson) {
  // Requester, approver and configurer roles in one person: whichever role
  // they act in, every second step is refused.
  const Principal all =
      Person("omni", {"section_manager", "department_officer", "admin"}, "総務部");
  auto req = admin_->RequestGrant(As(all), HandlerRead(), "全部自分で");
  ASSERT_TRUE(req.has_value());
  ExpectRefused(admin_->Approve(As(all), req->id), kSodSelfApproval, "policy.approve", "omni");
  // Same id in another session, with another terminal and one role only.
  Principal again = all;
  again.roles = {"department_officer"};
  again.session_id = "other";
  again.terminal = {"t-other", "", true};
  ExpectRefused(admin_->Approve(As(again), req->id), kSodSelfApproval, "policy.approve", "omni");
  ASSERT_TRUE(admin_->Approve(As(suzuki_), req->id).has_value());
  ExpectRefused(admin_->Configure(As(all), req->id), kSodRequesterConfigures, "policy.configure",
                "omni");
}

TEST_F(SeparationTest, ApproverAndConfigurerNeedTheirRoles) {
  auto req = admin_->RequestGrant(As(sato_), HandlerRead(), "申請");
  ASSERT_TRUE(req.has_value());
  ExpectRefused(admin_->Approve(As(kato_), req->id), kSodNotApprover, "policy.approve", "kato");
  ExpectRefused(admin_->Configure(As(kato_), req->id), kNotOpen, "policy.configure", "kato");
  ASSERT_TRUE(admin_->Approve(As(suzuki_), req->id).has_value());
  ExpectRefused(admin_->Configure(As(kato_), req->id), kSodNotConfigurer, "policy.configure",
                "kato");
}

// Regression: the 個人信用情報管理責任者 and the deputy CISO are managers
// the system rights table lets approve; the flow refused them. Every role
// the table lets approve or decide reviews is accepted as an approver.
TEST_F(SeparationTest, EveryRoleTheRightsTableLetsApproveIsAnApprover) {
  for (const std::string role : {"credit_info_director", "deputy_ciso"}) {
    SCOPED_TRACE(role);
    const Principal manager = Person("m-" + role, {role}, "経営企画部");
    auto req = admin_->RequestGrant(As(sato_), HandlerRead("payroll", "payroll"), "申請");
    ASSERT_TRUE(req.has_value()) << req.error().ToString();
    auto approved = admin_->Approve(As(manager), req->id);
    ASSERT_TRUE(approved.has_value()) << approved.error().ToString();
    ASSERT_TRUE(admin_->Withdraw(As(sato_), req->id, "試験").has_value());
  }
  for (const char* op : {"rights.approve", "rights.reject", "review.decide"}) {
    const SystemRule* rule = FindSystemRule(op);
    ASSERT_NE(rule, nullptr) << op;
    for (std::string_view role : rule->roles) {
      Principal p = sato_;
      p.roles = {std::string(role)};
      EXPECT_TRUE(HoldsApproverRole(p)) << op << " lists " << role;
    }
  }
}

TEST_F(SeparationTest, OnlyPeopleAct) {
  Principal service = admin1_;
  service.kind = identity::PrincipalKind::kService;
  service.id = "payroll-app";
  ExpectRefused(admin_->RequestGrant(As(service), HandlerRead(), "アプリから"), kSodNotPerson,
                "policy.request", "payroll-app");
  auto req = admin_->RequestGrant(As(sato_), HandlerRead(), "申請");
  ASSERT_TRUE(req.has_value());
  Principal os = suzuki_;
  os.kind = identity::PrincipalKind::kLocalOperator;
  os.id = "os:suzuki";
  ExpectRefused(admin_->Approve(As(os), req->id), kSodNotPerson, "policy.approve", "os:suzuki");
}

TEST_F(SeparationTest, StaleAndDuplicateRequestsAreRefused) {
  const std::string id = GrantVia(HandlerRead("payroll", "payroll"));
  grants_before_ = CountKeys("pol/g/");
  ExpectRefused(admin_->RequestGrant(As(sato_), HandlerRead("payroll", "payroll"), "重複"),
                kDuplicateGrant, "policy.request", "sato");
  auto first = admin_->RequestChange(As(sato_), id, HandlerRead("payroll", "year_end"), "変更1");
  auto second =
      admin_->RequestChange(As(sato_), id, HandlerRead("payroll", "payroll", true), "変更2");
  ASSERT_TRUE(first.has_value() && second.has_value());
  ApproveAndConfigure(first->id);
  ASSERT_TRUE(admin_->Approve(As(suzuki_), second->id).has_value());
  auto stale = admin_->Configure(As(admin1_), second->id);
  ASSERT_FALSE(stale.has_value());
  EXPECT_EQ(stale.error().subject(), kStaleRequest);
  EXPECT_EQ(admin_->Get(second->id)->state, ChangeState::kApproved);
}

TEST_F(SeparationTest, RejectWithdrawAndClosedRequests) {
  auto req = admin_->RequestGrant(As(sato_), HandlerRead(), "申請");
  ASSERT_TRUE(req.has_value());
  ExpectRefused(admin_->Reject(As(sato_), req->id, "自分で却下"), kSodSelfApproval, "policy.reject",
                "sato");
  auto rejected = admin_->Reject(As(suzuki_), req->id, "必要性が不明");
  ASSERT_TRUE(rejected.has_value()) << rejected.error().ToString();
  EXPECT_EQ(rejected->state, ChangeState::kRejected);
  EXPECT_EQ(rejected->closed.by, "suzuki");
  ExpectRefused(admin_->Approve(As(suzuki_), req->id), kNotOpen, "policy.approve", "suzuki");

  auto req2 = admin_->RequestGrant(As(sato_), HandlerRead(), "申請2");
  ASSERT_TRUE(req2.has_value());
  ExpectRefused(admin_->Withdraw(As(suzuki_), req2->id, "他人が取下げ"), kNotRequester,
                "policy.withdraw", "suzuki");
  ASSERT_TRUE(admin_->Withdraw(As(sato_), req2->id, "不要になった").has_value());
  EXPECT_TRUE(admin_->OpenRequests()->empty());
}

TEST_F(SeparationTest, BadInputIsRefusedAndAudited) {
  Right wildcard_purpose = HandlerRead();
  wildcard_purpose.purpose = "*";
  ExpectRefused(admin_->RequestGrant(As(sato_), wildcard_purpose, "全目的"), "purpose",
                "policy.request", "sato");
  ExpectRefused(admin_->RequestGrant(As(sato_), HandlerRead(), ""), "reason", "policy.request",
                "sato");
  ExpectRefused(admin_->Approve(As(suzuki_), "R99999999"), "request", "policy.approve", "suzuki");
  EXPECT_EQ(LastEvent().code, "not_found");
  ExpectRefused(admin_->RequestTerminals(As(sato_), "payroll", {"bad id"}, "端末"), "terminals",
                "policy.request", "sato");
  // What a caller typed where an id belongs never reaches the log: the
  // refusal's event names the member, not the text.
  EXPECT_EQ(audit::CanonicalJson(LastEvent()).find("bad id"), std::string::npos);
  MaskScope both;
  both.type = engine::FieldType::kName;
  both.dataset = "payroll";
  both.field = "name";
  ExpectRefused(admin_->RequestMaskRule(As(sato_), both, MaskRule{}, "両方"), "scope",
                "policy.request", "sato");
}

}  // namespace
}  // namespace mamori::policy
