// Names and readings here are the stock placeholders (山田太郎), not real people.
#include "jp/text.h"

#include <gtest/gtest.h>
#include <unicode/utf8.h>

#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "jp/my_number.h"
#include "jp/test_util.h"

namespace mamori::jp {
namespace {

using testing::HasDigitRun;

std::string Encode(uint32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

// ICU's own strict decoder, as an independent oracle for IsValidUtf8.
bool IcuSaysValid(const uint8_t* s, int32_t length) {
  for (int32_t i = 0; i < length;) {
    UChar32 c;
    U8_NEXT(s, i, length, c);  // NOLINT(bugprone-inc-dec-in-conditions): ICU's own macro
    if (c < 0) return false;
  }
  return true;
}

// The value, or a marker carrying the error so that EXPECT_EQ prints it
// (dereferencing an error Result would be undefined behaviour).
std::string V(const Result<std::string>& r) {
  return r.has_value() ? *r : "<error: " + r.error().ToString() + ">";
}

void ExpectInvalidArgumentWithoutInput(const Result<std::string>& r, const std::string& input) {
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), Code::kInvalidArgument);
  EXPECT_NE(r.error().message_ja(), r.error().message());
  // The message must be clean UTF-8 (no echoed bytes) and must not quote a
  // readable input. Fragments of ill-formed input, such as E3 81, do occur
  // inside the Japanese message's own characters, so those are not searched.
  EXPECT_TRUE(IsValidUtf8(r.error().ToString()));
  if (!input.empty() && IsValidUtf8(input)) {
    EXPECT_EQ(r.error().ToString().find(input), std::string::npos);
  }
}

TEST(Utf8Test, AcceptsWellFormedBoundaries) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("abc"));
  EXPECT_TRUE(IsValidUtf8("山田 太郎"));
  EXPECT_TRUE(IsValidUtf8(std::string_view("a\0b", 3)));
  EXPECT_TRUE(IsValidUtf8("\x7F"));
  EXPECT_TRUE(IsValidUtf8("\xC2\x80"));          // U+0080
  EXPECT_TRUE(IsValidUtf8("\xDF\xBF"));          // U+07FF
  EXPECT_TRUE(IsValidUtf8("\xE0\xA0\x80"));      // U+0800
  EXPECT_TRUE(IsValidUtf8("\xED\x9F\xBF"));      // U+D7FF, just below the surrogates
  EXPECT_TRUE(IsValidUtf8("\xEE\x80\x80"));      // U+E000, just above them
  EXPECT_TRUE(IsValidUtf8("\xEF\xBF\xBF"));      // U+FFFF (a noncharacter, but well-formed)
  EXPECT_TRUE(IsValidUtf8("\xF0\x90\x80\x80"));  // U+10000
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));  // U+1F600
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
}

TEST(Utf8Test, RejectsIllFormedSamples) {
  const char* const bad[] = {
      "\xC0\x80",                  // overlong U+0000
      "\xC1\xBF",                  // overlong U+007F
      "\xE0\x80\x80",              // overlong 3-byte
      "\xE0\x9F\xBF",              // overlong U+07FF
      "\xF0\x80\x80\x80",          // overlong 4-byte
      "\xF0\x8F\xBF\xBF",          // overlong U+FFFF
      "\xED\xA0\x80",              // lone high surrogate U+D800
      "\xED\xBF\xBF",              // lone low surrogate U+DFFF
      "\xED\xA0\xBD\xED\xB8\x80",  // surrogate pair in CESU-8 form
      "\xF4\x90\x80\x80",          // U+110000
      "\xE3\x81",                  // truncated あ
      "\xE3",                      // lead byte alone
      "a\xF0\x9F\x98",             // truncated at end
      "\xE3\x81\x61",              // truncated in the middle (\x61 is 'a')
      "\x80",                      // stray continuation
      "\xBF\xBF",                  // stray continuations
      "\xE3\x81\xC2\x80",          // continuation replaced by a lead byte
  };
  for (const char* s : bad) EXPECT_FALSE(IsValidUtf8(s)) << ::testing::PrintToString(s);
  for (int b = 0xF5; b <= 0xFF; ++b) {
    const std::string lone(1, static_cast<char>(b));
    EXPECT_FALSE(IsValidUtf8(lone)) << b;
    EXPECT_FALSE(IsValidUtf8(lone + "\x80\x80\x80")) << b;
    EXPECT_FALSE(IsValidUtf8("ok" + lone)) << b;
  }
}

