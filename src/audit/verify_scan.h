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

struct Row {
  std::string_view key;
  std::string_view value;
};

// Ascending rows of [begin, end), fetched `page` at a time, so memory stays
// bounded however long the range is. A fetch is one ScanEach that copies the
// rows into a buffer kept from page to page: a row costs a copy of its bytes,
// never an allocation. Meant for small rows read alongside another scan.
class PagedCursor {
 public:
  PagedCursor() = default;
  PagedCursor(std::string begin, std::string end, size_t page)
      : next_(std::move(begin)), end_(std::move(end)), page_(page) {}

  // The current row, or nullptr past the end; the row and its bytes are valid
  // until Pop or the next Peek that fetches. Inline: it runs once or twice
  // per event.
  Result<const Row*> Peek(store::ReadTxn& txn) {
    if (pos_ < sizes_.size()) return Current();
    return Fetch(txn);
  }
  void Pop() {
    at_ += sizes_[pos_].key + sizes_[pos_].value;
    ++pos_;
  }

 private:
  struct Sizes {
    size_t key;
    size_t value;  // the value's bytes follow the key's
  };

  const Row* Current() {
    const char* at = bytes_.data() + at_;
    row_ = {{at, sizes_[pos_].key}, {at + sizes_[pos_].key, sizes_[pos_].value}};
    return &row_;
  }
  // Reads the next page; its first row, or nullptr when there is none.
  Result<const Row*> Fetch(store::ReadTxn& txn);

  std::string bytes_;  // the page's rows, key then value, back to back
  std::vector<Sizes> sizes_;
  size_t pos_ = 0;  // the current row
  size_t at_ = 0;   // where its bytes start
  Row row_;
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
// The same, reading strings byte by byte: the reference ScanEventFields is
// tested against (it takes a faster path for events without escapes).
bool ScanEventFieldsBytewise(std::string_view json, EventFields* out);

}  // namespace mamori::audit::internal
