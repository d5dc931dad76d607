// A second, raw sqlite3 connection to a store's file: what an attacker who
// can write mamori.db (or keys.db) but holds no key can do to it.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <optional>
#include <string>
#include <vector>

namespace mamori::engine {

class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    sqlite3_busy_timeout(db_, 10'000);
  }
  ~RawDb() { sqlite3_close(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  std::optional<std::string> Get(const std::string& key) {
    sqlite3_stmt* stmt = Prepare("SELECT v FROM kv WHERE k = ?");
    Bind(stmt, 1, key);
    std::optional<std::string> out;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
      out.emplace(static_cast<const char*>(sqlite3_column_blob(stmt, 0)),
                  static_cast<size_t>(sqlite3_column_bytes(stmt, 0)));
    }
    sqlite3_finalize(stmt);
    return out;
  }
  void Put(const std::string& key, const std::string& value) {
    sqlite3_stmt* stmt = Prepare("INSERT OR REPLACE INTO kv(k, v) VALUES(?, ?)");
    Bind(stmt, 1, key);
    Bind(stmt, 2, value);
    EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE) << sqlite3_errmsg(db_);
    sqlite3_finalize(stmt);
  }
  // UPDATE kv SET v = (v of `from`) WHERE k = `to`: one statement, as with
  // the sqlite3 command.
  void CopyOver(const std::string& from, const std::string& to) {
    sqlite3_stmt* stmt = Prepare("UPDATE kv SET v = (SELECT v FROM kv WHERE k = ?1) WHERE k = ?2");
    Bind(stmt, 1, from);
    Bind(stmt, 2, to);
    EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE) << sqlite3_errmsg(db_);
    EXPECT_EQ(sqlite3_changes(db_), 1);
    sqlite3_finalize(stmt);
  }
  void Delete(const std::string& key) {
    sqlite3_stmt* stmt = Prepare("DELETE FROM kv WHERE k = ?");
    Bind(stmt, 1, key);
    EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE) << sqlite3_errmsg(db_);
    sqlite3_finalize(stmt);
  }
  // Keys starting with prefix, ascending.
  std::vector<std::string> Keys(const std::string& prefix) {
    sqlite3_stmt* stmt = Prepare("SELECT k FROM kv WHERE substr(k, 1, ?2) = ?1 ORDER BY k");
    Bind(stmt, 1, prefix);
    sqlite3_bind_int(stmt, 2, static_cast<int>(prefix.size()));
    std::vector<std::string> out;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      out.emplace_back(static_cast<const char*>(sqlite3_column_blob(stmt, 0)),
                       static_cast<size_t>(sqlite3_column_bytes(stmt, 0)));
    }
    sqlite3_finalize(stmt);
    return out;
  }

 private:
  sqlite3_stmt* Prepare(const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr), SQLITE_OK) << sqlite3_errmsg(db_);
    return stmt;
  }
  static void Bind(sqlite3_stmt* stmt, int i, const std::string& bytes) {
    sqlite3_bind_blob(stmt, i, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  }
  sqlite3* db_ = nullptr;
};

}  // namespace mamori::engine
