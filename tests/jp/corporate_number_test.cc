// Test data is synthetic except 7000012050002, the published corporate number
// of 国税庁 (National Tax Agency) itself, a public body whose number is public.
#include "jp/corporate_number.h"

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

constexpr char kNationalTaxAgency[] = "7000012050002";

TEST(CorporateNumberTest, CheckDigitVectors) {
  // 国税庁: base 000012050002. From the right: P1=2 (×1), P5=5 (×1), P7=2 (×1),
  // P8=1 (×2), the rest 0. Σ = 2+5+2+2 = 11; 11 mod 9 = 2; 9-2 = 7.
  EXPECT_EQ(CorporateNumberCheckDigit("000012050002"), 7);
  // Base 123456789012. Odd n (×1): 2+0+8+6+4+2 = 22; even n (×2): 1+9+7+5+3+1 = 26,
  // ×2 = 52. Σ = 74; 74 mod 9 = 2; 9-2 = 7.
  EXPECT_EQ(CorporateNumberCheckDigit("123456789012"), 7);
  // Σ = 0; 9-0 = 9: the largest check digit.
  EXPECT_EQ(CorporateNumberCheckDigit("000000000000"), 9);
  // Σ = 8; 9-8 = 1: the smallest.
  EXPECT_EQ(CorporateNumberCheckDigit("000000000008"), 1);
  // P2 = 1, ×2: Σ = 2; 7.
  EXPECT_EQ(CorporateNumberCheckDigit("000000000010"), 7);
  // Σ = 9 ≡ 0; 9: the same as all zeros (the 0/9 blind spot).
  EXPECT_EQ(CorporateNumberCheckDigit("000000000009"), 9);
}

TEST(CorporateNumberTest, CheckDigitRejectsMalformedBase) {
  EXPECT_EQ(CorporateNumberCheckDigit(""), -1);
  EXPECT_EQ(CorporateNumberCheckDigit("00001205000"), -1);
  EXPECT_EQ(CorporateNumberCheckDigit(kNationalTaxAgency), -1);
  EXPECT_EQ(CorporateNumberCheckDigit("00001205000x"), -1);
  EXPECT_EQ(CorporateNumberCheckDigit("0000-1205000"), -1);
  EXPECT_EQ(CorporateNumberCheckDigit("０００００００００００"), -1);
}

TEST(CorporateNumberTest, IsValid) {
  EXPECT_TRUE(IsValidCorporateNumber(kNationalTaxAgency));
  EXPECT_TRUE(ValidateCorporateNumber(kNationalTaxAgency).ok());
  EXPECT_TRUE(IsValidCorporateNumber("7123456789012"));
  EXPECT_FALSE(IsValidCorporateNumber("0000012050002"));  // 0 is never a check digit
  EXPECT_FALSE(IsValidCorporateNumber("6000012050002"));
  EXPECT_FALSE(IsValidCorporateNumber("000012050002"));
  EXPECT_FALSE(IsValidCorporateNumber("70000120500020"));
  EXPECT_FALSE(IsValidCorporateNumber("7-0000-1205-0002"));
  EXPECT_FALSE(IsValidCorporateNumber("７００００１２０５０００２"));
  EXPECT_FALSE(IsValidCorporateNumber(""));
}

// A substitution changes Σ by (new-old)×Q with Q in {1, 2}; that is 0 mod 9
// only when |new-old| = 9, i.e. 0 <-> 9 in the base. Everything else is caught.
TEST(CorporateNumberTest, SingleDigitSubstitutionsAreDetected) {
  SplitMix64 rng(20240102);
  int blind = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    const std::string valid =
        trial == 0 ? std::string(kNationalTaxAgency) : SyntheticCorporateNumber(rng.Next());
    ASSERT_TRUE(IsValidCorporateNumber(valid)) << trial;
    for (int pos = 0; pos < 13; ++pos) {
      for (char d = '0'; d <= '9'; ++d) {
        if (d == valid[pos]) continue;
        std::string mutated = valid;
        mutated[pos] = d;
        const bool zero_nine = pos > 0 && (valid[pos] - '0') + (d - '0') == 9 &&
                               (valid[pos] == '0' || valid[pos] == '9');
        EXPECT_EQ(IsValidCorporateNumber(mutated), zero_nine)
            << "trial " << trial << " pos " << pos;
        blind += zero_nine;
      }
    }
  }
  EXPECT_GT(blind, 0);
  // The 国税庁 number has many zeros, so it shows the blind spot directly.
  EXPECT_TRUE(IsValidCorporateNumber("7900012050002"));
  EXPECT_TRUE(IsValidCorporateNumber("7000012050092"));
}

