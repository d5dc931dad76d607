#include "store/sqlite/connection.h"

#include <mutex>

namespace mamori::store::sqlite {
namespace {

struct SqlText {
  const char* sql;
  const char* op;  // the operation named in error messages
};

// Indexed by Sql. Keys and values are always bound as BLOBs, so comparisons
// are memcmp-then-length: the bytewise order the Storage contract promises.
constexpr std::array<SqlText, static_cast<size_t>(Sql::kCount)> kSql = {{
    {"BEGIN", "begin"},
    {"BEGIN IMMEDIATE", "begin immediate"},
    {"COMMIT", "commit"},
    {"ROLLBACK", "rollback"},
    {"SAVEPOINT s", "savepoint"},
    {"RELEASE s", "release savepoint"},
    {"ROLLBACK TO s", "rollback to savepoint"},
    {"SELECT v FROM kv WHERE k = ?1", "get"},
    {"INSERT INTO kv(k, v) VALUES(?1, ?2) ON CONFLICT(k) DO UPDATE SET v = excluded.v", "put"},
    {"DELETE FROM kv WHERE k = ?1", "delete"},
    {"SELECT k, v FROM kv WHERE k >= ?1 ORDER BY k LIMIT ?3", "scan"},
    {"SELECT k, v FROM kv WHERE k >= ?1 AND k < ?2 ORDER BY k LIMIT ?3", "scan"},
    {"SELECT k, v FROM kv WHERE k >= ?1 ORDER BY k DESC LIMIT ?3", "scan"},
    {"SELECT k, v FROM kv WHERE k >= ?1 AND k < ?2 ORDER BY k DESC LIMIT ?3", "scan"},
}};

constexpr const SqlText& TextOf(Sql sql) { return kSql[static_cast<size_t>(sql)]; }

Status SqliteError(const std::string& path, sqlite3* db, int rc, std::string_view op) {
  // The connection's message is more specific than the code's generic text,
  // but only when it belongs to this failure.
  const char* detail = (db != nullptr && sqlite3_extended_errcode(db) == rc) ? sqlite3_errmsg(db)
                                                                             : sqlite3_errstr(rc);
  std::string code = std::to_string(rc);
  std::string en =
      "sqlite " + std::string(op) + " failed on " + path + ": " + detail + " (code " + code + ")";
  std::string ja = "データベース " + path + " の操作 (" + std::string(op) +
                   ") に失敗しました: " + detail + " (コード " + code + ")";
  int primary = rc & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    en += "; another process holds the database lock, try again later";
    ja += "。別のプロセスがデータベースをロックしています。しばらくしてから再試行してください";
    return Status::Unavailable(std::move(en), std::move(ja));
  }
  return Status::IoError(std::move(en), std::move(ja));
}

}  // namespace

