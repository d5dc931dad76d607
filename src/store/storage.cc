#include "store/storage.h"

namespace mamori::store {

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
