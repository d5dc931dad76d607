#include "analysis/event_view.h"

#include <cstring>

namespace mamori::analysis {
namespace {

Status Malformed(std::string_view what) {
  return Status::InvalidArgument(
      "an event is not a JSON object of audit event members (" + std::string(what) + ")",
      "イベントが監査イベントの JSON オブジェクトではありません (" + std::string(what) + ")",
      "event");
}

class Scanner {
 public:
  Scanner(std::string_view in, std::string& buffer) : in_(in), buf_(buffer) {}

  void SkipSpace() {
    while (at_ < in_.size() &&
           (in_[at_] == ' ' || in_[at_] == '\t' || in_[at_] == '\n' || in_[at_] == '\r')) {
      ++at_;
    }
  }
  bool Take(char c) {
    SkipSpace();
    if (at_ < in_.size() && in_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }
  bool Peek(char c) {
    SkipSpace();
    return at_ < in_.size() && in_[at_] == c;
  }
  bool AtEnd() {
    SkipSpace();
    return at_ == in_.size();
  }

  // A JSON string: a view of the input when it has no escapes, else decoded
  // into the buffer (which the caller reserved, so views stay valid).
  bool String(std::string_view& out) {
    if (!Take('"')) return false;
    const size_t start = at_;
    while (at_ < in_.size() && in_[at_] != '"' && in_[at_] != '\\') {
      if (static_cast<unsigned char>(in_[at_]) < 0x20) return false;
      ++at_;
    }
    if (at_ >= in_.size()) return false;
    if (in_[at_] == '"') {
      out = in_.substr(start, at_ - start);
      ++at_;
      return true;
    }
    const size_t from = buf_.size();
    buf_.append(in_.substr(start, at_ - start));
    while (at_ < in_.size() && in_[at_] != '"') {
      char c = in_[at_++];
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c != '\\') {
        buf_ += c;
        continue;
      }
      if (at_ >= in_.size()) return false;
      c = in_[at_++];
      switch (c) {
        case '"':
        case '\\':
        case '/':
          buf_ += c;
          break;
        case 'b':
          buf_ += '\b';
          break;
        case 'f':
          buf_ += '\f';
          break;
        case 'n':
          buf_ += '\n';
          break;
        case 'r':
          buf_ += '\r';
          break;
        case 't':
          buf_ += '\t';
          break;
        case 'u': {
          uint32_t cp = 0;
          if (!Hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t lo = 0;
            if (at_ + 1 >= in_.size() || in_[at_] != '\\' || in_[at_ + 1] != 'u') return false;
            at_ += 2;
            if (!Hex4(lo) || lo < 0xDC00 || lo > 0xDFFF) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return false;
          }
          Utf8(cp);
          break;
        }
        default:
          return false;
      }
    }
    if (at_ >= in_.size()) return false;
    ++at_;
    out = std::string_view(buf_).substr(from);
    return true;
  }

  // A non-negative integer (seq).
  bool Unsigned(uint64_t& out) {
    SkipSpace();
    const size_t start = at_;
    uint64_t v = 0;
    while (at_ < in_.size() && in_[at_] >= '0' && in_[at_] <= '9') {
      const uint64_t d = in_[at_] - '0';
      if (v > (UINT64_MAX - d) / 10) return false;
      v = v * 10 + d;
      ++at_;
    }
    if (at_ == start || (at_ - start > 1 && in_[start] == '0')) return false;
    if (at_ < in_.size() && (in_[at_] == '.' || in_[at_] == 'e' || in_[at_] == 'E')) return false;
    out = v;
    return true;
  }

  // Any JSON value, skipped (depth-limited).
  bool Skip(int depth = 0) {
    if (depth > 32) return false;
    SkipSpace();
    if (at_ >= in_.size()) return false;
    const char c = in_[at_];
    std::string_view s;
    if (c == '"') return String(s);
    if (c == '{' || c == '[') {
      ++at_;
      const char close = c == '{' ? '}' : ']';
      if (Take(close)) return true;
      do {
        if (c == '{' && (!String(s) || !Take(':'))) return false;
        if (!Skip(depth + 1)) return false;
      } while (Take(','));
      return Take(close);
    }
    for (std::string_view word : {"true", "false", "null"}) {
      if (in_.substr(at_, word.size()) == word) {
        at_ += word.size();
        return true;
      }
    }
    const size_t start = at_;
    while (at_ < in_.size() && std::strchr("0123456789+-.eE", in_[at_]) != nullptr) ++at_;
    return at_ > start;
  }

