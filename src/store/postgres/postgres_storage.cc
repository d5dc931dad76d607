#include "store/postgres/postgres_storage.h"
#include "store/backend_calls.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_schema.h"
#include "store/postgres/pg_txn.h"
#include "store/sqlite/answer_thread.h"

namespace mamori::store {
namespace {

using internal::CalledFromUpdateFn;
using internal::ClosedStore;
using internal::NoFunction;
using internal::RunFn;
using postgres::PgConnection;
using postgres::PgTxn;
using postgres::Stmt;

// Idle read connections kept for reuse (as many as the server's handler
// threads); more are opened when more Views overlap, and closed after.
constexpr size_t kMaxIdleReaders = 64;

// The store whose committer this thread is: Update, View and Close from
// inside an Update function fail instead of deadlocking.
thread_local const void* t_committer_of = nullptr;

// The snapshot this thread's Views on `store` join (ViewShared), if any.
struct SharedSnapshot {
  const void* store = nullptr;
  PgTxn* txn = nullptr;
};
thread_local SharedSnapshot t_shared;

// Runs `begin` on *conn; when that finds the connection broken (the server
// restarted since it was last used), connects again once and retries: no
// function has run yet, so nothing is lost or run twice.
Status BeginOn(std::unique_ptr<PgConnection>& conn, const char* begin) {
  Status status = conn->Exec(begin, "begin");
  if (status.ok() || conn->Healthy()) return status;
  auto fresh = PgConnection::Open(conn->conninfo(), /*prepare=*/true);
  if (!fresh) return std::move(fresh).error();
  conn = std::move(*fresh);
  return conn->Exec(begin, "begin");
}

class PostgresStorage final : public Storage {
 public:
  explicit PostgresStorage(const PostgresOptions& options) : options_(options) {
    options_.max_batch = std::max<size_t>(options_.max_batch, 1);
  }
  ~PostgresStorage() override { (void)Close(); }

  Status Start(std::unique_ptr<PgConnection> writer);

  Status Update(UpdateFn fn) override;
  void UpdateThen(UpdateFn fn, std::function<void(Status)> then) override;
  Status View(ViewFn fn) override;
  Status ViewShared(ViewFn fn) override;
  Status Close() override;
  std::string_view Backend() const override { return "postgres"; }
  Status Compact() override;
  StorageStats Stats() const override;

 private:
  // A queued Update (waiting on its own stack), UpdateThen (`then` set,
  // owned by the queue) or Compact.
  struct Writer {
    UpdateFn fn;
    std::function<void(Status)> then;
    bool compact = false;
    bool done = false;  // guarded by mu_
    Status status;      // guarded by mu_ until done
    std::condition_variable cv;
  };

  Status Submit(Writer& w);
  void CommitLoop();
  // One batch on the committer thread; the status owed to each writer.
  std::vector<Status> Execute(const std::vector<Writer*>& batch);
  std::vector<Status> RunBatch(const std::vector<Writer*>& batch);
  Status RunCompact();
  // The writer connection, connected again if it broke.
  Status EnsureWriter();
  Status RunView(ViewFn& fn, bool share);
  void ReleaseReader(std::unique_ptr<PgConnection> conn, bool reusable);

  PostgresOptions options_;
  std::unique_ptr<PgConnection> writer_;  // the committer thread's, then Close's

  mutable std::mutex mu_;
  std::condition_variable queue_cv_;  // the committer waits here
  std::deque<Writer*> writers_;       // guarded by mu_; front: the running batch
  size_t running_ = 0;                // guarded by mu_
  bool stopping_ = false;             // guarded by mu_
  std::thread committer_;
  sqlite::AnswerThread answers_;  // UpdateThen's callbacks, in commit order

  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<PgConnection>> idle_readers_;  // guarded by pool_mu_
  size_t active_views_ = 0;                                  // guarded by pool_mu_
  bool pool_closed_ = false;                                 // guarded by pool_mu_

  std::mutex close_mu_;
  bool closed_ = false;  // guarded by close_mu_

