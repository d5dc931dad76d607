#include "identity/password_reuse.h"

#include <algorithm>

#include "crypto/kdf.h"
#include "identity/ascii.h"

namespace mamori::identity {
namespace {

using internal::AsciiLower;
using internal::IsDigit;

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Without the trailing run of characters that are neither letters nor
// non-ASCII (digits and symbols).
std::string_view Stem(std::string_view s) {
  size_t end = s.size();
  while (end > 0) {
    const char c = s[end - 1];
    if (IsAsciiLetter(c) || (static_cast<unsigned char>(c) & 0x80) != 0) break;
    --end;
  }
  return s.substr(0, end);
}

// The last digit run counted by `delta`, same width; empty when it has no
// digit run or would under/overflow its width.
std::string Bump(std::string_view s, int delta) {
  size_t end = s.size();
  while (end > 0 && !IsDigit(s[end - 1])) --end;
  if (end == 0) return {};
  size_t begin = end;
  while (begin > 0 && IsDigit(s[begin - 1])) --begin;
  const std::string_view run = s.substr(begin, end - begin);
  if (run.size() > 9) return {};
  long long value = std::stoll(std::string(run)) + delta;
  if (value < 0) return {};
  std::string digits = std::to_string(value);
  if (digits.size() > run.size()) return {};
  digits.insert(0, run.size() - digits.size(), '0');
  return std::string(s.substr(0, begin)) + digits + std::string(s.substr(end));
}

Status Reused() {
  return Status::InvalidArgument(
      "the password was used recently; choose a new one",
      "最近使用したパスワードは使えません。新しいパスワードを指定してください", "password.reused");
}
Status NearCopy() {
  return Status::InvalidArgument(
      "the password is too similar to a recent one; change more than a digit or two",
      "最近使用したパスワードに似すぎています。数字を1〜2文字変えるだけでなく変更してください",
      "password.near_copy");
}

}  // namespace

std::vector<std::string> ReuseCandidates(std::string_view password) {
  std::vector<std::string> out;
  auto add = [&](std::string_view c) {
    if (c.empty() || std::find(out.begin(), out.end(), c) != out.end()) return;
    out.emplace_back(c);
  };
  add(password);
  add(Stem(password));
  if (password.size() > 1) add(password.substr(0, password.size() - 1));
  if (password.size() > 2) add(password.substr(0, password.size() - 2));
  add(Bump(password, 1));
  add(Bump(password, -1));
  return out;
}

size_t Levenshtein(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

bool IsNearCopy(std::string_view password, std::string_view previous) {
  if (previous.empty()) return false;
  if (Levenshtein(password, previous) <= 2) return true;
  if (AsciiLower(password) == AsciiLower(previous)) return true;
  const std::string_view a = Stem(password), b = Stem(previous);
  return !a.empty() && a == b;
}

Status CheckPasswordHistory(std::string_view password, std::span<const std::string> history,
                            size_t depth, const PasswordVerifier& verify) {
  const auto candidates = ReuseCandidates(password);
  const size_t n = std::min(depth, history.size());
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = 0; k < candidates.size(); ++k) {
      auto match = verify ? verify(candidates[k], history[i])
                          : crypto::Argon2idVerifyPassword(candidates[k], history[i]);
      if (!match && match.error().code() == Code::kUnavailable) return match.error();
      if (!match) {
        return Status::DataLoss("a stored password hash is not valid Argon2id",
                                "保存されたパスワードハッシュが不正です", "password_history");
      }
      if (*match) return k == 0 ? Reused() : NearCopy();
    }
  }
  return Status::Ok();
}

Status CheckPasswordReuse(std::string_view password, std::string_view current_plain,
                          std::span<const std::string> history, size_t depth,
                          const PasswordVerifier& verify) {
  if (!current_plain.empty() && password == current_plain) return Reused();
  if (IsNearCopy(password, current_plain)) return NearCopy();
  return CheckPasswordHistory(password, history, depth, verify);
}

}  // namespace mamori::identity
