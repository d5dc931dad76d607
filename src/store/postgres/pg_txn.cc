#include "store/postgres/pg_txn.h"

namespace mamori::store::postgres {

Status PgTxn::Note(Status status) {
  if (!status.ok() && first_error_.ok()) first_error_ = status;
  return status;
}

Result<std::optional<std::string>> PgTxn::Get(std::string_view key) {
  auto rows = conn_.Run(Stmt::kGet, {key}, "get");
  if (!rows) return Fail(Note(rows.error()));
  PGresult* r = rows->get();
  if (PQntuples(r) == 0) return std::optional<std::string>();
  return std::optional<std::string>(
      std::string(PQgetvalue(r, 0, 0), static_cast<size_t>(PQgetlength(r, 0, 0))));
}

Result<std::vector<KeyValue>> PgTxn::Scan(std::string_view begin, std::string_view end,
                                          size_t limit, bool reverse) {
  // NULL is "no limit" to PostgreSQL.
  const std::string limit_bytes = Limit(limit);
  std::optional<std::string_view> sql_limit;
  if (limit != 0) sql_limit = limit_bytes;
  Result<PgResult> rows = end.empty() ? conn_.Run(reverse ? Stmt::kScanDesc : Stmt::kScanAsc,
                                                  {begin, sql_limit}, "scan")
                                      : conn_.Run(reverse ? Stmt::kScanDescTo : Stmt::kScanAscTo,
                                                  {begin, end, sql_limit}, "scan");
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
  return Note(StatusOf(conn_.Run(Stmt::kPut, {key, value}, "put")));
}

Status PgTxn::Delete(std::string_view key) {
  return Note(StatusOf(conn_.Run(Stmt::kDelete, {key}, "delete")));
}

}  // namespace mamori::store::postgres
