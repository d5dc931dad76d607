#include "identity/ids.h"

#include <cstdint>

namespace mamori::identity {

bool IsValidId(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength) return false;
  for (char c : id) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Status CheckId(std::string_view id, std::string_view what) {
  if (IsValidId(id)) return Status::Ok();
  const std::string w(what);
  return Status::InvalidArgument(
      w + " id must be 1 to 64 characters of a-z, 0-9, '.', '_' and '-'",
      w + " の ID は a-z、0-9、'.'、'_'、'-' の1〜64文字で指定してください", w);
}

Status CheckNewId(std::string_view id, std::string_view what) {
  MAMORI_RETURN_IF_ERROR(CheckId(id, what));
  if (!IsReservedId(id)) return Status::Ok();
  const std::string w(what);
  return Status::InvalidArgument(
      w + " id " + std::string(id) + " is reserved: the audit log writes it for the software",
      w + " の ID " + std::string(id) + " は予約されています (監査ログでシステム自身を表します)",
      w);
}

std::optional<std::string> NormaliseFingerprint(std::string_view fingerprint) {
  std::string out;
  out.reserve(64);
  for (char c : fingerprint) {
    if (c == ':') continue;
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    if (!hex) return std::nullopt;
    out.push_back(c);
  }
  if (out.size() != 64) return std::nullopt;
  return out;
}

namespace {

// Validates UTF-8 structure (no overlongs, no surrogates, <= U+10FFFF) and
// refuses C0/C1 controls and DEL.
bool IsCleanUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<uint8_t>(s[i]);
    uint32_t cp = 0;
    size_t len = 0;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1F;
      len = 2;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0F;
      len = 3;
    } else if ((c & 0xF8) == 0xF0) {
      cp = c & 0x07;
      len = 4;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<uint8_t>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = cp << 6 | (cc & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) return false;
    i += len;
  }
  return true;
}

}  // namespace

Status CheckLabel(std::string_view text, std::string_view field, size_t max_bytes,
                  bool allow_empty) {
  const std::string f(field);
  if (text.empty() && !allow_empty) {
    return Status::InvalidArgument(f + " is required", f + " は必須です", f);
  }
  if (text.size() > max_bytes) {
    return Status::InvalidArgument(f + " is longer than " + std::to_string(max_bytes) + " bytes",
                                   f + " が " + std::to_string(max_bytes) + " バイトを超えています",
                                   f);
  }
  if (!IsCleanUtf8(text)) {
    return Status::InvalidArgument(f + " must be UTF-8 text without control characters",
                                   f + " は制御文字を含まない UTF-8 の文字列にしてください", f);
  }
  return Status::Ok();
}

}  // namespace mamori::identity
