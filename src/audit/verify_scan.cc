#include "audit/verify_scan.h"

#include <limits>

namespace mamori::audit::internal {

Result<const store::KeyValue*> PagedCursor::Peek(store::ReadTxn& txn) {
  if (pos_ < rows_.size()) return &rows_[pos_];
  if (done_) return nullptr;
  MAMORI_ASSIGN_OR_RETURN(rows_, txn.Scan(next_, end_, page_));
  pos_ = 0;
  done_ = rows_.size() < page_;
  if (rows_.empty()) return nullptr;
  next_ = rows_.back().key;
  next_.push_back('\0');  // the smallest key after the last one fetched
  return &rows_[0];
}

namespace {

class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}

  bool Eat(char c) {
    if (i_ >= s_.size() || s_[i_] != c) return false;
    ++i_;
    return true;
  }
  char PeekChar() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  bool AtEnd() const { return i_ == s_.size(); }

  // A string literal; `out` gets its raw contents, escapes untouched.
  bool String(std::string_view* out) {
    if (!Eat('"')) return false;
    const size_t start = i_;
    while (i_ < s_.size()) {
      const unsigned char c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        *out = s_.substr(start, i_ - start);
        ++i_;
        return true;
      }
      if (c < 0x20) return false;
      i_ += c == '\\' ? 2 : 1;
    }
    return false;
  }

  // An unsigned integer without leading zeros.
  bool Uint(uint64_t* out) {
    const size_t start = i_;
    uint64_t v = 0;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') {
      const uint64_t d = static_cast<uint64_t>(s_[i_] - '0');
      if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) return false;
      v = v * 10 + d;
      ++i_;
    }
    const size_t len = i_ - start;
    if (len == 0 || (len > 1 && s_[start] == '0')) return false;
    *out = v;
    return true;
  }

  // {"k":"v",...} with string values only.
  bool StringObject() {
    if (!Eat('{')) return false;
    if (Eat('}')) return true;
    do {
      std::string_view k, v;
      if (!String(&k) || !Eat(':') || !String(&v)) return false;
    } while (Eat(','));
    return Eat('}');
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

bool ScanEventFields(std::string_view json, EventFields* out) {
  Reader r(json);
  bool has_seq = false;
  out->prev = {};
  if (!r.Eat('{')) return false;
  do {
    std::string_view key;
    if (!r.String(&key) || !r.Eat(':')) return false;
    const char c = r.PeekChar();
    if (c == '"') {
      std::string_view v;
      if (!r.String(&v) || key == "seq") return false;
      if (key == "prev") out->prev = v;
    } else if (c >= '0' && c <= '9') {
      uint64_t v;
      if (!r.Uint(&v) || key == "prev") return false;
      if (key == "seq") {
        out->seq = v;
        has_seq = true;
      }
    } else if (c == '{') {
      if (!r.StringObject() || key == "seq" || key == "prev") return false;
    } else {
      return false;
    }
  } while (r.Eat(','));
  return r.Eat('}') && r.AtEnd() && has_seq;
}

}  // namespace mamori::audit::internal
