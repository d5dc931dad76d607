// GET /v1/ledger — every dataset's ledger entry in one answer — against the
// demo organisation's real people, sessions and authoriser
// (demo_org_fixture.h): the same entries, counts and refusals as
// GET /v1/datasets/{ds}/ledger dataset by dataset, and each dataset's entry
// audited as its own dataset.ledger read.
#include <gtest/gtest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "api/demo_org_fixture.h"

namespace mamori::api::testing {
namespace {

const std::vector<std::string> kLedgerReaders = {"soumu_kanri", "tanaka_kacho",  "suzuki_bucho",
                                                 "kato_kacho",  "yamamoto_ciso", "nakamura_kansa"};
const std::vector<std::string> kNotLedgerReaders = {"sato_hanako", "ito_ken", "kobayashi_sirt"};

class LedgerSummaryTest : public DemoOrgTest {
 protected:
  std::string Subject(const HttpResponse& r) { return r.Json().value("subject", ""); }
};

TEST_F(LedgerSummaryTest, EachReaderGetsEveryDatasetsEntryAsThePerDatasetRouteGivesIt) {
  for (const auto& user : kLedgerReaders) {
    auto r = Send(tokens_.at(user), "GET", "/v1/ledger");
    ASSERT_EQ(r.status, 200) << user << " " << r.body;
    const nlohmann::json body = r.Json();
    ASSERT_EQ(body["datasets"].size(), kDemoData.size()) << r.body;
    uint64_t records = 0;
    std::set<std::string> names;
    for (const auto& entry : body["datasets"]) {
      const std::string name = entry.value("name", "");
      names.insert(name);
      auto one = Send(tokens_.at(user), "GET", "/v1/datasets/" + name + "/ledger");
      ASSERT_EQ(one.status, 200) << one.body;
      const nlohmann::json full = one.Json();
      for (const char* member : {"title", "department", "management_category", "classification",
                                 "retention", "records", "disposals", "definition_version"}) {
        EXPECT_EQ(entry.at(member), full.at(member)) << user << " " << name << " " << member;
      }
      EXPECT_FALSE(entry.contains("items_collected")) << "a summary";
      records += entry.value("records", uint64_t{0});
    }
    EXPECT_EQ(names.size(), kDemoData.size());
    EXPECT_EQ(body["totals"].value("datasets", 0u), kDemoData.size());
    EXPECT_EQ(body["totals"].value("records", uint64_t{0}), records);
    EXPECT_EQ(records, kDemoData.size()) << "one synthetic record in each";
  }
}

TEST_F(LedgerSummaryTest, TheCountsAreTheServersNow) {
  const std::string ciso = tokens_.at("yamamoto_ciso");
  auto count = [&](const std::string& ds) {
    auto r = Send(ciso, "GET", "/v1/ledger");
    EXPECT_EQ(r.status, 200) << r.body;
    const nlohmann::json body = r.Json();
    for (const auto& e : body["datasets"]) {
      if (e.value("name", "") == ds) return e.value("records", uint64_t{0});
    }
    ADD_FAILURE() << ds << " " << r.body;
    return uint64_t{0};
  };
  const uint64_t before = count("loan_customer");
  PutRecord("loan_customer", "credit_screening",
            {{"name", "試験 五郎"}, {"name_kana", "シケン ゴロウ"}, {"birth_date", "1981-02-03"}});
  EXPECT_EQ(count("loan_customer"), before + 1);
}

// One dataset.ledger event per dataset, as the per-dataset route leaves
// one: the log answers "who read this dataset's ledger" by dataset.
TEST_F(LedgerSummaryTest, EachDatasetsEntryIsAuditedAsItsOwnLedgerRead) {
  const uint64_t before = EventCount();
  auto r = Send(tokens_.at("nakamura_kansa"), "GET", "/v1/ledger");
  ASSERT_EQ(r.status, 200) << r.body;
  std::multiset<std::string> ledger_reads;
  for (const auto& ev : EventsOfRequest(before, r)) {
    EXPECT_EQ(ev.actor, "nakamura_kansa");
    if (ev.operation == "dataset.ledger") ledger_reads.insert(ev.dataset);
  }
  std::multiset<std::string> expected;
  for (const auto& d : kDemoData) expected.insert(d.dataset);
  EXPECT_EQ(ledger_reads, expected) << LogTextSince(before);
}

TEST_F(LedgerSummaryTest, RefusedToThoseThePerDatasetRouteRefuses) {
  for (const auto& user : kNotLedgerReaders) {
    const uint64_t before = EventCount();
    auto all = Send(tokens_.at(user), "GET", "/v1/ledger");
    EXPECT_EQ(all.status, 403) << user << " " << all.body;
    EXPECT_EQ(Subject(all), "policy.no_role") << all.body;
    EXPECT_EQ(all.body.find("employee_my_number"), std::string::npos) << all.body;
    auto events = EventsOfRequest(before, all);
    ASSERT_EQ(events.size(), 1u) << LogTextSince(before);
    EXPECT_EQ(events[0].operation, "dataset.ledger");
    EXPECT_EQ(events[0].reason, "policy.no_role");
    for (const auto& d : kDemoData) {
      auto one = Send(tokens_.at(user), "GET", "/v1/datasets/" + d.dataset + "/ledger");
      EXPECT_EQ(one.status, 403) << user << " " << d.dataset;
    }
  }
  auto anonymous = Send("", "GET", "/v1/ledger");
  EXPECT_EQ(anonymous.status, 401) << anonymous.body;
  EXPECT_EQ(anonymous.body.find("employee_my_number"), std::string::npos);
}

// A manager suspended by a leave review keeps only what every role may do:
// neither the ledger of one dataset nor that of all.
TEST_F(LedgerSummaryTest, RefusedToASuspendedManager) {
  auto r = Send(tokens_.at("soumu_kanri"), "POST", "/v1/users/tanaka_kacho/disable",
                R"({"reason":"long_absence"})");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(stack_->identity().directory().EnableUser(Local(), "tanaka_kacho").ok());
  const std::string tanaka = Login("tanaka_kacho", kDemoChanged);
  auto all = Send(tanaka, "GET", "/v1/ledger");
  EXPECT_EQ(all.status, 403) << all.body;
  EXPECT_EQ(Subject(all), "policy.disabled");
  EXPECT_EQ(Send(tanaka, "GET", "/v1/datasets/employee_my_number/ledger").status, 403);
}

}  // namespace
}  // namespace mamori::api::testing
