#include "identity/totp.h"

#include "crypto/hash.h"

namespace mamori::identity {
namespace {

constexpr uint32_t kPow10[] = {1,      10,      100,      1000,      10000,
                               100000, 1000000, 10000000, 100000000, 1000000000};

std::string PercentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '.' || c == '_' || c == '~';
    if (plain) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace

int64_t TotpStep(TimeMicros t, int64_t period_seconds) {
  const int64_t seconds = t / kMicrosPerSecond;
  return seconds < 0 ? 0 : seconds / period_seconds;
}

std::string TotpCode(const crypto::SecretBytes& secret, int64_t step, int digits) {
  if (digits < 6) digits = 6;
  if (digits > 9) digits = 9;
  char counter[8];
  auto value = static_cast<uint64_t>(step);
  for (int i = 7; i >= 0; --i) {
    counter[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  const crypto::Digest mac = crypto::HmacSha256(secret, std::string_view(counter, 8));
  const unsigned offset = mac[mac.size() - 1] & 0x0f;
  const uint32_t binary = (static_cast<uint32_t>(mac[offset] & 0x7f) << 24) |
                          (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                          (static_cast<uint32_t>(mac[offset + 2]) << 8) |
                          static_cast<uint32_t>(mac[offset + 3]);
  std::string code = std::to_string(binary % kPow10[digits]);
  code.insert(0, static_cast<size_t>(digits) - code.size(), '0');
  return code;
}

TotpVerdict VerifyTotp(const crypto::SecretBytes& secret, std::string_view code, TimeMicros now,
                       int64_t last_step, int window, int digits) {
  TotpVerdict verdict;
  if (code.size() != static_cast<size_t>(digits)) return verdict;
  for (char c : code) {
    if (c < '0' || c > '9') return verdict;
  }
  const int64_t current = TotpStep(now);
  // Every step in the window is computed and compared, matched or not, so the
  // time taken does not tell which step (if any) matched.
  for (int64_t step = current - window; step <= current + window; ++step) {
    if (step < 0) continue;
    const std::string expected = TotpCode(secret, step, digits);
    if (crypto::ConstantTimeEquals(expected, code) && verdict.check == TotpCheck::kInvalid) {
      verdict.step = step;
      verdict.check = step <= last_step ? TotpCheck::kReplayed : TotpCheck::kAccepted;
    }
  }
  return verdict;
}

std::string Base32Encode(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
  return out;
}

std::string OtpauthUri(std::string_view issuer, std::string_view account,
                       const crypto::SecretBytes& secret) {
  return "otpauth://totp/" + PercentEncode(issuer) + ":" + PercentEncode(account) +
         "?secret=" + Base32Encode(secret.view()) + "&issuer=" + PercentEncode(issuer) +
         "&algorithm=SHA256&digits=" + std::to_string(kTotpDigits) +
         "&period=" + std::to_string(kTotpPeriodSeconds);
}

}  // namespace mamori::identity
