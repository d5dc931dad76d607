// Internal to identity: ASCII character tests shared by the password rules and
// the reuse check. Passwords are compared byte-wise on their ASCII letters and
// digits; other bytes (non-ASCII, symbols) pass through unchanged.
#pragma once

#include <string>
#include <string_view>

namespace mamori::identity::internal {

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// `s` with A-Z lowered; every other byte unchanged.
inline std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace mamori::identity::internal
