// Internal to the storage backends: the idle read connections of a store
// and the count of the views using one, shared by the sqlite and postgres
// backends so that both reuse readers and close alike.
//
// Take counts a view in and hands it an idle connection (or nullptr: the
// backend opens one); every Take that succeeded is matched by one Give,
// which counts the view out and keeps the connection for the next view when
// it is reusable and fewer than max_idle are kept. Drain refuses every later
// Take, waits until no view is running, and hands over the idle connections
// for the backend to close.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace mamori::store::internal {

template <typename Connection>
class ReaderPool {
 public:
  explicit ReaderPool(size_t max_idle) : max_idle_(max_idle) {}
  ReaderPool(const ReaderPool&) = delete;
  ReaderPool& operator=(const ReaderPool&) = delete;

  // False when the pool is drained (the store is closing): no view counted.
  bool Take(std::unique_ptr<Connection>* conn) {
    std::lock_guard lock(mu_);
    if (drained_) return false;
    ++active_;
    if (!idle_.empty()) {
      *conn = std::move(idle_.back());
      idle_.pop_back();
    }
    return true;
  }

  // conn may be nullptr (the view could not open one).
  void Give(std::unique_ptr<Connection> conn, bool reusable) {
    std::unique_ptr<Connection> discard;  // closed after the lock is released
    std::lock_guard lock(mu_);
    if (conn != nullptr && reusable && !drained_ && idle_.size() < max_idle_) {
      idle_.push_back(std::move(conn));
    } else {
      discard = std::move(conn);
    }
    if (--active_ == 0) done_.notify_all();
  }

  std::vector<std::unique_ptr<Connection>> Drain() {
    std::unique_lock lock(mu_);
    drained_ = true;
    done_.wait(lock, [this] { return active_ == 0; });
    return std::exchange(idle_, {});
  }

 private:
  const size_t max_idle_;
  std::mutex mu_;
  std::condition_variable done_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mu_
  size_t active_ = 0;                              // guarded by mu_
  bool drained_ = false;                           // guarded by mu_
};

}  // namespace mamori::store::internal