  std::atomic<uint64_t> updates_{0};
  std::atomic<uint64_t> commits_{0};
};

Status PostgresStorage::Start(std::unique_ptr<PgConnection> writer) {
  writer_ = std::move(writer);
  MAMORI_RETURN_IF_ERROR(answers_.Start());
  try {
    committer_ = std::thread([this] { CommitLoop(); });
  } catch (const std::system_error&) {
    return Status::Unavailable("cannot start the postgres commit thread",
                               "コミット用スレッドを起動できません");
  }
  return Status::Ok();
}

Status PostgresStorage::Update(UpdateFn fn) {
  if (!fn) {
    return NoFunction("Update");
  }
  if (t_committer_of == this) return CalledFromUpdateFn("Update");
  Writer w;
  w.fn = std::move(fn);
  return Submit(w);
}

Status PostgresStorage::Compact() {
  if (t_committer_of == this) return CalledFromUpdateFn("Compact");
  // Through the queue: after every Update before it, on the writer connection.
  Writer w;
  w.compact = true;
  return Submit(w);
}

void PostgresStorage::UpdateThen(UpdateFn fn, std::function<void(Status)> then) {
  if (!fn) {
    return then(NoFunction("UpdateThen"));
  }
  if (t_committer_of == this) return then(CalledFromUpdateFn("UpdateThen"));
  auto w = std::make_unique<Writer>();
  w->fn = std::move(fn);
  w->then = std::move(then);
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      writers_.push_back(w.release());  // the queue owns it until answered
      queue_cv_.notify_one();
      return;
    }
  }
  w->then(ClosedStore());
}

Status PostgresStorage::Submit(Writer& w) {
  std::unique_lock lock(mu_);
  if (stopping_) return ClosedStore();
  writers_.push_back(&w);
  queue_cv_.notify_one();
  w.cv.wait(lock, [&w] { return w.done; });
  return std::move(w.status);
}

void PostgresStorage::CommitLoop() {
  std::unique_lock lock(mu_);
  for (;;) {
    queue_cv_.wait(lock, [this] { return stopping_ || !writers_.empty(); });
    if (writers_.empty()) return;  // stopping, and everything answered
    std::vector<Writer*> batch{writers_.front()};
    if (!batch.front()->compact) {
      for (auto it = writers_.begin() + 1;
           it != writers_.end() && !(*it)->compact && batch.size() < options_.max_batch; ++it) {
        batch.push_back(*it);
      }
    }
    running_ = batch.size();
    lock.unlock();
    std::vector<Status> results = Execute(batch);
    lock.lock();
    running_ = 0;
    std::vector<sqlite::AnswerThread::Answer> answered;
    for (size_t i = 0; i < batch.size(); ++i) {
      writers_.pop_front();
      if (batch[i]->then) {
        answered.emplace_back(
            [writer = std::unique_ptr<Writer>(batch[i]), status = std::move(results[i])]() mutable {
              writer->then(std::move(status));
            });
      } else {
        batch[i]->status = std::move(results[i]);
        batch[i]->done = true;
        batch[i]->cv.notify_one();
      }
    }
    if (!answered.empty()) answers_.Post(std::move(answered));
  }
}

Status PostgresStorage::EnsureWriter() {
  if (writer_ != nullptr && writer_->Healthy()) return Status::Ok();
  writer_.reset();
  MAMORI_ASSIGN_OR_RETURN(writer_, PgConnection::Open(options_.conninfo, /*prepare=*/true));
  return Status::Ok();
}

std::vector<Status> PostgresStorage::Execute(const std::vector<Writer*>& batch) {
  const void* outer = std::exchange(t_committer_of, this);
  std::vector<Status> results;
  try {
    Status connected = EnsureWriter();
    if (!connected.ok()) {
      results.assign(batch.size(), connected);
    } else if (batch.front()->compact) {
      results.push_back(RunCompact());
    } else {
      results = RunBatch(batch);
    }
  } catch (...) {
    // Functions' own exceptions are caught in RunFn; this is allocation
    // failure in the batch machinery. Nothing of the batch may commit.
    if (writer_ != nullptr && writer_->InTransaction()) (void)writer_->Exec("ROLLBACK", "rollback");
    results.assign(batch.size(), Status::Internal("the postgres committer failed",
                                                  "コミット処理で内部エラーが発生しました"));
  }
  t_committer_of = outer;
  return results;
}

