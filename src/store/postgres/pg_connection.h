// Internal to the postgres backend: one libpq connection with the backend's
// statements prepared on it, and the mapping of libpq failures to Status.
//
// Every key and value travels as a binary bytea parameter or result, never
// spliced into SQL text. Errors name the operation and the SQLSTATE only:
// a server message may quote a parameter (a key), and a connection string may
// carry a password, so neither is ever copied into a Status.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mamori::store::postgres {

// The statements prepared on every connection (names "s0", "s1", ...).
enum class Stmt {
  kGet,         // $1 key -> v
  kPut,         // $1 key, $2 value
  kDelete,      // $1 key
  kScanAsc,     // $1 begin, $2 limit (NULL: none) -> k, v ascending
  kScanAscTo,   // $1 begin, $2 end, $3 limit
  kScanDesc,    // $1 begin, $2 limit -> k, v descending
  kScanDescTo,  // $1 begin, $2 end, $3 limit
  kWriterLock,  // takes the store's writer lock for the transaction
};

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

class PgConnection {
 public:
  // Connects with `conninfo` (a libpq URI or key=value string, already
  // checked by CheckConninfo) and prepares the statements when `prepare`
  // (the kv table must exist then). kUnavailable when the server cannot be
  // reached; the message carries libpq's reason with any password removed.
  static Result<std::unique_ptr<PgConnection>> Open(const std::string& conninfo, bool prepare);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Prepares the statements (after the schema exists).
  Status Prepare();
  // Runs SQL text without parameters (BEGIN, SAVEPOINT, COMMIT, DDL); `what`
  // names the operation in an error.
  Status Exec(const char* sql, std::string_view what);
  // Like Exec, returning the rows.
  Result<PgResult> ExecRows(const char* sql, std::string_view what);
  // Runs a prepared statement. A null optional is SQL NULL; a limit is passed
  // as Limit(n). Results come back in binary (bytea bytes as they are).
  Result<PgResult> Run(Stmt stmt, std::initializer_list<std::optional<std::string_view>> params,
                       std::string_view what);

  // Whether the connection still reaches its server.
  bool Healthy() const { return PQstatus(conn_) == CONNECTION_OK; }
  bool InTransaction() const;
  const std::string& conninfo() const { return conninfo_; }

 private:
  PgConnection(PGconn* conn, std::string conninfo) : conn_(conn), conninfo_(std::move(conninfo)) {}
  Result<PgResult> Check(PGresult* result, std::string_view what);

  PGconn* conn_;
  std::string conninfo_;  // to connect again; never put in a message
};

// A LIMIT parameter: 8 bytes, big-endian (int8's binary form).
std::string Limit(uint64_t n);

// kInvalidArgument when `conninfo` does not parse, or carries a password:
// a password belongs in a password file (PGPASSFILE or passfile=), never in
// a string that may reach argv, a config file or a log.
Status CheckConninfo(const std::string& conninfo);

// The error for a connection that broke: kUnavailable.
Status ConnectionLost(std::string_view what);

}  // namespace mamori::store::postgres
