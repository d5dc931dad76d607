// The rights register on the approval engine: every request opens an
// approval of type "rights", and the approve, reject and withdraw steps
// decide or cancel it in the register's own transaction.
#include <map>

#include "approval/approvals.h"
#include "policy/policy_fixture.h"

namespace mamori::policy {
namespace {

class RightsApprovalTest : public PolicyTest {
 protected:
  approval::Request ApprovalOf(const ChangeRequest& req) {
    auto a = approvals().Get(req.approval);
    EXPECT_TRUE(a.has_value()) << req.approval;
    return a ? *a : approval::Request{};
  }
  // An engine over the same store, as the server's would be.
  approval::Approvals& approvals() {
    if (!approvals_) {
      approvals_ = std::make_unique<approval::Approvals>(engine_->data_store(), nullptr);
      EXPECT_TRUE(approvals_->Register(RightsFlow()).ok());
    }
    return *approvals_;
  }
  std::unique_ptr<approval::Approvals> approvals_;
};

TEST_F(RightsApprovalTest, ARequestOpensAnApprovalInTheSameTransaction) {
  auto req = admin_->RequestGrant(As(sato_), HandlerRead(), "担当者の指定");
  ASSERT_TRUE(req.has_value()) << req.error().ToString();
  ASSERT_FALSE(req->approval.empty());
  approval::Request a = ApprovalOf(*req);
  EXPECT_EQ(a.type, "rights");
  EXPECT_EQ(a.subject, req->id);
  EXPECT_EQ(a.action, "grant");
  EXPECT_EQ(a.applicant, "sato");
  EXPECT_EQ(a.state, approval::State::kPending);
  auto events = EventsOf("policy.request");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].attrs["approval"], req->approval);
  // The stored request keeps the link.
  EXPECT_EQ(admin_->Get(req->id)->approval, req->approval);
}

TEST_F(RightsApprovalTest, ApprovingDecidesTheApproval) {
  auto req = admin_->RequestGrant(As(sato_), HandlerRead(), "担当者の指定");
  ASSERT_TRUE(req.has_value());
  auto approved = admin_->Approve(As(suzuki_, kT0 + 1), req->id);
  ASSERT_TRUE(approved.has_value()) << approved.error().ToString();
  approval::Request a = ApprovalOf(*req);
  EXPECT_EQ(a.state, approval::State::kApproved);
  ASSERT_EQ(a.decisions.size(), 1u);
  EXPECT_EQ(a.decisions[0].by, "suzuki");
  EXPECT_EQ(a.decisions[0].at, kT0 + 1);
  EXPECT_EQ(EventsOf("policy.approve")[0].attrs["approval"], req->approval);
}

TEST_F(RightsApprovalTest, RefusedApprovalLeavesTheApprovalPending) {
  auto req = admin_->RequestGrant(As(suzuki_), HandlerRead(), "自分で申請");
  ASSERT_TRUE(req.has_value());
  auto self = admin_->Approve(As(suzuki_), req->id);
  ASSERT_FALSE(self.has_value());
  EXPECT_EQ(self.error().subject(), kSodSelfApproval);
  EXPECT_EQ(ApprovalOf(*req).state, approval::State::kPending);
  EXPECT_TRUE(ApprovalOf(*req).decisions.empty());
  // Nor can the engine's own route approve it for the applicant.
  approval::Caller as_suzuki{suzuki_, "r", kT0};
  auto direct = approvals().Decide(as_suzuki, req->approval, true);
  ASSERT_FALSE(direct.has_value());
  EXPECT_EQ(direct.error().subject(), approval::kSelfApproval);
}

