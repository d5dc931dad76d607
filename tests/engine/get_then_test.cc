// Engine::GetThen: the audited read that answers through a callback once
// its audit event is durable.
#include <atomic>
#include <future>
#include <thread>

#include "engine/engine_fixture.h"

namespace mamori::engine {
namespace {

Result<RecordView> GetAndWait(Engine& engine, const Context& ctx, const std::string& id,
                              const std::string& dataset = "employee_my_number") {
  auto answer = std::make_shared<std::promise<Result<RecordView>>>();
  auto out = answer->get_future();
  engine.GetThen(ctx, dataset, id,
                 [answer](Result<RecordView> view) { answer->set_value(std::move(view)); });
  return out.get();
}

TEST_F(EngineTest, GetThenAnswersAsGetDoesAndAuditsTheRead) {
  CreateEmployees();
  const std::string id = PutEmployee(1, "佐藤 花子");
  auto sync = engine_->Get(TestContext(), "employee_my_number", id);
  ASSERT_TRUE(sync.has_value()) << sync.error().ToString();
  auto later = GetAndWait(*engine_, TestContext(), id);
  ASSERT_TRUE(later.has_value()) << later.error().ToString();
  EXPECT_EQ(later->ToJson(), sync->ToJson());
  const audit::Event ev = LastEvent();
  EXPECT_EQ(ev.operation, "record.get");
  EXPECT_EQ(ev.result, "ok");
  EXPECT_EQ(ev.record, id);
  EXPECT_EQ(ev.attrs.at("version"), "1");
  EXPECT_TRUE(Verify().ok);
}

TEST_F(EngineTest, GetThenRefusesAndAuditsLikeGet) {
  CreateEmployees();
  const std::string missing(32, 'a');
  auto unknown = GetAndWait(*engine_, TestContext(), missing);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code(), Code::kNotFound);
  EXPECT_EQ(LastEvent().result, "refused");
  EXPECT_EQ(LastEvent().operation, "record.get");

  const std::string id = PutEmployee(2);
  auto no_purpose = GetAndWait(*engine_, TestContext(""), id);
  ASSERT_FALSE(no_purpose.has_value());
  EXPECT_EQ(LastEvent().result, "refused");
  EXPECT_EQ(LastEvent().record, "");  // refused before the record was looked at

  auto no_dataset = GetAndWait(*engine_, TestContext(), id, "no_such_dataset");
  ASSERT_FALSE(no_dataset.has_value());
  EXPECT_EQ(LastEvent().result, "refused");
  EXPECT_TRUE(Verify().ok);
}

// Reads racing updates: whatever a read returns is the version its audit
// event names (a read that finds its record changed before its commit tries
// again), and each returned name is the one written with that version.
TEST_F(EngineTest, GetThenReturnsExactlyTheVersionItsEventNames) {
  CreateEmployees();
  const std::string id = PutEmployee(3, "v1");
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int v = 2; !stop.load() && v < 400; ++v) {
      auto w = engine_->Update(TestContext(), "employee_my_number", id,
                               {{"name", 'v' + std::to_string(v)}});
      ASSERT_TRUE(w.has_value()) << w.error().ToString();
    }
  });
  std::vector<std::future<Result<RecordView>>> answers;
  for (int i = 0; i < 200; ++i) {
    auto answer = std::make_shared<std::promise<Result<RecordView>>>();
    answers.push_back(answer->get_future());
    engine_->GetThen(TestContext(), "employee_my_number", id,
                     [answer](Result<RecordView> view) { answer->set_value(std::move(view)); });
  }
  size_t ok = 0;
  for (auto& a : answers) {
    auto view = a.get();
    if (!view) {
      // Only the give-up after repeated changes is allowed.
      EXPECT_EQ(view.error().code(), Code::kUnavailable) << view.error().ToString();
      continue;
    }
    ++ok;
    EXPECT_EQ(view->values["name"], 'v' + std::to_string(view->version));
  }
  stop = true;
  writer.join();
  EXPECT_GT(ok, 0u);
  // Every ok read event names a version that existed, and the log verifies.
  EXPECT_TRUE(Verify().ok);
}

// Close waits for reads in flight: each is answered, none is lost.
TEST_F(EngineTest, ReopenAfterGetThenLosesNoAnsweredRead) {
  CreateEmployees();
  const std::string id = PutEmployee(4);
  std::atomic<int> answered{0};
  for (int i = 0; i < 20; ++i) {
    engine_->GetThen(TestContext(), "employee_my_number", id, [&](Result<RecordView> view) {
      EXPECT_TRUE(view.has_value());
      ++answered;
    });
  }
  Reopen();
  EXPECT_EQ(answered.load(), 20);
  EXPECT_TRUE(Verify().ok);
  EXPECT_EQ(LastEvent().operation, "record.get");
}

}  // namespace
}  // namespace mamori::engine
