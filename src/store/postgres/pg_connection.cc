#include "store/postgres/pg_connection.h"

#include <array>
#include <cassert>
#include <vector>

namespace mamori::store::postgres {
namespace {

constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;

struct Prepared {
  const char* sql;
  int params;
  std::array<Oid, 3> types;
};

// In Stmt's order. Keys order bytewise: PostgreSQL compares bytea with
// memcmp and then by length, which is the contract's order.
constexpr std::array<Prepared, 8> kStatements{{
    {"SELECT v FROM mamori_kv WHERE k = $1", 1, {kByteaOid}},
    {"INSERT INTO mamori_kv (k, v) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v",
     2,
     {kByteaOid, kByteaOid}},
    {"DELETE FROM mamori_kv WHERE k = $1", 1, {kByteaOid}},
    {"SELECT k, v FROM mamori_kv WHERE k >= $1 ORDER BY k LIMIT $2", 2, {kByteaOid, kInt8Oid}},
    {"SELECT k, v FROM mamori_kv WHERE k >= $1 AND k < $2 ORDER BY k LIMIT $3",
     3,
     {kByteaOid, kByteaOid, kInt8Oid}},
    {"SELECT k, v FROM mamori_kv WHERE k >= $1 ORDER BY k DESC LIMIT $2", 2, {kByteaOid, kInt8Oid}},
    {"SELECT k, v FROM mamori_kv WHERE k >= $1 AND k < $2 ORDER BY k DESC LIMIT $3",
     3,
     {kByteaOid, kByteaOid, kInt8Oid}},
    // A transaction-scoped advisory lock named by the kv table's oid: one
    // per store, whichever schema or database holds it. Resolved when
    // prepared, under the connection's search_path.
    {"SELECT pg_advisory_xact_lock('mamori_kv'::regclass::oid::bigint)", 0, {}},
}};

// libpq's message for a failed connection, without the password should the
// server or libpq ever echo one (CheckConninfo refuses passwords in the
// connection string, but a password file's line could still be quoted).
std::string ConnectFailure(PGconn* conn) {
  std::string message = conn != nullptr ? PQerrorMessage(conn) : "out of memory";
  if (conn != nullptr) {
    const char* password = PQpass(conn);
    if (password != nullptr && *password != '\0') {
      const std::string secret(password);
      for (size_t at; (at = message.find(secret)) != std::string::npos;) {
        message.replace(at, secret.size(), "***");
      }
    }
  }
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  for (char& c : message) {
    if (c == '\n') c = ' ';
  }
  return message;
}

// A prepared statement's parameters as libpq takes them: binary values,
// NULL for an empty optional. Three at most: the backend's statements take a
// key, a value and a bound (pg_schema.cc); a fourth would be a programming
// error, caught by the assertion in the debug and sanitizer builds.
struct Params {
  std::array<const char*, 3> values{};
  std::array<int, 3> lengths{};
  std::array<int, 3> formats{1, 1, 1};
  int count = 0;

  explicit Params(std::initializer_list<std::optional<std::string_view>> params) {
    assert(params.size() <= values.size());
    for (const auto& p : params) {
      if (static_cast<size_t>(count) == values.size()) break;
      if (p.has_value()) {
        // libpq reads `lengths` bytes; an empty value still needs a non-null pointer.
        values[count] = p->data() != nullptr ? p->data() : "";
        lengths[count] = static_cast<int>(p->size());
      }
      ++count;
    }
  }
};

std::string StatementName(Stmt stmt) { return "s" + std::to_string(static_cast<int>(stmt)); }

}  // namespace

std::string Limit(uint64_t n) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i, n >>= 8) out[static_cast<size_t>(i)] = static_cast<char>(n & 0xff);
  return out;
}

Status ConnectionLost(std::string_view what) {
  return Status::Unavailable(
      "postgres " + std::string(what) + ": the connection to the database server was lost",
      "PostgreSQL サーバーとの接続が切れました (" + std::string(what) + ")");
}

Status CheckConninfo(const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (options == nullptr) {
    // libpq's message may quote the string, password and all: not used.
    PQfreemem(error);
    return Status::InvalidArgument("the PostgreSQL connection string does not parse",
                                   "PostgreSQL の接続文字列を解釈できません", "store");
  }
  bool has_password = false;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (std::string_view(o->keyword) == "password" && o->val != nullptr && *o->val != '\0') {
      has_password = true;
    }
  }
  PQconninfoFree(options);
  if (has_password) {
    return Status::InvalidArgument(
        "the PostgreSQL connection string carries a password: give it in a password file "
        "(PGPASSFILE or passfile=) instead",
        "PostgreSQL の接続文字列にパスワードが含まれています。パスワードファイル (PGPASSFILE "
        "または passfile=) で指定してください",
        "store");
  }
  return Status::Ok();
}

Result<std::unique_ptr<PgConnection>> PgConnection::Open(const std::string& conninfo,
                                                         bool prepare) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    std::string reason = ConnectFailure(conn);
    PQfinish(conn);
    return Fail(Status::Unavailable("cannot connect to the PostgreSQL server: " + reason,
                                    "PostgreSQL サーバーに接続できません: " + reason, "store"));
  }
  // Server notices (NOTICE, WARNING) would go to stderr and may quote
  // anything, a key included: dropped. Errors reach us through results.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  std::unique_ptr<PgConnection> out(new PgConnection(conn, conninfo));
  // An Update returns only once its commit is durable on the server,
  // whatever the server's default (a server may set synchronous_commit off).
  MAMORI_RETURN_IF_ERROR(out->Exec("SET synchronous_commit TO on", "set synchronous_commit"));
  if (prepare) MAMORI_RETURN_IF_ERROR(out->Prepare());
  return out;
}

