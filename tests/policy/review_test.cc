// Review campaigns: items per holder and right assigned to managers,
// confirm, revoke (effective at once, in the register), overdue items, and
// person reviews on a position change or leave.
#include "policy/policy_fixture.h"

namespace mamori::policy {
namespace {

using identity::Principal;

class ReviewTest : public PolicyTest {
 protected:
  void SetUp() override {
    PolicyTest::SetUp();
    mynumber_ = GrantVia(HandlerRead());
    payroll_grant_ = GrantVia(HandlerRead("payroll", "payroll"));
  }
  std::vector<ReviewItem> ItemsOf(const std::string& campaign, const std::string& person = {}) {
    ItemFilter f;
    f.campaign = campaign;
    f.person = person;
    auto items = reviews_->Items(f);
    EXPECT_TRUE(items.has_value()) << items.error().ToString();
    return items.value_or(std::vector<ReviewItem>{});
  }
  const ReviewItem* Find(const std::vector<ReviewItem>& items, const std::string& person,
                         const std::string& grant) {
    for (const auto& i : items) {
      if (i.person == person && i.grant == grant) return &i;
    }
    return nullptr;
  }
  std::string mynumber_, payroll_grant_;
};

TEST_F(ReviewTest, CampaignListsEachHoldersRightsForTheirManager) {
  auto c = reviews_->Start(As(suzuki_, kT0 + kDay), {"2026年度 定期見直し", "", kT0 + 15 * kDay});
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  // yamada and kato × two handler grants, and the four who hold a role with
  // system rights (sato, suzuki, admin1, admin2): holding it is a right.
  EXPECT_EQ(c->items, 8u);
  EXPECT_EQ(c->pending, 8u);
  const auto items = ItemsOf(c->id);
  ASSERT_EQ(items.size(), 8u);
  size_t memberships = 0;
  for (const auto& i : items) {
    if (!i.Membership()) continue;
    ++memberships;
    EXPECT_TRUE(i.grant.empty());
    EXPECT_TRUE(i.person == "sato" ? i.role == "section_manager"
                : i.person == "suzuki" ? i.role == "department_officer"
                                       : i.role == "admin")
        << i.person << " " << i.role;
  }
  EXPECT_EQ(memberships, 4u);
  const ReviewItem* y = Find(items, "yamada", mynumber_);
  const ReviewItem* k = Find(items, "kato", mynumber_);
  ASSERT_TRUE(y && k);
  EXPECT_EQ(y->reviewer, "sato");
  EXPECT_EQ(k->reviewer, "suzuki");
  EXPECT_EQ(y->right.dataset, "employee_my_number");
  ItemFilter mine;
  mine.reviewer = "sato";
  EXPECT_EQ(reviews_->Items(mine)->size(), 2u);

  // Only the assigned manager decides; nobody decides on their own rights.
  auto wrong = reviews_->Confirm(As(suzuki_), c->id, y->id);
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().subject(), kNotReviewer);
  EXPECT_EQ(LastEvent().operation, "policy.review.confirm");
  EXPECT_EQ(LastEvent().result, "refused");
  Principal self_reviewing = yamada_;
  dir_.managers["yamada"] = "yamada";
  auto c_self = reviews_->Start(As(suzuki_, kT0 + kDay), {"自己", "", kT0 + 15 * kDay});
  ASSERT_TRUE(c_self.has_value());
  const auto self_items = ItemsOf(c_self->id);
  const ReviewItem* own = Find(self_items, "yamada", mynumber_);
  ASSERT_TRUE(own);
  EXPECT_EQ(own->reviewer, "");  // a self-manager gets no reviewer
  auto refused = reviews_->Confirm(As(self_reviewing), c_self->id, own->id);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().subject(), kOwnReview);
  // Unassigned: any holder of an approving role but the person.
  ASSERT_TRUE(reviews_->Confirm(As(sato_), c_self->id, own->id).has_value());

