#include "store/sqlite/store_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>
#include <vector>

namespace mamori::store::sqlite {
namespace {

constexpr char kFormat[] = "mamori-kv";
// The format version this build writes and reads (store_file.h lists them).
constexpr int kVersion = 2;

struct Migration {
  int to;           // the version the file has after it
  const char* sql;  // run inside the opening write transaction
};
// In order; each applies to a file at version `to - 1`. Append only: a
// released migration is never edited, since files out there already ran it.
constexpr Migration kMigrations[] = {
    {2,
     "CREATE TABLE IF NOT EXISTS schema_history(version INTEGER PRIMARY KEY, "
     "applied_at TEXT NOT NULL)"},
};
constexpr char kSqliteHeader[] = "SQLite format 3";  // 16 bytes with its NUL

Status NotAStore(const std::string& path, std::string_view why_en, std::string_view why_ja) {
  return Status::IoError(path + " is not a mamori store (" + std::string(why_en) +
                             "); nothing was changed: check the configured path",
                         path + " は mamori のデータストアではありません (" + std::string(why_ja) +
                             ")。ファイルは変更していません。設定されたパスを確認してください");
}

Status ErrnoError(const std::string& path, std::string_view op, int err) {
  std::string reason = std::generic_category().message(err);
  return Status::IoError("cannot " + std::string(op) + " " + path + ": " + reason,
                         path + " を開けません (" + std::string(op) + "): " + reason);
}

enum class State { kEmpty, kStore };

struct Found {
  State state = State::kEmpty;
  int version = 0;  // of a store
};

// A stored version: a positive number of at most 9 digits, else 0.
int ParseVersion(const std::vector<std::string>& rows) {
  if (rows.size() != 1 || rows[0].empty() || rows[0].size() > 9 ||
      !std::all_of(rows[0].begin(), rows[0].end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return 0;
  }
  return std::stoi(rows[0]);
}

bool Contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Reads only, so a foreign database is refused exactly as it was found.
Result<Found> ReadState(Connection& conn) {
  const std::string& path = conn.path();
  MAMORI_ASSIGN_OR_RETURN(
      std::vector<std::string> names,
      conn.Query("SELECT name FROM sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
                 "read schema"));
  if (names.empty()) return Found{};
  if (!Contains(names, "meta")) {
    return Fail(NotAStore(path, "an SQLite database without the mamori format marker",
                          "mamori の形式マーカーのない SQLite データベースです"));
  }
  auto format = conn.Query("SELECT v FROM meta WHERE k = 'format'", "read format marker");
  if (!format || *format != std::vector<std::string>{kFormat}) {
    return Fail(NotAStore(path, "its meta table carries no mamori format marker",
                          "meta テーブルに mamori の形式マーカーがありません"));
  }
  MAMORI_ASSIGN_OR_RETURN(
      std::vector<std::string> rows,
      conn.Query("SELECT v FROM meta WHERE k = 'version'", "read format version"));
  // The version comes from the file: quoted only when it is a number.
  const int version = ParseVersion(rows);
  if (version == 0 || version > kVersion) {
    const std::string shown = version == 0 ? "unknown" : std::to_string(version);
    const std::string ours = std::to_string(kVersion);
    return Fail(Status::IoError(
        path + " is a mamori store of format version " + shown + ", which this build (version " +
            ours + ") cannot read; use a matching mamori release. Nothing was changed",
        path + " は形式バージョン " + shown + " の mamori データストアで、このビルド (バージョン " +
            ours + ") では読めません。対応する mamori を使ってください。何も変更していません"));
  }
  if (!Contains(names, "kv")) {
    return Fail(NotAStore(path, "the mamori kv table is missing", "kv テーブルがありません"));
  }
  return Found{State::kStore, version};
}

// Inside the write transaction: creates the version-1 tables in an empty
// database, then applies every migration past the file's version, each
// recorded in meta and in schema_history. Another process may have done
// either since we looked; the write lock taken by BEGIN IMMEDIATE makes
// this second look final, so each migration runs once.
Status InitialiseAndMigrate(Connection& conn) {
  MAMORI_ASSIGN_OR_RETURN(Found found, ReadState(conn));
  if (found.state == State::kEmpty) {
    MAMORI_RETURN_IF_ERROR(
        conn.Exec("CREATE TABLE meta(k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID;"
                  "CREATE TABLE kv(k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID;"
                  "INSERT INTO meta(k, v) VALUES('format', 'mamori-kv'), ('version', '1');",
                  "create tables"));
    found.version = 1;  // a new file takes every migration, as an old one does
  }
  for (const Migration& migration : kMigrations) {
    if (migration.to <= found.version) continue;
    MAMORI_RETURN_IF_ERROR(conn.Exec(migration.sql, "format migration"));
    const std::string to = std::to_string(migration.to);
    const std::string record = "UPDATE meta SET v = '" + to +
                               "' WHERE k = 'version'; INSERT INTO schema_history(version, "
                               "applied_at) VALUES(" +
                               to + ", strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));";
    MAMORI_RETURN_IF_ERROR(conn.Exec(record.c_str(), "record format migration"));
  }
  return Status::Ok();
}

}  // namespace

Status PrepareFile(const std::string& path, bool create_if_missing, bool* created) {
  *created = false;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode)) {
      return NotAStore(path, "not a regular file", "通常のファイルではありません");
    }
    // SQLite reads a zero-length file as an empty database: it may become a store.
    if (st.st_size == 0) return Status::Ok();
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoError(path, "open", errno);
    char header[sizeof(kSqliteHeader)];
    ssize_t n = ::pread(fd, header, sizeof(header), 0);
    int read_errno = errno;
    ::close(fd);
    if (n < 0) return ErrnoError(path, "read", read_errno);
    if (static_cast<size_t>(n) != sizeof(header) ||
        std::memcmp(header, kSqliteHeader, sizeof(header)) != 0) {
      return NotAStore(path, "not an SQLite database", "SQLite のデータベースではありません");
    }
    return Status::Ok();
  }
  if (errno != ENOENT) return ErrnoError(path, "stat", errno);
  if (!create_if_missing) {
    return Status::NotFound(
        path + " does not exist; create the store first or fix the path",
        path + " が存在しません。データストアを作成するかパスを修正してください");
  }
  // Created here rather than by SQLite, which would apply 0644 (less umask).
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    // Another process created it first: check it like any existing file.
    if (errno == EEXIST) return PrepareFile(path, create_if_missing, created);
    return ErrnoError(path, "create", errno);
  }
  ::close(fd);
  *created = true;
  return Status::Ok();
}

Status EnsureStore(Connection& conn, bool create_if_missing) {
  const std::string& path = conn.path();
  MAMORI_ASSIGN_OR_RETURN(Found found, ReadState(conn));
  if (found.state == State::kEmpty && !create_if_missing) {
    return Status::NotFound(path + " holds no mamori store (the database is empty)",
                            path + " に mamori のデータストアがありません (空のデータベースです)");
  }
  MAMORI_ASSIGN_OR_RETURN(std::vector<std::string> mode,
                          conn.Query("PRAGMA journal_mode=WAL", "set journal_mode"));
  if (mode != std::vector<std::string>{"wal"}) {
    return Status::IoError(path + ": SQLite could not switch the database to WAL mode",
                           path + ": データベースを WAL モードに切り替えられませんでした");
  }
  if (found.state == State::kStore && found.version == kVersion) return Status::Ok();
  MAMORI_RETURN_IF_ERROR(conn.Run(Sql::kBeginImmediate));
  Status status = InitialiseAndMigrate(conn);
  if (status.ok()) status = conn.Run(Sql::kCommit);
  if (!status.ok() && conn.InTransaction()) (void)conn.Run(Sql::kRollback);
  return status;
}

}  // namespace mamori::store::sqlite