Stmt::~Stmt() {
  if (stmt_ == nullptr) return;
  if (owned_) {
    sqlite3_finalize(stmt_);
    return;
  }
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int Stmt::BindBytes(int index, std::string_view bytes) {
  const char* data = bytes.empty() ? "" : bytes.data();
  return sqlite3_bind_blob64(stmt_, index, data, bytes.size(), SQLITE_STATIC);
}

int Stmt::BindInt64(int index, int64_t value) { return sqlite3_bind_int64(stmt_, index, value); }

std::string Stmt::ColumnBytes(int column) const { return std::string(ColumnView(column)); }

std::string_view Stmt::ColumnView(int column) const {
  // The value calls on the column's value skip the bookkeeping that each
  // sqlite3_column_* call repeats: a twentieth of a long scan. The
  // connection is used by one thread at a time (NOMUTEX), so reading the
  // unprotected value is safe. sqlite3_value_blob first, so that
  // sqlite3_value_bytes reports the size of the buffer it returned.
  sqlite3_value* value = sqlite3_column_value(stmt_, column);
  const void* data = sqlite3_value_blob(value);
  int size = sqlite3_value_bytes(value);
  if (data == nullptr || size <= 0) return {};
  return {static_cast<const char*>(data), static_cast<size_t>(size)};
}

void ConfigureLibrary() {
  static std::once_flag once;
  std::call_once(once, [] {
    // SQLITE_MISUSE when the library is already initialised: the defaults
    // then stay, which is correct, only slower.
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  });
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path, Role role,
                                                     int busy_timeout_ms, bool secure_delete,
                                                     uint64_t read_mmap_bytes) {
  ConfigureLibrary();
  // Where SQLite was built to accept URI file names, "file:..." would be
  // parsed as one (with options); "./" keeps it a plain relative path.
  std::string open_path = path.starts_with("file:") ? "./" + path : path;
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  int rc = sqlite3_open_v2(open_path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status error = SqliteError(path, db, rc, "open");
    sqlite3_close(db);
    return Fail(std::move(error));
  }
  std::unique_ptr<Connection> conn(new Connection(path, db));

  sqlite3_busy_timeout(db, busy_timeout_ms < 0 ? 0 : busy_timeout_ms);
  // Hardening against a tampered file: the backend needs no triggers, views or
  // schema-defined functions, and defensive mode forbids writes that could
  // corrupt the file (writable_schema and the like).
  sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  for (int option : {SQLITE_DBCONFIG_TRUSTED_SCHEMA, SQLITE_DBCONFIG_ENABLE_TRIGGER,
                     SQLITE_DBCONFIG_ENABLE_VIEW}) {
    sqlite3_db_config(db, option, 0, nullptr);
  }
  if (role == Role::kWriter) {
    // FULL: in WAL mode the WAL is synced at every commit, so an Update that
    // returned OK survives power loss, not only a process crash.
    MAMORI_RETURN_IF_ERROR(conn->Exec("PRAGMA synchronous=FULL", "set synchronous"));
    // Overwrite deleted content, so that a deleted record key does not linger
    // in free pages of the file (crypto-shredding relies on it being gone).
    MAMORI_RETURN_IF_ERROR(
        conn->Exec(secure_delete ? "PRAGMA secure_delete=ON" : "PRAGMA secure_delete=OFF",
                   "set secure_delete"));
    // The savepoint of each Update in a group commit journals the original
    // of every page it changes, for ROLLBACK TO. With temp_store=FILE that
    // sub-journal spills to a temporary file once it passes 64 KiB, which an
    // audited put (about fifteen pages) reaches: a file created, written,
    // unlinked and closed per commit. It serves only to undo a savepoint
    // inside an open transaction, never crash recovery (the WAL does that),
    // so memory is enough.
    MAMORI_RETURN_IF_ERROR(conn->Exec("PRAGMA temp_store=MEMORY", "set temp_store"));
    // The committer touches pages all over the file (blind-index entries
    // land at random). SQLite's default cache of 2 MiB turns each of those
    // into a pread once the file outgrows it; the writer's cache survives
    // its own commits, so a larger one keeps the hot B-tree levels and
    // recent leaves in memory. An upper bound, allocated as pages are read.
    MAMORI_RETURN_IF_ERROR(conn->Exec("PRAGMA cache_size=-65536", "set cache_size"));
  } else if (role == Role::kReader) {
    MAMORI_RETURN_IF_ERROR(conn->Exec("PRAGMA query_only=ON", "set query_only"));
    // Reads straight from the page cache instead of a pread and a copy per
    // page (see SqliteOptions::read_mmap_bytes).
    if (read_mmap_bytes > 0) {
      const std::string pragma = "PRAGMA mmap_size=" + std::to_string(read_mmap_bytes);
      MAMORI_RETURN_IF_ERROR(conn->Exec(pragma.c_str(), "set mmap_size"));
    }
  }
  return conn;
}

Connection::~Connection() { (void)Close(); }

Status Connection::Close() {
  if (db_ == nullptr) return Status::Ok();
  for (auto& copies : stmts_) {
    for (sqlite3_stmt*& stmt : copies) {
      sqlite3_finalize(stmt);
      stmt = nullptr;
    }
  }
  int rc = sqlite3_close(db_);
  Status status;
  if (rc != SQLITE_OK) {
    status = SqliteError(path_, db_, rc, "close");
    // Leaves the handle to be freed once whatever still holds it is finished.
    sqlite3_close_v2(db_);
  }
  db_ = nullptr;
  return status;
}

Result<Stmt> Connection::Prepare(Sql sql) {
  const char* text = TextOf(sql).sql;
  // Only a ScanEach leaves a statement mid-step (busy) while its caller's
  // code runs; any other cached statement is free.
  for (sqlite3_stmt*& slot : stmts_[static_cast<size_t>(sql)]) {
    if (slot == nullptr) {
      int rc = sqlite3_prepare_v3(db_, text, -1, SQLITE_PREPARE_PERSISTENT, &slot, nullptr);
      if (rc != SQLITE_OK) {
        slot = nullptr;
        return Fail(Error(rc, TextOf(sql).op));
      }
    }
    if (!sqlite3_stmt_busy(slot)) return Stmt(slot);
  }
  sqlite3_stmt* own = nullptr;
  int rc = sqlite3_prepare_v3(db_, text, -1, 0, &own, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(own);
    return Fail(Error(rc, TextOf(sql).op));
  }
  return Stmt(own, /*owned=*/true);
}

Status Connection::Run(Sql sql) {
  MAMORI_ASSIGN_OR_RETURN(Stmt stmt, Prepare(sql));
  int rc = sqlite3_step(stmt.get());
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) return Error(rc, TextOf(sql).op);
  return Status::Ok();
}

Status Connection::Exec(const char* sql, std::string_view op) {
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return Error(rc, op);
  return Status::Ok();
}

Result<std::vector<std::string>> Connection::Query(const char* sql, std::string_view op) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql, -1, &raw, nullptr);
  if (rc != SQLITE_OK) return Fail(Error(rc, op));
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> owned(raw, sqlite3_finalize);
  Stmt stmt(raw);
  std::vector<std::string> rows;
  while ((rc = sqlite3_step(raw)) == SQLITE_ROW) rows.push_back(stmt.ColumnBytes(0));
  if (rc != SQLITE_DONE) return Fail(Error(rc, op));
  return rows;
}

Status Connection::CheckpointTruncate() {
  int wal_frames = 0;
  int checkpointed = 0;
  int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE, &wal_frames,
                                     &checkpointed);
  if (rc != SQLITE_OK) return Error(rc, "checkpoint");
  return Status::Ok();
}

Result<std::pair<int, int>> Connection::CheckpointPassive() {
  int wal_frames = 0;
  int checkpointed = 0;
  int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &wal_frames,
                                     &checkpointed);
  if (rc != SQLITE_OK) return Fail(Error(rc, "checkpoint"));
  return std::pair{wal_frames, checkpointed};
}

int Connection::OnWalCommit(void* self, sqlite3*, const char*, int frames) {
  auto* conn = static_cast<Connection*>(self);
  conn->wal_hook_(conn->wal_hook_arg_, frames);
  return SQLITE_OK;
}

void Connection::SetWalHook(WalHook hook, void* arg) {
  wal_hook_ = hook;
  wal_hook_arg_ = arg;
  sqlite3_wal_hook(db_, hook != nullptr ? &Connection::OnWalCommit : nullptr, this);
}

Status Connection::Error(int rc, std::string_view op) const {
  return SqliteError(path_, db_, rc, op);
}

std::string_view Connection::OpName(Sql sql) { return TextOf(sql).op; }

}  // namespace mamori::store::sqlite
