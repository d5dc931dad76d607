#include "store/sqlite/sqlite_storage.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "store/sqlite/connection.h"
#include "store/sqlite/sqlite_txn.h"
#include "store/sqlite/store_file.h"

namespace mamori::store {
namespace {

using sqlite::Connection;
using sqlite::Sql;
using sqlite::SqliteTxn;

// Idle read connections kept for reuse. More are opened when more Views
// overlap, and closed when they finish, so a burst does not pin descriptors.
constexpr size_t kMaxIdleReaders = 8;

// The store whose committer runs on this thread. Update, View and Close called
// from inside an Update function would wait for the committer, which is
// waiting for that function: they fail instead of deadlocking.
thread_local const void* t_committer_of = nullptr;

Status Closed() {
  return Status::Unavailable("the sqlite store is closed", "データストアは閉じられています");
}

Status CalledFromUpdateFn(std::string_view what) {
  return Status::Internal(std::string(what) +
                              " was called from inside an Update function, which must not call "
                              "Update, View or Close",
                          "Update の関数の中から " + std::string(what) + " が呼ばれました");
}

// Runs a caller's function. An exception becomes kInternal (nothing may escape
// the committer thread), and an error the function dropped is returned anyway.
template <class Fn>
Status RunFn(Fn& fn, SqliteTxn& txn) {
  Status status;
  try {
    status = fn(txn);
  } catch (...) {
    // what() is not quoted: it may carry anything, including personal data.
    return Status::Internal("a storage function threw an exception; its writes were not applied",
                            "ストレージの関数が例外を送出しました。書き込みは反映されていません");
  }
  if (status.ok() && !txn.first_error().ok()) return txn.first_error();
  return status;
}

class SqliteStorage final : public Storage {
 public:
  SqliteStorage(const SqliteOptions& options, std::unique_ptr<Connection> writer)
      : options_(options), writer_(std::move(writer)) {
    options_.max_batch = std::max<size_t>(options_.max_batch, 1);
  }
  ~SqliteStorage() override { (void)Close(); }

  Status Start();

  Status Update(UpdateFn fn) override;
  Status View(ViewFn fn) override;
  Status Close() override;
  std::string_view Backend() const override { return "sqlite"; }
  Status Compact() override;
  StorageStats Stats() const override;

 private:
  // One entry of the committer's queue: an Update, or a Compact (no fn).
  struct Request {
    UpdateFn fn;
    std::promise<Status> done;
    bool compact = false;
  };

  // Queues request and waits for the committer's answer.
  Status Submit(Request& request);
  void CommitLoop();
  // One shared transaction; returns the status owed to each request.
  std::vector<Status> RunBatch(const std::vector<Request*>& batch);
  void ReleaseReader(std::unique_ptr<Connection> conn, bool reusable);

  SqliteOptions options_;
  // Used only by the committer thread while it runs, then by Close.
  std::unique_ptr<Connection> writer_;

  mutable std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<Request*> queue_;  // guarded by queue_mu_
  bool stopping_ = false;       // guarded by queue_mu_
  std::thread committer_;

  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<Connection>> idle_readers_;  // guarded by pool_mu_
  size_t active_views_ = 0;                                // guarded by pool_mu_
  bool pool_closed_ = false;                               // guarded by pool_mu_

  std::mutex close_mu_;
  bool closed_ = false;  // guarded by close_mu_

