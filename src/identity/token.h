// Session tokens: 32 random bytes, base64url without padding (43 characters).
// Only the SHA-256 of a token is stored, so a copy of the data store holds no
// usable token.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace mamori::identity {

inline constexpr size_t kTokenBytes = 32;
inline constexpr size_t kTokenLength = 43;

std::string Base64UrlEncode(std::string_view bytes);
Result<std::string> NewSessionToken();
// Lower-case hex SHA-256 of the token: its storage key.
std::string TokenHash(std::string_view token);
// 43 characters of the base64url alphabet: anything else cannot be a token
// and is refused before any lookup.
bool IsWellFormedToken(std::string_view token);
// A short non-secret handle of a session for audit events and logs (the first
// 16 hex digits of the token hash).
std::string SessionHandle(std::string_view token_hash);

}  // namespace mamori::identity
