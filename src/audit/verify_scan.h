// Building blocks of VerifyLog that keep its hot loop free of per-event
// allocation: a paged cursor over a key range and a reader that takes seq and
// prev out of event JSON without building a document.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "store/storage.h"

namespace mamori::audit::internal {

// Ascending rows of [begin, end), fetched `page` at a time, so memory stays
// bounded however long the range is.
class PagedCursor {
 public:
  PagedCursor() = default;
  PagedCursor(std::string begin, std::string end, size_t page)
      : next_(std::move(begin)), end_(std::move(end)), page_(page) {}

  // The current row, or nullptr past the end; valid until Pop or the next Peek
  // that fetches.
  Result<const store::KeyValue*> Peek(store::ReadTxn& txn);
  void Pop() { ++pos_; }

 private:
  std::vector<store::KeyValue> rows_;
  size_t pos_ = 0;
  std::string next_;  // where the next fetch starts
  std::string end_;
  size_t page_ = 0;
  bool done_ = false;  // the last fetch came back short
};

struct EventFields {
  uint64_t seq = 0;
  std::string_view prev;  // raw contents of the prev string; empty when absent
};

// Reads the JSON Append writes: one object without whitespace whose members
// are strings, unsigned integers or objects of strings. Strict about that
// shape (anything else is rejected) and requires a numeric "seq"; "prev",
// when present, must be a string. Strings are not decoded: their contents are
// covered by the leaf hash. `json` must outlive `out`.
bool ScanEventFields(std::string_view json, EventFields* out);

}  // namespace mamori::audit::internal
