#include "identity/token.h"

#include "core/encoding.h"
#include "crypto/hash.h"
#include "crypto/random.h"

namespace mamori::identity {

std::string Base64UrlEncode(std::string_view bytes) {
  std::string s = Base64Encode(bytes);
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (char& c : s) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return s;
}

Result<std::string> NewSessionToken() {
  MAMORI_ASSIGN_OR_RETURN(auto bytes, crypto::RandomBytes(kTokenBytes));
  return Base64UrlEncode(bytes);
}

std::string TokenHash(std::string_view token) {
  return HexEncode(crypto::DigestView(crypto::Sha256(token)));
}

bool IsWellFormedToken(std::string_view token) {
  if (token.size() != kTokenLength) return false;
  for (char c : token) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::string SessionHandle(std::string_view token_hash) {
  return std::string(token_hash.substr(0, 16));
}

}  // namespace mamori::identity
