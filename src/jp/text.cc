#include "jp/text.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>
#include <unicode/uchar.h>

#include <algorithm>
#include <cstdint>

namespace mamori::jp {
namespace {

// Decodes the code point starting at s[i] and advances i past it, following
// Unicode table 3-7 ("well-formed UTF-8 byte sequences") byte by byte, so that
// overlongs, surrogates and values above U+10FFFF are rejected at the first
// byte that makes them so. Returns -1 (leaving i unspecified) on ill-formed
// input.
int32_t DecodeNext(std::string_view s, size_t& i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t b0 = byte(i);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  size_t len;
  int32_t cp;
  uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;  // below would be overlong
    if (b0 == 0xED) hi = 0x9F;  // above would be a surrogate
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;  // below would be overlong
    if (b0 == 0xF4) hi = 0x8F;  // above would exceed U+10FFFF
  } else {
    return -1;  // stray continuation byte, C0/C1 overlong lead, or F5..FF
  }
  if (s.size() - i < len) return -1;
  for (size_t k = 1; k < len; ++k) {
    const uint8_t b = byte(i + k);
    if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return -1;
    cp = (cp << 6) | (b & 0x3F);
  }
  i += len;
  return cp;
}

void AppendUtf8(std::string& out, int32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// ICU owns the returned singleton; caching the pointer in a function-local
// static (initialised once, thread-safely, by the C++ runtime) keeps ICU's own
// lookup and its error path out of every call. Null only if ICU's data is
// missing, which is an installation fault reported as kInternal.
const icu::Normalizer2* NfkcInstance() {
  static const icu::Normalizer2* const instance = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFKCInstance(status);
    return U_SUCCESS(status) ? n : nullptr;
  }();
  return instance;
}

icu::StringPiece Piece(std::string_view s) {
  return icu::StringPiece(s.data(), static_cast<int32_t>(s.size()));
}

Status IcuFailure() {
  return Status::Internal("Unicode normalisation (ICU) failed; check the ICU installation",
                          "Unicode正規化(ICU)に失敗しました。ICUのインストールを確認してください");
}

Status CheckInput(std::string_view utf8) {
  if (utf8.size() > kMaxTextBytes) {
    return Status::InvalidArgument("text is longer than 16 MiB; shorten it",
                                   "文字列が16MiBを超えています。短くしてください");
  }
  if (!IsValidUtf8(utf8)) {
    return Status::InvalidArgument(
        "text is not valid UTF-8; send it encoded as UTF-8",
        "文字列がUTF-8として正しくありません。UTF-8で符号化して送信してください");
  }
  return Status::Ok();
}

// NFKC of text that CheckInput has accepted.
Result<std::string> NfkcChecked(std::string_view utf8) {
  const icu::Normalizer2* nfkc = NfkcInstance();
  if (nfkc == nullptr) return Fail(IcuFailure());
  std::string out;
  out.reserve(utf8.size());
  icu::StringByteSink<std::string> sink(&out);
  UErrorCode status = U_ZERO_ERROR;
  nfkc->normalizeUTF8(0, Piece(utf8), sink, nullptr, status);
  if (U_FAILURE(status)) return Fail(IcuFailure());
  return out;
}

bool IsWhiteSpace(int32_t cp) { return u_isUWhiteSpace(cp) != 0; }

// Replaces each run of White_Space in valid UTF-8 with one ASCII space and
// trims both ends. White_Space code points all have canonical combining class
// 0 and no decompositions that compose with neighbours, so the result of an
// NFKC input is still NFKC.
std::string CollapseWhitespace(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  bool pending_space = false;
  for (size_t i = 0, start = 0; i < utf8.size(); start = i) {
    const int32_t cp = DecodeNext(utf8, i);
    if (IsWhiteSpace(cp)) {
      pending_space = true;
      continue;
    }
    if (pending_space && !out.empty()) out.push_back(' ');
    pending_space = false;
    out.append(utf8.substr(start, i - start));
  }
  return out;
}

// Hiragana to katakana by code point, instead of ICU's "Hiragana-Katakana"
// Transliterator: the Transliterator is rule data that can change between ICU
// releases (which would silently re-key every blind index), is costly to build
// and must not be shared between threads without care, while the two blocks
// are laid out in parallel so one fixed offset (0x60) maps them exactly.
// U+3041..U+3096 (ぁ..ゖ) -> U+30A1..U+30F6 (ァ..ヶ); the iteration marks
// ゝゞ (U+309D..U+309E) -> ヽヾ (U+30FD..U+30FE). ゟ (U+309F) never reaches
// here: NFKC has already spelled it より.
int32_t HiraganaToKatakana(int32_t cp) {
  if ((cp >= 0x3041 && cp <= 0x3096) || cp == 0x309D || cp == 0x309E) return cp + 0x60;
  return cp;
}

bool IsHyphenLike(int32_t cp) {
  return cp == '-' || (cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 || cp == 0x30FC;
}

}  // namespace

bool IsAsciiDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    if (DecodeNext(text, i) < 0) return false;
  }
  return true;
}

Result<std::string> Nfkc(std::string_view utf8) {
  MAMORI_RETURN_IF_ERROR(CheckInput(utf8));
  return NfkcChecked(utf8);
}

Result<std::string> NormalizeName(std::string_view utf8) {
  MAMORI_ASSIGN_OR_RETURN(std::string nfkc, Nfkc(utf8));
  return CollapseWhitespace(nfkc);
}

Result<std::string> NormalizeKana(std::string_view utf8) {
  MAMORI_ASSIGN_OR_RETURN(std::string nfkc, Nfkc(utf8));
  std::string kana;
  kana.reserve(nfkc.size());
  for (size_t i = 0; i < nfkc.size();) AppendUtf8(kana, HiraganaToKatakana(DecodeNext(nfkc, i)));
  // わ + U+3099 has no precomposed hiragana, so NFKC left it apart, but the
  // mapped ワ + U+3099 composes to ヷ (U+30F7). A second pass, skipped when
  // the quick check says the text is already normalised, makes both spellings
  // of ヷヸヹヺ equal.
  const icu::Normalizer2* nfkc_instance = NfkcInstance();
  UErrorCode status = U_ZERO_ERROR;
  const bool normalized = nfkc_instance->isNormalizedUTF8(Piece(kana), status);
  if (U_FAILURE(status)) return Fail(IcuFailure());
  if (!normalized) {
    MAMORI_ASSIGN_OR_RETURN(kana, NfkcChecked(kana));
  }
  return CollapseWhitespace(kana);
}

Result<std::string> NormalizeDigits(std::string_view utf8) {
  MAMORI_ASSIGN_OR_RETURN(std::string nfkc, Nfkc(utf8));
  std::string digits;
  for (size_t i = 0; i < nfkc.size();) {
    const int32_t cp = DecodeNext(nfkc, i);
    if (cp >= '0' && cp <= '9') {
      digits.push_back(static_cast<char>(cp));
    } else if (!IsWhiteSpace(cp) && !IsHyphenLike(cp)) {
      return Fail(Status::InvalidArgument(
          "only digits, spaces and hyphens are allowed in a number; remove other characters",
          "番号には数字・空白・ハイフン以外の文字を含めないでください"));
    }
  }
  return digits;
}

bool IsKatakanaText(std::string_view normalized) {
  if (normalized.empty()) return false;
  for (size_t i = 0; i < normalized.size();) {
    const int32_t cp = DecodeNext(normalized, i);
    if (cp != ' ' && (cp < 0x30A0 || cp > 0x30FF)) return false;  // also catches cp == -1
  }
  return true;
}

}  // namespace mamori::jp
