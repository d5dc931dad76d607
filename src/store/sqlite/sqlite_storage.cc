#include "store/sqlite/sqlite_storage.h"
#include "store/backend_calls.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "store/commit_queue.h"
#include "store/reader_pool.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/sqlite_txn.h"
#include "store/sqlite/store_file.h"

namespace mamori::store {
namespace {

using internal::CalledFromUpdateFn;
using internal::ClosedStore;
using internal::NoFunction;
using internal::RunFn;
using sqlite::Connection;
using sqlite::Sql;
using sqlite::SqliteTxn;

// Idle read connections kept for reuse. More are opened when more Views
// overlap, and closed when they finish, so a burst does not pin descriptors.
// As many as the server has handler threads by default (64): with fewer,
// a server under load opened and closed a connection (file descriptors,
// schema parse, prepared statements) for a good share of its Views, about
// 7% of its CPU in a profile of 64 connections' reads. A reader costs three
// descriptors and the pages it has cached (at most SQLite's 2 MiB default).
constexpr size_t kMaxIdleReaders = 64;

// The snapshot this thread's Views on `store` join (ViewShared), if any.
struct SharedSnapshot {
  const void* store = nullptr;
  sqlite::SqliteTxn* txn = nullptr;
};
thread_local SharedSnapshot t_shared;

class SqliteStorage final : public Storage, private internal::BatchRunner {
 public:
  SqliteStorage(const SqliteOptions& options, std::unique_ptr<Connection> writer,
                std::unique_ptr<Connection> checkpointer)
      : options_(options),
        writer_(std::move(writer)),
        checkpointer_(std::move(checkpointer)),
        queue_(*this, options.max_batch) {}
  ~SqliteStorage() override { (void)Close(); }

  Status Start();

  Status Update(UpdateFn fn) override;
  void UpdateThen(UpdateFn fn, std::function<void(Status)> then) override;
  Status View(ViewFn fn) override;
  Status ViewShared(ViewFn fn) override;
  Status Close() override;
  std::string_view Backend() const override { return "sqlite"; }
  Status Compact() override;
  StorageStats Stats() const override;

 private:
  // internal::BatchRunner, on the leader's thread (commit_queue.h).
  std::vector<Status> RunBatch(const std::vector<UpdateFn*>& fns) override;
  Status RunCompact() override { return writer_->CheckpointTruncate(); }
  void AbandonBatch() override {
    if (writer_->InTransaction()) (void)writer_->Run(Sql::kRollback);
  }
  // View's body; with `share`, this thread's Views on this store join its
  // snapshot while fn runs.
  Status RunView(ViewFn& fn, bool share);

  static void OnWalCommit(void* self, int frames);
  void CheckpointLoop();

  SqliteOptions options_;
  // Used by one leader at a time (the one whose batch is running), then by
  // Close.
  std::unique_ptr<Connection> writer_;

  // Background checkpoints: the writer's commits never copy the WAL into
  // the database file themselves (that is a second sync and hundreds of
  // page writes every few thousand frames, which SQLite's automatic checkpoint
  // would charge to whichever commit crossed the threshold).
  std::unique_ptr<Connection> checkpointer_;  // used only by checkpoint_thread_
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  bool checkpoint_wanted_ = false;  // guarded by checkpoint_mu_
  bool checkpoint_stop_ = false;    // guarded by checkpoint_mu_
  std::thread checkpoint_thread_;
  // Set when a background checkpoint has copied the WAL as far as it could.
  // SQLite rewinds the WAL to its start only when a write transaction begins
  // with every frame copied, and under a steady stream of commits new frames
  // always arrive while the background copy runs: the WAL would then grow
  // for ever, and a sync that extends a file costs several times one that
  // overwrites. So the next leader copies the few frames that arrived since
  // (the bulk is done), on the writer connection, before it begins.
  std::atomic<bool> catch_up_{false};

  // Group commit in front of writer_; stopped by Close.
  internal::CommitQueue queue_;

  // The idle read connections and the views using one; drained by Close.
  internal::ReaderPool<Connection> readers_{kMaxIdleReaders};

  std::mutex close_mu_;
  bool closed_ = false;  // guarded by close_mu_

