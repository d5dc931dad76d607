// Internal to the storage backends (commit_queue.h): one thread that runs callbacks in the order
// they were posted. UpdateThen's answers run there, off the commit thread,
// so that the next commit never waits for them and a callback may itself
// call Update (which the commit thread may have to lead).
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "core/status.h"

namespace mamori::store::internal {

class AnswerThread {
 public:
  using Answer = std::move_only_function<void()>;

  AnswerThread() = default;
  ~AnswerThread() { Stop(); }
  AnswerThread(const AnswerThread&) = delete;
  AnswerThread& operator=(const AnswerThread&) = delete;

  // kUnavailable when the thread cannot be started.
  Status Start();
  // Queues `answers` behind everything posted before; never blocks on them.
  void Post(std::vector<Answer> answers);
  // Runs everything already posted, then ends the thread. Idempotent; must
  // not be called from the thread itself (see OnThisThread).
  void Stop();
  // Whether the caller is this thread (a callback).
  bool OnThisThread() const { return std::this_thread::get_id() == thread_.get_id(); }

 private:
  void Loop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Answer> queued_;  // guarded by mu_
  bool stop_ = false;           // guarded by mu_
  std::thread thread_;
};

}  // namespace mamori::store::internal
