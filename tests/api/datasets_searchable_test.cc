// GET /v1/datasets?searchable=true — "which datasets may I search, for which
// purpose" — against the demo organisation's real grants, sessions and
// authoriser (demo_org_fixture.h): each person is answered with their own
// standing only (another department's datasets are left out), and the
// answer agrees, dataset by dataset and purpose by purpose, with what the
// search and the listing themselves are then allowed. One fixture for all
// the checks: it seeds the whole organisation and logs everyone on.
#include <gtest/gtest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "api/demo_org_fixture.h"

namespace mamori::api::testing {
namespace {

class DatasetsSearchableTest : public DemoOrgTest {
 protected:
  // dataset → (searchable purposes, listable purposes), as answered to `user`.
  std::map<std::string, std::pair<std::set<std::string>, std::set<std::string>>> Searchable(
      const std::string& user) {
    std::map<std::string, std::pair<std::set<std::string>, std::set<std::string>>> out;
    auto r = Send(tokens_[user], "GET", "/v1/datasets?searchable=true");
    EXPECT_EQ(r.status, 200) << user << " " << r.body;
    const nlohmann::json body = r.Json();
    for (const auto& d : body["datasets"]) {
      auto& entry = out[d["name"].get<std::string>()];
      for (const auto& p : d.at("searchable_purposes")) entry.first.insert(p.get<std::string>());
      for (const auto& p : d.at("listable_purposes")) entry.second.insert(p.get<std::string>());
    }
    return out;
  }
};

TEST_F(DatasetsSearchableTest, EachPersonIsAnsweredWhatTheSearchItselfWouldBeAllowed) {
  auto all = Send(tokens_["sato_hanako"], "GET", "/v1/datasets");
  ASSERT_EQ(all.status, 200) << all.body;
  const nlohmann::json datasets = all.Json()["datasets"];
  ASSERT_EQ(datasets.size(), kDemoData.size());
  for (const auto& d : datasets) {
    EXPECT_FALSE(d.contains("searchable_purposes")) << "only asked for with searchable=true";
  }

  // 総務部's designated handler: her department's My Numbers, by name, for
  // withholding only; payroll_account is hers to export, not to search.
  auto sato = Searchable("sato_hanako");
  ASSERT_TRUE(sato.contains("employee_my_number"));
  EXPECT_EQ(sato["employee_my_number"].first, std::set<std::string>{"withholding"});
  EXPECT_EQ(sato["employee_my_number"].second, std::set<std::string>{"withholding"});
  EXPECT_FALSE(sato.contains("loan_customer")) << "another department's dataset";
  EXPECT_FALSE(sato.contains("payroll_account"));

  // 融資部's handler: his department's customers, listed (he holds read, not
  // find), and none of 総務部's datasets.
  auto ito = Searchable("ito_ken");
  ASSERT_TRUE(ito.contains("loan_customer"));
  EXPECT_TRUE(ito["loan_customer"].first.empty());
  EXPECT_EQ(ito["loan_customer"].second, std::set<std::string>{"credit_screening"});
  EXPECT_FALSE(ito.contains("employee_my_number"));
  EXPECT_FALSE(ito.contains("payroll_account"));

  // The auditor and the administrator hold no data grant at all.
  EXPECT_TRUE(Searchable("nakamura_kansa").empty());
  EXPECT_TRUE(Searchable("soumu_kanri").empty());

  // The answer is the decision: for every dataset and registered purpose,
  // listed exactly when the real request gets past authorisation.
  for (const std::string user : {"sato_hanako", "ito_ken", "tanaka_kacho"}) {
    auto answered = Searchable(user);
    for (const auto& d : datasets) {
      const std::string ds = d["name"];
      std::string field;
      for (const auto& f : d["fields"]) {
        if (f.value("indexed", false)) field = f["name"];
      }
      ASSERT_FALSE(field.empty()) << ds;
      for (const auto& p : d["purposes"]) {
        const std::string purpose = p["id"];
        const std::string base = "/v1/datasets/" + ds + "/records?purpose=" + purpose;
        auto listed = Send(tokens_[user], "GET", base + "&limit=1");
        auto found = Send(tokens_[user], "GET", base + "&field=" + field + "&value=x");
        const bool may_list = answered[ds].second.contains(purpose);
        const bool may_find = answered[ds].first.contains(purpose);
        EXPECT_EQ(listed.status != 403, may_list)
            << user << " " << ds << " " << purpose << " " << listed.status;
        EXPECT_EQ(found.status != 403, may_find)
            << user << " " << ds << " " << purpose << " " << found.status;
      }
    }
  }

  // Refusals: a bad value, no session, an unknown parameter.
  auto bad = Send(tokens_["sato_hanako"], "GET", "/v1/datasets?searchable=yes");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.Json()["code"], "invalid_argument");
  EXPECT_EQ(bad.body.find("yes"), std::string::npos) << "the input is not quoted back";
  EXPECT_EQ(Send("", "GET", "/v1/datasets?searchable=true").status, 401);
  auto unknown = Send(tokens_["sato_hanako"], "GET", "/v1/datasets?searchable_for=withholding");
  EXPECT_EQ(unknown.status, 400) << "unknown query parameters are refused";
}

}  // namespace
}  // namespace mamori::api::testing
