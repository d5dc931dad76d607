// The PostgreSQL backend: the kv store in one table of a database the
// organisation operates, so that several mamori servers can share it.
//
// Layout: mamori_kv(k bytea PRIMARY KEY, v bytea NOT NULL) and
// mamori_meta(name text PRIMARY KEY, value text NOT NULL) holding the format
// marker ("format" = "mamori-kv") and the schema version ("version"), and
// mamori_schema_history, in the first schema of the connection's
// search_path. Created on first open and migrated from an older version at
// open, under a lock, so servers starting together do not race
// (pg_schema.h); a store of a newer version, or tables that are not a
// mamori store, are refused.
//
// Writes: one writer connection per process and the group-commit queue
// (store/commit_queue.h), whose leader runs
// the Update calls queued at the time in one transaction (up to max_batch),
// each inside a SAVEPOINT when there are several (group commit, as the
// contract describes). Each write transaction runs at READ COMMITTED and
// first takes a transaction-scoped advisory lock named by the kv table, held
// until COMMIT: write transactions on one store are therefore serial across
// every process and server, and each statement after the lock sees every
// transaction committed before it. That is the serial order SERIALIZABLE
// would give, without its serialization failures: no 40001/40P01 can arise
// between writers, so a function is never run twice (the contract does not
// allow re-running one: an Update function may have effects outside the
// store). synchronous_commit is on for every connection: an Update returns
// OK only once its commit is durable on the server.
//
// Reads: each View is one REPEATABLE READ READ ONLY transaction (a snapshot
// of a prefix of the serial write order) on a pooled connection.
//
// Failures: errors name the operation and the SQLSTATE, never a key, a value
// or the connection string. A server that cannot be reached or a connection
// that broke gives kUnavailable; the next Update or View connects again. An
// Update whose connection broke during COMMIT gets kUnavailable and may
// nevertheless have committed (the server's answer was lost); before COMMIT
// was sent, nothing of it was written.
//
// Compact: VACUUM FULL rewrites the table without its dead rows, then
// CHECKPOINT lets the server recycle the WAL that still holds them. WAL
// segments kept for archiving or replicas, and backups, are beyond its reach
// (crypto-shredding does not rely on the store forgetting ciphertext).
#pragma once

#include <memory>
#include <string>

#include "store/storage.h"

namespace mamori::store {

struct PostgresOptions {
  // A libpq connection URI (postgresql://user@host/db?...) or key=value
  // string. It must not carry a password: give one in a password file
  // (PGPASSFILE, or passfile= here), so it never reaches argv or a log.
  std::string conninfo;
  size_t max_batch = 256;  // most Update calls shared by one commit (0 acts as 1)
};

// kInvalidArgument for a connection string that does not parse or carries a
// password; kUnavailable when the server cannot be reached; kIoError when
// the tables cannot be created or are not a mamori store of this version.
Result<std::unique_ptr<Storage>> OpenPostgresStorage(const PostgresOptions& options);

// Whether `location` names a PostgreSQL store (a postgresql:// or
// postgres:// URI) rather than a directory.
bool IsPostgresUri(std::string_view location);

}  // namespace mamori::store