PgConnection::~PgConnection() { PQfinish(conn_); }

Status PgConnection::Prepare() {
  for (size_t i = 0; i < kStatements.size(); ++i) {
    const Prepared& p = kStatements[i];
    const std::string name = "s" + std::to_string(i);
    MAMORI_RETURN_IF_ERROR(
        Check(PQprepare(conn_, name.c_str(), p.sql, p.params, p.types.data()), "prepare"));
  }
  return Status::Ok();
}

bool PgConnection::InTransaction() const {
  PGTransactionStatusType s = PQtransactionStatus(conn_);
  return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

Result<PgResult> PgConnection::Check(PGresult* raw, std::string_view what) {
  PgResult result(raw);
  ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
  if (!Healthy()) return Fail(ConnectionLost(what));
  // The SQLSTATE only: the message and its detail may quote a parameter.
  const char* state = result ? PQresultErrorField(result.get(), PG_DIAG_SQLSTATE) : nullptr;
  std::string code = state != nullptr ? state : "none";
  // An error without a SQLSTATE was made by libpq itself, not by the server:
  // a socket that failed before libpq marked the connection bad (seen while
  // the server restarts). It is the same loss of the connection.
  if (state == nullptr || code == "57P01" || code == "57P02" || code == "57P03" ||
      code.starts_with("08")) {
    return Fail(ConnectionLost(what));
  }
  return Fail(Status::IoError(
      "postgres " + std::string(what) + " failed (SQLSTATE " + code + ")",
      "PostgreSQL の処理 " + std::string(what) + " に失敗しました (SQLSTATE " + code + ")"));
}

Status PgConnection::Exec(const char* sql, std::string_view what) {
  return StatusOf(Check(PQexec(conn_, sql), what));
}

Result<PgResult> PgConnection::ExecRows(const char* sql, std::string_view what) {
  return Check(PQexec(conn_, sql), what);
}

Status PgConnection::EnterPipeline() {
  if (PQenterPipelineMode(conn_) == 1) return Status::Ok();
  return Healthy() ? Status::IoError("postgres: cannot enter pipeline mode",
                                     "PostgreSQL のパイプラインモードに入れません")
                   : ConnectionLost("pipeline");
}

Status PgConnection::LeavePipeline() {
  if (!InPipeline()) return Status::Ok();
  if (!pending_.empty()) (void)Sync();
  if (PQexitPipelineMode(conn_) == 1) return Status::Ok();
  return ConnectionLost("pipeline");
}

void PgConnection::Send(Stmt stmt, std::initializer_list<std::optional<std::string_view>> params,
                        std::string_view what, Part part) {
  const Params p(params);
  // libpq copies the parameters into its output buffer: nothing needs to
  // outlive the call.
  const int sent = PQsendQueryPrepared(conn_, StatementName(stmt).c_str(), p.count, p.values.data(),
                                       p.lengths.data(), p.formats.data(),
                                       /*resultFormat=*/1);
  pending_.push_back({std::string(what), part, sent == 1});
}

void PgConnection::SendSql(const char* sql, std::string_view what, Part part) {
  // PQsendQuery is not allowed in pipeline mode; the extended protocol is.
  const int sent = PQsendQueryParams(conn_, sql, 0, nullptr, nullptr, nullptr, nullptr, 0);
  pending_.push_back({std::string(what), part, sent == 1});
}

SyncOutcome PgConnection::Sync() {
  SyncOutcome out;
  auto note = [&](Part part, Status status) {
    Status& slot = part == Part::kBatch      ? out.batch
                   : part == Part::kFunction ? out.function
                                             : out.commit;
    if (slot.ok()) slot = std::move(status);
  };
  const bool synced = PQpipelineSync(conn_) == 1;
  bool lost = !synced;
  Status aborted;  // the failure that made the server skip what follows
  while (!pending_.empty()) {
    Sent cmd = std::move(pending_.front());
    pending_.pop_front();
    if (lost || !cmd.sent) {
      lost = true;
      note(cmd.part, ConnectionLost(cmd.what));
      continue;
    }
    PGresult* raw = PQgetResult(conn_);
    if (raw == nullptr) {
      lost = true;
      note(cmd.part, ConnectionLost(cmd.what));
      continue;
    }
    // Each command's results end with a null.
    for (PGresult* more; (more = PQgetResult(conn_)) != nullptr;) PQclear(more);
    if (PQresultStatus(raw) == PGRES_PIPELINE_ABORTED) {
      // Skipped after an earlier failure, which is noted in its own part:
      // a COMMIT skipped because a function's write failed is that
      // function's failure, not the batch's. Skipped with no failure before
      // it cannot happen; taken as the connection's loss if it does.
      PQclear(raw);
      if (aborted.ok()) note(Part::kBatch, ConnectionLost(cmd.what));
      continue;
    }
    Result<PgResult> checked = Check(raw, cmd.what);
    if (!checked) {
      if (aborted.ok()) aborted = checked.error();
      note(cmd.part, checked.error());
      continue;
    }
    if (pending_.empty()) out.last = std::move(*checked);
  }
  // The sync point's own result (PGRES_PIPELINE_SYNC). Were it missing
  // after every command was answered, what ran is reported as it ran; the
  // connection's state shows at its next use (LeavePipeline fails, and the
  // connection is dropped).
  if (!lost) PQclear(PQgetResult(conn_));
  return out;
}

Result<PgResult> PgConnection::Run(Stmt stmt,
                                   std::initializer_list<std::optional<std::string_view>> params,
                                   std::string_view what) {
  const Params p(params);
  return Check(PQexecPrepared(conn_, StatementName(stmt).c_str(), p.count, p.values.data(),
                              p.lengths.data(), p.formats.data(), /*resultFormat=*/1),
               what);
}

}  // namespace mamori::store::postgres
