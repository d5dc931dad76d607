// Internal to identity: ASCII character tests shared by the password rules and
// the reuse check. Passwords are compared byte-wise on their ASCII letters and
// digits; other bytes (non-ASCII, symbols) pass through unchanged.
#pragma once

#include <string>
#include <string_view>

#include "core/encoding.h"

namespace mamori::identity::internal {

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

using ::mamori::AsciiLower;

}  // namespace mamori::identity::internal
