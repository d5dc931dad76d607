#include "store/sqlite/sqlite_txn.h"

#include <limits>

namespace mamori::store::sqlite {

Status SqliteTxn::Note(Status status) {
  if (!status.ok() && first_error_.ok()) first_error_ = status;
  return status;
}

Result<std::optional<std::string>> SqliteTxn::Get(std::string_view key) {
  auto stmt = conn_.Prepare(Sql::kGet);
  if (!stmt) return Fail(Note(stmt.error()));
  int rc = stmt->BindBytes(1, key);
  if (rc == SQLITE_OK) rc = sqlite3_step(stmt->get());
  if (rc == SQLITE_ROW) return std::optional<std::string>(stmt->ColumnBytes(0));
  if (rc == SQLITE_DONE) return std::optional<std::string>();
  return Fail(Note(conn_.Error(rc, "get")));
}

Result<std::vector<KeyValue>> SqliteTxn::Scan(std::string_view begin, std::string_view end,
                                              size_t limit, bool reverse) {
  bool bounded = !end.empty();
  Sql sql = reverse ? (bounded ? Sql::kScanDescTo : Sql::kScanDesc)
                    : (bounded ? Sql::kScanAscTo : Sql::kScanAsc);
  auto stmt = conn_.Prepare(sql);
  if (!stmt) return Fail(Note(stmt.error()));
  // SQLite reads a negative LIMIT as "no limit".
  int64_t sql_limit =
      (limit == 0 || limit > static_cast<size_t>(std::numeric_limits<int64_t>::max()))
          ? -1
          : static_cast<int64_t>(limit);
  int rc = stmt->BindBytes(1, begin);
  if (rc == SQLITE_OK && bounded) rc = stmt->BindBytes(2, end);
  if (rc == SQLITE_OK) rc = stmt->BindInt64(3, sql_limit);
  std::vector<KeyValue> out;
  while (rc == SQLITE_OK || rc == SQLITE_ROW) {
    rc = sqlite3_step(stmt->get());
    if (rc == SQLITE_ROW) out.push_back({stmt->ColumnBytes(0), stmt->ColumnBytes(1)});
  }
  if (rc != SQLITE_DONE) return Fail(Note(conn_.Error(rc, "scan")));
  return out;
}

Status SqliteTxn::ScanEach(std::string_view begin, std::string_view end, const ScanVisitor& visit) {
  // The upper bound is checked here on the key already in hand rather than
  // by SQLite, which would compare it again as a record on every row.
  auto stmt = conn_.Prepare(Sql::kScanAsc);
  if (!stmt) return Note(stmt.error());
  int rc = stmt->BindBytes(1, begin);
  if (rc == SQLITE_OK) rc = stmt->BindInt64(3, -1);  // no limit
  if (rc != SQLITE_OK) return Note(conn_.Error(rc, "scan"));
  while ((rc = sqlite3_step(stmt->get())) == SQLITE_ROW) {
    // Both views stay valid until the next step: reading column 1 does not
    // move column 0's buffer.
    const std::string_view key = stmt->ColumnView(0);
    if (!end.empty() && key >= end) return Status::Ok();
    Result<bool> more = visit(key, stmt->ColumnView(1));
    // Not noted: the visitor's error is the caller's, and a storage call it
    // made that failed has noted its own.
    if (!more) return std::move(more).error();
    if (!*more) return Status::Ok();
  }
  if (rc != SQLITE_DONE) return Note(conn_.Error(rc, "scan"));
  return Status::Ok();
}

Status SqliteTxn::Put(std::string_view key, std::string_view value) {
  auto stmt = conn_.Prepare(Sql::kPut);
  if (!stmt) return Note(stmt.error());
  int rc = stmt->BindBytes(1, key);
  if (rc == SQLITE_OK) rc = stmt->BindBytes(2, value);
  if (rc == SQLITE_OK) rc = sqlite3_step(stmt->get());
  if (rc != SQLITE_DONE) return Note(conn_.Error(rc, "put"));
  return Status::Ok();
}

Status SqliteTxn::Delete(std::string_view key) {
  auto stmt = conn_.Prepare(Sql::kDelete);
  if (!stmt) return Note(stmt.error());
  int rc = stmt->BindBytes(1, key);
  if (rc == SQLITE_OK) rc = sqlite3_step(stmt->get());
  if (rc != SQLITE_DONE) return Note(conn_.Error(rc, "delete"));
  return Status::Ok();
}

}  // namespace mamori::store::sqlite