  auto confirmed = reviews_->Confirm(As(sato_, kT0 + 2 * kDay), c->id, y->id, "継続");
  ASSERT_TRUE(confirmed.has_value()) << confirmed.error().ToString();
  EXPECT_EQ(confirmed->state, ItemState::kConfirmed);
  EXPECT_EQ(confirmed->decided.by, "sato");
  auto twice = reviews_->Revoke(As(sato_), c->id, y->id, "やはり");
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().subject(), kItemDecided);

  // Revoking kato's My Number right: at once, for kato only.
  EXPECT_TRUE(authz_->Authorize(kato_, employees_, Operation::kRead, "withholding").allowed);
  ASSERT_FALSE(reviews_->Revoke(As(suzuki_), c->id, k->id, "").has_value());  // reason required
  auto revoked = reviews_->Revoke(As(suzuki_, kT0 + 3 * kDay), c->id, k->id, "経理課へ異動済み");
  ASSERT_TRUE(revoked.has_value()) << revoked.error().ToString();
  EXPECT_EQ(revoked->state, ItemState::kRevoked);
  EXPECT_EQ(authz_->Authorize(kato_, employees_, Operation::kRead, "withholding").code, kNoGrant);
  EXPECT_TRUE(authz_->Authorize(yamada_, employees_, Operation::kRead, "withholding").allowed);
  EXPECT_TRUE(authz_->Authorize(kato_, payroll_, Operation::kRead, "payroll").allowed);

  // The register shows the revocation with its three named steps.
  RegisterQuery q;
  q.kinds = {ChangeKind::kRevocation};
  auto entries = register_->Entries(q);
  ASSERT_EQ(entries->size(), 1u);
  const ChangeRequest& e = (*entries)[0];
  EXPECT_EQ(e.id, revoked->revocation);
  EXPECT_EQ(e.person, "kato");
  EXPECT_EQ(e.grant_id, mynumber_);
  EXPECT_EQ(e.requested.by, "suzuki");  // started the campaign
  EXPECT_EQ(e.approved.by, "suzuki");   // kato's manager revoked
  EXPECT_EQ(e.approved.reason, "経理課へ異動済み");
  EXPECT_EQ(e.configured.by, kSystemActor);
  auto holdings = register_->Holdings({});
  for (const auto& h : *holdings) {
    if (h.grant.id == mynumber_) {
      EXPECT_EQ(h.holders, std::vector<std::string>{"yamada"});
      EXPECT_EQ(h.revoked, std::vector<std::string>{"kato"});
    }
  }
  // A new campaign has no item for the revoked use.
  auto next = reviews_->Start(As(suzuki_, kT0 + 4 * kDay), {"次回", "", kT0 + 30 * kDay});
  const auto next_items = ItemsOf(next->id);
  EXPECT_EQ(Find(next_items, "kato", mynumber_), nullptr);

  // Reinstating goes through the full three-person flow.
  auto reinstate = admin_->RequestReinstate(As(sato_), mynumber_, "kato", "誤って取消");
  ASSERT_TRUE(reinstate.has_value()) << reinstate.error().ToString();
  ApproveAndConfigure(reinstate->id);
  EXPECT_TRUE(authz_->Authorize(kato_, employees_, Operation::kRead, "withholding").allowed);
  auto not_revoked = admin_->RequestReinstate(As(sato_), mynumber_, "kato", "二重");
  ASSERT_FALSE(not_revoked.has_value());
  EXPECT_EQ(not_revoked.error().subject(), kNotRevoked);
}

TEST_F(ReviewTest, OverdueItemsAreVisibleUntilDecided) {
  auto c = reviews_->Start(As(suzuki_, kT0), {"四半期見直し", "", kT0 + 10 * kDay});
  ASSERT_TRUE(c.has_value());
  EXPECT_TRUE(reviews_->Overdue(kT0 + 9 * kDay)->empty());
  auto overdue = reviews_->Overdue(kT0 + 11 * kDay);
  ASSERT_EQ(overdue->size(), 8u);
  EXPECT_TRUE(reviews_->GetCampaign(c->id)->Overdue(kT0 + 11 * kDay));
  for (const auto& item : *overdue) {
    const Principal& manager =
        item.reviewer == "sato" || item.person == "suzuki" ? sato_ : suzuki_;
    ASSERT_TRUE(reviews_->Confirm(As(manager, kT0 + 12 * kDay), c->id, item.id).has_value());
  }
  EXPECT_TRUE(reviews_->Overdue(kT0 + 11 * kDay)->empty());
  auto done = reviews_->GetCampaign(c->id);
  EXPECT_EQ(done->pending, 0u);
  EXPECT_EQ(done->completed_at, kT0 + 12 * kDay);
}

TEST_F(ReviewTest, DepartmentCampaignCoversThatDepartmentOnly) {
  auto c = reviews_->Start(As(sato_), {"総務課の見直し", "総務課", kT0 + 10 * kDay});
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  // yamada's two grants, and the section manager's own role.
  for (const auto& item : ItemsOf(c->id)) {
    EXPECT_TRUE(item.person == "yamada" || (item.person == "sato" && item.Membership()))
        << item.person;
  }
  EXPECT_EQ(c->items, 3u);
  auto refused = reviews_->Start(As(yamada_), {"担当者が開始", "", kT0 + 10 * kDay});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().subject(), kNotReviewStarter);
  EXPECT_EQ(LastEvent().operation, "policy.review.start");
  EXPECT_EQ(LastEvent().result, "refused");
}

