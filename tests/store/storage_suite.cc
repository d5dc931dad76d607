#include "store/storage_suite.h"

#include <algorithm>
#include <chrono>
#include <cstring>

namespace mamori::store::test {

// ---- fixture and helpers ----

void StorageSuite::SetUp() {
  ASSERT_FALSE(dir_.path().empty());
  auto opened = GetParam().open(dir_.path());
  ASSERT_TRUE(opened) << opened.error().ToString();
  store_ = std::move(*opened);
}

void StorageSuite::TearDown() {
  if (store_ == nullptr) return;
  Status closed = store_->Close();
  EXPECT_TRUE(closed.ok()) << closed.ToString();
  store_.reset();
}

void StorageSuite::Reopen() {
  Status closed = store_->Close();
  ASSERT_TRUE(closed.ok()) << closed.ToString();
  store_.reset();
  auto opened = GetParam().open(dir_.path());
  ASSERT_TRUE(opened) << opened.error().ToString();
  store_ = std::move(*opened);
}

Status PutOne(Storage& store, std::string key, std::string value) {
  return store.Update([&](WriteTxn& txn) { return txn.Put(key, value); });
}

std::optional<std::string> GetOne(Storage& store, std::string key) {
  std::optional<std::string> value;
  Status status = store.View([&](ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(value, txn.Get(key));
    return Status::Ok();
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  return value;
}

std::vector<KeyValue> ScanView(Storage& store, std::string begin, std::string end, size_t limit,
                               bool reverse) {
  std::vector<KeyValue> out;
  Status status = store.View([&](ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(out, txn.Scan(begin, end, limit, reverse));
    return Status::Ok();
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  return out;
}

bool WaitUntil(const std::function<bool()>& pred) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

CommitterGate::CommitterGate(Storage& store) {
  thread_ = std::thread([this, &store] {
    Status status = store.Update([this](WriteTxn&) {
      std::unique_lock lock(mu_);
      entered_ = true;
      cv_.notify_all();
      cv_.wait(lock, [this] { return released_; });
      return Status::Ok();
    });
    std::lock_guard lock(mu_);
    status_ = std::move(status);
    entered_ = true;  // also when the Update failed without running
    cv_.notify_all();
  });
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return entered_; });
}

CommitterGate::~CommitterGate() { (void)Finish(); }

void CommitterGate::Release() {
  std::lock_guard lock(mu_);
  released_ = true;
  cv_.notify_all();
}

Status CommitterGate::Finish() {
  Release();
  if (thread_.joinable()) thread_.join();
  return status_;
}

QueuedUpdate::QueuedUpdate(Storage& store, UpdateFn fn) {
  uint64_t before = store.Stats().pending;
  thread_ = std::thread(
      [this, &store, fn = std::move(fn)]() mutable { status_ = store.Update(std::move(fn)); });
  EXPECT_TRUE(WaitUntil([&] { return store.Stats().pending > before; }))
      << "the Update never showed up in the queue";
}

QueuedUpdate::~QueuedUpdate() { (void)Wait(); }

Status QueuedUpdate::Wait() {
  if (thread_.joinable()) thread_.join();
  return status_;
}

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

std::vector<std::string> KeysOf(const std::vector<KeyValue>& kvs) {
  std::vector<std::string> keys;
  for (const auto& kv : kvs) keys.push_back(kv.key);
  return keys;
}

bool BytewiseLess(const std::string& a, const std::string& b) {
  int c = std::memcmp(a.data(), b.data(), std::min(a.size(), b.size()));
  return c != 0 ? c < 0 : a.size() < b.size();
}

Status PutAll(Storage& store, const std::vector<std::string>& keys) {
  return store.Update([&](WriteTxn& txn) -> Status {
    for (const auto& key : keys) MAMORI_RETURN_IF_ERROR(txn.Put(key, "v:" + key));
    return Status::Ok();
  });
}

std::vector<Status> RunAsOneGroup(Storage& store, bool group_commit, std::vector<UpdateFn> fns,
                                  std::optional<uint64_t>* commits) {
  std::vector<Status> out;
  if (!group_commit) {
    for (auto& fn : fns) out.push_back(store.Update(std::move(fn)));
    return out;
  }
  CommitterGate gate(store);
  std::vector<std::unique_ptr<QueuedUpdate>> queued;
  for (auto& fn : fns) queued.push_back(std::make_unique<QueuedUpdate>(store, std::move(fn)));
  uint64_t before = store.Stats().commits;  // the gate's group has not committed yet
  Status gate_status = gate.Finish();
  EXPECT_TRUE(gate_status.ok()) << gate_status.ToString();
  for (auto& q : queued) out.push_back(q->Wait());
  *commits = store.Stats().commits - before - 1;
  return out;
}

}  // namespace mamori::store::test