std::vector<Status> PostgresStorage::RunBatch(const std::vector<Writer*>& batch) {
  // A connection found broken by BEGIN is replaced before anything runs.
  Status begin = BeginOn(writer_, "BEGIN ISOLATION LEVEL READ COMMITTED");
  PgConnection& db = *writer_;
  std::vector<Status> results(batch.size());
  auto fail_all = [&](const Status& error) {
    if (db.Healthy() && db.InTransaction()) (void)db.Exec("ROLLBACK", "rollback");
    results.assign(batch.size(), error);
    return results;
  };
  if (begin.ok()) begin = StatusOf(db.Run(Stmt::kWriterLock, {}, "writer lock"));
  if (!begin.ok()) return fail_all(begin);
  // A savepoint per function lets one fail without undoing the others; a
  // batch of one needs none (its failure rolls the transaction back).
  const bool shared = batch.size() > 1;
  for (size_t i = 0; i < batch.size(); ++i) {
    if (shared) {
      Status savepoint = db.Exec("SAVEPOINT f", "savepoint");
      if (!savepoint.ok()) return fail_all(savepoint);
    }
    PgTxn txn(db);
    ++updates_;
    Status status = RunFn(batch[i]->fn, txn);
    if (!db.Healthy()) {
      // Every caller gets the connection error, never another caller's own.
      return fail_all(postgres::ConnectionLost("update"));
    }
    if (!shared) {
      if (!status.ok()) {
        Status undo = db.Exec("ROLLBACK", "rollback");
        if (!undo.ok()) return fail_all(undo);
        results[i] = std::move(status);
        return results;
      }
      results[i] = std::move(status);
      break;
    }
    // A failed function's writes are undone (and a failed statement's
    // aborted state cleared); the savepoint goes either way.
    Status undo = status.ok() ? Status::Ok() : db.Exec("ROLLBACK TO SAVEPOINT f", "rollback to");
    if (undo.ok()) undo = db.Exec("RELEASE SAVEPOINT f", "release");
    if (!undo.ok()) return fail_all(undo);
    results[i] = std::move(status);
  }
  Status commit = db.Exec("COMMIT", "commit");
  if (!commit.ok()) {
    if (commit.code() == Code::kUnavailable) {
      // The server may have committed before the connection broke.
      return fail_all(Status::Unavailable(
          "postgres commit: the connection to the database server broke during COMMIT; the "
          "update may or may not have been applied",
          "COMMIT 中に PostgreSQL "
          "サーバーとの接続が切れました。更新が反映されたかどうかは不明です"));
    }
    return fail_all(commit);
  }
  ++commits_;
  return results;
}

Status PostgresStorage::RunCompact() {
  // VACUUM cannot run inside a transaction block; the writer is outside one
  // between batches.
  MAMORI_RETURN_IF_ERROR(writer_->Exec("VACUUM (FULL) mamori_kv", "vacuum"));
  Status checkpoint = writer_->Exec("CHECKPOINT", "checkpoint");
  if (!checkpoint.ok() && checkpoint.code() == Code::kIoError) {
    return Status::FailedPrecondition(
        "the table was rewritten, but CHECKPOINT was refused (the database role needs "
        "pg_checkpoint): the WAL still holds deleted rows",
        "テーブルは書き直しましたが CHECKPOINT が拒否されました (pg_checkpoint 権限が必要です)。"
        "削除した行は WAL にまだ残っています");
  }
  return checkpoint;
}

Status PostgresStorage::View(ViewFn fn) { return RunView(fn, false); }

Status PostgresStorage::ViewShared(ViewFn fn) { return RunView(fn, true); }

