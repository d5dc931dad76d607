// store: the storage interface every backend implements, and the backends
// (sqlite/ embedded default; postgres/ later). The interface is an ordered
// key-value store with transactions, in the manner of HashiCorp Vault's
// physical backends: the engine owns the data model, so a backend needs no
// knowledge of datasets, records or audit events, and the same storage test
// suite runs against every backend.
//
// Keys and values are arbitrary bytes; keys order bytewise (memcmp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace mamori::store {

struct KeyValue {
  std::string key;
  std::string value;
};

// What ScanEach calls for each row. `key` and `value` point into the
// backend's own buffers and are valid only until the visitor returns: copy
// whatever must outlive the call. Return true for the next row, false to stop
// after this one; returning an error stops the scan too.
using ScanVisitor = std::function<Result<bool>(std::string_view key, std::string_view value)>;

class ReadTxn {
 public:
  virtual ~ReadTxn() = default;
  // nullopt when absent.
  virtual Result<std::optional<std::string>> Get(std::string_view key) = 0;
  // Pairs with begin <= key < end, ascending, at most `limit` of them (limit 0
  // means no limit). An empty `end` means no upper bound. With reverse=true the
  // same range is returned descending.
  virtual Result<std::vector<KeyValue>> Scan(std::string_view begin, std::string_view end,
                                             size_t limit, bool reverse = false) = 0;

  // Passes the rows Scan(begin, end, 0) would return to `visit`, ascending,
  // one at a time: a pass over a long range in bounded memory. An empty `end`
  // means no upper bound. Returns OK when the range is exhausted or the
  // visitor returned false; the visitor's own error, unchanged, when it
  // returned one (that error is the caller's: a backend does not count it as
  // a failure of its own); a storage error otherwise, after which the visitor
  // may have seen only part of the range.
  //
  // The visitor may read through this transaction (Get, Scan, a nested
  // ScanEach). It must not write through it: which rows the scan then
  // visits is unspecified.
  //
  // The default runs Scan in pages of a few hundred rows, copying each row.
  // Backends override it to hand out views of their own buffers, without a
  // copy or an allocation per row (the sqlite backend does).
  virtual Status ScanEach(std::string_view begin, std::string_view end, const ScanVisitor& visit);
};

class WriteTxn : public ReadTxn {
 public:
  virtual Status Put(std::string_view key, std::string_view value) = 0;
  // Deleting an absent key is not an error.
  virtual Status Delete(std::string_view key) = 0;
};

// The smallest key greater than every key that starts with prefix: the `end`
// that makes Scan(prefix, PrefixEnd(prefix)) a prefix scan. Empty for a prefix
// of all 0xff bytes (no upper bound).
std::string PrefixEnd(std::string_view prefix);

// Counters for diagnostics and tests. A backend that keeps none reports zeros.
struct StorageStats {
  uint64_t updates = 0;      // Update functions run, whatever they returned
  uint64_t commits = 0;      // database transactions committed (one per group commit)
  uint64_t pending = 0;      // calls queued for the committer and not yet started, right now
  uint64_t checkpoints = 0;  // background WAL checkpoints run (sqlite)
};

using UpdateFn = std::function<Status(WriteTxn&)>;
using ViewFn = std::function<Status(ReadTxn&)>;

class Storage {
 public:
  virtual ~Storage() = default;

  // Runs fn in a read-write transaction and returns once its writes are durable.
  //
  // Group commit: concurrent Update calls may share one database transaction
  // and one sync. Functions run one at a time, in arrival order, on a single
  // committer thread, each seeing the writes of those before it. Each runs
  // inside its own savepoint: if fn returns an error, only its own writes are
  // rolled back and that error is returned to its caller; the others commit.
  // If the shared commit itself fails, every caller in it gets the error and
  // none of their writes happened, with one exception: a backend on a
  // database server (postgres) that lost its connection while COMMIT was
  // under way cannot know whether the server committed, and then returns
  // kUnavailable saying so. An error never hides a commit otherwise, and OK
  // always means durable. fn runs at most once: no backend re-runs it.
  //
  // fn must be short and must not call Update or View (it would deadlock):
  // do expensive work such as encryption before calling Update.
  virtual Status Update(UpdateFn fn) = 0;

  // Update without the wait: fn is queued exactly as by Update, and `then`
  // receives what Update would have returned once the writes are durable
  // (or have failed). A caller that may answer only after its write is
  // durable (an audited read) frees its thread meanwhile. `then` runs on a
  // thread of the backend's choosing, possibly the caller's before
  // UpdateThen returns (an error found at once, or a backend that commits
  // synchronously). It may call Update, UpdateThen and View, not Close.
  // Every `then` has run when Close returns. This default runs Update on
  // the calling thread.
  virtual void UpdateThen(UpdateFn fn, std::function<void(Status)> then) {
    const std::function<void(Status)> done = std::move(then);
    done(Update(std::move(fn)));
  }

  // Runs fn on the calling thread against a consistent read-only snapshot.
  // Views run concurrently with each other and with Update.
  virtual Status View(ViewFn fn) = 0;

  // View, and every View this thread makes on this store while fn runs
  // reads fn's snapshot instead of opening its own: one transaction for a
  // request's reads in several modules (authentication, policy, the record)
  // instead of one each. Whether those Views see writes made meanwhile
  // (an Update from inside fn) depends on the backend (the SQLite store's do
  // not; with this default, which is View, they do), so fn must not read
  // what it has just written.
  virtual Status ViewShared(ViewFn fn) { return View(std::move(fn)); }

  // Finishes pending updates and closes. Idempotent; further calls fail with
  // kUnavailable.
  virtual Status Close() = 0;

  // A short name for diagnostics: "sqlite", "postgres".
  virtual std::string_view Backend() const = 0;

  // Makes what committed Updates deleted unrecoverable from the backend's own
  // files, as far as the backend can (crypto-shredding relies on it): waits
  // for the Updates before it, then rewrites or truncates whatever still holds
  // old versions. Slow; meant for after deleting keys, not for every Update.
  // A backend that cannot do this fails (kFailedPrecondition) rather than
  // pretend. kUnavailable after Close.
  virtual Status Compact() {
    return Status::FailedPrecondition(
        "the " + std::string(Backend()) + " storage backend cannot compact",
        "ストレージ " + std::string(Backend()) + " はコンパクションに対応していません");
  }

  // Optional; safe to call from any thread, including after Close.
  virtual StorageStats Stats() const { return {}; }
};

}  // namespace mamori::store
