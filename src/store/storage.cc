#include "store/storage.h"

namespace mamori::store {

Status ReadTxn::ScanEach(std::string_view begin, std::string_view end, const ScanVisitor& visit) {
  // Big enough that a Scan call costs little per row, small enough that a
  // page of large values stays a few megabytes.
  constexpr size_t kPage = 256;
  std::string next(begin);
  while (true) {
    MAMORI_ASSIGN_OR_RETURN(std::vector<KeyValue> rows, Scan(next, end, kPage));
    for (const KeyValue& kv : rows) {
      MAMORI_ASSIGN_OR_RETURN(bool more, visit(kv.key, kv.value));
      if (!more) return Status::Ok();
    }
    if (rows.size() < kPage) return Status::Ok();
    next = std::move(rows.back().key);
    next.push_back('\0');  // the smallest key after the last one visited
  }
}

std::string PrefixEnd(std::string_view prefix) {
  std::string end(prefix);
  // Trailing 0xff bytes cannot be incremented: every key with the shorter
  // prefix that follows is already past them, so drop them and carry left.
  while (!end.empty()) {
    auto last = static_cast<unsigned char>(end.back());
    if (last != 0xff) {
      end.back() = static_cast<char>(last + 1);
      return end;
    }
    end.pop_back();
  }
  return end;
}

}  // namespace mamori::store
