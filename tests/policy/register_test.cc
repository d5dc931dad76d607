// The rights register: every grant, change and removal with its three
// people, reasons and times; queries; current holders; the JSON export.
#include "policy/policy_fixture.h"

namespace mamori::policy {
namespace {

class RegisterTest : public PolicyTest {
 protected:
  // A grant on day 0, a change on day 10, a removal on day 20; a payroll
  // grant on day 5 that stays.
  void SetUp() override {
    PolicyTest::SetUp();
    grant_ = GrantVia(HandlerRead(), kT0);
    payroll_grant_ = GrantVia(HandlerRead("payroll", "payroll"), kT0 + 5 * kDay);
    auto change = admin_->RequestChange(As(sato_, kT0 + 10 * kDay), grant_,
                                        HandlerRead("employee_my_number", "withholding", true),
                                        "番号確認のため表示を許可");
    ASSERT_TRUE(change.has_value()) << change.error().ToString();
    ApproveAndConfigure(change->id, kT0 + 10 * kDay + 1);
    auto removal = admin_->RequestRemoval(As(sato_, kT0 + 20 * kDay), grant_, "担当交代");
    ASSERT_TRUE(removal.has_value());
    ApproveAndConfigure(removal->id, kT0 + 20 * kDay + 1);
  }
  std::string grant_, payroll_grant_;
};

TEST_F(RegisterTest, EveryEntryNamesItsThreePeople) {
  auto entries = register_->Entries({});
  ASSERT_TRUE(entries.has_value()) << entries.error().ToString();
  ASSERT_EQ(entries->size(), 4u);
  const std::vector<ChangeKind> kinds = {ChangeKind::kGrant, ChangeKind::kGrant,
                                         ChangeKind::kChange, ChangeKind::kRemoval};
  for (size_t i = 0; i < entries->size(); ++i) {
    const ChangeRequest& e = (*entries)[i];
    EXPECT_EQ(e.kind, kinds[i]);
    EXPECT_EQ(e.state, ChangeState::kConfigured);
    EXPECT_EQ(e.requested.by, "sato");
    EXPECT_EQ(e.requested.by_name, "Name of sato");
    EXPECT_FALSE(e.requested.reason.empty());
    EXPECT_EQ(e.approved.by, "suzuki");
    EXPECT_EQ(e.configured.by, "admin1");
    EXPECT_LT(e.requested.at, e.approved.at);
    EXPECT_LT(e.approved.at, e.configured.at);
    ASSERT_TRUE(e.right.has_value());
  }
  EXPECT_EQ((*entries)[2].previous->unmask, false);
  EXPECT_EQ((*entries)[2].right->unmask, true);
  EXPECT_EQ((*entries)[3].grant_id, grant_);
  auto g = register_->GetGrant(grant_);
  ASSERT_TRUE(g.has_value());
  EXPECT_FALSE(g->active);
  EXPECT_EQ(g->version, 2u);
  EXPECT_EQ(g->history.size(), 3u);
}

TEST_F(RegisterTest, QueriesByRoleDatasetPeriodAndPerson) {
  RegisterQuery by_dataset;
  by_dataset.dataset = "payroll";
  EXPECT_EQ(register_->Entries(by_dataset)->size(), 1u);

  RegisterQuery period;
  period.since = kT0 + 9 * kDay;
  period.until = kT0 + 19 * kDay;
  auto in_period = register_->Entries(period);
  ASSERT_EQ(in_period->size(), 1u);
  EXPECT_EQ((*in_period)[0].kind, ChangeKind::kChange);

  RegisterQuery by_role;
  by_role.role = "section_manager";
  EXPECT_TRUE(register_->Entries(by_role)->empty());
  by_role.role = "handler";
  EXPECT_EQ(register_->Entries(by_role)->size(), 4u);

  // yamada holds handler now, so every handler right is his; sato none.
  RegisterQuery by_person;
  by_person.person = "yamada";
  EXPECT_EQ(register_->Entries(by_person)->size(), 4u);
  by_person.person = "sato";
  EXPECT_TRUE(register_->Entries(by_person)->empty());

  RegisterQuery removals;
  removals.kinds = {ChangeKind::kRemoval};
  EXPECT_EQ(register_->Entries(removals)->size(), 1u);

  // Open requests appear only when asked for.
  auto open = admin_->RequestGrant(As(sato_), HandlerRead("payroll", "year_end"), "年末調整");
  ASSERT_TRUE(open.has_value());
  EXPECT_EQ(register_->Entries({})->size(), 4u);
  RegisterQuery with_open;
  with_open.include_open = true;
  EXPECT_EQ(register_->Entries(with_open)->size(), 5u);
}

TEST_F(RegisterTest, HoldingsNameWhoHoldsEachRightNow) {
  auto holdings = register_->Holdings({});
  ASSERT_TRUE(holdings.has_value()) << holdings.error().ToString();
  ASSERT_EQ(holdings->size(), 1u);  // the removed grant holds no one
  EXPECT_EQ((*holdings)[0].grant.id, payroll_grant_);
  EXPECT_EQ((*holdings)[0].holders, (std::vector<std::string>{"kato", "yamada"}));
  dir_.holders["handler"].insert("new_hire");
  EXPECT_EQ(register_->Holdings({})->at(0).holders.size(), 3u);
  RegisterQuery person;
  person.person = "sato";
  EXPECT_TRUE(register_->Holdings(person)->empty());
}

TEST_F(RegisterTest, ExportsAsJson) {
  auto exported = register_->Export({}, kT0 + 30 * kDay);
  ASSERT_TRUE(exported.has_value()) << exported.error().ToString();
  const nlohmann::json& j = *exported;
  EXPECT_EQ(j["generated_at"], FormatUtc(kT0 + 30 * kDay));
  ASSERT_EQ(j["entries"].size(), 4u);
  const nlohmann::json& first = j["entries"][0];
  EXPECT_EQ(first["kind"], "grant");
  EXPECT_EQ(first["requester"]["by"], "sato");
  EXPECT_EQ(first["approver"]["by"], "suzuki");
  EXPECT_EQ(first["configurer"]["by"], "admin1");
  EXPECT_EQ(first["requester"]["reason"], "担当者の指定による");
  EXPECT_EQ(first["configurer"]["at"], FormatUtc(kT0 + 2));
  EXPECT_EQ(first["right"]["operation"], "read");
  EXPECT_EQ(j["holdings"][0]["holders"], nlohmann::json({"kato", "yamada"}));
  // Round trip of what is stored.
  auto parsed = ChangeFromJson(ChangeToJson(register_->Entries({})->at(2)));
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  EXPECT_EQ(parsed->previous, register_->Entries({})->at(2).previous);
}

TEST_F(RegisterTest, EveryStepIsAuditedWithoutTheReasons) {
  EXPECT_EQ(EventsOf("policy.request").size(), 4u);
  EXPECT_EQ(EventsOf("policy.approve").size(), 4u);
  auto configured = EventsOf("policy.configure");
  ASSERT_EQ(configured.size(), 4u);
  EXPECT_EQ(configured[0].actor, "admin1");
  EXPECT_EQ(configured[0].dataset, "employee_my_number");
  EXPECT_EQ(configured[0].attrs.at("grant"), grant_);
  EXPECT_EQ(configured[0].attrs.at("role"), "handler");
  EXPECT_EQ(configured[0].attrs.at("right_purpose"), "withholding");
  EXPECT_EQ(configured[3].attrs.at("kind"), "removal");
  for (const auto& ev : Events()) {
    const std::string json = audit::CanonicalJson(ev);
    for (const char* reason : {"担当者の指定による", "番号確認のため表示を許可", "担当交代"}) {
      EXPECT_EQ(json.find(reason), std::string::npos) << json;
    }
    EXPECT_EQ(json.find("Name of"), std::string::npos) << json;
  }
  EXPECT_TRUE(Verify().ok);
}

}  // namespace
}  // namespace mamori::policy
