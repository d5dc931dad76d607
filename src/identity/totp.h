// TOTP (RFC 6238) with HMAC-SHA-256, the second factor for the roles and
// terminals the policy names ([001 第4 4(2)ア; 002 第157条]).
//
// HMAC-SHA-256 rather than RFC 6238's default HMAC-SHA-1 because only
// SHA-256 is on the CRYPTREC list (docs/ARCHITECTURE.md decision 5). Authenticator apps
// must therefore support algorithm=SHA256 in otpauth:// URIs (e.g. FreeOTP,
// 2FAS, Aegis, 1Password; some versions of Google Authenticator ignore the
// parameter and show wrong codes). Codes are 6 digits for 30-second steps;
// secrets are 32 random bytes (the SHA-256 block recommends at least the
// output size).
//
// Verification accepts the current step and one either side (clock drift),
// and never a step at or before the last one accepted: a code cannot be
// replayed, even within its window.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.h"
#include "crypto/secret.h"

namespace mamori::identity {

inline constexpr int kTotpDigits = 6;
inline constexpr int64_t kTotpPeriodSeconds = 30;
inline constexpr size_t kTotpSecretBytes = 32;
inline constexpr int kTotpWindow = 1;

// floor(t / period) for t at or after the epoch.
int64_t TotpStep(TimeMicros t, int64_t period_seconds = kTotpPeriodSeconds);

// The HOTP value (RFC 4226 §5.3 truncation) of HMAC-SHA-256(secret, step),
// zero-padded to `digits` (6..9).
std::string TotpCode(const crypto::SecretBytes& secret, int64_t step, int digits = kTotpDigits);

enum class TotpCheck { kAccepted, kInvalid, kReplayed };
struct TotpVerdict {
  TotpCheck check = TotpCheck::kInvalid;
  int64_t step = -1;  // the step that matched (kAccepted or kReplayed)
};

// Compares `code` (constant time) with the codes of steps now-window ..
// now+window. A match at a step <= last_step is kReplayed. A code of the wrong
// length or with non-digits is kInvalid.
TotpVerdict VerifyTotp(const crypto::SecretBytes& secret, std::string_view code, TimeMicros now,
                       int64_t last_step, int window = kTotpWindow, int digits = kTotpDigits);

// RFC 4648 base32, upper case, without padding (what authenticator apps read).
std::string Base32Encode(std::string_view bytes);

// otpauth://totp/<issuer>:<account>?secret=…&issuer=…&algorithm=SHA256&digits=6&period=30
// with the label and issuer percent-encoded.
std::string OtpauthUri(std::string_view issuer, std::string_view account,
                       const crypto::SecretBytes& secret);

}  // namespace mamori::identity
