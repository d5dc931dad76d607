// Internal to the postgres backend: the tables, created on first open, and
// the versioned migrations that bring an older store up to this build's
// schema, applied at open.
//
// Every open runs, in one transaction under a database-wide advisory lock
// (so servers starting together apply a migration once, and the later ones
// find it done): create the version-1 tables when absent, check the format
// marker, refuse a store whose version is newer than this build's, then
// apply each migration past the stored version in order, recording each in
// mamori_meta ('version') and in mamori_schema_history (version, time).
// Any failure rolls the whole transaction back: the store stays at the
// version it had.
//
// Versions:
//   1  mamori_kv(k bytea PRIMARY KEY, v bytea NOT NULL), mamori_meta
//      ('format' = 'mamori-kv', 'version').
//   2  mamori_schema_history(version int PRIMARY KEY, applied_at
//      timestamptz); mamori_kv.v stored uncompressed (STORAGE EXTERNAL):
//      values are AES-GCM ciphertext, which does not compress, so the
//      server's attempt to compress each large value was wasted work.
#pragma once

#include "store/postgres/pg_connection.h"

namespace mamori::store::postgres {

// The schema version this build writes and reads.
inline constexpr int kSchemaVersion = 2;

// kIoError (naming no contents) when the tables hold something other than a
// mamori store; kFailedPrecondition when the store's version is newer than
// kSchemaVersion (nothing is changed); a migration's own failure otherwise.
Status EnsureSchema(PgConnection& conn);

}  // namespace mamori::store::postgres
