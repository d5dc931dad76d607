// The transaction handle Update and View functions receive. Internal to the
// sqlite backend: the transaction itself (BEGIN, savepoints, COMMIT) is run by
// the caller; this class only reads and writes the kv table inside it.
#pragma once

#include "store/sqlite/connection.h"
#include "store/storage.h"

namespace mamori::store::sqlite {

class SqliteTxn final : public WriteTxn {
 public:
  explicit SqliteTxn(Connection& conn) : conn_(conn) {}

  Result<std::optional<std::string>> Get(std::string_view key) override;
  Result<std::vector<KeyValue>> Scan(std::string_view begin, std::string_view end, size_t limit,
                                     bool reverse = false) override;
  // Steps one statement and hands the visitor SQLite's column buffers.
  Status ScanEach(std::string_view begin, std::string_view end, const ScanVisitor& visit) override;
  Status Put(std::string_view key, std::string_view value) override;
  Status Delete(std::string_view key) override;

  // The first error any call returned. A function that drops an error and
  // returns OK is still failed with it (fail closed: a lost audit write must
  // not let its operation commit).
  const Status& first_error() const { return first_error_; }

 private:
  Status Note(Status status);

  Connection& conn_;
  Status first_error_;
};

}  // namespace mamori::store::sqlite
