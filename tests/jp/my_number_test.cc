// Test data is synthetic: digit patterns and numbers built with the check-digit
// algorithm, never numbers taken from real people.
#include "jp/my_number.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <limits>
#include <set>
#include <string>

#include "jp/test_util.h"

namespace mamori::jp {
namespace {

using testing::HasDigitRun;
using testing::SplitMix64;

// The ordinance's weights written out left to right (Q_11 .. Q_1), kept apart
// from the implementation's n-indexed loop so that a mistake in either shows.
constexpr int kWeightsLeftToRight[11] = {6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2};

int Remainder(const std::string& number) {
  int sum = 0;
  for (int i = 0; i < 11; ++i) sum += (number[i] - '0') * kWeightsLeftToRight[i];
  return sum % 11;
}

TEST(MyNumberTest, CheckDigitVectors) {
  // Σ = 1×6+2×5+3×4+4×3+5×2+6×7+7×6+8×5+9×4+0×3+1×2 = 212; 212 mod 11 = 3; 11-3 = 8.
  EXPECT_EQ(MyNumberCheckDigit("12345678901"), 8);
  // Σ = 0; r = 0 <= 1, so 0.
  EXPECT_EQ(MyNumberCheckDigit("00000000000"), 0);
  // Σ = 6×2 = 12; r = 1 <= 1, so 0 as well.
  EXPECT_EQ(MyNumberCheckDigit("00000000006"), 0);
  // Σ = 5×2 = 10; r = 10; 11-10 = 1.
  EXPECT_EQ(MyNumberCheckDigit("00000000005"), 1);
  // Σ = Q_1+...+Q_11 = 27+20 = 47; r = 3; 8.
  EXPECT_EQ(MyNumberCheckDigit("11111111111"), 8);
  // Σ = 9×47 = 423 = 11×38+5; r = 5; 6.
  EXPECT_EQ(MyNumberCheckDigit("99999999999"), 6);
  // Only P_11 = 1, Q_11 = 11-5 = 6; r = 6; 5.
  EXPECT_EQ(MyNumberCheckDigit("10000000000"), 5);
  // Only P_7 = 1, Q_7 = 7-5 = 2; r = 2; 9. (Position n = 7 is the 5th from the left.)
  EXPECT_EQ(MyNumberCheckDigit("00001000000"), 9);
  // Only P_6 = 1, Q_6 = 6+1 = 7; r = 7; 4.
  EXPECT_EQ(MyNumberCheckDigit("00000100000"), 4);
}

TEST(MyNumberTest, CheckDigitRejectsMalformedBase) {
  EXPECT_EQ(MyNumberCheckDigit(""), -1);
  EXPECT_EQ(MyNumberCheckDigit("1234567890"), -1);
  EXPECT_EQ(MyNumberCheckDigit("123456789012"), -1);
  EXPECT_EQ(MyNumberCheckDigit("1234567890a"), -1);
  EXPECT_EQ(MyNumberCheckDigit("12345 78901"), -1);
  EXPECT_EQ(MyNumberCheckDigit("+1234567890"), -1);
  EXPECT_EQ(MyNumberCheckDigit(std::string_view("12345\0"
                                                "78901",
                                                11)),
            -1);
  EXPECT_EQ(MyNumberCheckDigit("１２３４５６７８９０１"), -1);  // full-width: 33 bytes
}

TEST(MyNumberTest, IsValid) {
  EXPECT_TRUE(IsValidMyNumber("123456789018"));
  EXPECT_TRUE(IsValidMyNumber("000000000000"));
  EXPECT_FALSE(IsValidMyNumber("123456789010"));
  EXPECT_FALSE(IsValidMyNumber("12345678901"));
  EXPECT_FALSE(IsValidMyNumber("1234567890180"));
  EXPECT_FALSE(IsValidMyNumber(" 123456789018"));
  EXPECT_FALSE(IsValidMyNumber("1234-5678-9018"));
  EXPECT_FALSE(IsValidMyNumber("１２３４５６７８９０１８"));
  EXPECT_FALSE(IsValidMyNumber(""));
}

// Every single-digit substitution changes Σ by (new-old)×Q_n, never 0 mod 11
// (11 is prime and 0 < |new-old|, Q_n < 11), so it is caught unless r moves
// between 0 and 1, which share check digit 0. Changing the check digit itself
// is always caught.
TEST(MyNumberTest, SingleDigitSubstitutionsAreDetected) {
  SplitMix64 rng(20240101);
  int undetected = 0, expected_undetected = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    const std::string valid = trial == 0 ? "123456789018" : SyntheticMyNumber(rng.Next());
    ASSERT_TRUE(IsValidMyNumber(valid)) << trial;
    const int r = Remainder(valid);
    for (int pos = 0; pos < 12; ++pos) {
      for (char d = '0'; d <= '9'; ++d) {
        if (d == valid[pos]) continue;
        std::string mutated = valid;
        mutated[pos] = d;
        const bool blind_spot = pos < 11 && r <= 1 && Remainder(mutated) <= 1;
        EXPECT_EQ(IsValidMyNumber(mutated), blind_spot) << "trial " << trial << " pos " << pos;
        undetected += IsValidMyNumber(mutated);
        expected_undetected += blind_spot;
      }
    }
  }
  EXPECT_EQ(undetected, expected_undetected);
  // The blind spot is real (so the test above exercises both branches) and rare:
  // about 2/11 of numbers have r <= 1, and those lose ~10 of their 108
  // substitutions, so ~1.7% overall.
  EXPECT_GT(undetected, 0);
  EXPECT_LT(undetected, 3000 * 108 * 3 / 100);
  // The smallest example: r = 0 and r = 1, one digit apart, both valid.
  EXPECT_TRUE(IsValidMyNumber("000000000000"));
  EXPECT_TRUE(IsValidMyNumber("000000000060"));
}

TEST(MyNumberTest, BasesRoundTripThroughFromBase) {
  char base[12];
  for (int i = 0; i < 10000; ++i) {
    std::snprintf(base, sizeof base, "%011d", i);
    const std::string number = MyNumberFromBase(base);
    ASSERT_EQ(number.size(), kMyNumberLength) << base;
    EXPECT_EQ(number.substr(0, 11), base);
    EXPECT_TRUE(IsValidMyNumber(number)) << base;
    EXPECT_TRUE(ValidateMyNumber(number).ok()) << base;
    EXPECT_EQ(SyntheticMyNumber(static_cast<uint64_t>(i)), number);
    int valid_check_digits = 0;
    for (char d = '0'; d <= '9'; ++d) {
      std::string other = number;
      other.back() = d;
      valid_check_digits += IsValidMyNumber(other);
    }
    EXPECT_EQ(valid_check_digits, 1) << base;
  }
}

TEST(MyNumberTest, FromBaseRejectsBrokenPrecondition) {
  EXPECT_EQ(MyNumberFromBase("12345678901"), "123456789018");
  EXPECT_EQ(MyNumberFromBase(""), "");
  EXPECT_EQ(MyNumberFromBase("1234567890"), "");
  EXPECT_EQ(MyNumberFromBase("123456789012"), "");
  EXPECT_EQ(MyNumberFromBase("1234567890x"), "");
}

TEST(MyNumberTest, SyntheticUsesValueModulo1e11) {
  EXPECT_EQ(SyntheticMyNumber(0), "000000000000");
  EXPECT_EQ(SyntheticMyNumber(12345678901), "123456789018");
  EXPECT_EQ(SyntheticMyNumber(100000000000ULL + 12345678901), "123456789018");
  EXPECT_EQ(SyntheticMyNumber(98765432109ULL).substr(0, 11), "98765432109");
  // 2^64-1 = 18446744073709551615, whose last 11 digits are 73709551615.
  const std::string max = SyntheticMyNumber(std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(max.substr(0, 11), "73709551615");
  EXPECT_TRUE(IsValidMyNumber(max));
  SplitMix64 rng(7);
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string n = SyntheticMyNumber(rng.Next());
    EXPECT_TRUE(IsValidMyNumber(n));
    seen.insert(n);
  }
  EXPECT_EQ(seen.size(), 1000u);  // 10^11 bases: 1000 draws all differ
}

TEST(MyNumberTest, ValidateNamesTheRuleNeverTheNumber) {
  EXPECT_TRUE(ValidateMyNumber("123456789018").ok());
  const std::string inputs[] = {"12345678901x", "1234567890", "123456789017"};
  std::set<std::string> en, ja;
  for (const std::string& input : inputs) {
    const Status s = ValidateMyNumber(input);
    ASSERT_FALSE(s.ok()) << input;
    EXPECT_EQ(s.code(), Code::kInvalidArgument);
    EXPECT_EQ(s.subject(), "my_number");
    EXPECT_FALSE(s.message_ja().empty());
    EXPECT_NE(s.message_ja(), s.message());
    EXPECT_FALSE(HasDigitRun(s.ToString(), 3)) << s.ToString();
    EXPECT_EQ(s.ToString().find(input), std::string::npos);
    en.insert(s.message());
    ja.insert(s.message_ja());
  }
  EXPECT_EQ(en.size(), 3u);
  EXPECT_EQ(ja.size(), 3u);
  // Which rule each input breaks.
  EXPECT_EQ(ValidateMyNumber("１２３４５６７８９０１８").message(),
            ValidateMyNumber("1-2").message());
  EXPECT_EQ(ValidateMyNumber("").message(), ValidateMyNumber("1234567890").message());
  EXPECT_EQ(ValidateMyNumber("123456789019").message(), ValidateMyNumber("123456789017").message());
  EXPECT_NE(ValidateMyNumber("").message(), ValidateMyNumber("x").message());
}

}  // namespace
}  // namespace mamori::jp
