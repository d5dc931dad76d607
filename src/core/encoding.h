// Byte encodings used at the edges: hex for hashes and ids, base64 for sealed
// values in JSON envelopes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mamori {

// Lower-case hex.
std::string HexEncode(std::string_view bytes);
std::optional<std::string> HexDecode(std::string_view hex);
// `s` with A-Z lowered; every other byte unchanged (HTTP field names, media
// types, passwords compared case-blind).
std::string AsciiLower(std::string_view s);

// Standard alphabet with padding (RFC 4648 §4).
std::string Base64Encode(std::string_view bytes);
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace mamori