TEST_F(ReviewTest, LeaveSuspendsAccessUntilTheReviewIsDone) {
  Principal os;
  os.kind = identity::PrincipalKind::kLocalOperator;
  os.id = "os:hr";
  auto c = reviews_->StartPersonReview(As(os, kT0 + kDay), "yamada", PersonChange::kLeave);
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_EQ(c->scope, CampaignScope::kPerson);
  EXPECT_EQ(c->items, 2u);
  EXPECT_EQ(c->due, kT0 + kDay + kDefaultPersonReviewDays * kDay);
  Decision d = authz_->Authorize(yamada_, employees_, Operation::kRead, "withholding");
  EXPECT_EQ(d.code, kDisabled);
  EXPECT_EQ(d.ToStatus().code(), Code::kPermissionDenied);
  EXPECT_TRUE(authz_->Authorize(kato_, employees_, Operation::kRead, "withholding").allowed);

  const auto items = ItemsOf(c->id);
  ASSERT_EQ(items.size(), 2u);
  for (const auto& i : items) EXPECT_EQ(i.reviewer, "sato");
  const ReviewItem* mn = Find(items, "yamada", mynumber_);
  const ReviewItem* pay = Find(items, "yamada", payroll_grant_);
  ASSERT_TRUE(mn && pay);
  ASSERT_TRUE(reviews_->Revoke(As(sato_), c->id, mn->id, "休職中は不要").has_value());
  EXPECT_EQ(authz_->Authorize(yamada_, payroll_, Operation::kRead, "payroll").code, kDisabled);
  ASSERT_TRUE(reviews_->Confirm(As(sato_), c->id, pay->id, "復職後も継続").has_value());
  // Review complete: the suspension is lifted; what was revoked stays revoked.
  EXPECT_TRUE(authz_->Authorize(yamada_, payroll_, Operation::kRead, "payroll").allowed);
  EXPECT_EQ(authz_->Authorize(yamada_, employees_, Operation::kRead, "withholding").code, kNoGrant);

  auto events = EventsOf("policy.review.person");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].attrs.at("person"), "yamada");
  EXPECT_EQ(events[0].attrs.at("change"), "leave");
  EXPECT_EQ(events[0].attrs.at("suspended"), "true");
  EXPECT_EQ(EventsOf("policy.review.confirm").back().attrs.at("suspension_lifted"), "true");
}

TEST_F(ReviewTest, PositionChangeReviewsWithoutSuspending) {
  auto c = reviews_->StartPersonReview(As(admin1_), "kato", PersonChange::kPositionChange,
                                       kT0 + 5 * kDay);
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_EQ(c->items, 2u);
  for (const auto& i : ItemsOf(c->id)) EXPECT_EQ(i.reviewer, "suzuki");
  EXPECT_TRUE(authz_->Authorize(kato_, employees_, Operation::kRead, "withholding").allowed);
  // A person without rights gets an empty, completed review and no suspension.
  Person("tanaka", {}, "総務課");
  auto none = reviews_->StartPersonReview(As(admin1_), "tanaka", PersonChange::kRetirement);
  ASSERT_TRUE(none.has_value());
  EXPECT_EQ(none->items, 0u);
  EXPECT_NE(none->completed_at, 0);
  // Starting a person review is not for everyone.
  auto refused = reviews_->StartPersonReview(As(kato_), "yamada", PersonChange::kLeave);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().subject(), kNotReviewStarter);
  EXPECT_TRUE(authz_->Authorize(yamada_, employees_, Operation::kRead, "withholding").allowed);
}

TEST_F(ReviewTest, ReviewEventsCarryIdsNeverReasons) {
  auto c = reviews_->Start(As(suzuki_), {"監査用", "", kT0 + 10 * kDay});
  ASSERT_TRUE(c.has_value());
  const auto items = ItemsOf(c->id);
  ASSERT_TRUE(
      reviews_
          ->Revoke(As(sato_), c->id, Find(items, "yamada", mynumber_)->id, "山田 太郎 は退職予定")
          .has_value());
  auto revoke = EventsOf("policy.review.revoke");
  ASSERT_EQ(revoke.size(), 1u);
  EXPECT_EQ(revoke[0].actor, "sato");
  EXPECT_EQ(revoke[0].attrs.at("person"), "yamada");
  EXPECT_EQ(revoke[0].attrs.at("grant"), mynumber_);
  EXPECT_FALSE(revoke[0].attrs.at("revocation").empty());
  for (const auto& ev : Events()) {
    EXPECT_EQ(audit::CanonicalJson(ev).find("山田 太郎"), std::string::npos);
  }
  EXPECT_TRUE(Verify().ok);
}

}  // namespace
}  // namespace mamori::policy
