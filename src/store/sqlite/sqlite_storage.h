// The embedded backend: one SQLite database file in WAL mode.
//
// Layout: a single table kv(k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID.
// Durability: synchronous=FULL, so an Update that returned OK survives power
// loss and SIGKILL. Group commit (store/commit_queue.h), leader/follower: the caller at the front
// of the queue runs, on its own thread and on the one writer connection, the Update calls waiting
// at the time in one transaction (up to max_batch), each inside a SAVEPOINT when there are several;
// the others wait for its commit. WAL checkpoints run on a background thread with their own
// connection, so no commit pays for one. Views use a pool of read connections. Several processes
// may open the same file; writers wait for the lock up to busy_timeout_ms.
//
// The file: created with mode 0600, never wider whatever the umask (SQLite
// gives its -wal and -shm files the mode of the database file); an existing
// file keeps its mode. A `meta` table carries the format marker ("mamori-kv")
// and the format version; any other file, SQLite or not, is refused before
// anything is written to it, and an older version is migrated at open
// (store_file.h).
//
// Deleting for good: with secure_delete, deleted content is overwritten in
// the pages that held it, but the WAL still holds the older page versions
// until a checkpoint. Compact() checkpoints the WAL into the database file and
// truncates it to zero bytes (wal_checkpoint(TRUNCATE)), after which neither
// file holds deleted content; blocks the file system freed are beyond reach.
// It waits up to busy_timeout_ms for Views still reading older snapshots, and
// fails with kUnavailable if they do not finish.
//
// Errors name the path and the operation, never a key or a value. A database
// still locked by another process after busy_timeout_ms gives kUnavailable;
// other SQLite failures give kIoError. Stats() and Compact() are supported.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "store/storage.h"

namespace mamori::store {

struct SqliteOptions {
  std::string path;  // database file; created when absent
  bool create_if_missing = true;
  size_t max_batch = 256;  // most Update calls shared by one commit (0 acts as 1)
  // WAL frames after a commit at which the background checkpointer is asked
  // to copy the WAL into the database file. SQLite's own automatic
  // checkpoint uses 1000, but an audited put writes about 11 frames, so 1000
  // meant a checkpoint every ~90 commits, and the checkpoint's fsync of the
  // database file stalls the next WAL fsync: at one client that put 1–2 % of
  // commits at ~9 ms and made p99 ten times p50. At 8000 (a WAL of about
  // 32 MB) the stalls fall below the 99th percentile (docs/PERFORMANCE.md).
  size_t checkpoint_frames = 8000;
  int busy_timeout_ms = 10'000;
  // Overwrite deleted content instead of leaving it in free pages (PRAGMA
  // secure_delete). Costs some writes; the key store needs it, a store whose
  // values are ciphertext under shreddable keys can do without.
  bool secure_delete = true;
  // How much of the file each View connection maps into memory (PRAGMA
  // mmap_size) instead of reading it page by page with pread; 0 turns it off.
  // Long scans (an audit verification) run about a fifth faster. The mapping
  // is the kernel's page cache, read-only, and costs address space, not
  // memory. The price: a disk read error while a View reads a mapped page
  // ends the process (SIGBUS) instead of failing that View with kIoError.
  // Off by default: SQLite drops a reader's whole mapping whenever another
  // connection has committed, so point reads right after commits (every
  // audited Get under load) fault pages back in and get ~20x slower
  // (docs/PERFORMANCE.md). Turn it on for read-mostly scans such as
  // `mamori audit verify`.
  uint64_t read_mmap_bytes = 0;
};

// kNotFound when the file is absent (or empty) and create_if_missing is
// false; kIoError (naming the path, never the contents) when it cannot be
// opened or is not a mamori store.
Result<std::unique_ptr<Storage>> OpenSqliteStorage(const SqliteOptions& options);

}  // namespace mamori::store