// A truncated sequence must be caught from the view's length, not from
// whatever byte happens to follow it in memory: here the next byte would
// complete the character.
TEST(Utf8Test, StopsAtTheEndOfTheView) {
  const std::string full = "\xF0\x9F\x98\x80\xE3\x81\x82";  // U+1F600 あ
  EXPECT_TRUE(IsValidUtf8(full));
  for (size_t cut : {1u, 2u, 3u, 5u, 6u}) {
    EXPECT_FALSE(IsValidUtf8(std::string_view(full).substr(0, cut))) << cut;
  }
  EXPECT_TRUE(IsValidUtf8(std::string_view(full).substr(0, 4)));
}

TEST(Utf8Test, EveryCodePointEncodesValidlyExceptSurrogates) {
  for (uint32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    const bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
    ASSERT_EQ(IsValidUtf8(Encode(cp)), !surrogate) << std::hex << cp;
  }
}

TEST(Utf8Test, AgreesWithIcuOnAllShortSequences) {
  uint8_t s[4];
  for (int a = 0; a < 256; ++a) {
    s[0] = static_cast<uint8_t>(a);
    ASSERT_EQ(IsValidUtf8({reinterpret_cast<char*>(s), 1}), IcuSaysValid(s, 1)) << a;
    for (int b = 0; b < 256; ++b) {
      s[1] = static_cast<uint8_t>(b);
      ASSERT_EQ(IsValidUtf8({reinterpret_cast<char*>(s), 2}), IcuSaysValid(s, 2)) << a << ' ' << b;
      for (int c = 0; c < 256; ++c) {
        s[2] = static_cast<uint8_t>(c);
        ASSERT_EQ(IsValidUtf8({reinterpret_cast<char*>(s), 3}), IcuSaysValid(s, 3))
            << a << ' ' << b << ' ' << c;
      }
    }
  }
  // Four bytes: every first two bytes, with the boundary values for the rest.
  const uint8_t edges[] = {0x00, 0x7F, 0x80, 0x8F, 0x90, 0xBF, 0xC0, 0xF4, 0xFF};
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      for (uint8_t c : edges) {
        for (uint8_t d : edges) {
          s[0] = static_cast<uint8_t>(a), s[1] = static_cast<uint8_t>(b), s[2] = c, s[3] = d;
          ASSERT_EQ(IsValidUtf8({reinterpret_cast<char*>(s), 4}), IcuSaysValid(s, 4))
              << a << ' ' << b << ' ' << int{c} << ' ' << int{d};
        }
      }
    }
  }
}

TEST(NfkcTest, FoldsCompatibilityForms) {
  EXPECT_EQ(V(Nfkc("ＡＢＣ１２３")), "ABC123");
  EXPECT_EQ(V(Nfkc("ｶﾞ")), "ガ");
  EXPECT_EQ(V(Nfkc("か\u3099")), "が");  // decomposed input is composed
  EXPECT_EQ(V(Nfkc("\u3000")), " ");
  EXPECT_EQ(V(Nfkc("㈱")), "(株)");
  EXPECT_EQ(V(Nfkc("①")), "1");
  EXPECT_EQ(V(Nfkc("山田太郎")), "山田太郎");
  EXPECT_EQ(V(Nfkc("")), "");
  EXPECT_EQ(V(Nfkc(std::string_view("a\0b", 3))), std::string("a\0b", 3));
  const std::string once = V(Nfkc("ﾔﾏﾀﾞ　ＴＡＲＯ ㍻"));
  EXPECT_EQ(V(Nfkc(once)), once);  // idempotent
}

