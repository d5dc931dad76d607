// Internal to the postgres backend: the tables, created on first open and
// checked on every open (format marker and schema version).
#pragma once

#include "store/postgres/pg_connection.h"

namespace mamori::store::postgres {

// The schema version this build writes and reads. A migration from an
// older version would run here, in the same transaction as the check.
inline constexpr int kSchemaVersion = 1;

// Creates mamori_kv and mamori_meta when absent, under a lock so that
// servers starting together do not race; kIoError (naming no contents) when
// they hold something other than a mamori store of this version.
Status EnsureSchema(PgConnection& conn);

}  // namespace mamori::store::postgres
