// The conformance suite every Storage backend passes. It is written against
// the Storage interface only, so each backend runs the same tests: a backend's
// test file supplies a StorageBackend and instantiates the suite with it,
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StorageSuite, ::testing::Values(SqliteBackend()),
//                            StorageSuite::ParamName);
//
// and keeps its backend-specific tests (file format, options) beside it.
#pragma once

#include <gtest/gtest.h>

#include <condition_variable>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "store/storage.h"
#include "store/temp_dir.h"

namespace mamori::store::test {

struct StorageBackend {
  // The gtest parameter name: letters, digits and '_' only.
  std::string name;
  // Opens the store that lives in `dir` (a private, initially empty directory
  // per test), creating it on first use. Opening the same dir again after
  // Close must give back the same data.
  std::function<Result<std::unique_ptr<Storage>>(const std::string& dir)> open;
  // True when the backend queues concurrent Updates for one committer, runs
  // them in arrival order and groups them into shared commits that Stats()
  // counts (updates, commits, pending). The tests that pin down which Updates
  // share a commit run only then.
  bool group_commit = false;
};

// Shows the backend's name, not its bytes, in gtest's failure messages.
inline void PrintTo(const StorageBackend& backend, std::ostream* os) { *os << backend.name; }

class StorageSuite : public ::testing::TestWithParam<StorageBackend> {
 public:
  static std::string ParamName(const ::testing::TestParamInfo<StorageBackend>& info) {
    return info.param.name;
  }

 protected:
  void SetUp() override;
  void TearDown() override;

  Storage& store() { return *store_; }
  // Closes the store and opens it again from the same directory.
  void Reopen();

  TempDir dir_;
  std::unique_ptr<Storage> store_;
};

// Helpers for any Storage, shared with backend-specific tests. They report
// storage errors as test failures and return empty results then.
Status PutOne(Storage& store, std::string key, std::string value);
std::optional<std::string> GetOne(Storage& store, std::string key);
std::vector<KeyValue> ScanView(Storage& store, std::string begin, std::string end, size_t limit = 0,
                               bool reverse = false);

std::string Bytes(std::initializer_list<int> bytes);
std::vector<std::string> KeysOf(const std::vector<KeyValue>& kvs);
// memcmp order, shorter first on a tie: what "bytewise" means in the contract.
bool BytewiseLess(const std::string& a, const std::string& b);
// Puts each key with the value "v:" + key, in one Update.
Status PutAll(Storage& store, const std::vector<std::string>& keys);

// Runs fns as Updates. With a group-commit backend they queue, in order,
// behind a gate so that all of them share one group, and *commits gets the
// number of commits they took; otherwise they run one after another.
std::vector<Status> RunAsOneGroup(Storage& store, bool group_commit, std::vector<UpdateFn> fns,
                                  std::optional<uint64_t>* commits);

// Waits until `pred` holds, polling. Gives up (returning false) only after a
// generous deadline, to turn a hang into a failure; it measures nothing.
bool WaitUntil(const std::function<bool()>& pred);

// Holds the committer of a group-commit backend inside one Update until
// Release, so that Updates issued meanwhile queue up behind it and are known
// to share the next group.
class CommitterGate {
 public:
  explicit CommitterGate(Storage& store);
  ~CommitterGate();
  CommitterGate(const CommitterGate&) = delete;
  CommitterGate& operator=(const CommitterGate&) = delete;

  void Release();
  // Releases, waits for the held Update and returns its status.
  Status Finish();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool entered_ = false;
  bool released_ = false;
  Status status_;
  std::thread thread_;
};

// Runs Update(fn) on its own thread and returns once the store reports it
// queued. Use only while a CommitterGate holds the committer: the queue then
// only grows, so successive QueuedUpdates arrive in the order constructed.
class QueuedUpdate {
 public:
  QueuedUpdate(Storage& store, UpdateFn fn);
  ~QueuedUpdate();
  QueuedUpdate(const QueuedUpdate&) = delete;
  QueuedUpdate& operator=(const QueuedUpdate&) = delete;

  Status Wait();

 private:
  Status status_;
  std::thread thread_;
};

}  // namespace mamori::store::test
