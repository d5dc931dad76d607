#include "store/postgres/postgres_storage.h"
#include "store/backend_calls.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "store/commit_queue.h"
#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_schema.h"
#include "store/postgres/pg_txn.h"
#include "store/reader_pool.h"

namespace mamori::store {
namespace {

using internal::CalledFromUpdateFn;
using internal::ClosedStore;
using internal::NoFunction;
using internal::RunFn;
using postgres::Part;
using postgres::PgConnection;
using postgres::PgTxn;
using postgres::Stmt;
using postgres::SyncOutcome;

// Idle read connections kept for reuse (as many as the server's handler
// threads); more are opened when more Views overlap, and closed after.
constexpr size_t kMaxIdleReaders = 64;

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

// A COMMIT that failed: when the connection broke, the server may have
// committed before it did.
Status CommitFailure(const Status& commit) {
  if (commit.code() != Code::kUnavailable) return commit;
  return Status::Unavailable(
      "postgres commit: the connection to the database server broke during COMMIT; the "
      "update may or may not have been applied",
      "COMMIT 中に PostgreSQL "
      "サーバーとの接続が切れました。更新が反映されたかどうかは不明です");
}

// Whether a round trip that carried COMMIT lost its connection (the
// COMMIT itself, or anything before it: the server may still have run it).
bool OutcomeUnknown(const SyncOutcome& out) {
  return !out.commit.ok() && out.commit.code() == Code::kUnavailable;
}

class PostgresStorage final : public Storage, private internal::BatchRunner {
 public:
  explicit PostgresStorage(const PostgresOptions& options)
      : options_(options), queue_(*this, options.max_batch) {}
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
  // internal::BatchRunner, on the leader's thread (commit_queue.h).
  void BeginBatch() override;
  std::vector<Status> RunBatch(const std::vector<UpdateFn*>& fns) override;
  void AbandonBatch() override;
  Status RunCompact() override;
  // The writer connection, connected again if it broke.
  Status EnsureWriter();
  // BEGIN and the writer lock on the writer, left in pipeline mode.
  Status Begin();
  Status RunView(ViewFn& fn, bool share);

  PostgresOptions options_;
  // Used by one batch leader at a time, then by Close.
  std::unique_ptr<PgConnection> writer_;
  // BeginBatch's outcome, for the RunBatch that follows it.
  std::optional<Status> begun_;

  // Group commit in front of writer_; stopped by Close.
  internal::CommitQueue queue_;

  // The idle read connections and the views using one; drained by Close.
  internal::ReaderPool<PgConnection> readers_{kMaxIdleReaders};

  std::mutex close_mu_;
  bool closed_ = false;  // guarded by close_mu_

