#include "audit/jcs.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace mamori::audit::jcs {
namespace {

std::string Str(std::string_view s) {
  std::string out;
  AppendString(out, s);
  return out;
}

// RFC 8785 §3.2.2.2: the string "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/"
// serialises as "€$\u000f\nA'B\"\\\\\"/".
TEST(JcsTest, Rfc8785StringExample) {
  const std::string input = "\xE2\x82\xAC$\x0F\nA'B\"\\\\\"/";
  EXPECT_EQ(Str(input), "\"\xE2\x82\xAC$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"");
}

TEST(JcsTest, EscapesAsJsonStringify) {
  EXPECT_EQ(Str("\b\f\n\r\t"), R"("\b\f\n\r\t")");
  EXPECT_EQ(Str(std::string("\x00\x01\x1f", 3)), R"("\u0000\u0001\u001f")");
  // DEL, '/', '<' and non-ASCII are literal.
  EXPECT_EQ(Str("\x7f/<>&"), "\"\x7f/<>&\"");
  EXPECT_EQ(Str("監査ログ"), "\"監査ログ\"");
  EXPECT_EQ(Str("\xF0\x9F\x98\x80"), "\"\xF0\x9F\x98\x80\"");
}

TEST(JcsTest, ReplacesInvalidUtf8) {
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(Str("a\xFF"
                "b"),
            "\"a" + fffd + "b\"");
  EXPECT_EQ(Str("\xC0\xAF"), "\"" + fffd + fffd + "\"");                        // overlong '/'
  EXPECT_EQ(Str("\xED\xA0\x80"), "\"" + fffd + fffd + fffd + "\"");             // surrogate D800
  EXPECT_EQ(Str("\xE3\x81"), "\"" + fffd + fffd + "\"");                        // truncated
  EXPECT_EQ(Str("\xF4\x90\x80\x80"), "\"" + fffd + fffd + fffd + fffd + "\"");  // > U+10FFFF
  EXPECT_EQ(ToValidUtf8("ok\x80"), "ok" + fffd);
}

// RFC 8785 §3.2.3: properties sort by UTF-16 code units, which puts U+1F600
// (a surrogate pair) before U+FB33 although its UTF-8 bytes sort after.
TEST(JcsTest, Rfc8785SortingExample) {
  std::vector<std::string> keys = {"\xE2\x82\xAC",     "\r",       "\xEF\xAC\xB3", "1",
                                   "\xF0\x9F\x98\x80", "\xC2\x80", "\xC3\xB6"};
  std::sort(keys.begin(), keys.end(), KeyLess);
  const std::vector<std::string> want = {
      "\r", "1", "\xC2\x80", "\xC3\xB6", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xEF\xAC\xB3"};
  EXPECT_EQ(keys, want);
}

TEST(JcsTest, ObjectWriterSortsAndNests) {
  ObjectWriter inner;
  inner.String("b", "2");
  inner.String("a", "1");
  ObjectWriter w;
  w.Uint("seq", 9007199254740992);  // 2^53
  w.Raw("attrs", inner.Finish());
  w.String("actor", "x\"y");
  w.Uint("n", 0);
  EXPECT_EQ(w.Finish(),
            R"({"actor":"x\"y","attrs":{"a":"1","b":"2"},"n":0,"seq":9007199254740992})");
  EXPECT_EQ(ObjectWriter().Finish(), "{}");
}

TEST(JcsTest, KeyLessIsAStrictOrder) {
  EXPECT_TRUE(KeyLess("a", "ab"));
  EXPECT_FALSE(KeyLess("ab", "a"));
  EXPECT_FALSE(KeyLess("a", "a"));
  EXPECT_TRUE(KeyLess("", "a"));
  EXPECT_TRUE(KeyLess("record", "request_id"));
  EXPECT_TRUE(KeyLess("reason", "record"));
}

}  // namespace
}  // namespace mamori::audit::jcs
