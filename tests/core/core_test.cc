#include <gtest/gtest.h>

#include "core/encoding.h"
#include "core/status.h"
#include "core/time.h"

namespace mamori {
namespace {

Result<int> Half(int x) {
  if (x % 2) return Fail(Status::InvalidArgument("odd", "奇数です", "x"));
  return x / 2;
}
Result<int> Quarter(int x) {
  MAMORI_ASSIGN_OR_RETURN(int h, Half(x));
  return Half(h);
}
Status Check(int x) {
  MAMORI_RETURN_IF_ERROR(Quarter(x));
  return Status::Ok();
}

TEST(StatusTest, PropagatesThroughMacros) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).error().code(), Code::kInvalidArgument);
  EXPECT_EQ(Quarter(6).error().subject(), "x");
  EXPECT_TRUE(Check(4).ok());
  EXPECT_EQ(Check(3).ToString(), "invalid_argument: odd / 奇数です");
}

TEST(TimeTest, CivilRoundTrip) {
  for (int64_t d = -800000; d < 800000; d += 37) {
    EXPECT_EQ(DaysFromCivil(CivilFromDays(d)), d);
  }
  EXPECT_EQ(DaysFromCivil({1970, 1, 1}), 0);
  EXPECT_EQ(FormatDate(CivilFromDays(DaysFromCivil({2024, 2, 29}))), "2024-02-29");
}

TEST(TimeTest, ParseDateRejectsImpossibleDates) {
  EXPECT_TRUE(ParseDate("2024-02-29"));
  EXPECT_FALSE(ParseDate("2023-02-29"));
  EXPECT_FALSE(ParseDate("2023-13-01"));
  EXPECT_FALSE(ParseDate("2023-04-31"));
  EXPECT_FALSE(ParseDate("2023-4-1"));
  EXPECT_FALSE(ParseDate("20230401"));
  EXPECT_FALSE(ParseDate("2023-04-0a"));
}

TEST(TimeTest, AddToDateClampsMonthEnd) {
  EXPECT_EQ(FormatDate(AddToDate({2024, 2, 29}, 1, 0, 0)), "2025-02-28");
  EXPECT_EQ(FormatDate(AddToDate({2024, 1, 31}, 0, 1, 0)), "2024-02-29");
  EXPECT_EQ(FormatDate(AddToDate({2024, 12, 31}, 0, 0, 1)), "2025-01-01");
  EXPECT_EQ(FormatDate(AddToDate({2024, 3, 15}, 7, -3, 0)), "2030-12-15");
}

TEST(TimeTest, JstIsUtcPlusNine) {
  // 2026-11-21T15:30:00Z is 2026-11-22 00:30 JST.
  const TimeMicros t =
      (DaysFromCivil({2026, 11, 21}) * 86400 + 15 * 3600 + 30 * 60) * kMicrosPerSecond;
  EXPECT_EQ(FormatDate(JstDate(t)), "2026-11-22");
  EXPECT_EQ(FormatJst(t), "2026-11-22T00:30:00+09:00");
  EXPECT_EQ(FormatUtc(t), "2026-11-21T15:30:00.000000Z");
  EXPECT_EQ(*ParseUtc(FormatUtc(t + 42)), t + 42);
  EXPECT_EQ(JstMidnight({2026, 11, 22}), t - 30 * 60 * kMicrosPerSecond);
  EXPECT_FALSE(ParseUtc("2026-11-21T25:30:00Z"));
}

TEST(EncodingTest, HexAndBase64RoundTrip) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (size_t n = 0; n < 8; ++n) {
    const std::string s = all.substr(250 - n, n);
    EXPECT_EQ(*HexDecode(HexEncode(s)), s);
    EXPECT_EQ(*Base64Decode(Base64Encode(s)), s);
  }
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_FALSE(Base64Decode("Zm9=v"));
  EXPECT_FALSE(Base64Decode("Z=8A"));
  EXPECT_FALSE(HexDecode("abc"));
  EXPECT_FALSE(HexDecode("zz"));
}

}  // namespace
}  // namespace mamori
