// jp/text: Unicode text rules for Japanese personal data — strict UTF-8, NFKC,
// and the field normalisations that blind indexes and validation rely on.
//
// Two spellings of the same name, kana reading or number must normalise to the
// same bytes, or an exact-match search (an HMAC over the normalised value, see
// docs/ARCHITECTURE.md decision 3) silently misses. So each Normalize* function here is a
// pure, deterministic function of its input: NFKC (which Unicode's stability
// policy keeps fixed for assigned characters) plus explicit code-point rules
// written out in text.cc, never locale- or data-dependent transforms.
//
// All functions take and return UTF-8. Every function that returns Result
// fails with InvalidArgument on input that is not valid UTF-8 or is longer than
// kMaxTextBytes, and its error messages never contain the input. ICU state is
// created once per process and shared; all functions are thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mamori::jp {

// Inputs above this are rejected before reaching ICU, whose lengths are
// int32_t. 16 MiB is far above any field mamori stores, and even NFKC's worst
// expansion (about 11x in bytes, U+FDFA) stays well inside int32_t.
inline constexpr size_t kMaxTextBytes = size_t{16} << 20;

// True iff `text` is well-formed UTF-8 (Unicode 15, table 3-7): no overlong
// forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no truncated
// or stray continuation bytes. U+0000 and noncharacters are well-formed.
bool IsValidUtf8(std::string_view text);

// True iff every byte of `s` is an ASCII digit 0-9 (true for an empty view).
bool IsAsciiDigits(std::string_view s);

// Unicode Normalization Form KC of `utf8` (e.g. "ＡＢＣ１２３" -> "ABC123",
// "ｶﾞ" -> "ガ", U+3000 -> U+0020).
Result<std::string> Nfkc(std::string_view utf8);

// A person's or organisation's name in canonical form: NFKC, then every run of
// Unicode White_Space (ASCII space, tab, newline, U+3000, U+00A0, ...) becomes
// one ASCII space, and leading and trailing spaces are removed.
// "山田\u3000\u3000太郎 " -> "山田 太郎".
Result<std::string> NormalizeName(std::string_view utf8);

// A kana reading (フリガナ) in canonical form: NFKC (half-width katakana become
// full-width, with ﾞ and ﾟ composed: "ﾀﾞ" -> "ダ"), hiragana become katakana
// (U+3041..U+3096 -> U+30A1..U+30F6, ゝゞ -> ヽヾ), and whitespace is
// collapsed and trimmed as in NormalizeName. "やまだ　たろう" -> "ヤマダ タロウ".
// Characters that are not kana (kanji, Latin, digits) pass through NFKC'd;
// use IsKatakanaText on the result to require a pure kana reading.
Result<std::string> NormalizeKana(std::string_view utf8);

// A number written by a person (My Number, 法人番号, postal code, phone
// number) reduced to ASCII digits: NFKC (full-width "０" -> "0"), then all
// White_Space and hyphen-like characters are removed ('-', U+2010..U+2015,
// U+2212, U+30FC "ー", and U+FF0D/U+FF70 which NFKC maps onto those).
// InvalidArgument if anything other than 0-9 remains. An input with nothing
// but spaces and hyphens yields "": checking the length is the caller's job.
// "１２３４ ５６７８ ９０１２" -> "123456789012".
Result<std::string> NormalizeDigits(std::string_view utf8);

// True iff `normalized` is non-empty valid UTF-8 made only of the Katakana
// block (U+30A0..U+30FF, which includes the prolonged sound mark ー and the
// middle dot ・) and ASCII spaces. Meant for the output of NormalizeKana:
// half-width katakana, hiragana and U+3000 are NOT accepted.
bool IsKatakanaText(std::string_view normalized);

}  // namespace mamori::jp