TEST_F(RightsApprovalTest, RejectingAndWithdrawingCloseTheApproval) {
  auto one = admin_->RequestGrant(As(sato_), HandlerRead(), "申請");
  ASSERT_TRUE(one.has_value());
  ASSERT_TRUE(admin_->Reject(As(suzuki_), one->id, "不要").has_value());
  EXPECT_EQ(ApprovalOf(*one).state, approval::State::kRejected);
  auto two = admin_->RequestGrant(As(sato_), HandlerRead("payroll", "payroll"), "申請");
  ASSERT_TRUE(two.has_value()) << two.error().ToString();
  ASSERT_TRUE(admin_->Withdraw(As(sato_), two->id, "取下げ").has_value());
  EXPECT_EQ(ApprovalOf(*two).state, approval::State::kCancelled);
}

TEST_F(RightsApprovalTest, AnApproverListsRightsRequestsAmongTheirPendingApprovals) {
  auto req = admin_->RequestGrant(As(sato_), HandlerRead(), "申請");
  ASSERT_TRUE(req.has_value());
  approval::Caller as_suzuki{suzuki_, "r", kT0};
  auto pending = approvals().PendingFor(as_suzuki);
  ASSERT_TRUE(pending.has_value());
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].subject, req->id);
  approval::Caller as_yamada{yamada_, "r", kT0};
  EXPECT_TRUE(approvals().PendingFor(as_yamada)->empty());
}

TEST_F(RightsApprovalTest, ARequestStoredBeforeTheEngineKeepsItsSteps) {
  auto req = admin_->RequestGrant(As(sato_), HandlerRead(), "申請");
  ASSERT_TRUE(req.has_value());
  // The same request as an older version stored it: no approval member.
  ChangeRequest old = *req;
  old.approval.clear();
  ASSERT_TRUE(engine_->data_store()
                  .Update([&](store::WriteTxn& txn) -> Status {
                    return txn.Put("pol/r/" + old.id, ChangeToJson(old).dump());
                  })
                  .ok());
  auto approved = admin_->Approve(As(suzuki_, kT0 + 1), req->id);
  ASSERT_TRUE(approved.has_value()) << approved.error().ToString();
  EXPECT_EQ(approved->state, ChangeState::kApproved);
  EXPECT_TRUE(approved->approval.empty());
}

}  // namespace
}  // namespace mamori::policy

namespace mamori::policy {
namespace {

// Use applications (利用申請): a grant for named persons until an expiry,
// approved by the section manager of the applicant's department.
class UseApplicationTest : public PolicyTest {
 protected:
  void SetUp() override {
    PolicyTest::SetUp();
    // 総務課's section manager is sato (fixture); 経理課 gets its own.
    watanabe_ = Person("watanabe", {"section_manager"}, "経理課");
  }
  Right Use(TimeMicros expires = kT0 + 30 * kDay) {
    Right r = HandlerRead();
    r.persons = {"yamada"};
    r.expires = expires;
    return r;
  }
  identity::Principal watanabe_;
};

TEST_F(UseApplicationTest, TheSectionManagerApprovesAndTheGrantEndsByItself) {
  // yamada (総務課) applies for himself.
  auto req = admin_->RequestUse(As(yamada_), Use(), "源泉徴収の繁忙期");
  ASSERT_TRUE(req.has_value()) << req.error().ToString();
  EXPECT_TRUE(req->use);
  EXPECT_EQ(req->kind, ChangeKind::kGrant);
  // The department officer is a manager, but not the stage's approver.
  auto officer = admin_->Approve(As(suzuki_, kT0 + 1), req->id);
  ASSERT_FALSE(officer.has_value());
  EXPECT_EQ(officer.error().subject(), approval::kNotApprover);
  // Nor the section manager of another department.
  auto other = admin_->Approve(As(watanabe_, kT0 + 1), req->id);
  ASSERT_FALSE(other.has_value());
  EXPECT_EQ(other.error().subject(), approval::kNotApprover);
  EXPECT_EQ(admin_->Get(req->id)->state, ChangeState::kRequested);
  auto approved = admin_->Approve(As(sato_, kT0 + 2), req->id);
  ASSERT_TRUE(approved.has_value()) << approved.error().ToString();
  auto configured = admin_->Configure(As(admin1_, kT0 + 3), req->id);
  ASSERT_TRUE(configured.has_value()) << configured.error().ToString();
  // In force until expires, checked at every authorisation.
  EXPECT_TRUE(
      authz_->Authorize(yamada_, employees_, Operation::kRead, "withholding", kT0 + kDay).allowed);
  EXPECT_TRUE(
      authz_->Authorize(yamada_, employees_, Operation::kRead, "withholding", kT0 + 30 * kDay - 1)
          .allowed);
  EXPECT_FALSE(
      authz_->Authorize(yamada_, employees_, Operation::kRead, "withholding", kT0 + 30 * kDay)
          .allowed);
  // Only the named person: kato holds the role too.
  EXPECT_FALSE(
      authz_->Authorize(kato_, employees_, Operation::kRead, "withholding", kT0 + kDay).allowed);
}

// The fixture's people as the approval engine sees them, for escalation.
class FixturePeople : public approval::People {
 public:
  explicit FixturePeople(const FakeDirectory& dir) : dir_(dir) {}
  Result<std::vector<approval::Person>> All() const override {
    std::map<std::string, approval::Person> people;
    for (const auto& [role, ids] : dir_.holders) {
      for (const auto& id : ids) {
        auto& p = people[id];
        p.id = id;
        p.roles.push_back(role);
      }
    }
    std::vector<approval::Person> out;
    for (auto& [id, p] : people) {
      auto d = dir_.departments.find(id);
      if (d != dir_.departments.end()) p.department = d->second;
      auto m = dir_.managers.find(id);
      if (m != dir_.managers.end()) p.manager = m->second;
      out.push_back(p);
    }
    return out;
  }

