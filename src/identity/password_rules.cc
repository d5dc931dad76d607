#include "identity/password_rules.h"

#include <algorithm>
#include <cstdio>

#include "identity/ascii.h"
#include "identity/ids.h"

namespace mamori::identity {
namespace {

using internal::AsciiLower;
using internal::IsDigit;

Status Violation(std::string_view code, std::string en, std::string ja) {
  return Status::InvalidArgument(std::move(en), std::move(ja), std::string(code));
}

bool IsLowerLetter(char c) { return c >= 'a' && c <= 'z'; }

size_t CodePoints(std::string_view s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string LettersOnly(std::string_view lower) {
  std::string out;
  for (char c : lower) {
    if (IsLowerLetter(c)) out.push_back(c);
  }
  return out;
}

// Undoes the usual letter-for-symbol substitutions; `one` is what '1' and '!'
// stand for ('i' or 'l': both are tried).
std::string Unsubstitute(std::string_view lower, char one) {
  std::string out(lower);
  for (char& c : out) {
    switch (c) {
      case '@':
      case '4':
        c = 'a';
        break;
      case '0':
        c = 'o';
        break;
      case '1':
      case '!':
      case '|':
        c = one;
        break;
      case '3':
        c = 'e';
        break;
      case '$':
      case '5':
        c = 's';
        break;
      case '7':
      case '+':
        c = 't';
        break;
      default:
        break;
    }
  }
  return out;
}

// The password with the separators people put into dates and numbers removed.
std::string WithoutSeparators(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != '-' && c != '/' && c != '.' && c != ' ') out.push_back(c);
  }
  return out;
}

// Splits at ASCII whitespace and U+3000 IDEOGRAPHIC SPACE.
std::vector<std::string> NameParts(std::string_view name) {
  std::vector<std::string> parts;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) parts.push_back(AsciiLower(cur));
    cur.clear();
  };
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c == ' ' || c == '\t') {
      flush();
    } else if (name.substr(i, 3) == "\xE3\x80\x80") {
      flush();
      i += 2;
    } else {
      cur.push_back(c);
    }
  }
  flush();
  return parts;
}

Status CheckAgainstId(std::string_view lower, std::string_view id) {
  const std::string lid = AsciiLower(id);
  if (lid.empty()) return Status::Ok();
  if (lower == lid) {
    return Violation("password.equals_id", "the password must not be the user ID",
                     "パスワードを利用者IDと同じにすることはできません");
  }
  std::vector<std::string> needles;
  if (lid.size() >= 3) {
    needles.push_back(lid);
    needles.emplace_back(lid.rbegin(), lid.rend());
  }
  std::string part;
  for (char c : lid + ".") {
    if (IsLowerLetter(c)) {
      part.push_back(c);
      continue;
    }
    if (part.size() >= 4) needles.push_back(part);
    part.clear();
  }
  for (const auto& n : needles) {
    if (lower.find(n) != std::string::npos) {
      return Violation("password.contains_id", "the password must not contain the user ID",
                       "パスワードに利用者IDを含めることはできません");
    }
  }
  return Status::Ok();
}

Status CheckName(std::string_view lower, const PasswordSubject& who) {
  std::vector<std::string> parts = NameParts(who.display_name);
  for (const auto& extra : who.extra_names) {
    for (auto& p : NameParts(extra)) parts.push_back(std::move(p));
  }
  for (const auto& p : parts) {
    if (p.size() >= 3 && lower.find(p) != std::string::npos) {
      return Violation("password.contains_name", "the password must not contain the user's name",
                       "パスワードに氏名を含めることはできません");
    }
  }
  return Status::Ok();
}

Status CheckBirthDate(std::string_view compact, const std::optional<CivilDate>& d) {
  if (!d) return Status::Ok();
  char yyyymmdd[16], yymmdd[16], mmdd[16];
  std::snprintf(yyyymmdd, sizeof yyyymmdd, "%04d%02d%02d", d->year, d->month, d->day);
  std::snprintf(yymmdd, sizeof yymmdd, "%02d%02d%02d", d->year % 100, d->month, d->day);
  std::snprintf(mmdd, sizeof mmdd, "%02d%02d", d->month, d->day);
  for (std::string_view form : {yyyymmdd, yymmdd, mmdd}) {
    if (compact.find(form) != std::string_view::npos) {
      return Violation("password.contains_birth_date",
                       "the password must not contain the user's birth date",
                       "パスワードに生年月日を含めることはできません");
    }
  }
  return Status::Ok();
}

