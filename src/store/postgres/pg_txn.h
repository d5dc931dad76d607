// The transaction handle Update and View functions receive. Internal to the
// postgres backend: the transaction itself (BEGIN, savepoints, COMMIT) is
// run by the caller; this class only reads and writes the kv table inside it.
// ScanEach is the interface's default, keyset pages of Scan: each page is
// one statement, so the visitor may run its own statements on the
// connection between pages (libpq runs one statement at a time).
#pragma once

#include "store/postgres/pg_connection.h"
#include "store/storage.h"

namespace mamori::store::postgres {

class PgTxn final : public WriteTxn {
 public:
  explicit PgTxn(PgConnection& conn) : conn_(conn) {}

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

  PgConnection& conn_;
  Status first_error_;
};

}  // namespace mamori::store::postgres