  std::atomic<uint64_t> updates_{0};
  std::atomic<uint64_t> commits_{0};
};

Status PostgresStorage::Start(std::unique_ptr<PgConnection> writer) {
  writer_ = std::move(writer);
  return queue_.Start();
}

Status PostgresStorage::Update(UpdateFn fn) { return queue_.Update(std::move(fn)); }

Status PostgresStorage::Compact() { return queue_.Compact(); }

void PostgresStorage::UpdateThen(UpdateFn fn, std::function<void(Status)> then) {
  queue_.UpdateThen(std::move(fn), std::move(then));
}

Status PostgresStorage::EnsureWriter() {
  if (writer_ != nullptr && writer_->Healthy()) return Status::Ok();
  writer_.reset();
  MAMORI_ASSIGN_OR_RETURN(writer_, PgConnection::Open(options_.conninfo, /*prepare=*/true));
  return Status::Ok();
}

void PostgresStorage::AbandonBatch() {
  begun_.reset();
  if (writer_ == nullptr) return;
  if (!writer_->LeavePipeline().ok()) {
    writer_.reset();
    return;
  }
  if (writer_->InTransaction()) (void)writer_->Exec("ROLLBACK", "rollback");
}

Status PostgresStorage::Begin() {
  Status status;
  for (int attempt = 0; attempt < 2; ++attempt) {
    status = EnsureWriter();
    if (!status.ok()) return status;
    PgConnection& db = *writer_;
    status = db.EnterPipeline();
    if (status.ok()) {
      db.SendSql("BEGIN ISOLATION LEVEL READ COMMITTED", "begin", Part::kBatch);
      db.Send(Stmt::kWriterLock, {}, "writer lock", Part::kBatch);
      status = db.Sync().first();
    }
    if (status.ok()) return status;
    // Nothing ran: the transaction (if any) is dropped, and a connection
    // found broken (the server restarted since its last use) is replaced
    // and tried once more.
    const bool left = db.LeavePipeline().ok();
    if (left && db.Healthy()) {
      if (db.InTransaction()) (void)db.Exec("ROLLBACK", "rollback");
      return status;
    }
    writer_.reset();
  }
  return status;
}

void PostgresStorage::BeginBatch() { begun_ = Begin(); }

// One transaction for the batch, in as few round trips as the functions'
// reads allow (docs/PERFORMANCE.md, "Several servers on one PostgreSQL"):
// BEGIN and the writer lock in one, before the batch is picked
// (BeginBatch: what queues while another server holds the lock joins this
// batch); then, in pipeline mode, the first savepoint goes out with the
// first function's first read, a function's writes with its next read or
// with its end, and its end (the release of its savepoint and the next
// one, or COMMIT) is one round trip. Failures are told apart by
// the part each command belongs to (Part): a function's own failure undoes
// its writes alone, as before.
std::vector<Status> PostgresStorage::RunBatch(const std::vector<UpdateFn*>& batch) {
  std::vector<Status> results(batch.size());
  // Begun by BeginBatch, before the batch was picked; or now, should that
  // not have run.
  std::optional<Status> begun = std::exchange(begun_, std::nullopt);
  Status begin = begun.has_value() ? std::move(*begun) : Begin();
  if (!begin.ok()) {
    results.assign(batch.size(), begin);
    return results;
  }
  PgConnection& db = *writer_;
  auto fail_all = [&](const Status& error) {
    // Whatever is pending is read and dropped; a connection that cannot
    // leave pipeline mode is not used again.
    if (!db.LeavePipeline().ok()) {
      writer_.reset();
    } else if (db.Healthy() && db.InTransaction()) {
      (void)db.Exec("ROLLBACK", "rollback");
    }
    results.assign(batch.size(), error);
    return results;
  };
  // A savepoint per function lets one fail without undoing the others; a
  // batch of one needs none (its failure rolls the transaction back).
  const bool shared = batch.size() > 1;
  if (shared) db.SendSql("SAVEPOINT f", "savepoint", Part::kBatch);
  // Keys read and written by this transaction (pg_txn.h).
  postgres::BatchCache cache;
  for (size_t i = 0; i < batch.size(); ++i) {
    const bool last = i + 1 == batch.size();
    PgTxn txn(db, /*pipelined=*/true, &cache);
    ++updates_;
    Status status = RunFn(*batch[i], txn);
    if (!db.Healthy()) {
      // Every caller gets the connection error, never another caller's own.
      return fail_all(postgres::ConnectionLost("update"));
    }
    // The function's end, in one round trip with its last writes.
    if (status.ok()) {
      if (shared) db.SendSql("RELEASE SAVEPOINT f", "release", Part::kFunction);
      if (last) {
        db.SendSql("COMMIT", "commit", Part::kCommit);
      } else {
        db.SendSql("SAVEPOINT f", "savepoint", Part::kBatch);
      }
    }
    SyncOutcome out = db.Sync();
    // A connection lost anywhere in a round trip that carried COMMIT: the
    // server may have committed.
    if (status.ok() && last && OutcomeUnknown(out)) return fail_all(CommitFailure(out.commit));
    if (!out.batch.ok()) return fail_all(out.batch);
    if (!db.Healthy()) return fail_all(postgres::ConnectionLost("update"));
    if (status.ok() && !out.function.ok()) status = out.function;  // a write it sent failed
    if (status.ok()) {
      if (last) {
        if (!out.commit.ok()) return fail_all(CommitFailure(out.commit));
        ++commits_;
      }
      results[i] = std::move(status);
      continue;
    }
    // The function failed (its own error, or one of its statements): its
    // writes are undone and the transaction is usable again, then the batch
    // goes on as it would have. What the cache knows may include its writes.
    cache.Clear();
    if (!shared) {
      db.SendSql("ROLLBACK", "rollback", Part::kBatch);
    } else {
      db.SendSql("ROLLBACK TO SAVEPOINT f", "rollback to", Part::kBatch);
      db.SendSql("RELEASE SAVEPOINT f", "release", Part::kBatch);
      if (last) {
        db.SendSql("COMMIT", "commit", Part::kCommit);
      } else {
        db.SendSql("SAVEPOINT f", "savepoint", Part::kBatch);
      }
    }
    SyncOutcome undo = db.Sync();
    if (shared && last && OutcomeUnknown(undo)) return fail_all(CommitFailure(undo.commit));
    if (!undo.batch.ok()) return fail_all(undo.batch);
    if (shared && last) {
      if (!undo.commit.ok()) return fail_all(CommitFailure(undo.commit));
      ++commits_;
    }
    results[i] = std::move(status);
  }
  Status left = db.LeavePipeline();
  if (!left.ok()) writer_.reset();  // what ran is answered; the next batch reconnects
  return results;
}

Status PostgresStorage::RunCompact() {
  MAMORI_RETURN_IF_ERROR(EnsureWriter());
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
  if (queue_.InBatch()) return CalledFromUpdateFn("View");
  if (t_shared.store == this) return RunFn(fn, *t_shared.txn);
  std::unique_ptr<PgConnection> conn;
  if (!readers_.Take(&conn)) return ClosedStore();
  // From here every path ends in readers_.Give, which Close waits for.
  if (conn == nullptr || !conn->Healthy()) {
    auto opened = PgConnection::Open(options_.conninfo, /*prepare=*/true);
    if (!opened) {
      readers_.Give(nullptr, false);
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
  readers_.Give(std::move(conn), reusable);
  return status;
}

Status PostgresStorage::Close() {
  MAMORI_RETURN_IF_ERROR(queue_.MayClose());
  std::lock_guard close_lock(close_mu_);
  if (closed_) return Status::Ok();
  closed_ = true;
  queue_.Stop();
  std::vector<std::unique_ptr<PgConnection>> readers = readers_.Drain();
  readers.clear();
  writer_.reset();
  return Status::Ok();
}

StorageStats PostgresStorage::Stats() const {
  StorageStats stats;
  stats.updates = updates_.load();
  stats.commits = commits_.load();
  stats.pending = queue_.Pending();
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