TEST(NfkcTest, RejectsInvalidAndOversizedInput) {
  for (const std::string bad :
       {"\xC0\x80", "\xED\xA0\x80", "\xE3\x81", "ab\xFF", "\xF5\x80\x80\x80"}) {
    ExpectInvalidArgumentWithoutInput(Nfkc(bad), bad);
    ExpectInvalidArgumentWithoutInput(NormalizeName(bad), bad);
    ExpectInvalidArgumentWithoutInput(NormalizeKana(bad), bad);
    ExpectInvalidArgumentWithoutInput(NormalizeDigits(bad), bad);
  }
  const std::string big(kMaxTextBytes + 1, 'a');
  ExpectInvalidArgumentWithoutInput(Nfkc(big), "");
  EXPECT_TRUE(Nfkc(std::string(1000, 'a')).has_value());
}

TEST(NormalizeNameTest, CollapsesAndTrimsWhitespace) {
  EXPECT_EQ(V(NormalizeName("山田\u3000\u3000太郎")), "山田 太郎");
  EXPECT_EQ(V(NormalizeName("\u3000\u3000山田\u3000\u3000\u3000太郎\u3000")), "山田 太郎");
  EXPECT_EQ(V(NormalizeName("  山田 \t\n 太郎  ")), "山田 太郎");
  EXPECT_EQ(V(NormalizeName("山田\u00A0\u2003太郎")), "山田 太郎");  // NBSP, em space
  EXPECT_EQ(V(NormalizeName("山田\u2028\u0085太郎")), "山田 太郎");  // NFKC keeps these
  EXPECT_EQ(V(NormalizeName("Ｙａｍａｄａ　Ｔａｒｏ")), "Yamada Taro");
  EXPECT_EQ(V(NormalizeName("山田 太郎")), "山田 太郎");
  EXPECT_EQ(V(NormalizeName("\u3000 \t")), "");
  EXPECT_EQ(V(NormalizeName("")), "");
  // Different spellings of one name meet in one form (what blind indexes need).
  EXPECT_EQ(V(NormalizeName("ﾔﾏﾀﾞ　ﾀﾛｳ")), V(NormalizeName(" ヤマダ  タロウ ")));
}

TEST(NormalizeKanaTest, HalfWidthAndHiraganaBecomeKatakana) {
  EXPECT_EQ(V(NormalizeKana("ﾔﾏﾀﾞ ﾀﾛｳ")), "ヤマダ タロウ");
  EXPECT_EQ(V(NormalizeKana("やまだ　たろう")), "ヤマダ タロウ");
  EXPECT_EQ(V(NormalizeKana("  やまだ\u3000\u3000ﾀﾛｳ ")), "ヤマダ タロウ");
  EXPECT_EQ(V(NormalizeKana("ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ")), "パピプペポ");
  EXPECT_EQ(V(NormalizeKana("がぎぐげご")), "ガギグゲゴ");
  EXPECT_EQ(V(NormalizeKana("ぁぃぅぇぉっゃゅょゎゕゖ")), "ァィゥェォッャュョヮヵヶ");
  EXPECT_EQ(V(NormalizeKana("ゔ")), "ヴ");
  EXPECT_EQ(V(NormalizeKana("ゝゞ")), "ヽヾ");
  EXPECT_EQ(V(NormalizeKana("ゟ")), "ヨリ");
  EXPECT_EQ(V(NormalizeKana("ｰ")), "ー");
  EXPECT_EQ(V(NormalizeKana("ヤマダ タロウ")), "ヤマダ タロウ");
  EXPECT_EQ(V(NormalizeKana("山田")), "山田");  // not kana: NFKC only
  EXPECT_EQ(V(NormalizeKana("")), "");
}

TEST(NormalizeKanaTest, VoicedWaRowComposesAfterMapping) {
  // わ + U+3099 has no precomposed hiragana; as katakana it must become ヷ.
  EXPECT_EQ(V(NormalizeKana("わ\u3099")), "\u30F7");
  EXPECT_EQ(V(NormalizeKana("ﾜﾞ")), "\u30F7");
  EXPECT_EQ(V(NormalizeKana("\u30EF\u3099")), "\u30F7");
  EXPECT_EQ(V(NormalizeKana("を\u3099")), "\u30FA");
}

