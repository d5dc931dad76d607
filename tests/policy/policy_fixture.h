// A real engine and data store in a temp dir, the policy objects on top of
// it, a map-backed Directory, and a small organisation of people:
//   sato    section_manager (総務課長)       requests rights
//   suzuki  department_officer (総務部長)    approves
//   admin1  admin                            configures
//   admin2  admin                            a second configurer
//   yamada  handler (総務課)                 uses data; manager: sato
//   kato    handler (経理課)                 uses data; manager: suzuki
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "audit/log.h"
#include "engine/engine_fixture.h"
#include "policy/policy.h"
#include "testing/audit_events.h"

namespace mamori::policy {

// Some fixed instant in 2026, so that times in assertions are exact.
inline constexpr TimeMicros kT0 = 1'780'000'000LL * kMicrosPerSecond;
inline constexpr TimeMicros kDay = 86'400LL * kMicrosPerSecond;

class FakeDirectory : public Directory {
 public:
  Result<std::vector<std::string>> HoldersOf(std::string_view role) const override {
    auto it = holders.find(std::string(role));
    if (it == holders.end()) return std::vector<std::string>();
    return std::vector<std::string>(it->second.begin(), it->second.end());
  }
  Result<std::optional<std::string>> ManagerOf(std::string_view person) const override {
    auto it = managers.find(std::string(person));
    if (it == managers.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }
  Result<std::string> DepartmentOf(std::string_view person) const override {
    auto it = departments.find(std::string(person));
    return it == departments.end() ? std::string() : it->second;
  }

  std::map<std::string, std::set<std::string>> holders;  // role → person ids
  std::map<std::string, std::string> managers, departments;
};

inline nlohmann::json PayrollDataset() {
  return nlohmann::json::parse(R"({"name": "payroll", "title": "給与台帳", "department": "経理課",
 "category": "personal_information",
 "classification": {"confidentiality": 2, "integrity": 2, "availability": 1},
 "purposes": [{"id": "payroll", "title": "給与計算"}, {"id": "year_end", "title": "年末調整"}],
 "fields": [{"name": "name", "type": "name", "required": true},
            {"name": "address", "type": "address"}, {"name": "postal_code", "type": "postal_code"},
            {"name": "phone", "type": "phone"}, {"name": "email", "type": "email"},
            {"name": "birth_date", "type": "date"}, {"name": "bank", "type": "bank_account"},
            {"name": "employer_number", "type": "corporate_number"},
            {"name": "salary", "type": "amount"}]})");
}

class PolicyTest : public engine::EngineTest {
 protected:
  void SetUp() override {
    engine::EngineTest::SetUp();
    CreateEmployees();
    auto payroll = engine_->CreateDataset(engine::TestContext(), PayrollDataset());
    ASSERT_TRUE(payroll.has_value()) << payroll.error().ToString();
    employees_ = *engine_->GetDataset(engine::TestContext(), "employee_my_number");
    payroll_ = *payroll;
    authz_ = std::make_unique<Authorizer>(engine_->data_store());
    admin_ = std::make_unique<RightsAdmin>(engine_->data_store());
    register_ = std::make_unique<RightsRegister>(engine_->data_store(), dir_);
    reviews_ = std::make_unique<ReviewCampaigns>(engine_->data_store(), dir_);

    sato_ = Person("sato", {"section_manager"}, "総務課");
    suzuki_ = Person("suzuki", {"department_officer"}, "総務部");
    admin1_ = Person("admin1", {"admin"}, "情報システム課");
    admin2_ = Person("admin2", {"admin"}, "情報システム課");
    yamada_ = Person("yamada", {"handler"}, "総務課");
    kato_ = Person("kato", {"handler"}, "経理課");
    dir_.managers = {{"yamada", "sato"}, {"kato", "suzuki"}, {"sato", "suzuki"}};
  }

  // A user in the controlled area at a registered terminal; also entered in
  // the directory as holder of each role.
  identity::Principal Person(const std::string& id, std::vector<std::string> roles,
                             const std::string& department) {
    identity::Principal p;
    p.kind = identity::PrincipalKind::kUser;
    p.id = id;
    p.display_name = "Name of " + id;
    p.department = department;
    p.roles = std::move(roles);
    p.terminal = {"t-office", "ab12", true};
    p.session_id = "s-" + id;
    for (const auto& r : p.roles) dir_.holders[r].insert(id);
    dir_.departments[id] = department;
    return p;
  }
  static Caller As(const identity::Principal& p, TimeMicros t = kT0) {
    return Caller{p, "req-" + p.id, t};
  }
  static identity::Principal At(identity::Principal p, const std::string& terminal,
                                bool controlled) {
    p.terminal = {terminal, "", controlled};
    return p;
  }

  static Right HandlerRead(const std::string& dataset = "employee_my_number",
                           const std::string& purpose = "withholding", bool unmask = false) {
    Right r;
    r.role = "handler";
    r.category = dataset == "payroll" ? "personal_information" : "specific_personal_information";
    r.dataset = dataset;
    r.operation = Operation::kRead;
    r.purpose = purpose;
    r.unmask = unmask;
    // My Number handlers are designated by name: both of the organisation's.
    if (r.category == "specific_personal_information") r.persons = {"kato", "yamada"};
    return r;
  }

  // The full flow with three different people; returns the grant id.
  std::string GrantVia(const Right& right, TimeMicros t = kT0) {
    auto req = admin_->RequestGrant(As(sato_, t), right, "担当者の指定による");
    EXPECT_TRUE(req.has_value()) << req.error().ToString();
    if (!req) return "";
    auto approved = admin_->Approve(As(suzuki_, t + 1), req->id, "承認");
    EXPECT_TRUE(approved.has_value()) << approved.error().ToString();
    auto configured = admin_->Configure(As(admin1_, t + 2), req->id);
    EXPECT_TRUE(configured.has_value()) << configured.error().ToString();
    return configured ? configured->grant_id : "";
  }
  // Runs an already requested change through approval and configuration.
  void ApproveAndConfigure(const std::string& request, TimeMicros t = kT0) {
    auto a = admin_->Approve(As(suzuki_, t), request);
    ASSERT_TRUE(a.has_value()) << a.error().ToString();
    auto c = admin_->Configure(As(admin1_, t + 1), request);
    ASSERT_TRUE(c.has_value()) << c.error().ToString();
  }

  // Every audit event, oldest first.
  std::vector<audit::Event> Events() { return mamori::testing::EventsOf(engine_->data_store(), ""); }
  std::vector<audit::Event> EventsOf(const std::string& operation) {
    return mamori::testing::EventsOf(engine_->data_store(), operation);
  }

  FakeDirectory dir_;
  engine::DatasetDef employees_, payroll_;
  std::unique_ptr<Authorizer> authz_;
  std::unique_ptr<RightsAdmin> admin_;
  std::unique_ptr<RightsRegister> register_;
  std::unique_ptr<ReviewCampaigns> reviews_;
  identity::Principal sato_, suzuki_, admin1_, admin2_, yamada_, kato_;
};

}  // namespace mamori::policy
