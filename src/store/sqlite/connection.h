// One SQLite connection and its prepared statements. Internal to the sqlite
// backend. A Connection is used by one thread at a time (it is opened with
// SQLITE_OPEN_NOMUTEX); the backend hands it from thread to thread under its
// own locks.
//
// Every error this file builds names the database path, the operation and
// SQLite's message, and never a key or a value: values are ciphertext and keys
// contain record ids. SQLite's own messages never quote bound parameters.
#pragma once

#include <sqlite3.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace mamori::store::sqlite {

// Process-wide SQLite configuration, applied once before the library's
// first use (Connection::Open calls it; so does anything else in the process
// that opens SQLite itself, such as a benchmark's raw baseline, which must
// run under the same settings). Memory statistics are turned off: with them
// every sqlite3_malloc and sqlite3_free takes one process-wide mutex, which
// all reader and writer threads then contend for (7-10% of CPU in profiles
// of 64 concurrent operations). Nothing here reads those statistics.
// Returns without effect if SQLite was already initialised by someone else.
void ConfigureLibrary();

// Every statement the backend runs repeatedly, prepared once per connection on
// first use and kept until the connection closes.
enum class Sql : int {
  kBegin,
  kBeginImmediate,
  kCommit,
  kRollback,
  kSavepoint,
  kRelease,
  kRollbackTo,
  kGet,
  kPut,
  kDelete,
  kScanAsc,     // ?1 begin, ?3 limit
  kScanAscTo,   // ?1 begin, ?2 end, ?3 limit
  kScanDesc,    // ?1 begin, ?3 limit
  kScanDescTo,  // ?1 begin, ?2 end, ?3 limit
  kCount,
};

// A statement borrowed from a Connection's cache, or owned: a private copy
// made while the cached one was in use. Resets a borrowed statement on
// destruction, so the next user starts clean and a finished read holds no
// lock; finalizes an owned one.
class Stmt {
 public:
  explicit Stmt(sqlite3_stmt* stmt, bool owned = false) : stmt_(stmt), owned_(owned) {}
  Stmt(Stmt&& other) noexcept : stmt_(std::exchange(other.stmt_, nullptr)), owned_(other.owned_) {}
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt& operator=(Stmt&&) = delete;
  ~Stmt();

  sqlite3_stmt* get() const { return stmt_; }
  // Binds as a BLOB, never TEXT (which orders before every BLOB) nor NULL (an
  // empty view may have a null data pointer). The bytes must outlive the step.
  int BindBytes(int index, std::string_view bytes);
  int BindInt64(int index, int64_t value);
  // The column as raw bytes; a zero-length BLOB gives an empty string.
  std::string ColumnBytes(int column) const;
  // The same bytes in SQLite's own buffer, without a copy: valid until the
  // next step, reset or finalize of this statement. Reading another column of
  // the same row leaves it valid.
  std::string_view ColumnView(int column) const;

 private:
  sqlite3_stmt* stmt_;
  bool owned_;
};

class Connection {
 public:
  enum class Role {
    kWriter,  // the committer's connection; the only one that writes
    kReader,  // a View connection; refuses writes (query_only)
    // The background checkpointer's connection: copies WAL frames into the
    // database file (never writes through SQL, so no query_only needed).
    kCheckpointer,
  };

  // Opens an existing file; never creates one, because the caller creates the
  // file itself with mode 0600. Sets per-connection pragmas only: nothing here
  // writes to the file, so a foreign file can still be refused unchanged.
  // secure_delete applies to the writer, read_mmap_bytes (PRAGMA mmap_size;
  // 0 reads with pread) to readers.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, Role role,
                                                  int busy_timeout_ms, bool secure_delete,
                                                  uint64_t read_mmap_bytes = 0);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // A cached statement for sql, ready to bind. Never one that is still
  // stepping: a ScanEach's visitor may run the same query, and borrowing the
  // outer scan's statement would reset its cursor. A few copies per query are
  // cached for such nesting; deeper nesting gets a private copy.
  Result<Stmt> Prepare(Sql sql);
  // Prepares (if needed) and runs a statement that returns no rows.
  Status Run(Sql sql);
  // Runs uncached SQL with no results (schema set-up, pragmas).
  Status Exec(const char* sql, std::string_view op);
  // Runs uncached SQL and returns the first column of every row as bytes.
  Result<std::vector<std::string>> Query(const char* sql, std::string_view op);

  // Copies the whole WAL into the database file, syncs it and truncates the
  // WAL to zero bytes. kUnavailable when readers of older snapshots or another
  // writer kept it from finishing within the busy timeout.
  Status CheckpointTruncate();
  // Copies as much of the WAL into the database file as no reader still
  // needs, then syncs the file; never waits for a lock and never blocks
  // writers (SQLITE_CHECKPOINT_PASSIVE). Returns the frames in the WAL and
  // how many of them are now in the database file.
  Result<std::pair<int, int>> CheckpointPassive();

  // Calls hook(arg, frames) after every commit on this connection with the
  // number of frames then in the WAL, instead of SQLite's own automatic
  // checkpoint (which would run the checkpoint inside the committing call).
  using WalHook = void (*)(void* arg, int frames);
  void SetWalHook(WalHook hook, void* arg);

  // kIoError naming the path, the operation and SQLite's message; kUnavailable
  // when the database stayed locked past busy_timeout (another process).
  Status Error(int rc, std::string_view op) const;
  static std::string_view OpName(Sql sql);

  // True while a transaction is open. SQLite rolls a transaction back by itself
  // after some errors (I/O, disk full); this is how the caller notices.
  bool InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

  // Finalizes the statements and closes, reporting failure; the destructor
  // does the same quietly when Close was not called.
  Status Close();

  const std::string& path() const { return path_; }

 private:
  Connection(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}

  static int OnWalCommit(void* self, sqlite3* db, const char* name, int frames);

  std::string path_;
  sqlite3* db_;
  WalHook wal_hook_ = nullptr;
  void* wal_hook_arg_ = nullptr;
  // Statements a scan may nest in at once without preparing a new one.
  static constexpr size_t kNesting = 4;
  std::array<std::array<sqlite3_stmt*, kNesting>, static_cast<size_t>(Sql::kCount)> stmts_{};
};

}  // namespace mamori::store::sqlite