 private:
  bool Hex4(uint32_t& out) {
    if (at_ + 4 > in_.size()) return false;
    out = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = in_[at_++];
      out <<= 4;
      if (h >= '0' && h <= '9')
        out |= h - '0';
      else if (h >= 'a' && h <= 'f')
        out |= h - 'a' + 10;
      else if (h >= 'A' && h <= 'F')
        out |= h - 'A' + 10;
      else
        return false;
    }
    return true;
  }
  void Utf8(uint32_t cp) {
    if (cp < 0x80) {
      buf_ += static_cast<char>(cp);
    } else if (cp < 0x800) {
      buf_ += static_cast<char>(0xC0 | (cp >> 6));
      buf_ += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      buf_ += static_cast<char>(0xE0 | (cp >> 12));
      buf_ += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      buf_ += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      buf_ += static_cast<char>(0xF0 | (cp >> 18));
      buf_ += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      buf_ += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      buf_ += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  std::string_view in_;
  size_t at_ = 0;
  std::string& buf_;
};

std::string_view* Member(EventView& ev, std::string_view key) {
  // Ordered by how often they occur in an event.
  if (key == "operation") return &ev.operation;
  if (key == "result") return &ev.result;
  if (key == "actor") return &ev.actor;
  if (key == "terminal") return &ev.terminal;
  if (key == "dataset") return &ev.dataset;
  if (key == "purpose") return &ev.purpose;
  if (key == "record") return &ev.record;
  if (key == "subject") return &ev.subject;
  if (key == "code") return &ev.code;
  if (key == "reason") return &ev.reason;
  return nullptr;
}

}  // namespace

Status EventParser::Parse(std::string_view json, EventView& out) {
  out = EventView{};
  buffer_.clear();
  // Decoded strings are never longer than their encoding: with this much
  // room the buffer never moves while views into it are handed out.
  if (buffer_.capacity() < json.size()) buffer_.reserve(json.size());
  Scanner s(json, buffer_);
  if (!s.Take('{')) return Malformed("not an object");
  bool has_time = false;
  std::string_view time_text;
  if (!s.Take('}')) {
    do {
      std::string_view key;
      if (!s.String(key) || !s.Take(':')) return Malformed("member name");
      if (std::string_view* slot = Member(out, key)) {
        if (!s.String(*slot)) return Malformed("a member is not a string");
      } else if (key == "time") {
        if (!s.String(time_text)) return Malformed("time");
        has_time = true;
      } else if (key == "seq") {
        if (!s.Unsigned(out.seq)) return Malformed("seq");
      } else if (key == "attrs" && s.Peek('{')) {
        s.Take('{');
        if (!s.Take('}')) {
          do {
            std::string_view name;
            if (!s.String(name) || !s.Take(':')) return Malformed("attrs");
            if (name == "count" || name == "matches") {
              if (!s.String(name == "count" ? out.attr_count : out.attr_matches)) {
                return Malformed("attrs");
              }
            } else if (!s.Skip()) {
              return Malformed("attrs");
            }
          } while (s.Take(','));
          if (!s.Take('}')) return Malformed("attrs");
        }
      } else if (!s.Skip()) {
        return Malformed("a member's value");
      }
    } while (s.Take(','));
    if (!s.Take('}')) return Malformed("unterminated object");
  }
  if (!s.AtEnd()) return Malformed("text after the object");
  if (out.operation.empty()) return Malformed("no operation");
  if (out.result.empty()) return Malformed("no result");
  if (!has_time) return Malformed("no time");
  auto t = ParseUtc(time_text);
  if (!t) return Malformed("time is not like 2026-11-22T03:04:05.123456Z");
  out.time = *t;
  return Status::Ok();
}

}  // namespace mamori::analysis