Status PostgresStorage::RunView(ViewFn& fn, bool share) {
  if (!fn) return NoFunction("View");
  if (t_committer_of == this) return CalledFromUpdateFn("View");
  if (t_shared.store == this) return RunFn(fn, *t_shared.txn);
  std::unique_ptr<PgConnection> conn;
  {
    std::lock_guard lock(pool_mu_);
    if (pool_closed_) return ClosedStore();
    ++active_views_;
    if (!idle_readers_.empty()) {
      conn = std::move(idle_readers_.back());
      idle_readers_.pop_back();
    }
  }
  // From here every path ends in ReleaseReader, which Close waits for.
  if (conn == nullptr || !conn->Healthy()) {
    auto opened = PgConnection::Open(options_.conninfo, /*prepare=*/true);
    if (!opened) {
      ReleaseReader(nullptr, false);
      return opened.error();
    }
    conn = std::move(*opened);
  }
  Status status = BeginOn(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  bool healthy = status.ok();
  if (status.ok()) {
    PgTxn txn(*conn);
    const SharedSnapshot outer = t_shared;
    if (share) t_shared = {this, &txn};
    status = RunFn(fn, txn);
    t_shared = outer;
    // COMMIT ends a read-only transaction; after a failed statement it
    // rolls back, which is all a reader needs.
    Status end = conn->Exec("COMMIT", "commit");
    if (!end.ok()) {
      healthy = false;
      if (status.ok()) status = std::move(end);
    }
  }
  const bool reusable = healthy && conn->Healthy();
  ReleaseReader(std::move(conn), reusable);
  return status;
}

void PostgresStorage::ReleaseReader(std::unique_ptr<PgConnection> conn, bool reusable) {
  std::unique_ptr<PgConnection> discard;  // closed after the lock is released
  std::lock_guard lock(pool_mu_);
  if (conn != nullptr && reusable && !pool_closed_ && idle_readers_.size() < kMaxIdleReaders) {
    idle_readers_.push_back(std::move(conn));
  } else {
    discard = std::move(conn);
  }
  if (--active_views_ == 0) pool_cv_.notify_all();
}

Status PostgresStorage::Close() {
  if (t_committer_of == this) return CalledFromUpdateFn("Close");
  if (answers_.OnThisThread()) {
    return Status::Internal("Close was called from an UpdateThen callback",
                            "UpdateThen のコールバックの中から Close が呼ばれました");
  }
  std::lock_guard close_lock(close_mu_);
  if (closed_) return Status::Ok();
  closed_ = true;
  {
    // Everything already queued gets an answer; nothing new is queued.
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  if (committer_.joinable()) committer_.join();
  answers_.Stop();
  std::vector<std::unique_ptr<PgConnection>> readers;
  {
    std::unique_lock lock(pool_mu_);
    pool_closed_ = true;
    pool_cv_.wait(lock, [this] { return active_views_ == 0; });
    readers.swap(idle_readers_);
  }
  readers.clear();
  writer_.reset();
  return Status::Ok();
}

StorageStats PostgresStorage::Stats() const {
  StorageStats stats;
  stats.updates = updates_.load();
  stats.commits = commits_.load();
  std::lock_guard lock(mu_);
  stats.pending = writers_.size() - running_;
  return stats;
}

}  // namespace

bool IsPostgresUri(std::string_view location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

Result<std::unique_ptr<Storage>> OpenPostgresStorage(const PostgresOptions& options) {
  MAMORI_RETURN_IF_ERROR(postgres::CheckConninfo(options.conninfo));
  MAMORI_ASSIGN_OR_RETURN(auto writer, PgConnection::Open(options.conninfo, /*prepare=*/false));
  MAMORI_RETURN_IF_ERROR(postgres::EnsureSchema(*writer));
  MAMORI_RETURN_IF_ERROR(writer->Prepare());
  auto storage = std::make_unique<PostgresStorage>(options);
  MAMORI_RETURN_IF_ERROR(storage->Start(std::move(writer)));
  return std::unique_ptr<Storage>(std::move(storage));
}

}  // namespace mamori::store
