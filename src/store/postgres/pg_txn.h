// The transaction handle Update and View functions receive. Internal to the
// postgres backend: the transaction itself (BEGIN, savepoints, COMMIT) is
// run by the caller; this class only reads and writes the kv table inside it.
// ScanEach is the interface's default, keyset pages of Scan: each page is
// one statement, so the visitor may run its own statements on the
// connection between pages (libpq runs one statement at a time).
#pragma once

#include <map>

#include "store/postgres/pg_connection.h"
#include "store/storage.h"

namespace mamori::store::postgres {

// What the writer's transaction read and wrote, by key, for the batch's
// later Gets (of the same function or of the next ones): while the batch
// holds the store's writer lock nobody else writes the kv table, so a key
// read or written once in the transaction has no other value until COMMIT.
// Cleared when a function fails (its writes are undone) and with the
// batch. Absent keys are kept too (nullopt); large values are not kept.
class BatchCache {
 public:
  static constexpr size_t kMaxValue = 64 * 1024;
  const std::optional<std::string>* Find(std::string_view key) const {
    auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : &it->second;
  }
  void Set(std::string_view key, std::optional<std::string> value) {
    if (value && value->size() > kMaxValue) {
      Forget(key);
      return;
    }
    entries_.insert_or_assign(std::string(key), std::move(value));
  }
  void Forget(std::string_view key) {
    auto it = entries_.find(key);
    if (it != entries_.end()) entries_.erase(it);
  }
  void Clear() { entries_.clear(); }

 private:
  std::map<std::string, std::optional<std::string>, std::less<>> entries_;
};

class PgTxn final : public WriteTxn {
 public:
  // `pipelined`: the writer's connection, in pipeline mode. Put and Delete
  // are then sent without waiting (their results are read with the next
  // read's, or at the end of the function by the batch runner), so a
  // function's writes cost no round trip of their own; a read waits for its
  // rows, and for the results of everything sent before it.
  // `cache`, with the writer's batch only: Gets answered from it when it
  // knows the key, and every Get, Put and Delete noted in it.
  explicit PgTxn(PgConnection& conn, bool pipelined = false, BatchCache* cache = nullptr)
      : conn_(conn), pipelined_(pipelined), cache_(cache) {}

  Result<std::optional<std::string>> Get(std::string_view key) override;
  Result<std::vector<KeyValue>> Scan(std::string_view begin, std::string_view end, size_t limit,
                                     bool reverse = false) override;
  Status Put(std::string_view key, std::string_view value) override;
  Status Delete(std::string_view key) override;

  // The first error any call returned: a function that drops an error and
  // returns OK is still failed with it (a lost audit write must not let its
  // operation commit). PostgreSQL would refuse the rest of the transaction
  // after a failed statement anyway.
  const Status& first_error() const { return first_error_; }

 private:
  Status Note(Status status);
  // A read's rows. In pipeline mode `stmt` is sent after whatever is
  // pending and all of it synced: the rows, or the first failure among them.
  Result<PgResult> Read(Stmt stmt, std::initializer_list<std::optional<std::string_view>> params);

  PgConnection& conn_;
  const bool pipelined_;
  BatchCache* const cache_;
  Status first_error_;
};

}  // namespace mamori::store::postgres
