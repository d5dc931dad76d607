// The conformance suite, part four: UpdateThen, the Update that answers
// through a callback instead of blocking its caller.
#include <atomic>
#include <chrono>
#include <future>

#include "store/storage_suite.h"

namespace mamori::store::test {
namespace {

// Queues fn with UpdateThen and returns a future of the status `then` got.
std::future<Status> Queue(Storage& store, UpdateFn fn) {
  auto answer = std::make_shared<std::promise<Status>>();
  std::future<Status> out = answer->get_future();
  store.UpdateThen(std::move(fn), [answer](Status s) { answer->set_value(std::move(s)); });
  return out;
}

TEST_P(StorageSuite, UpdateThenAnswersOnceTheWriteIsVisible) {
  auto done = Queue(store(), [](WriteTxn& txn) { return txn.Put("k", "v"); });
  ASSERT_TRUE(done.get().ok());
  EXPECT_EQ(GetOne(store(), "k"), "v");
}

TEST_P(StorageSuite, UpdateThenSurvivesReopen) {
  ASSERT_TRUE(Queue(store(), [](WriteTxn& txn) { return txn.Put("k", "v"); }).get().ok());
  Reopen();
  EXPECT_EQ(GetOne(store(), "k"), "v");
}

TEST_P(StorageSuite, UpdateThenGivesAFailureToItsOwnCallerOnly) {
  auto good = Queue(store(), [](WriteTxn& txn) { return txn.Put("a", "1"); });
  auto bad = Queue(store(), [](WriteTxn& txn) -> Status {
    Status put = txn.Put("b", "2");
    if (!put.ok()) return put;
    return Status::InvalidArgument("refused", "拒否");
  });
  auto sync = store().Update([](WriteTxn& txn) { return txn.Put("c", "3"); });
  EXPECT_TRUE(good.get().ok());
  const Status failed = bad.get();
  EXPECT_EQ(failed.code(), Code::kInvalidArgument);
  EXPECT_EQ(failed.message(), "refused");
  EXPECT_TRUE(sync.ok());
  EXPECT_EQ(GetOne(store(), "a"), "1");
  EXPECT_EQ(GetOne(store(), "b"), std::nullopt);
  EXPECT_EQ(GetOne(store(), "c"), "3");
}

TEST_P(StorageSuite, UpdateThenWithoutAFunctionIsInvalidArgument) {
  EXPECT_EQ(Queue(store(), nullptr).get().code(), Code::kInvalidArgument);
}

// Many callers mixing both forms: every increment lands exactly once, and
// each callback sees its own write already durable.
TEST_P(StorageSuite, UpdateThenAndUpdateInterleaveWithoutLosingAWrite) {
  ASSERT_TRUE(PutOne(store(), "n", "0").ok());
  auto increment = [](WriteTxn& txn) -> Status {
    auto n = txn.Get("n");
    if (!n) return n.error();
    return txn.Put("n", std::to_string(std::stoi(n->value_or("0")) + 1));
  };
  constexpr int kThreads = 8;
  constexpr int kEach = 40;
  std::atomic<int> answered{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        if ((t + i) % 2 == 0) {
          if (!store().Update(increment).ok()) ++failed;
          ++answered;
        } else {
          store().UpdateThen(increment, [&](Status s) {
            if (!s.ok()) ++failed;
            ++answered;
          });
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (answered.load() < kThreads * kEach && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(answered.load(), kThreads * kEach);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(GetOne(store(), "n"), std::to_string(kThreads * kEach));
}

// A callback may write again (an audited read that found its record changed
// tries again); that must neither deadlock nor reorder.
TEST_P(StorageSuite, UpdateThenCallbackMayUpdateAgain) {
  std::promise<Status> second;
  auto result = second.get_future();
  store().UpdateThen([](WriteTxn& txn) { return txn.Put("first", "1"); },
                     [this, &second](Status first) {
                       if (!first.ok()) return second.set_value(first);
                       Status sync =
                           store().Update([](WriteTxn& txn) { return txn.Put("second", "2"); });
                       second.set_value(sync);
                     });
  ASSERT_EQ(result.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  EXPECT_TRUE(result.get().ok());
  EXPECT_EQ(GetOne(store(), "second"), "2");
}

// Close answers everything queued before it returns, and refuses later calls.
TEST_P(StorageSuite, CloseAnswersEveryQueuedUpdateThen) {
  std::atomic<int> answered{0};
  for (int i = 0; i < 50; ++i) {
    store().UpdateThen([i](WriteTxn& txn) { return txn.Put('k' + std::to_string(i), "v"); },
                       [&](Status s) {
                         EXPECT_TRUE(s.ok()) << s.ToString();
                         ++answered;
                       });
  }
  ASSERT_TRUE(store().Close().ok());
  EXPECT_EQ(answered.load(), 50);
  Status late;
  store().UpdateThen([](WriteTxn& txn) { return txn.Put("late", "v"); },
                     [&](Status s) { late = std::move(s); });
  EXPECT_EQ(late.code(), Code::kUnavailable);
  Reopen();
  EXPECT_EQ(GetOne(store(), "k49"), "v");
  EXPECT_EQ(GetOne(store(), "late"), std::nullopt);
}

}  // namespace
}  // namespace mamori::store::test
