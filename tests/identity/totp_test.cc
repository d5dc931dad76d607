// RFC 6238 with HMAC-SHA-256: the Appendix B vectors, the window, replay.
#include <gtest/gtest.h>

#include "identity/totp.h"

namespace mamori::identity {
namespace {

crypto::SecretBytes RfcSeed() { return crypto::SecretBytes("12345678901234567890123456789012"); }

TimeMicros Seconds(int64_t s) { return s * kMicrosPerSecond; }

TEST(TotpTest, Rfc6238AppendixBSha256Vectors) {
  const struct {
    int64_t time;
    const char* code;
  } kVectors[] = {{59, "46119246"},         {1111111109, "68084774"}, {1111111111, "67062674"},
                  {1234567890, "91819424"}, {2000000000, "90698825"}, {20000000000, "77737706"}};
  const auto seed = RfcSeed();
  for (const auto& v : kVectors) {
    EXPECT_EQ(TotpCode(seed, TotpStep(Seconds(v.time)), 8), v.code) << v.time;
    const TotpVerdict verdict = VerifyTotp(seed, v.code, Seconds(v.time), -1, 1, 8);
    EXPECT_EQ(verdict.check, TotpCheck::kAccepted) << v.time;
    EXPECT_EQ(verdict.step, TotpStep(Seconds(v.time)));
  }
}

TEST(TotpTest, SixDigitsAreTheLastSixOfTheTruncation) {
  // Same dynamic truncation, modulo 10^6 instead of 10^8.
  EXPECT_EQ(TotpCode(RfcSeed(), TotpStep(Seconds(59))), "119246");
  EXPECT_EQ(TotpCode(RfcSeed(), TotpStep(Seconds(1111111109))), "084774");
}

TEST(TotpTest, WindowIsOneStepEitherSide) {
  const auto seed = RfcSeed();
  const TimeMicros now = Seconds(1'800'000'000);
  const int64_t step = TotpStep(now);
  for (int64_t d : {-1, 0, 1}) {
    const TotpVerdict v = VerifyTotp(seed, TotpCode(seed, step + d), now, -1);
    EXPECT_EQ(v.check, TotpCheck::kAccepted) << d;
    EXPECT_EQ(v.step, step + d);
  }
  for (int64_t d : {-3, -2, 2, 3}) {
    EXPECT_EQ(VerifyTotp(seed, TotpCode(seed, step + d), now, -1).check, TotpCheck::kInvalid) << d;
  }
}

TEST(TotpTest, ReplayIsRefusedWithinTheWindow) {
  const auto seed = RfcSeed();
  const TimeMicros now = Seconds(1'800'000'000);
  const int64_t step = TotpStep(now);
  const std::string code = TotpCode(seed, step);
  const TotpVerdict first = VerifyTotp(seed, code, now, -1);
  ASSERT_EQ(first.check, TotpCheck::kAccepted);
  // The same code again, 20 seconds later, still inside its window.
  EXPECT_EQ(VerifyTotp(seed, code, now + Seconds(20), first.step).check, TotpCheck::kReplayed);
  // An older step's code after a newer one was accepted.
  EXPECT_EQ(VerifyTotp(seed, TotpCode(seed, step - 1), now, first.step).check,
            TotpCheck::kReplayed);
  EXPECT_EQ(VerifyTotp(seed, TotpCode(seed, step + 1), now, first.step).check,
            TotpCheck::kAccepted);
}

TEST(TotpTest, MalformedCodesAreInvalid) {
  const auto seed = RfcSeed();
  const TimeMicros now = Seconds(59);
  for (const char* code : {"", "11924", "1192466", "11924a", " 19246"}) {
    EXPECT_EQ(VerifyTotp(seed, code, now, -1).check, TotpCheck::kInvalid) << code;
  }
}

TEST(TotpTest, Base32AndUri) {
  EXPECT_EQ(Base32Encode(""), "");
  EXPECT_EQ(Base32Encode("f"), "MY");
  EXPECT_EQ(Base32Encode("fo"), "MZXQ");
  EXPECT_EQ(Base32Encode("foo"), "MZXW6");
  EXPECT_EQ(Base32Encode("foob"), "MZXW6YQ");
  EXPECT_EQ(Base32Encode("fooba"), "MZXW6YTB");
  EXPECT_EQ(Base32Encode("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(OtpauthUri("mamori 総務", "tanaka.h01", crypto::SecretBytes("foobar")),
            "otpauth://totp/mamori%20%E7%B7%8F%E5%8B%99:tanaka.h01?secret=MZXW6YTBOI"
            "&issuer=mamori%20%E7%B7%8F%E5%8B%99&algorithm=SHA256&digits=6&period=30");
}

}  // namespace
}  // namespace mamori::identity
