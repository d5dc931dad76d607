#include "audit/verify_scan.h"

#include <bit>
#include <cstring>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace mamori::audit::internal {

Result<const Row*> PagedCursor::Fetch(store::ReadTxn& txn) {
  bytes_.clear();
  sizes_.clear();
  pos_ = 0;
  at_ = 0;
  if (done_) return nullptr;
  size_t last_at = 0;
  MAMORI_RETURN_IF_ERROR(
      txn.ScanEach(next_, end_, [&](std::string_view key, std::string_view value) {
        last_at = bytes_.size();
        bytes_.append(key);
        bytes_.append(value);
        sizes_.push_back({key.size(), value.size()});
        return sizes_.size() < page_;
      }));
  done_ = sizes_.size() < page_;
  if (sizes_.empty()) return nullptr;
  next_.assign(bytes_, last_at, sizes_.back().key);
  next_.push_back('\0');  // the smallest key after the last one fetched
  return Current();
}

namespace {

// Where the double quotes of a string without backslashes or control
// characters are, one bit per byte, built with SSE2 sixteen bytes at a time.
// In such a string every quote opens or closes a JSON string, so the end of
// each string is the next set bit: found without walking its bytes, and
// without one byte's test waiting on the previous one's, which is what bounds
// the byte-by-byte scan (strings are most of an event's bytes).
class QuoteMap {
 public:
  static constexpr size_t kNone = static_cast<size_t>(-1);
  static constexpr size_t kMaxBytes = 4096;  // longer events take the byte-by-byte path

  // False (and the map unusable) when s is too long or holds a backslash or a
  // control character, or without SSE2.
  bool Build(std::string_view s) {
#if defined(__SSE2__)
    if (s.size() > kMaxBytes) return false;
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i high3 = _mm_set1_epi8(static_cast<char>(0xE0));  // all clear: below 0x20
    const __m128i zero = _mm_setzero_si128();
    __m128i special = zero;
    words_ = (s.size() + 63) / 64;
    for (size_t w = 0; w < words_; ++w) {
      uint64_t bits = 0;
      for (size_t k = 0; k < 4; ++k) {
        const size_t at = w * 64 + k * 16;
        __m128i v;
        if (at + 16 <= s.size()) {
          v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + at));
        } else {
          // The tail, padded with spaces: neither quote nor special.
          char tail[16];
          std::memset(tail, ' ', sizeof tail);
          if (at < s.size()) std::memcpy(tail, s.data() + at, s.size() - at);
          v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(tail));
        }
        const auto mask = static_cast<uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote)));
        bits |= uint64_t{mask} << (16 * k);
        special =
            _mm_or_si128(special, _mm_or_si128(_mm_cmpeq_epi8(v, backslash),
                                               _mm_cmpeq_epi8(_mm_and_si128(v, high3), zero)));
      }
      bits_[w] = bits;
    }
    w_ = 0;
    word_ = words_ > 0 ? bits_[0] : 0;
    return _mm_movemask_epi8(special) == 0;
#else
    (void)s;
    return false;
#endif
  }

  // Positions of the quotes in order, one per call; kNone after the last.
  // Keeps the current word in hand, so each answer is a bit operation away
  // from the last rather than a load.
  size_t PopQuote() {
    while (word_ == 0) {
      if (++w_ >= words_) return kNone;
      word_ = bits_[w_];
    }
    const size_t at = w_ * 64 + static_cast<size_t>(std::countr_zero(word_));
    word_ &= word_ - 1;
    return at;
  }

 private:
  uint64_t bits_[kMaxBytes / 64];
  size_t words_ = 0;
  size_t w_ = 0;       // the word PopQuote is in
  uint64_t word_ = 0;  // its quotes not yet popped
};

class Reader {
 public:
  // With `quotes` (built over s), strings end at the next quote; s must then
  // hold no backslash and no control character.
  Reader(std::string_view s, QuoteMap* quotes) : s_(s), quotes_(quotes) {}

  // True when the quotes fell out of step with the reading: the result is
  // then meaningless and the bytewise reading decides.
  bool lost() const { return lost_; }

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
    if (quotes_ != nullptr) {
      // What the loop below finds when there is nothing to reject or skip:
      // the next quote. Every quote before this string's opening one opened
      // or closed an earlier string, so the opening quote is the next one
      // popped; if it ever were not, the caller starts over byte by byte.
      if (quotes_->PopQuote() != start - 1) {
        lost_ = true;
        return false;
      }
      const size_t end = quotes_->PopQuote();
      if (end == QuoteMap::kNone) return false;
      *out = s_.substr(start, end - start);
      i_ = end + 1;
      return true;
    }
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
  QuoteMap* quotes_;
  size_t i_ = 0;
  bool lost_ = false;
};

bool ReadFields(Reader& r, EventFields* out) {
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

}  // namespace

bool ScanEventFields(std::string_view json, EventFields* out) {
  QuoteMap quotes;
  if (quotes.Build(json)) {
    Reader r(json, &quotes);
    const bool ok = ReadFields(r, out);
    if (!r.lost()) return ok;
  }
  return ScanEventFieldsBytewise(json, out);
}

bool ScanEventFieldsBytewise(std::string_view json, EventFields* out) {
  Reader r(json, nullptr);
  return ReadFields(r, out);
}

}  // namespace mamori::audit::internal
