#include <algorithm>
#include <filesystem>
#include <thread>

#include "engine/engine_fixture.h"

namespace mamori::engine {
namespace {

TEST_F(EngineTest, PutGetRoundTripWithNormalisation) {
  CreateEmployees();
  const std::string mn = TestMyNumber(1);
  // Full-width digits with spaces and a half-width kana reading are accepted
  // and normalised.
  std::string wide;
  for (char c : mn) wide += std::string("\xEF\xBC") + static_cast<char>(0x90 + (c - '0'));
  auto put = engine_->Put(TestContext(), "employee_my_number",
                          {{"my_number", wide}, {"name", "佐藤　花子"}, {"name_kana", "ｻﾄｳ ﾊﾅｺ"}});
  ASSERT_TRUE(put.has_value()) << put.error().ToString();
  EXPECT_EQ(put->id.size(), 32u);
  auto got = engine_->Get(TestContext(), "employee_my_number", put->id);
  ASSERT_TRUE(got.has_value()) << got.error().ToString();
  EXPECT_EQ(got->values["my_number"], mn);
  EXPECT_EQ(got->values["name_kana"], "サトウ ハナコ");
  EXPECT_EQ(got->values["name"], "佐藤　花子");
  EXPECT_EQ(LastEvent().operation, "record.get");
  EXPECT_EQ(LastEvent().result, "ok");
  EXPECT_EQ(LastEvent().purpose, "withholding");
}

TEST_F(EngineTest, FindUsesBlindIndexAcrossSpellings) {
  CreateEmployees();
  const std::string a = PutEmployee(1, "山田 太郎");
  PutEmployee(2, "鈴木 一郎");
  auto by_kana = Find("name_kana", "ﾔﾏﾀﾞ ﾀﾛｳ");
  ASSERT_TRUE(by_kana.has_value()) << by_kana.error().ToString();
  EXPECT_EQ(by_kana->ids.size(), 2u);  // both have the same reading in PutEmployee
  EXPECT_TRUE(by_kana->next_cursor.empty());
  auto by_number = Find("my_number", TestMyNumber(1));
  ASSERT_TRUE(by_number.has_value());
  ASSERT_EQ(by_number->ids.size(), 1u);
  EXPECT_EQ(by_number->ids[0], a);
  auto by_name = Find("name", "山田　　太郎");
  ASSERT_TRUE(by_name.has_value());
  EXPECT_EQ(by_name->ids.size(), 1u);
  auto none = Find("my_number", TestMyNumber(3));
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->ids.empty());
  EXPECT_EQ(LastEvent().operation, "record.find");
  EXPECT_EQ(LastEvent().attrs.at("matches"), "0");
  auto not_indexed = Find("birth_date", "1980-04-01");
  ASSERT_FALSE(not_indexed.has_value());
  EXPECT_EQ(not_indexed.error().subject(), "birth_date");
}

// More matches than Find used to return (it stopped at 10,000 without
// saying so): every one is reachable, page by page, and each page's audit
// event says how many ids it disclosed.
TEST_F(EngineTest, FindPagesThroughMoreThanTenThousandMatches) {
  CreateEmployees();
  Reopen(256);
  constexpr int kThreads = 4;
  constexpr uint64_t kRecords = 10'001;
  std::vector<std::vector<std::string>> put(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (uint64_t i = static_cast<uint64_t>(t); i < kRecords; i += kThreads) {
        auto r = engine_->Put(TestContext(), kDs,
                              {{"my_number", TestMyNumber(i)},
                               {"name_kana", "やまだ たろう"},
                               {"name", "同名 多数"}});
        if (r) put[t].push_back(r->id);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::vector<std::string> expected;
  for (const auto& p : put) expected.insert(expected.end(), p.begin(), p.end());
  ASSERT_EQ(expected.size(), kRecords);
  std::sort(expected.begin(), expected.end());

  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page = engine_->Find(TestContext(), kDs, "name_kana", "ヤマダ タロウ", cursor, 1000);
    ASSERT_TRUE(page.has_value()) << page.error().ToString();
    ++pages;
    const audit::Event ev = LastEvent();
    EXPECT_EQ(ev.operation, "record.find");
    EXPECT_EQ(ev.attrs.at("matches"), std::to_string(page->ids.size()));
    EXPECT_EQ(ev.attrs.contains("more"), !page->next_cursor.empty());
    seen.insert(seen.end(), page->ids.begin(), page->ids.end());
    cursor = page->next_cursor;
  } while (!cursor.empty());
  EXPECT_EQ(pages, 11);
  EXPECT_EQ(seen, expected);
}

TEST_F(EngineTest, FindRefusesABadLimitOrCursor) {
  CreateEmployees();
  PutEmployee(1);
  for (size_t limit : {size_t{0}, size_t{1001}}) {
    auto r = engine_->Find(TestContext(), kDs, "name", "山田 太郎", "", limit);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().subject(), "limit");
    EXPECT_EQ(LastEvent().result, "refused");
  }
  auto r = engine_->Find(TestContext(), kDs, "name", "山田 太郎", "../../r/x", 10);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().subject(), "id");
}