  std::atomic<uint64_t> updates_{0};
  std::atomic<uint64_t> commits_{0};
};

Status SqliteStorage::Start() {
  try {
    committer_ = std::thread([this] { CommitLoop(); });
  } catch (const std::system_error&) {
    return Status::Unavailable("cannot start the sqlite committer thread",
                               "コミット用スレッドを起動できません");
  }
  return Status::Ok();
}

Status SqliteStorage::Update(UpdateFn fn) {
  if (!fn) {
    return Status::InvalidArgument("Update needs a function", "Update に関数が指定されていません");
  }
  if (t_committer_of == this) return CalledFromUpdateFn("Update");
  Request request{std::move(fn), {}};
  return Submit(request);
}

Status SqliteStorage::Compact() {
  if (t_committer_of == this) return CalledFromUpdateFn("Compact");
  // Through the queue, so that it runs on the writer connection after every
  // Update before it, and no new write can slip in between.
  Request request{nullptr, {}, true};
  return Submit(request);
}

Status SqliteStorage::Submit(Request& request) {
  std::future<Status> result = request.done.get_future();
  {
    std::lock_guard lock(queue_mu_);
    if (stopping_) return Closed();
    queue_.push_back(&request);
  }
  queue_cv_.notify_one();
  return result.get();
}

void SqliteStorage::CommitLoop() {
  t_committer_of = this;
  std::vector<Request*> batch;
  for (;;) {
    batch.clear();
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      // Close lets the queue drain first: everything enqueued gets an answer.
      if (queue_.empty()) return;
      // A Compact runs alone; Updates run in groups of up to max_batch.
      auto end = queue_.begin() + 1;
      if (!queue_.front()->compact) {
        while (end != queue_.end() && !(*end)->compact &&
               static_cast<size_t>(end - queue_.begin()) < options_.max_batch) {
          ++end;
        }
      }
      batch.assign(queue_.begin(), end);
      queue_.erase(queue_.begin(), end);
    }
    std::vector<Status> results;
    try {
      if (batch.front()->compact) {
        results.push_back(writer_->CheckpointTruncate());
      } else {
        results = RunBatch(batch);
      }
    } catch (...) {
      // Functions' own exceptions are caught in RunFn; this is allocation
      // failure in the batch machinery. Nothing of the batch may commit.
      if (writer_->InTransaction()) (void)writer_->Run(Sql::kRollback);
      results.assign(batch.size(), Status::Internal("the sqlite committer failed",
                                                    "コミット処理で内部エラーが発生しました"));
    }
    for (size_t i = 0; i < batch.size(); ++i) {
      // Moved out first: once the value is set the caller may return and
      // destroy its Request.
      std::promise<Status> done = std::move(batch[i]->done);
      done.set_value(std::move(results[i]));
    }
  }
}

std::vector<Status> SqliteStorage::RunBatch(const std::vector<Request*>& batch) {
  Connection& db = *writer_;
  std::vector<Status> results(batch.size());
  auto fail_all = [&](const Status& error) {
    if (db.InTransaction()) (void)db.Run(Sql::kRollback);
    results.assign(batch.size(), error);
    return results;
  };

  Status begin = db.Run(Sql::kBeginImmediate);
  if (!begin.ok()) return fail_all(begin);
  for (size_t i = 0; i < batch.size(); ++i) {
    Status savepoint = db.Run(Sql::kSavepoint);
    if (!savepoint.ok()) return fail_all(savepoint);
    SqliteTxn txn(db);
    ++updates_;
    Status status = RunFn(batch[i]->fn, txn);
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

Status SqliteStorage::View(ViewFn fn) {
  if (!fn)
    return Status::InvalidArgument("View needs a function", "View に関数が指定されていません");
  if (t_committer_of == this) return CalledFromUpdateFn("View");
  std::unique_ptr<Connection> conn;
  {
    std::lock_guard lock(pool_mu_);
    if (pool_closed_) return Closed();
    ++active_views_;
    if (!idle_readers_.empty()) {
      conn = std::move(idle_readers_.back());
      idle_readers_.pop_back();
    }
  }
  // From here every path ends in ReleaseReader, which Close waits for.
  if (conn == nullptr) {
    auto opened =
        Connection::Open(options_.path, Connection::Role::kReader, options_.busy_timeout_ms,
                         options_.secure_delete, options_.read_mmap_bytes);
    if (!opened) {
      ReleaseReader(nullptr, false);
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
    status = RunFn(fn, txn);
    Status end = conn->Run(Sql::kCommit);
    if (!end.ok()) {
      healthy = false;
      if (conn->InTransaction()) (void)conn->Run(Sql::kRollback);
      if (status.ok()) status = std::move(end);
    }
  }
  ReleaseReader(std::move(conn), healthy);
  return status;
}

void SqliteStorage::ReleaseReader(std::unique_ptr<Connection> conn, bool reusable) {
  std::unique_ptr<Connection> discard;  // closed after the lock is released
  std::lock_guard lock(pool_mu_);
  if (conn != nullptr && reusable && !pool_closed_ && idle_readers_.size() < kMaxIdleReaders) {
    idle_readers_.push_back(std::move(conn));
  } else {
    discard = std::move(conn);
  }
  if (--active_views_ == 0) pool_cv_.notify_all();
}

Status SqliteStorage::Close() {
  if (t_committer_of == this) return CalledFromUpdateFn("Close");
  std::lock_guard close_lock(close_mu_);
  if (closed_) return Status::Ok();
  closed_ = true;
  {
    std::lock_guard lock(queue_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  if (committer_.joinable()) committer_.join();

  std::vector<std::unique_ptr<Connection>> readers;
  {
    std::unique_lock lock(pool_mu_);
    pool_closed_ = true;
    pool_cv_.wait(lock, [this] { return active_views_ == 0; });
    readers.swap(idle_readers_);
  }
  Status status;
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
  std::lock_guard lock(queue_mu_);
  stats.pending = queue_.size();
  return stats;
}

Result<std::unique_ptr<Storage>> OpenPrepared(const SqliteOptions& options) {
  MAMORI_ASSIGN_OR_RETURN(std::unique_ptr<Connection> writer,
                          Connection::Open(options.path, Connection::Role::kWriter,
                                           options.busy_timeout_ms, options.secure_delete));
  MAMORI_RETURN_IF_ERROR(sqlite::EnsureStore(*writer, options.create_if_missing));
  auto storage = std::make_unique<SqliteStorage>(options, std::move(writer));
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