Status CheckPhone(std::string_view compact, std::string_view phone) {
  std::vector<std::string> needles;
  std::string digits, group;
  for (char c : std::string(phone) + " ") {
    if (IsDigit(c)) {
      digits.push_back(c);
      group.push_back(c);
      continue;
    }
    if (group.size() >= 4) needles.push_back(group);
    group.clear();
  }
  if (digits.size() >= 4) needles.push_back(digits.substr(digits.size() - 4));
  for (const auto& n : needles) {
    if (compact.find(n) != std::string_view::npos) {
      return Violation("password.contains_phone",
                       "the password must not contain the user's phone number",
                       "パスワードに電話番号を含めることはできません");
    }
  }
  return Status::Ok();
}

// Without trailing (and, when trim_leading, leading) characters that are not
// letters: "2024!P@ssw0rd!!" becomes "p@ssw0rd", so that substitutions are
// undone only inside the word.
std::string_view Core(std::string_view lower, bool trim_leading) {
  size_t begin = 0, end = lower.size();
  while (trim_leading && begin < end && !IsLowerLetter(lower[begin])) ++begin;
  while (end > begin && !IsLowerLetter(lower[end - 1])) --end;
  return lower.substr(begin, end - begin);
}

Status CheckWords(std::string_view lower, const WordList& words) {
  const std::string whole[] = {std::string(lower), Unsubstitute(lower, 'i'),
                               Unsubstitute(lower, 'l')};
  const std::string cores[] = {
      Unsubstitute(Core(lower, true), 'i'), Unsubstitute(Core(lower, true), 'l'),
      Unsubstitute(Core(lower, false), 'i'), Unsubstitute(Core(lower, false), 'l')};
  auto is_word = [&](const std::string& v) {
    const std::string letters = LettersOnly(v);
    return letters.size() >= WordList::kMinWordLength && words.Contains(letters);
  };
  if (std::any_of(std::begin(whole), std::end(whole), is_word) ||
      std::any_of(std::begin(cores), std::end(cores), is_word)) {
    return Violation("password.common_word",
                     "the password must not be a common word with digits or symbols added",
                     "一般的な英単語に数字や記号を加えただけのパスワードは使えません");
  }
  for (const auto& v : whole) {
    size_t run = 0;
    while (run < v.size() && IsLowerLetter(v[run])) ++run;
    if (run >= WordList::kMinWordLength && v.size() - run <= 4 &&
        words.Contains(std::string_view(v).substr(0, run))) {
      return Violation("password.common_word_suffix",
                       "the password must not be a common word followed by a few characters",
                       "一般的な英単語の後に数文字を付けただけのパスワードは使えません");
    }
  }
  return Status::Ok();
}

}  // namespace

std::vector<Status> PasswordViolations(std::string_view password, const PasswordSubject& who,
                                       const IdentityPolicy& policy, const WordList& words) {
  std::vector<Status> out;
  auto add = [&](Status s) {
    if (!s.ok()) out.push_back(std::move(s));
  };
  if (password.size() > kMaxPasswordBytes) {
    add(Violation("password.too_long",
                  "the password is longer than " + std::to_string(kMaxPasswordBytes) + " bytes",
                  "パスワードが " + std::to_string(kMaxPasswordBytes) + " バイトを超えています"));
    return out;
  }
  if (!CheckLabel(password, "password", kMaxPasswordBytes).ok()) {
    add(Violation("password.invalid_characters",
                  "the password must be UTF-8 text without control characters",
                  "パスワードは制御文字を含まない UTF-8 の文字列にしてください"));
    return out;
  }
  if (CodePoints(password) < policy.min_length) {
    const std::string n = std::to_string(policy.min_length);
    add(Violation("password.too_short", "the password must have at least " + n + " characters",
                  "パスワードは " + n + " 文字以上にしてください"));
  }
  bool lower = false, upper = false, digit = false, symbol = false;
  for (char c : password) {
    if (c >= 'a' && c <= 'z') {
      lower = true;
    } else if (c >= 'A' && c <= 'Z') {
      upper = true;
    } else if (IsDigit(c)) {
      digit = true;
    } else {
      symbol = true;
    }
  }
  const uint32_t classes = lower + upper + digit + symbol;
  if (classes < policy.min_classes) {
    const std::string n = std::to_string(policy.min_classes);
    add(Violation(
        "password.too_few_classes",
        "the password must mix at least " + n +
            " of: lower-case letters, upper-case letters, digits, symbols",
        "パスワードには英小文字・英大文字・数字・記号のうち " + n + " 種類以上を含めてください"));
  }
  const std::string lp = AsciiLower(password);
  const std::string compact = WithoutSeparators(password);
  add(CheckAgainstId(lp, who.user_id));
  add(CheckName(lp, who));
  add(CheckBirthDate(compact, who.birth_date));
  add(CheckPhone(compact, who.phone));
  add(CheckWords(lp, words));
  return out;
}

Status CheckPasswordRules(std::string_view password, const PasswordSubject& who,
                          const IdentityPolicy& policy, const WordList& words) {
  auto v = PasswordViolations(password, who, policy, words);
  return v.empty() ? Status::Ok() : v.front();
}

}  // namespace mamori::identity
