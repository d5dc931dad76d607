// The conformance suite, part 2: transactions, concurrency and lifecycle. See storage_suite.h.
#include <algorithm>
#include <atomic>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <thread>

#include "store/storage_suite.h"

namespace mamori::store::test {
namespace {

// ---- transactions ----

TEST_P(StorageSuite, UpdateSeesItsOwnWrites) {
  ASSERT_TRUE(PutOne(store(), "old", "1").ok());
  Status status = store().Update([](WriteTxn& txn) -> Status {
    MAMORI_RETURN_IF_ERROR(txn.Put("a", "1"));
    MAMORI_ASSIGN_OR_RETURN(auto a, txn.Get("a"));
    EXPECT_EQ(a, "1");
    MAMORI_ASSIGN_OR_RETURN(auto all, txn.Scan("", "", 0));
    EXPECT_EQ(KeysOf(all), (std::vector<std::string>{"a", "old"}));
    MAMORI_RETURN_IF_ERROR(txn.Delete("old"));
    MAMORI_ASSIGN_OR_RETURN(auto old, txn.Get("old"));
    EXPECT_EQ(old, std::nullopt);
    return Status::Ok();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(KeysOf(ScanView(store(), "", "")), (std::vector<std::string>{"a"}));
}

TEST_P(StorageSuite, FailedUpdateRollsBackOnlyItsOwnWrites) {
  std::optional<std::string> c_saw_a;
  std::optional<std::string> c_saw_b;
  std::vector<UpdateFn> fns = {
      [](WriteTxn& txn) { return txn.Put("a", "from a"); },
      [](WriteTxn& txn) -> Status {
        MAMORI_RETURN_IF_ERROR(txn.Put("b", "from b"));
        MAMORI_RETURN_IF_ERROR(txn.Put("a", "from b"));
        return Status::FailedPrecondition("b refuses", "b は拒否します", "subject-b");
      },
      [&](WriteTxn& txn) -> Status {
        MAMORI_ASSIGN_OR_RETURN(c_saw_a, txn.Get("a"));
        MAMORI_ASSIGN_OR_RETURN(c_saw_b, txn.Get("b"));
        return txn.Put("c", "from c");
      },
  };
  std::optional<uint64_t> commits;
  std::vector<Status> results = RunAsOneGroup(store(), GetParam().group_commit, fns, &commits);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[0].ok()) << results[0].ToString();
  EXPECT_EQ(results[1].code(), Code::kFailedPrecondition);
  EXPECT_EQ(results[1].message(), "b refuses");
  EXPECT_EQ(results[1].message_ja(), "b は拒否します");
  EXPECT_EQ(results[1].subject(), "subject-b");
  EXPECT_TRUE(results[2].ok()) << results[2].ToString();
  if (commits) {
    EXPECT_EQ(*commits, 1u) << "a, b and c should have shared one commit";
  }

  // c ran after b in the same transaction and saw a's write but none of b's.
  EXPECT_EQ(c_saw_a, "from a");
  EXPECT_EQ(c_saw_b, std::nullopt);
  EXPECT_EQ(GetOne(store(), "a"), "from a");
  EXPECT_EQ(GetOne(store(), "b"), std::nullopt);
  EXPECT_EQ(GetOne(store(), "c"), "from c");
}

TEST_P(StorageSuite, ThrowingUpdateIsInternalAndDisturbsNoOther) {
  std::vector<UpdateFn> fns = {
      [](WriteTxn& txn) { return txn.Put("before", "1"); },
      [](WriteTxn& txn) -> Status {
        MAMORI_RETURN_IF_ERROR(txn.Put("thrower", "1"));
        throw std::runtime_error("thrown by a test");
      },
      [](WriteTxn& txn) { return txn.Put("after", "1"); },
  };
  std::optional<uint64_t> commits;
  std::vector<Status> results = RunAsOneGroup(store(), GetParam().group_commit, fns, &commits);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[0].ok()) << results[0].ToString();
  EXPECT_EQ(results[1].code(), Code::kInternal);
  EXPECT_TRUE(results[2].ok()) << results[2].ToString();
  EXPECT_EQ(GetOne(store(), "before"), "1");
  EXPECT_EQ(GetOne(store(), "thrower"), std::nullopt);
  EXPECT_EQ(GetOne(store(), "after"), "1");
  EXPECT_TRUE(PutOne(store(), "later", "1").ok());
}

TEST_P(StorageSuite, ThrowingViewIsInternal) {
  Status status = store().View([](ReadTxn&) -> Status { throw std::runtime_error("thrown"); });
  EXPECT_EQ(status.code(), Code::kInternal);
  EXPECT_TRUE(PutOne(store(), "k", "v").ok());
  EXPECT_EQ(GetOne(store(), "k"), "v");
}

TEST_P(StorageSuite, ViewErrorIsReturnedUnchanged) {
  Status status = store().View([](ReadTxn&) { return Status::NotFound("not here", "", "s"); });
  EXPECT_EQ(status.code(), Code::kNotFound);
  EXPECT_EQ(status.message(), "not here");
  EXPECT_EQ(status.subject(), "s");
}

TEST_P(StorageSuite, CommittedUpdateIsVisibleToTheNextView) {
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(PutOne(store(), "k", std::to_string(i)).ok());
    EXPECT_EQ(GetOne(store(), "k"), std::to_string(i));
    // Also from a thread that did not make the write.
    std::optional<std::string> seen;
    std::thread([&] { seen = GetOne(store(), "k"); }).join();
    EXPECT_EQ(seen, std::to_string(i));
  }
}

TEST_P(StorageSuite, ViewReadsOneSnapshot) {
  ASSERT_TRUE(PutAll(store(), {"x", "y"}).ok());
  Status status = store().View([&](ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto x_before, txn.Get("x"));
    // Commit a change from another thread while this View is open.
    Status update;
    std::thread([&] {
      update = store().Update([](WriteTxn& w) -> Status {
        MAMORI_RETURN_IF_ERROR(w.Put("x", "changed"));
        MAMORI_RETURN_IF_ERROR(w.Put("y", "changed"));
        return w.Put("z", "new");
      });
    }).join();
    EXPECT_TRUE(update.ok()) << update.ToString();
    MAMORI_ASSIGN_OR_RETURN(auto x_after, txn.Get("x"));
    MAMORI_ASSIGN_OR_RETURN(auto y_after, txn.Get("y"));
    MAMORI_ASSIGN_OR_RETURN(auto all, txn.Scan("", "", 0));
    EXPECT_EQ(x_before, "v:x");
    EXPECT_EQ(x_after, "v:x");
    EXPECT_EQ(y_after, "v:y");
    EXPECT_EQ(KeysOf(all), (std::vector<std::string>{"x", "y"}));
    return Status::Ok();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(GetOne(store(), "x"), "changed");
  EXPECT_EQ(GetOne(store(), "z"), "new");
}

TEST_P(StorageSuite, ViewsNeverSeeHalfAnUpdate) {
  ASSERT_TRUE(store()
                  .Update([](WriteTxn& txn) -> Status {
                    MAMORI_RETURN_IF_ERROR(txn.Put("x", "0"));
                    return txn.Put("y", "0");
                  })
                  .ok());
  std::atomic<bool> done{false};
  std::atomic<int> torn{0};
  std::atomic<int> view_errors{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      while (!done.load()) {
        Status status = store().View([&](ReadTxn& txn) -> Status {
          MAMORI_ASSIGN_OR_RETURN(auto x, txn.Get("x"));
          MAMORI_ASSIGN_OR_RETURN(auto y, txn.Get("y"));
          if (x != y) ++torn;
          return Status::Ok();
        });
        if (!status.ok()) ++view_errors;
      }
    });
  }
  for (int i = 1; i <= 200; ++i) {
    Status status = store().Update([i](WriteTxn& txn) -> Status {
      MAMORI_RETURN_IF_ERROR(txn.Put("x", std::to_string(i)));
      return txn.Put("y", std::to_string(i));
    });
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(torn.load(), 0);
  EXPECT_EQ(view_errors.load(), 0);
}

TEST_P(StorageSuite, ConcurrentIncrementsAreSerialised) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 500;
  StorageStats before = store().Stats();
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        Status status = store().Update([](WriteTxn& txn) -> Status {
          MAMORI_ASSIGN_OR_RETURN(auto current, txn.Get("counter"));
          uint64_t n = current ? std::stoull(*current) : 0;
          return txn.Put("counter", std::to_string(n + 1));
        });
        if (!status.ok()) {
          ADD_FAILURE() << status.ToString();
          ++failures;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  // Any lost update (two increments reading the same value) shows here.
  EXPECT_EQ(GetOne(store(), "counter"), std::to_string(kThreads * kPerThread));
  if (GetParam().group_commit) {
    StorageStats after = store().Stats();
    uint64_t updates = after.updates - before.updates;
    uint64_t commits = after.commits - before.commits;
    EXPECT_EQ(updates, static_cast<uint64_t>(kThreads * kPerThread));
    EXPECT_GE(commits, 1u);
    EXPECT_LT(commits, updates) << "no two concurrent Updates ever shared a commit";
    EXPECT_EQ(after.pending, 0u);
  }
}

// ---- lifecycle ----

TEST_P(StorageSuite, ReopenKeepsCommittedData) {
  std::vector<std::string> keys;
  for (int i = 0; i < 100; ++i) keys.push_back("key/" + std::to_string(i));
  keys.push_back(Bytes({0x00, 0xff, 0x00}));
  ASSERT_TRUE(PutAll(store(), keys).ok());
  ASSERT_TRUE(store().Update([](WriteTxn& txn) { return txn.Delete("key/7"); }).ok());
  ASSERT_TRUE(PutOne(store(), "key/8", "overwritten").ok());
  Reopen();
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(ScanView(store(), "", "").size(), keys.size() - 1);
  EXPECT_EQ(GetOne(store(), "key/7"), std::nullopt);
  EXPECT_EQ(GetOne(store(), "key/8"), "overwritten");
  EXPECT_EQ(GetOne(store(), "key/9"), "v:key/9");
  EXPECT_EQ(GetOne(store(), Bytes({0x00, 0xff, 0x00})), "v:" + Bytes({0x00, 0xff, 0x00}));
}

TEST_P(StorageSuite, CompactKeepsLiveDataAndDeletions) {
  ASSERT_TRUE(PutAll(store(), {"keep", "drop"}).ok());
  ASSERT_TRUE(store().Update([](WriteTxn& txn) { return txn.Delete("drop"); }).ok());
  Status compacted = store().Compact();
  ASSERT_TRUE(compacted.ok()) << compacted.ToString();
  EXPECT_EQ(GetOne(store(), "keep"), "v:keep");
  EXPECT_EQ(GetOne(store(), "drop"), std::nullopt);
  ASSERT_TRUE(PutOne(store(), "after", "1").ok());
  Reopen();
  EXPECT_EQ(KeysOf(ScanView(store(), "", "")), (std::vector<std::string>{"after", "keep"}));
}

TEST_P(StorageSuite, AfterCloseEveryCallIsUnavailable) {
  ASSERT_TRUE(PutOne(store(), "k", "v").ok());
  ASSERT_TRUE(store().Close().ok());
  EXPECT_EQ(PutOne(store(), "k", "w").code(), Code::kUnavailable);
  EXPECT_EQ(store().View([](ReadTxn&) { return Status::Ok(); }).code(), Code::kUnavailable);
  EXPECT_EQ(store().Compact().code(), Code::kUnavailable);
  EXPECT_TRUE(store().Close().ok()) << "Close is idempotent";
  (void)store().Stats();
  Reopen();
  EXPECT_EQ(GetOne(store(), "k"), "v");
}

TEST_P(StorageSuite, CloseAnswersEveryUpdateAndKeepsEveryAcknowledgedOne) {
  constexpr int kThreads = 4;
  std::mutex mu;
  std::set<std::string> acknowledged;
  std::atomic<int> acked_count{0};
  std::atomic<int> wrong_errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int seq = 0;; ++seq) {
        std::string key = 't' + std::to_string(t) + '/' + std::to_string(seq);
        Status status = PutOne(store(), key, "v");
        if (!status.ok()) {
          if (status.code() != Code::kUnavailable) ++wrong_errors;
          return;  // closed: every later call fails the same way
        }
        std::lock_guard lock(mu);
        acknowledged.insert(key);
        ++acked_count;
      }
    });
  }
  ASSERT_TRUE(WaitUntil([&] { return acked_count.load() >= 40; }));
  EXPECT_TRUE(store().Close().ok());
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong_errors.load(), 0);
  Reopen();
  std::set<std::string> present;
  for (const auto& kv : ScanView(store(), "", "")) present.insert(kv.key);
  // Acknowledged ones all made it; refused ones were never written.
  EXPECT_EQ(present, acknowledged);
}

TEST_P(StorageSuite, LargeValueRoundTrips) {
  std::string value(1 << 20, '\0');
  std::mt19937 rng(7);
  for (char& c : value) c = static_cast<char>(rng());
  ASSERT_TRUE(PutOne(store(), "big", value).ok());
  std::optional<std::string> read = GetOne(store(), "big");
  ASSERT_TRUE(read.has_value());
  EXPECT_TRUE(*read == value);
}

}  // namespace
}  // namespace mamori::store::test
