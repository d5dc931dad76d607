// The rights register on the approval engine: every request opens an
// approval of type "rights", and the approve, reject and withdraw steps
// decide or cancel it in the register's own transaction.
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