  std::atomic<uint64_t> updates_{0};
  std::atomic<uint64_t> commits_{0};
  std::atomic<uint64_t> checkpoints_{0};
};

Status SqliteStorage::Start() {
  writer_->SetWalHook(&SqliteStorage::OnWalCommit, this);
  try {
    checkpoint_thread_ = std::thread([this] { CheckpointLoop(); });
  } catch (const std::system_error&) {
    writer_->SetWalHook(nullptr, nullptr);
    return Status::Unavailable("cannot start the sqlite checkpoint thread",
                               "チェックポイント用スレッドを起動できません");
  }
  return queue_.Start();
}

void SqliteStorage::OnWalCommit(void* self, int frames) {
  auto* storage = static_cast<SqliteStorage*>(self);
  if (static_cast<size_t>(frames) < storage->options_.checkpoint_frames) return;
  {
    std::lock_guard lock(storage->checkpoint_mu_);
    storage->checkpoint_wanted_ = true;
  }
  storage->checkpoint_cv_.notify_one();
}

void SqliteStorage::CheckpointLoop() {
  std::unique_lock lock(checkpoint_mu_);
  for (;;) {
    checkpoint_cv_.wait(lock, [this] { return checkpoint_stop_ || checkpoint_wanted_; });
    if (checkpoint_stop_) return;
    checkpoint_wanted_ = false;
    lock.unlock();
    // A failed or partial checkpoint (a View still reads an older
    // snapshot) loses nothing: the frames stay in the WAL, and the next
    // commit past the threshold asks again.
    if (checkpointer_->CheckpointPassive()) {
      ++checkpoints_;
      catch_up_ = true;
    }
    lock.lock();
  }
}

Status SqliteStorage::Update(UpdateFn fn) { return queue_.Update(std::move(fn)); }

Status SqliteStorage::Compact() { return queue_.Compact(); }

void SqliteStorage::UpdateThen(UpdateFn fn, std::function<void(Status)> then) {
  queue_.UpdateThen(std::move(fn), std::move(then));
}

std::vector<Status> SqliteStorage::RunBatch(const std::vector<UpdateFn*>& batch) {
  Connection& db = *writer_;
  std::vector<Status> results(batch.size());
  auto fail_all = [&](const Status& error) {
    if (db.InTransaction()) (void)db.Run(Sql::kRollback);
    results.assign(batch.size(), error);
    return results;
  };

  // Best effort: when it cannot finish (a View reads an older snapshot), the
  // next background checkpoint asks again.
  if (catch_up_.exchange(false)) (void)db.CheckpointPassive();
  Status begin = db.Run(Sql::kBeginImmediate);
  if (!begin.ok()) return fail_all(begin);
  // A savepoint per function lets one fail without undoing the others; a
  // batch of one needs none (its failure rolls the transaction back).
  const bool shared = batch.size() > 1;
  for (size_t i = 0; i < batch.size(); ++i) {
    if (shared) {
      Status savepoint = db.Run(Sql::kSavepoint);
      if (!savepoint.ok()) return fail_all(savepoint);
    }
    SqliteTxn txn(db);
    ++updates_;
    Status status = RunFn(*batch[i], txn);
    if (!db.InTransaction()) {
      // SQLite rolled the whole transaction back after an I/O error or a full
      // disk: the functions before this one lost their writes too. Every
      // caller gets the SQLite error, never another caller's own message.
      const Status& cause = txn.first_error();
      return fail_all(Status::IoError(
          "sqlite update failed on " + options_.path +
              ": the shared transaction was rolled back, nothing in it was committed" +
              (cause.ok() ? std::string() : " (" + cause.message() + ")"),
          "データベース " + options_.path + " のトランザクションがエラーで取り消されました。" +
              "何も書き込まれていません"));
    }
    if (!shared) {
      if (!status.ok()) {
        Status undo = db.Run(Sql::kRollback);
        if (!undo.ok()) return fail_all(undo);
        results[i] = std::move(status);
        return results;
      }
      results[i] = std::move(status);
      break;
    }
    // A failed function's writes are undone; the savepoint itself must go
    // either way, or the next one would nest inside it.
    Status undo = status.ok() ? Status::Ok() : db.Run(Sql::kRollbackTo);
    if (undo.ok()) undo = db.Run(Sql::kRelease);
    if (!undo.ok()) return fail_all(undo);
    results[i] = std::move(status);
  }
  Status commit = db.Run(Sql::kCommit);
  if (!commit.ok()) return fail_all(commit);
  ++commits_;
  return results;
}

Status SqliteStorage::View(ViewFn fn) { return RunView(fn, false); }

Status SqliteStorage::ViewShared(ViewFn fn) { return RunView(fn, true); }

Status SqliteStorage::RunView(ViewFn& fn, bool share) {
  if (!fn) return NoFunction("View");
  if (queue_.InBatch()) return CalledFromUpdateFn("View");
  if (t_shared.store == this) return RunFn(fn, *t_shared.txn);
  std::unique_ptr<Connection> conn;
  if (!readers_.Take(&conn)) return ClosedStore();
  // From here every path ends in readers_.Give, which Close waits for.
  if (conn == nullptr) {
    auto opened =
        Connection::Open(options_.path, Connection::Role::kReader, options_.busy_timeout_ms,
                         options_.secure_delete, options_.read_mmap_bytes);
    if (!opened) {
      readers_.Give(nullptr, false);
      return opened.error();
    }
    conn = std::move(*opened);
  }
  // Deferred BEGIN: the snapshot is fixed at the first read and holds until
  // COMMIT, so every read in fn sees the same committed state.
  Status status = conn->Run(Sql::kBegin);
  bool healthy = status.ok();
  if (status.ok()) {
    SqliteTxn txn(*conn);
    const SharedSnapshot outer = t_shared;
    if (share) t_shared = {this, &txn};
    status = RunFn(fn, txn);
    t_shared = outer;
    Status end = conn->Run(Sql::kCommit);
    if (!end.ok()) {
      healthy = false;
      if (conn->InTransaction()) (void)conn->Run(Sql::kRollback);
      if (status.ok()) status = std::move(end);
    }
  }
  readers_.Give(std::move(conn), healthy);
  return status;
}

Status SqliteStorage::Close() {
  MAMORI_RETURN_IF_ERROR(queue_.MayClose());
  std::lock_guard close_lock(close_mu_);
  if (closed_) return Status::Ok();
  closed_ = true;
  queue_.Stop();
  {
    std::lock_guard lock(checkpoint_mu_);
    checkpoint_stop_ = true;
  }
  checkpoint_cv_.notify_all();
  if (checkpoint_thread_.joinable()) checkpoint_thread_.join();
  writer_->SetWalHook(nullptr, nullptr);

  std::vector<std::unique_ptr<Connection>> readers = readers_.Drain();
  Status status = checkpointer_->Close();
  for (auto& reader : readers) {
    Status closed = reader->Close();
    if (status.ok()) status = std::move(closed);
  }
  readers.clear();
  // The writer closes last: as the last connection, it checkpoints the WAL
  // into the database file.
  Status closed = writer_->Close();
  if (status.ok()) status = std::move(closed);
  return status;
}

StorageStats SqliteStorage::Stats() const {
  StorageStats stats;
  stats.updates = updates_.load();
  stats.commits = commits_.load();
  stats.checkpoints = checkpoints_.load();
  stats.pending = queue_.Pending();
  return stats;
}

Result<std::unique_ptr<Storage>> OpenPrepared(const SqliteOptions& options) {
  MAMORI_ASSIGN_OR_RETURN(std::unique_ptr<Connection> writer,
                          Connection::Open(options.path, Connection::Role::kWriter,
                                           options.busy_timeout_ms, options.secure_delete));
  MAMORI_RETURN_IF_ERROR(sqlite::EnsureStore(*writer, options.create_if_missing));
  MAMORI_ASSIGN_OR_RETURN(std::unique_ptr<Connection> checkpointer,
                          Connection::Open(options.path, Connection::Role::kCheckpointer,
                                           options.busy_timeout_ms, options.secure_delete));
  auto storage =
      std::make_unique<SqliteStorage>(options, std::move(writer), std::move(checkpointer));
  MAMORI_RETURN_IF_ERROR(storage->Start());
  return std::unique_ptr<Storage>(std::move(storage));
}

}  // namespace

Result<std::unique_ptr<Storage>> OpenSqliteStorage(const SqliteOptions& options) {
  if (options.path.empty()) {
    return Fail(Status::InvalidArgument("SqliteOptions.path is empty",
                                        "データベースファイルのパスが空です", "path"));
  }
  bool created = false;
  MAMORI_RETURN_IF_ERROR(sqlite::PrepareFile(options.path, options.create_if_missing, &created));
  auto storage = OpenPrepared(options);
  if (!storage && created) {
    // Leave no trace of a failed first open; a file that already holds data
    // (another process got there) stays.
    struct stat st {};
    if (::stat(options.path.c_str(), &st) == 0 && st.st_size == 0) ::unlink(options.path.c_str());
  }
  return storage;
}

}  // namespace mamori::store
