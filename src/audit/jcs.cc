#include "audit/jcs.h"

#include <algorithm>
#include <charconv>

namespace mamori::audit::jcs {
namespace {

constexpr char32_t kReplacement = 0xFFFD;
constexpr std::string_view kReplacementUtf8 = "\xEF\xBF\xBD";

// Length of the well-formed UTF-8 sequence at s[i] (RFC 3629 §4), storing its
// code point, or 0 when the bytes there are not one.
size_t DecodeOne(std::string_view s, size_t i, char32_t* cp) {
  const auto byte = [&](size_t k) -> unsigned {
    return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0x100;
  };
  const unsigned b0 = byte(0);
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  size_t len;
  unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // UTF-16 surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  const unsigned b1 = byte(1);
  if (b1 < lo || b1 > hi) return 0;
  char32_t v = (b0 & (0x7F >> len)) << 6 | (b1 & 0x3F);
  for (size_t k = 2; k < len; ++k) {
    const unsigned b = byte(k);
    if (b < 0x80 || b > 0xBF) return 0;
    v = v << 6 | (b & 0x3F);
  }
  *cp = v;
  return len;
}

// Sort weight of a code point in UTF-16 order: its first code unit, then the
// code point itself (which orders the second unit of a surrogate pair).
std::pair<char32_t, char32_t> Utf16Weight(char32_t cp) {
  if (cp < 0x10000) return {cp, cp};
  return {0xD800 + ((cp - 0x10000) >> 10), cp};
}

}  // namespace

std::string ToValidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    char32_t cp;
    const size_t n = DecodeOne(s, i, &cp);
    if (n == 0) {
      out += kReplacementUtf8;
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

void AppendString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t run = 0;  // start of the pending run of bytes copied verbatim
  size_t i = 0;
  const auto flush = [&] { out.append(s.substr(run, i - run)); };
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      char32_t cp;
      const size_t n = DecodeOne(s, i, &cp);
      if (n != 0) {
        i += n;
        continue;
      }
      flush();
      out += kReplacementUtf8;
      run = ++i;
      continue;
    }
    flush();
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
    }
    run = ++i;
  }
  flush();
  out.push_back('"');
}

void AppendUint(std::string& out, uint64_t v) {
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

bool KeyLess(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    char32_t ca, cb;
    const size_t na = DecodeOne(a, i, &ca), nb = DecodeOne(b, j, &cb);
    if (na == 0) ca = kReplacement;
    if (nb == 0) cb = kReplacement;
    if (ca != cb) return Utf16Weight(ca) < Utf16Weight(cb);
    i += na == 0 ? 1 : na;
    j += nb == 0 ? 1 : nb;
  }
  return i == a.size() && j < b.size();
}

void ObjectWriter::String(std::string_view name, std::string_view value) {
  std::string v;
  v.reserve(value.size() + 2);
  AppendString(v, value);
  members_.emplace_back(ToValidUtf8(name), std::move(v));
}

void ObjectWriter::Uint(std::string_view name, uint64_t value) {
  std::string v;
  AppendUint(v, value);
  members_.emplace_back(ToValidUtf8(name), std::move(v));
}

void ObjectWriter::Raw(std::string_view name, std::string canonical_json) {
  members_.emplace_back(ToValidUtf8(name), std::move(canonical_json));
}

std::string ObjectWriter::Finish() {
  std::sort(members_.begin(), members_.end(),
            [](const auto& x, const auto& y) { return KeyLess(x.first, y.first); });
  size_t total = 2;
  for (const auto& [name, value] : members_) total += name.size() + value.size() + 4;
  std::string out;
  out.reserve(total);
  out.push_back('{');
  for (size_t k = 0; k < members_.size(); ++k) {
    if (k) out.push_back(',');
    AppendString(out, members_[k].first);
    out.push_back(':');
    out += members_[k].second;
  }
  out.push_back('}');
  members_.clear();
  return out;
}

}  // namespace mamori::audit::jcs