TEST(NormalizeKanaTest, EveryHiraganaMapsToItsKatakana) {
  for (uint32_t cp = 0x3041; cp <= 0x3096; ++cp) {
    EXPECT_EQ(V(NormalizeKana(Encode(cp))), Encode(cp + 0x60)) << std::hex << cp;
    EXPECT_TRUE(IsKatakanaText(V(NormalizeKana(Encode(cp))))) << std::hex << cp;
  }
  // Half-width katakana U+FF66..U+FF9D all normalise to full-width katakana.
  for (uint32_t cp = 0xFF66; cp <= 0xFF9D; ++cp) {
    EXPECT_TRUE(IsKatakanaText(V(NormalizeKana(Encode(cp))))) << std::hex << cp;
  }
}

TEST(NormalizeDigitsTest, KeepsOnlyDigits) {
  EXPECT_EQ(V(NormalizeDigits("１２３４ ５６７８ ９０１２")), "123456789012");
  EXPECT_EQ(V(NormalizeDigits("123-4567")), "1234567");
  EXPECT_EQ(V(NormalizeDigits("０３－１２３４－５６７８")), "0312345678");
  EXPECT_EQ(V(NormalizeDigits("03ー1234ー5678")), "0312345678");  // ー mistyped for a hyphen
  EXPECT_EQ(V(NormalizeDigits("0ｰ1")), "01");                     // half-width ｰ
  EXPECT_EQ(V(NormalizeDigits("0\u20101\u20112\u20153\u22124")), "01234");
  EXPECT_EQ(V(NormalizeDigits("\u3000１２\t34\n")), "1234");
  EXPECT_EQ(V(NormalizeDigits("")), "");
  EXPECT_EQ(V(NormalizeDigits(" - ")), "");
  // The intended pipeline: normalise, then validate.
  EXPECT_TRUE(ValidateMyNumber(V(NormalizeDigits("１２３４ ５６７８ ９０１８"))).ok());
}

TEST(NormalizeDigitsTest, RejectsOtherCharacters) {
  for (const std::string bad : {"12a", "〒123-4567", "1.5", "+81 3", "١٢٣", "12_34", "一二三"}) {
    const Result<std::string> r = NormalizeDigits(bad);
    ExpectInvalidArgumentWithoutInput(r, bad);
    if (!r) {
      EXPECT_FALSE(HasDigitRun(r.error().ToString(), 2)) << bad;
    }
  }
}

TEST(IsKatakanaTextTest, AcceptsOnlyNormalisedKatakana) {
  EXPECT_TRUE(IsKatakanaText("ヤマダ タロウ"));
  EXPECT_TRUE(IsKatakanaText("ー"));
  EXPECT_TRUE(IsKatakanaText("ジョン・スミス"));
  EXPECT_TRUE(IsKatakanaText("ヴァ"));
  EXPECT_FALSE(IsKatakanaText(""));
  EXPECT_FALSE(IsKatakanaText("やまだ"));
  EXPECT_FALSE(IsKatakanaText("ﾔﾏﾀﾞ"));
  EXPECT_FALSE(IsKatakanaText("ヤマダ\u3000タロウ"));
  EXPECT_FALSE(IsKatakanaText("ヤマダ\tタロウ"));
  EXPECT_FALSE(IsKatakanaText("ヤマダ1"));
  EXPECT_FALSE(IsKatakanaText("山田"));
  EXPECT_FALSE(IsKatakanaText("\xE3\x82"));  // truncated katakana
  EXPECT_TRUE(IsKatakanaText(V(NormalizeKana("やまだ　ﾀﾛｳ"))));
}

TEST(TextTest, SharedIcuStateIsThreadSafe) {
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &mismatches] {
      for (int i = 0; i < 500; ++i) {
        const Result<std::string> r = NormalizeKana("ﾔﾏﾀﾞ　たろう");
        if (!r || *r != "ヤマダ タロウ") ++mismatches[t];
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

}  // namespace
}  // namespace mamori::jp
