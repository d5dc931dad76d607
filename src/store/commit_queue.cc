#include "store/commit_queue.h"

#include <algorithm>
#include <memory>
#include <system_error>
#include <utility>

#include "store/backend_calls.h"

namespace mamori::store::internal {
namespace {

// The queue whose batch this thread is running.
thread_local const CommitQueue* t_batch_of = nullptr;

}  // namespace

CommitQueue::CommitQueue(BatchRunner& runner, size_t max_batch)
    : runner_(runner), max_batch_(std::max<size_t>(max_batch, 1)) {}

Status CommitQueue::Start() {
  try {
    commit_thread_ = std::thread([this] { CommitLoop(); });
  } catch (const std::system_error&) {
    return Status::Unavailable("cannot start the storage commit thread",
                               "コミット用スレッドを起動できません");
  }
  return answers_.Start();
}

bool CommitQueue::InBatch() const { return t_batch_of == this; }

Status CommitQueue::Update(UpdateFn fn) {
  if (!fn) return NoFunction("Update");
  if (InBatch()) return CalledFromUpdateFn("Update");
  Writer w;
  w.fn = std::move(fn);
  return Submit(w);
}

Status CommitQueue::Compact() {
  if (InBatch()) return CalledFromUpdateFn("Compact");
  // Through the queue, so that it runs after every Update before it and no
  // new write slips in between.
  Writer w;
  w.compact = true;
  return Submit(w);
}

void CommitQueue::UpdateThen(UpdateFn fn, std::function<void(Status)> then) {
  if (!fn) return then(NoFunction("UpdateThen"));
  if (InBatch()) return then(CalledFromUpdateFn("UpdateThen"));
  auto w = std::make_unique<Writer>();
  w->fn = std::move(fn);
  w->then = std::move(then);
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      writers_.push_back(w.release());  // the queue owns it until answered
      // Alone in the queue: nobody is leading, so the commit thread must.
      if (writers_.size() == 1) commit_cv_.notify_one();
      return;
    }
  }
  w->then(ClosedStore());
}

Status CommitQueue::Submit(Writer& w) {
  std::unique_lock lock(mu_);
  if (stopping_) return ClosedStore();
  writers_.push_back(&w);
  while (!w.done && &w != writers_.front()) w.cv.wait(lock);
  if (w.done) return std::move(w.status);
  return LeadBatch(lock);
}

void CommitQueue::WakeNextLeader() {
  if (writers_.empty()) {
    drained_.notify_all();
  } else if (writers_.front()->then) {
    commit_cv_.notify_one();
  } else {
    writers_.front()->cv.notify_one();
  }
}

Status CommitQueue::LeadBatch(std::unique_lock<std::mutex>& lock) {
  Writer& front = *writers_.front();
  if (!front.compact) {
    // The front is taken (no other leader starts on it) while the runner
    // gets ready; whoever queues meanwhile joins the batch.
    running_ = 1;
    lock.unlock();
    const CommitQueue* outer = std::exchange(t_batch_of, this);
    try {
      runner_.BeginBatch();
    } catch (...) {
      runner_.AbandonBatch();
    }
    t_batch_of = outer;
    lock.lock();
  }
  std::vector<Writer*> batch{&front};
  if (!front.compact) {
    for (auto it = writers_.begin() + 1;
         it != writers_.end() && !(*it)->compact && batch.size() < max_batch_; ++it) {
      batch.push_back(*it);
    }
  }
  running_ = batch.size();
  lock.unlock();
  std::vector<Status> results = Execute(batch);
  lock.lock();
  running_ = 0;
  std::vector<AnswerThread::Answer> answered;  // UpdateThen's
  Status own;
  for (size_t i = 0; i < batch.size(); ++i) {
    writers_.pop_front();
    if (batch[i]->then) {
      answered.emplace_back(
          [writer = std::unique_ptr<Writer>(batch[i]), status = std::move(results[i])]() mutable {
            writer->then(std::move(status));
          });
    } else if (i == 0) {
      own = std::move(results[0]);
    } else {
      batch[i]->status = std::move(results[i]);
      batch[i]->done = true;
      batch[i]->cv.notify_one();
    }
  }
  WakeNextLeader();
  if (!answered.empty()) answers_.Post(std::move(answered));
  return own;
}

std::vector<Status> CommitQueue::Execute(const std::vector<Writer*>& batch) {
  // Restored after, not cleared: a function may use another store.
  const CommitQueue* outer = std::exchange(t_batch_of, this);
  std::vector<Status> results;
  try {
    if (batch.front()->compact) {
      results.push_back(runner_.RunCompact());
    } else {
      std::vector<UpdateFn*> fns;
      fns.reserve(batch.size());
      for (Writer* w : batch) fns.push_back(&w->fn);
      results = runner_.RunBatch(fns);
    }
  } catch (...) {
    runner_.AbandonBatch();
    results.clear();
  }
  if (results.size() != batch.size()) {
    results.assign(batch.size(), Status::Internal("the storage committer failed",
                                                  "コミット処理で内部エラーが発生しました"));
  }
  t_batch_of = outer;
  return results;
}

void CommitQueue::CommitLoop() {
  std::unique_lock lock(mu_);
  for (;;) {
    commit_cv_.wait(lock, [this] {
      return commit_stop_ || (running_ == 0 && !writers_.empty() && writers_.front()->then);
    });
    if (commit_stop_) return;
    (void)LeadBatch(lock);
  }
}

Status CommitQueue::MayClose() const {
  if (InBatch()) return CalledFromUpdateFn("Close");
  if (OnAnswerThread()) {
    return Status::Internal("Close was called from an UpdateThen callback",
                            "UpdateThen のコールバックの中から Close が呼ばれました");
  }
  return Status::Ok();
}

void CommitQueue::Stop() {
  std::lock_guard stop_lock(stop_mu_);
  {
    // Everything already queued gets an answer; nothing new is queued.
    std::unique_lock lock(mu_);
    stopping_ = true;
    drained_.wait(lock, [this] { return writers_.empty(); });
    commit_stop_ = true;
  }
  commit_cv_.notify_all();
  if (commit_thread_.joinable()) commit_thread_.join();
  answers_.Stop();
}

size_t CommitQueue::Pending() const {
  std::lock_guard lock(mu_);
  return writers_.size() - running_;
}

}  // namespace mamori::store::internal
