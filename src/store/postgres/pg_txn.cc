#include "store/postgres/pg_txn.h"

namespace mamori::store::postgres {

Status PgTxn::Note(Status status) {
  if (!status.ok() && first_error_.ok()) first_error_ = status;
  return status;
}

Result<PgResult> PgTxn::Read(Stmt stmt,
                             std::initializer_list<std::optional<std::string_view>> params) {
  const char* what = stmt == Stmt::kGet ? "get" : "scan";
  if (!pipelined_) return conn_.Run(stmt, params, what);
  conn_.Send(stmt, params, what, Part::kFunction);
  SyncOutcome out = conn_.Sync();
  if (!out.ok()) return Fail(out.first());
  return std::move(out.last);
}

Result<std::optional<std::string>> PgTxn::Get(std::string_view key) {
  if (cache_ != nullptr && first_error_.ok()) {
    if (const std::optional<std::string>* known = cache_->Find(key)) return *known;
  }
  auto rows = Read(Stmt::kGet, {key});
  if (!rows) return Fail(Note(rows.error()));
  PGresult* r = rows->get();
  std::optional<std::string> value;
  if (PQntuples(r) != 0)
    value.emplace(PQgetvalue(r, 0, 0), static_cast<size_t>(PQgetlength(r, 0, 0)));
  if (cache_ != nullptr) cache_->Set(key, value);
  return value;
}

Result<std::vector<KeyValue>> PgTxn::Scan(std::string_view begin, std::string_view end,
                                          size_t limit, bool reverse) {
  // NULL is "no limit" to PostgreSQL.
  const std::string limit_bytes = Limit(limit);
  std::optional<std::string_view> sql_limit;
  if (limit != 0) sql_limit = limit_bytes;
  const Stmt stmt = end.empty() ? (reverse ? Stmt::kScanDesc : Stmt::kScanAsc)
                                : (reverse ? Stmt::kScanDescTo : Stmt::kScanAscTo);
  Result<PgResult> rows =
      end.empty() ? Read(stmt, {begin, sql_limit}) : Read(stmt, {begin, end, sql_limit});
  if (!rows) return Fail(Note(rows.error()));
  PGresult* r = rows->get();
  const int n = PQntuples(r);
  std::vector<KeyValue> out;
  out.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    out.push_back({std::string(PQgetvalue(r, i, 0), static_cast<size_t>(PQgetlength(r, i, 0))),
                   std::string(PQgetvalue(r, i, 1), static_cast<size_t>(PQgetlength(r, i, 1)))});
  }
  return out;
}

Status PgTxn::Put(std::string_view key, std::string_view value) {
  if (pipelined_) {
    // Its result is read later; a failure then fails the function.
    conn_.Send(Stmt::kPut, {key, value}, "put", Part::kFunction);
    if (cache_ != nullptr) cache_->Set(key, std::string(value));
    return first_error_;
  }
  return Note(StatusOf(conn_.Run(Stmt::kPut, {key, value}, "put")));
}

Status PgTxn::Delete(std::string_view key) {
  if (pipelined_) {
    conn_.Send(Stmt::kDelete, {key}, "delete", Part::kFunction);
    if (cache_ != nullptr) cache_->Set(key, std::nullopt);
    return first_error_;
  }
  return Note(StatusOf(conn_.Run(Stmt::kDelete, {key}, "delete")));
}

}  // namespace mamori::store::postgres
