// The demo organisation of `make run` on the real server: the three demo
// datasets with one synthetic record each, the people and rights of
// scripts/demo-data/organisation.json seeded through the same code as
// `mamori demo seed`, and every person logged on (initial password changed)
// from the registered controlled-area terminal of StackApiTest.
#pragma once

#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "api/organisation_seed.h"
#include "api/stack_fixture.h"

namespace mamori::api::testing {

inline const std::string kDemoSource = MAMORI_SOURCE_DIR;
inline constexpr char kDemoInitial[] = "Demo#Shokai-2026";
inline constexpr char kDemoChanged[] = "Rk7!vNq2#wLm9x";

struct DemoDatasetPurpose {
  std::string dataset, purpose;
};
inline const std::vector<DemoDatasetPurpose> kDemoData = {{"employee_my_number", "withholding"},
                                                          {"loan_customer", "credit_screening"},
                                                          {"resident_tax", "tax_collection"},
                                                          {"payroll_account", "payroll_transfer"}};

inline nlohmann::json ReadDemoJson(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str());
}

class DemoOrgTest : public StackApiTest {
 protected:
  void SetUp() override {
    StackApiTest::SetUp();
    for (const auto& d : kDemoData) {
      auto def = engine_->CreateDataset(
          Local(), ReadDemoJson(kDemoSource + "/scripts/demo-data/" + d.dataset + ".json"));
      ASSERT_TRUE(def.has_value()) << def.error().ToString();
    }
    org_ = ReadDemoJson(kDemoSource + "/scripts/demo-data/organisation.json");
    Status seeded = SeedOrganisation(*stack_, Local(), org_, kDemoInitial);
    ASSERT_TRUE(seeded.ok()) << seeded.ToString();
    for (const auto& u : org_["users"]) users_.push_back(u["id"].get<std::string>());
    records_["employee_my_number"] = PutRecord("employee_my_number", "withholding",
                                               {{"my_number", engine::TestMyNumber(1)},
                                                {"name", "試験 一郎"},
                                                {"name_kana", "シケン イチロウ"}});
    records_["loan_customer"] = PutRecord(
        "loan_customer", "credit_screening",
        {{"name", "試験 二郎"}, {"name_kana", "シケン ジロウ"}, {"birth_date", "1980-01-01"}});
    records_["resident_tax"] =
        PutRecord("resident_tax", "tax_collection",
                  {{"taxpayer_name", "試験 三郎"}, {"fiscal_year", 2026}, {"amount_paid", 1000}});
    records_["payroll_account"] = PutRecord("payroll_account", "payroll_transfer",
                                            {{"name", "試験 四郎"},
                                             {"account",
                                              {{"bank_code", "9999"},
                                               {"branch_code", "100"},
                                               {"type", "普通"},
                                               {"number", "0000001"},
                                               {"holder", "シケン シロウ"}}}});
    StartStackServer();
    for (const auto& user : users_) {
      tokens_[user] = FirstLogon(user);
      ASSERT_FALSE(tokens_[user].empty()) << user;
    }
  }

  // Logs on with the initial password, changes it, and logs on again.
  std::string FirstLogon(const std::string& user) {
    const std::string first = Login(user, kDemoInitial);
    auto changed = Send(first, "POST", "/v1/auth/password",
                        nlohmann::json{{"current", kDemoInitial}, {"new", kDemoChanged}}.dump());
    EXPECT_EQ(changed.status, 200) << user << " " << changed.body;
    return Login(user, kDemoChanged);
  }

  std::string PutRecord(const std::string& ds, const std::string& purpose, nlohmann::json v) {
    auto r = engine_->Put(engine::TestContext(purpose), ds, v);
    EXPECT_TRUE(r.has_value()) << ds << " " << r.error().ToString();
    return r ? r->id : "";
  }

  // The number of audit events in the log now.
  uint64_t EventCount() {
    uint64_t n = 0;
    EXPECT_TRUE(engine_->data_store()
                    .View([&](store::ReadTxn& txn) -> Status {
                      MAMORI_ASSIGN_OR_RETURN(auto head, audit::CurrentHead(txn));
                      n = head.size;
                      return Status::Ok();
                    })
                    .ok());
    return n;
  }

  // The events appended since the log held `since` events, oldest first.
  std::vector<audit::Event> EventsSince(uint64_t since) {
    return mamori::testing::EventsSince(engine_->data_store(), since);
  }
  // The events `r`'s request left since the log held `since` events, found by
  // the request id every answer names in X-Request-Id.
  std::vector<audit::Event> EventsOfRequest(uint64_t since, const HttpResponse& r) {
    return mamori::testing::EventsOfRequest(EventsSince(since), r.Header("x-request-id"));
  }

  // Every byte of every event since `since`, as stored (for "never in the
  // log" checks).
  std::string LogTextSince(uint64_t since) {
    std::string all;
    for (const auto& ev : EventsSince(since)) all += audit::CanonicalJson(ev) + "\n";
    return all;
  }

  nlohmann::json org_;
  std::vector<std::string> users_;
  std::map<std::string, std::string> tokens_, records_;
};

}  // namespace mamori::api::testing
