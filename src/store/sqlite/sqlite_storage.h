// The embedded backend: one SQLite database file in WAL mode.
//
// Layout: a single table kv(k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID.
// Durability: synchronous=FULL, so an Update that returned OK survives power
// loss and SIGKILL. Group commit: one writer connection on a committer thread
// batches the Update calls waiting at the time into one transaction (up to
// max_batch), each inside a SAVEPOINT. Views use a pool of read connections.
// Several processes may open the same file; writers wait for the lock up to
// busy_timeout_ms.
#pragma once

#include <memory>
#include <string>

#include "store/storage.h"

namespace mamori::store {

struct SqliteOptions {
  std::string path;          // database file; created when absent
  bool create_if_missing = true;
  size_t max_batch = 256;    // most Update calls shared by one commit
  int busy_timeout_ms = 10'000;
};

// kNotFound when the file is absent and create_if_missing is false; kIoError
// (naming the path, never the contents) when it cannot be opened or is not a
// mamori store.
Result<std::unique_ptr<Storage>> OpenSqliteStorage(const SqliteOptions& options);

}  // namespace mamori::store
