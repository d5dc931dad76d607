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
#include <deque>
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

// What a command sent in pipeline mode belongs to, so that a failure is
// told to the right party: the batch (its writer lock, a savepoint between
// functions: every function of the batch fails), the function running (its
// reads and writes, the release of its savepoint: it alone fails), or the
// commit.
enum class Part { kBatch, kFunction, kCommit };

// The results of one Sync: the first failure of each part (OK when none),
// and the last command's rows when it succeeded.
struct SyncOutcome {
  Status batch, function, commit;
  PgResult last;
  bool ok() const { return batch.ok() && function.ok() && commit.ok(); }
  // The first failure, batch before function before commit.
  Status first() const { return !batch.ok() ? batch : !function.ok() ? function : commit; }
};

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

  // Pipeline mode, for the writer's batches (libpq's pipeline: commands
  // are sent without waiting for their results, and the results of all of
  // them are read at the next Sync, in one round trip). Exec, ExecRows and
  // Run must not be called in it. EnterPipeline when outside a transaction
  // or inside one begun by Exec; LeavePipeline reads whatever is pending
  // and leaves it (kUnavailable when it cannot: the connection is then to
  // be dropped).
  Status EnterPipeline();
  Status LeavePipeline();
  bool InPipeline() const { return PQpipelineStatus(conn_) != PQ_PIPELINE_OFF; }
  // Sends a prepared statement or parameterless SQL text; its result is
  // read by the next Sync. A failure to send shows at that Sync.
  void Send(Stmt stmt, std::initializer_list<std::optional<std::string_view>> params,
            std::string_view what, Part part);
  void SendSql(const char* sql, std::string_view what, Part part);
  // Ends the commands sent so far with a sync point and reads their
  // results. After a failed command the server skips the rest up to the
  // sync (their part gets the failure too); an open transaction is then in
  // the aborted state.
  SyncOutcome Sync();
  size_t Pending() const { return pending_.size(); }

  // Whether the connection still reaches its server.
  bool Healthy() const { return PQstatus(conn_) == CONNECTION_OK; }
  bool InTransaction() const;
  const std::string& conninfo() const { return conninfo_; }

 private:
  PgConnection(PGconn* conn, std::string conninfo) : conn_(conn), conninfo_(std::move(conninfo)) {}
  Result<PgResult> Check(PGresult* result, std::string_view what);

  struct Sent {
    std::string what;
    Part part;
    bool sent;  // false: libpq refused it (the connection is gone)
  };

  PGconn* conn_;
  std::string conninfo_;      // to connect again; never put in a message
  std::deque<Sent> pending_;  // sent in pipeline mode, results not read yet
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
