// Internal to the storage backends: the group-commit queue in front of a
// backend's one writer connection, shared by the sqlite and postgres
// backends so that both batch, answer and shut down alike.
//
// Leader/follower (as LevelDB's writer queue): Update and Compact queue the
// caller and wait; whoever is at the front when the previous batch finishes
// runs the next batch on its own thread, for itself and for the Updates
// queued behind it (up to max_batch, never past a Compact, which runs
// alone). A lone caller therefore commits without handing its function to
// another thread. UpdateThen has no thread waiting: a batch it heads is led
// by the queue's commit thread, and its answer runs on the answer thread in
// commit order, never on a thread that would hold up the next commit.
//
// The backend supplies the transaction (BatchRunner): the queue only decides
// which writers share one, on which thread, and who is told what. At most
// one batch runs at a time, so the runner may use one connection without a
// lock of its own.
//
// Inside a runner call, InBatch() is true on that thread: a backend's
// Update, View, Compact and Close called from inside an Update function
// must fail (it would wait for the batch running it) instead of deadlocking.
//
// Stop answers every writer already queued (they run as usual), refuses new
// ones with the closed-store status, and ends both threads; after it
// returns, the runner is no longer called.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "core/status.h"
#include "store/answer_thread.h"
#include "store/storage.h"

namespace mamori::store::internal {

class BatchRunner {
 public:
  virtual ~BatchRunner() = default;
  // Runs fns (1 to max_batch of them, in queue order) in one transaction;
  // one status per function: OK for each only if the commit was durable. A
  // function's own failure undoes only its writes.
  virtual std::vector<Status> RunBatch(const std::vector<UpdateFn*>& fns) = 0;
  // The backend's Compact, alone, after every Update queued before it.
  virtual Status RunCompact() = 0;
  // Called by the leader of the next batch before it picks the writers of
  // that batch (it runs with the queue unlocked): a backend whose commit
  // must wait for something outside the process (another server's writer
  // lock) waits here, and the writers queued meanwhile join the batch
  // instead of waiting for the one after. RunBatch follows on the same
  // thread, or, should this throw, AbandonBatch. By default nothing.
  virtual void BeginBatch() {}
  // RunBatch threw (allocation failure in the backend's machinery; the
  // functions' own exceptions never escape RunFn): end any transaction it
  // left open, so that nothing of the batch commits.
  virtual void AbandonBatch() = 0;
};

class CommitQueue {
 public:
  // `runner` must outlive the queue (or its Stop). max_batch 0 acts as 1.
  CommitQueue(BatchRunner& runner, size_t max_batch);
  ~CommitQueue() { Stop(); }
  CommitQueue(const CommitQueue&) = delete;
  CommitQueue& operator=(const CommitQueue&) = delete;

  // Starts the commit and answer threads; kUnavailable when it cannot.
  Status Start();

  // The store's Update: fn's status once its batch committed (or failed);
  // kInvalidArgument without a function, kInternal from inside a batch.
  Status Update(UpdateFn fn);
  // The store's UpdateThen: `then` runs on the answer thread, in commit
  // order; at once with the error for a missing function or a call from
  // inside a batch, or with the closed-store status after Stop.
  void UpdateThen(UpdateFn fn, std::function<void(Status)> then);
  // The runner's RunCompact, through the queue (kInternal inside a batch).
  Status Compact();
  // Whether the store may close on this thread: kInternal from inside a
  // batch or an UpdateThen callback (Stop would wait for itself).
  Status MayClose() const;
  // See above. Idempotent; call only when MayClose() is OK.
  void Stop();

  // Whether the calling thread is running a batch of this queue.
  bool InBatch() const;
  // Whether the calling thread is the answer thread (an UpdateThen callback).
  bool OnAnswerThread() const { return answers_.OnThisThread(); }
  // Writers queued and not yet running.
  size_t Pending() const;

 private:
  // A caller of Update or Compact, waiting on its own stack; or an
  // UpdateThen's (`then` set), owned by the queue until answered.
  struct Writer {
    UpdateFn fn;
    std::function<void(Status)> then;
    bool compact = false;
    bool done = false;  // guarded by mu_
    Status status;      // guarded by mu_ until done
    std::condition_variable cv;
  };

  // Queues w; its status once a leader (w's own thread, if w reaches the
  // front first) has run it.
  Status Submit(Writer& w);
  // With `lock` held and writers_.front() not yet running: runs the batch it
  // heads on this thread, answers every writer in it, wakes the next leader,
  // and returns the front writer's status. `lock` is held again on return.
  Status LeadBatch(std::unique_lock<std::mutex>& lock);
  // Wakes whoever leads the batch now at the front. mu_ held.
  void WakeNextLeader();
  // The runner on this thread; never throws.
  std::vector<Status> Execute(const std::vector<Writer*>& batch);
  void CommitLoop();

  BatchRunner& runner_;
  const size_t max_batch_;

  mutable std::mutex mu_;
  // Front: the running batch, then those waiting for the next leader. A
  // writer leaves only when its result is set.
  std::deque<Writer*> writers_;  // guarded by mu_
  size_t running_ = 0;           // writers in the running batch; guarded by mu_
  bool stopping_ = false;        // guarded by mu_
  bool commit_stop_ = false;     // guarded by mu_
  std::condition_variable drained_;
  std::condition_variable commit_cv_;  // the commit thread waits here
  std::thread commit_thread_;
  AnswerThread answers_;

  std::mutex stop_mu_;  // one Stop at a time
};

}  // namespace mamori::store::internal