 private:
  const FakeDirectory& dir_;
};

TEST_F(UseApplicationTest, TheSectionManagersOwnApplicationGoesToTheirSuperior) {
  FixturePeople people(dir_);
  approval::Approvals approvals(engine_->data_store(), &people);
  ASSERT_TRUE(admin_->SetApprovals(&approvals).ok());
  Right r = Use();
  r.persons = {"yamada"};
  auto req = admin_->RequestUse(As(sato_), r, "担当者の応援");
  ASSERT_TRUE(req.has_value()) << req.error().ToString();
  // suzuki is sato's superior: he approves in sato's place.
  // Another manager is still not the approver.
  auto other = admin_->Approve(As(watanabe_, kT0 + 1), req->id);
  ASSERT_FALSE(other.has_value());
  EXPECT_EQ(other.error().subject(), approval::kNotApprover);
  auto approved = admin_->Approve(As(suzuki_, kT0 + 1), req->id);
  ASSERT_TRUE(approved.has_value()) << approved.error().ToString();
  auto a = approvals.Get(req->approval);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->decisions[0].escalated_from, "sato");
}

TEST_F(UseApplicationTest, AUseApplicationNamesPersonsAnEndAndAUse) {
  Right no_one = Use();
  no_one.persons.clear();
  no_one.department = "総務課";
  auto r = admin_->RequestUse(As(yamada_), no_one, "x");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().subject(), "persons");
  r = admin_->RequestUse(As(yamada_), Use(0), "x");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().subject(), "expires");
  r = admin_->RequestUse(As(yamada_), Use(kT0 + 400 * kDay), "x");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().subject(), "expires");
  Right shred = Use();
  shred.operation = Operation::kShred;
  shred.purpose.clear();
  shred.unmask = false;
  r = admin_->RequestUse(As(yamada_), shred, "x");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().subject(), "operation");
  // Every refusal audited, nothing requested.
  auto events = EventsOf("policy.request");
  ASSERT_EQ(events.size(), 4u);
  for (const auto& e : events) EXPECT_EQ(e.result, "refused");
  EXPECT_TRUE(admin_->OpenRequests()->empty());
}

}  // namespace
}  // namespace mamori::policy
