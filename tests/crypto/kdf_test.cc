#include "crypto/kdf.h"

#include <gtest/gtest.h>

#include <string>

#include "core/encoding.h"
#include "crypto/test_util.h"

namespace mamori::crypto {
namespace {

using testing::Unhex;

// Cheap parameters so the suite stays fast, also under sanitizers.
constexpr Argon2Params kFast{.time_cost = 1, .memory_kib = 64, .parallelism = 1};

// RFC 5869 A.1.
TEST(HkdfTest, Rfc5869TestCase1) {
  auto okm = HkdfSha256(SecretBytes(std::string(22, '\x0b')), Unhex("000102030405060708090a0b0c"),
                        Unhex("f0f1f2f3f4f5f6f7f8f9"), 42);
  ASSERT_TRUE(okm) << okm.error().ToString();
  EXPECT_EQ(HexEncode(okm->view()),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
            "34007208d5b887185865");
}

// RFC 5869 A.3: empty salt and info.
TEST(HkdfTest, Rfc5869TestCase3) {
  auto okm = HkdfSha256(SecretBytes(std::string(22, '\x0b')), "", "", 42);
  ASSERT_TRUE(okm) << okm.error().ToString();
  EXPECT_EQ(HexEncode(okm->view()),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
            "9d201395faa4b61a96c8");
}

TEST(HkdfTest, RejectsBadLengthsAndEmptyKey) {
  SecretBytes ikm(std::string(32, 'k'));
  EXPECT_EQ(HkdfSha256(ikm, "", "", 0).error().code(), Code::kInvalidArgument);
  EXPECT_EQ(HkdfSha256(ikm, "", "", 255 * 32 + 1).error().code(), Code::kInvalidArgument);
  EXPECT_TRUE(HkdfSha256(ikm, "", "", 255 * 32));
  EXPECT_EQ(HkdfSha256(SecretBytes(), "", "", 32).error().code(), Code::kInvalidArgument);
}

TEST(HkdfTest, InfoSeparatesKeys) {
  SecretBytes ikm(std::string(32, 'k'));
  EXPECT_NE(HkdfSha256(ikm, "salt", "index", 32)->view(),
            HkdfSha256(ikm, "salt", "seal", 32)->view());
}

// RFC 9106 §5.3 (Argon2id, version 0x13), which exercises the secret value K
// and associated data X.
TEST(Argon2Test, Rfc9106TestVector) {
  auto tag = Argon2idDeriveWithPepper(std::string(32, '\x01'), std::string(16, '\x02'),
                                      SecretBytes(std::string(8, '\x03')), std::string(12, '\x04'),
                                      {.time_cost = 3, .memory_kib = 32, .parallelism = 4}, 32);
  ASSERT_TRUE(tag) << tag.error().ToString();
  EXPECT_EQ(HexEncode(tag->view()),
            "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
}

TEST(Argon2Test, DeriveIsDeterministicAndSaltSensitive) {
  std::string salt(16, 's');
  auto a = Argon2idDerive("passphrase", salt, kFast, 32);
  auto b = Argon2idDerive("passphrase", salt, kFast, 32);
  auto c = Argon2idDerive("passphrase", std::string(16, 't'), kFast, 32);
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->size(), 32u);
  EXPECT_EQ(a->view(), b->view());
  EXPECT_NE(a->view(), c->view());
  // No pepper is the same as Argon2idDerive.
  EXPECT_EQ(Argon2idDeriveWithPepper("passphrase", salt, SecretBytes(), "", kFast, 32)->view(),
            a->view());
}

TEST(Argon2Test, DeriveRejectsBadInput) {
  EXPECT_EQ(Argon2idDerive("p", std::string(15, 's'), kFast, 32).error().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(Argon2idDerive("p", std::string(16, 's'), kFast, 3).error().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(Argon2idDerive("p", std::string(16, 's'), {.time_cost = 0}, 32).error().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(Argon2idDerive("p", std::string(16, 's'), {.memory_kib = 1}, 32).error().code(),
            Code::kInvalidArgument);
}

TEST(Argon2Test, PasswordHashRoundTrip) {
  auto encoded = Argon2idHashPassword("correct horse battery staple", kFast);
  ASSERT_TRUE(encoded) << encoded.error().ToString();
  EXPECT_TRUE(encoded->starts_with("$argon2id$v=19$m=64,t=1,p=1$")) << *encoded;
  EXPECT_EQ(*Argon2idVerifyPassword("correct horse battery staple", *encoded), true);
  EXPECT_EQ(*Argon2idVerifyPassword("correct horse battery stapl", *encoded), false);
  EXPECT_EQ(*Argon2idVerifyPassword("", *encoded), false);
  // A fresh salt each time.
  EXPECT_NE(*Argon2idHashPassword("correct horse battery staple", kFast), *encoded);
}

TEST(Argon2Test, DefaultParametersWork) {
  auto encoded = Argon2idHashPassword("pw", Argon2Params{});
  ASSERT_TRUE(encoded);
  EXPECT_TRUE(encoded->starts_with("$argon2id$v=19$m=65536,t=3,p=1$")) << *encoded;
  EXPECT_TRUE(*Argon2idVerifyPassword("pw", *encoded));
}

TEST(Argon2Test, VerifyRejectsMalformedHashes) {
  auto encoded = Argon2idHashPassword("pw", kFast);
  ASSERT_TRUE(encoded);
  std::string argon2i = *encoded;
  argon2i.replace(0, 9, "$argon2i");
  std::string with_nul = *encoded + std::string(1, '\0');
  std::string bad_base64 = encoded->substr(0, encoded->size() - 10) + "!!";
  for (std::string_view bad :
       {std::string_view(""), std::string_view("$argon2id$"), std::string_view("plain text"),
        std::string_view(argon2i), std::string_view(bad_base64), std::string_view(with_nul)}) {
    auto r = Argon2idVerifyPassword("pw", bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code(), Code::kInvalidArgument) << bad;
  }
}

// What verifying against a hash will allocate, read from the hash itself:
// the server's hash budget leases exactly this much.
TEST(Argon2MemoryTest, TheMemoryCostIsReadFromTheEncodedHash) {
  auto hash = Argon2idHashPassword("pw", {.time_cost = 1, .memory_kib = 256, .parallelism = 1});
  ASSERT_TRUE(hash.has_value());
  auto kib = Argon2idMemoryKib(*hash);
  ASSERT_TRUE(kib.has_value()) << kib.error().ToString();
  EXPECT_EQ(*kib, 256u);
  EXPECT_EQ(*Argon2idMemoryKib("$argon2id$v=19$m=65536,t=3,p=1$c2FsdHNhbHQ$aGFzaA"), 65536u);
  for (const char* bad :
       {"", "$argon2i$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA", "$argon2id$v=19$t=3,p=1$c2FsdA$aGFzaA",
        "$argon2id$v=19$m=,t=3", "$argon2id$v=19$m=99999999999,t=3", "$argon2id$v=19$m=64"}) {
    auto r = Argon2idMemoryKib(bad);
    EXPECT_FALSE(r.has_value()) << bad;
    if (!r) {
      EXPECT_EQ(r.error().code(), Code::kInvalidArgument);
    }
  }
}

}  // namespace
}  // namespace mamori::crypto
