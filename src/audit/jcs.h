// Canonical JSON, RFC 8785 (JSON Canonicalization Scheme), for the subset the
// audit log writes: objects whose members are strings, unsigned integers or
// such objects. With no floating point and no arrays, JCS comes down to three
// rules, implemented here rather than borrowed from a general JSON library so
// that the bytes we hash and sign cannot change with that library's version:
//   - no whitespace;
//   - members sorted by their names as UTF-16 code units;
//   - strings escaped as ECMAScript JSON.stringify does.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mamori::audit::jcs {

// `s` with every byte that does not begin a well-formed UTF-8 sequence
// (stray continuation bytes, overlong forms, surrogates, truncated sequences)
// replaced by U+FFFD. JCS is defined over Unicode text, and an event about
// malformed input must still be recordable, so we substitute rather than fail.
std::string ToValidUtf8(std::string_view s);

// Appends `s` as a JSON string literal: \" \\ \b \f \n \r \t, other code points
// below U+0020 as \u00xx (lower-case hex), everything else as literal UTF-8.
// Invalid UTF-8 is first replaced as ToValidUtf8 does.
void AppendString(std::string& out, std::string_view s);

// Appends `v` in plain decimal. JCS numbers are IEEE 754 doubles, so values
// above 2^53 would not survive a round trip through other JCS implementations;
// sequence numbers and tree sizes never get there.
void AppendUint(std::string& out, uint64_t v);

// Whether member name `a` sorts before `b` in JCS order (UTF-16 code units).
// For valid UTF-8 this equals byte order except that characters above U+FFFF
// (surrogate pairs, 0xD800..) sort before U+E000..U+FFFF.
bool KeyLess(std::string_view a, std::string_view b);

// Builds one canonical object. Members may be added in any order; Finish sorts
// them. Names must be distinct.
class ObjectWriter {
 public:
  void String(std::string_view name, std::string_view value);
  void Uint(std::string_view name, uint64_t value);
  // `canonical_json` must already be canonical (another ObjectWriter's output).
  void Raw(std::string_view name, std::string canonical_json);
  // The canonical text; the writer is empty afterwards.
  std::string Finish();

 private:
  // (valid UTF-8 name, serialised value)
  std::vector<std::pair<std::string, std::string>> members_;
};

}  // namespace mamori::audit::jcs