TEST_F(EngineTest, UpdateKeepsHistoryAndMovesIndex) {
  CreateEmployees();
  const std::string id = PutEmployee(1, "山田 太郎");
  auto upd = engine_->Update(TestContext(), "employee_my_number", id,
                             {{"name", "田中 太郎"}, {"birth_date", nullptr}});
  ASSERT_TRUE(upd.has_value()) << upd.error().ToString();
  EXPECT_EQ(upd->version, 2u);
  auto hist = engine_->History(TestContext(), "employee_my_number", id);
  ASSERT_TRUE(hist.has_value()) << hist.error().ToString();
  ASSERT_EQ(hist->size(), 2u);
  EXPECT_EQ((*hist)[0].values["name"], "山田 太郎");
  EXPECT_EQ((*hist)[0].values["birth_date"], "1980-04-01");
  EXPECT_EQ((*hist)[1].values["name"], "田中 太郎");
  EXPECT_FALSE((*hist)[1].values.contains("birth_date"));
  EXPECT_TRUE(Find("name", "山田 太郎")->ids.empty());
  EXPECT_EQ(Find("name", "田中 太郎")->ids.size(), 1u);
  auto removed_required =
      engine_->Update(TestContext(), "employee_my_number", id, {{"name", nullptr}});
  ASSERT_FALSE(removed_required.has_value());
  EXPECT_EQ(removed_required.error().subject(), "name");
}

TEST_F(EngineTest, ListPagesInRegistrationOrder) {
  CreateEmployees();
  std::vector<std::string> ids;
  for (int i = 0; i < 7; ++i) ids.push_back(PutEmployee(static_cast<uint64_t>(i)));
  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page = engine_->List(TestContext(), "employee_my_number", cursor, 3);
    ASSERT_TRUE(page.has_value()) << page.error().ToString();
    for (const auto& r : page->records) seen.push_back(r.id);
    cursor = page->next_cursor;
    ++pages;
  } while (!cursor.empty());
  EXPECT_EQ(pages, 3);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(seen, ids);
}

TEST_F(EngineTest, NoPlaintextReachesDisk) {
  CreateEmployees();
  const std::string mn = TestMyNumber(42);
  const std::string name = "唯一無二 平文検査";
  ASSERT_TRUE(engine_
                  ->Put(TestContext(), "employee_my_number",
                        {{"my_number", mn}, {"name", name}, {"birth_date", "1971-09-13"}})
                  .has_value());
  ASSERT_FALSE(Find("my_number", mn)->ids.empty());
  engine_.reset();  // checkpoint-free close still leaves WAL files to inspect
  for (const auto& entry : std::filesystem::recursive_directory_iterator(paths_.data_dir)) {
    if (!entry.is_regular_file()) continue;
    const std::string bytes = ReadFileBytes(entry.path());
    EXPECT_EQ(bytes.find(mn), std::string::npos) << entry.path();
    EXPECT_EQ(bytes.find(name), std::string::npos) << entry.path();
    EXPECT_EQ(bytes.find("1971-09-13"), std::string::npos) << entry.path();
  }
}

TEST_F(EngineTest, ConcurrentPutsShareCommitsAndStayVerifiable) {
  CreateEmployees();
  Reopen(64);
  std::vector<std::thread> threads;
  std::vector<std::vector<std::string>> ids(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        auto r = engine_->Put(TestContext(), "employee_my_number",
                              {{"my_number", TestMyNumber(static_cast<uint64_t>(t) * 1000 +
                                                          static_cast<uint64_t>(i))},
                               {"name", "並行 試験"}});
        if (r) ids[t].push_back(r->id);
      }
    });
  }
  for (auto& th : threads) th.join();
  for (const auto& list : ids) {
    ASSERT_EQ(list.size(), 50u);
    for (const auto& id : list)
      EXPECT_TRUE(engine_->Get(TestContext(), "employee_my_number", id).has_value());
  }
  auto ledger = engine_->Ledger(TestContext(), "employee_my_number");
  ASSERT_TRUE(ledger.has_value());
  EXPECT_EQ((*ledger)["records"], 200);
  EXPECT_TRUE(Verify().ok);
}

TEST_F(EngineTest, LedgerShowsWhatRequirementsAsk) {
  CreateEmployees();
  PutEmployee(1);
  auto ledger = engine_->Ledger(TestContext(), "employee_my_number");
  ASSERT_TRUE(ledger.has_value()) << ledger.error().ToString();
  for (const char* key :
       {"items_collected", "purposes", "storage", "retention", "department", "access_restrictions",
        "classification", "handling_restrictions", "management_category"}) {
    EXPECT_TRUE(ledger->contains(key)) << key;
  }
  EXPECT_EQ((*ledger)["records"], 1);
  EXPECT_EQ((*ledger)["department"], "総務部");
  const auto derived = (*ledger)["classification"]["derived"];
  EXPECT_NE(std::find(derived.begin(), derived.end(), "要機密"), derived.end());
  EXPECT_NE((*ledger)["retention"]["rule"].get<std::string>().find("利用終了日から7年"),
            std::string::npos);
}

}  // namespace
}  // namespace mamori::engine
