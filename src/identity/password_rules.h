// The composition rules a new password must meet ([003 II.5(2)]). Reuse of
// earlier passwords is password_reuse.h.
//
// Each violation is its own error, code kInvalidArgument, with a stable code
// in Status::subject():
//   password.too_short        fewer than policy.min_length characters (code points)
//   password.too_long         more than kMaxPasswordBytes bytes
//   password.invalid_characters  not UTF-8, or contains control characters
//   password.too_few_classes  fewer than policy.min_classes of lower, upper,
//                             digit, symbol (anything else, incl. non-ASCII)
//   password.equals_id        the user's id, ignoring case
//   password.contains_id      contains the id, the id reversed, or an id part
//                             of 4+ letters (ids split at . _ - and digits)
//   password.contains_name    contains a part of the display name (split at
//                             spaces; parts of 3+ bytes), ignoring ASCII case
//   password.contains_birth_date  contains the birth date as YYYYMMDD, YYMMDD
//                             or MMDD (separators - / . and spaces ignored)
//   password.contains_phone   contains the phone number's last 4 digits or
//                             any 4+ digit group of it
//   password.common_word      lower-cased, with digits and symbols stripped
//                             (also after undoing common substitutions such
//                             as @→a, 0→o, 1→i/l, 3→e, $→s), a listed word
//   password.common_word_suffix  a listed word followed by at most 4 other
//                             characters ("Sunshine2024" style)
// Messages never contain the password or the personal value compared.
//
// Out of scope: kana or romaji readings of a Japanese name (山田 → "yamada")
// are not derived; a name is compared only as the user's display_name is
// written. Callers who want readings checked may add the romaji form to the
// display name's parts through PasswordSubject::extra_names.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "identity/identity_policy.h"
#include "identity/word_list.h"

namespace mamori::identity {

inline constexpr size_t kMaxPasswordBytes = 1024;

// What the rules compare a password against; held in memory only for the check.
struct PasswordSubject {
  std::string_view user_id;
  std::string_view display_name;
  std::vector<std::string> extra_names;  // further name forms, e.g. a romaji reading
  std::optional<CivilDate> birth_date;
  std::string_view phone;
};

// Every rule the password breaks, in the order listed above (empty when it
// meets them all).
std::vector<Status> PasswordViolations(std::string_view password, const PasswordSubject& who,
                                       const IdentityPolicy& policy, const WordList& words);
// The first of PasswordViolations, or OK.
Status CheckPasswordRules(std::string_view password, const PasswordSubject& who,
                          const IdentityPolicy& policy, const WordList& words);

}  // namespace mamori::identity