TEST(CorporateNumberTest, BasesRoundTripThroughFromBase) {
  char base[13];
  for (int i = 0; i < 10000; ++i) {
    std::snprintf(base, sizeof base, "%012d", i);
    const std::string number = CorporateNumberFromBase(base);
    ASSERT_EQ(number.size(), kCorporateNumberLength) << base;
    EXPECT_EQ(number.substr(1), base);
    EXPECT_NE(number[0], '0');
    EXPECT_TRUE(IsValidCorporateNumber(number)) << base;
    EXPECT_TRUE(ValidateCorporateNumber(number).ok()) << base;
    EXPECT_EQ(SyntheticCorporateNumber(static_cast<uint64_t>(i)), number);
    int valid_check_digits = 0;
    for (char d = '0'; d <= '9'; ++d) {
      std::string other = number;
      other.front() = d;
      valid_check_digits += IsValidCorporateNumber(other);
    }
    EXPECT_EQ(valid_check_digits, 1) << base;
  }
}

TEST(CorporateNumberTest, FromBaseRejectsBrokenPrecondition) {
  EXPECT_EQ(CorporateNumberFromBase("000012050002"), kNationalTaxAgency);
  EXPECT_EQ(CorporateNumberFromBase(""), "");
  EXPECT_EQ(CorporateNumberFromBase("00001205000"), "");
  EXPECT_EQ(CorporateNumberFromBase("0000120500020"), "");
  EXPECT_EQ(CorporateNumberFromBase("00001205000a"), "");
}

TEST(CorporateNumberTest, SyntheticUsesValueModulo1e12) {
  EXPECT_EQ(SyntheticCorporateNumber(0), "9000000000000");
  EXPECT_EQ(SyntheticCorporateNumber(12050002), kNationalTaxAgency);
  EXPECT_EQ(SyntheticCorporateNumber(1000000000000ULL + 12050002), kNationalTaxAgency);
  // A full 12-digit value keeps its leading digit (a 10^11 modulus would drop it).
  EXPECT_EQ(SyntheticCorporateNumber(987654321098ULL).substr(1), "987654321098");
  // 2^64-1 = 18446744073709551615, whose last 12 digits are 073709551615.
  const std::string max = SyntheticCorporateNumber(std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(max.substr(1), "073709551615");
  EXPECT_TRUE(IsValidCorporateNumber(max));
  SplitMix64 rng(8);
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string n = SyntheticCorporateNumber(rng.Next());
    EXPECT_TRUE(IsValidCorporateNumber(n));
    seen.insert(n);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(CorporateNumberTest, ValidateNamesTheRuleNeverTheNumber) {
  const std::string inputs[] = {"700001205000x", "700001205000", "6000012050002"};
  std::set<std::string> en, ja;
  for (const std::string& input : inputs) {
    const Status s = ValidateCorporateNumber(input);
    ASSERT_FALSE(s.ok()) << input;
    EXPECT_EQ(s.code(), Code::kInvalidArgument);
    EXPECT_EQ(s.subject(), "corporate_number");
    EXPECT_NE(s.message_ja(), s.message());
    EXPECT_FALSE(HasDigitRun(s.ToString(), 3)) << s.ToString();
    EXPECT_EQ(s.ToString().find(input), std::string::npos);
    en.insert(s.message());
    ja.insert(s.message_ja());
  }
  EXPECT_EQ(en.size(), 3u);
  EXPECT_EQ(ja.size(), 3u);
}

}  // namespace
}  // namespace mamori::jp
