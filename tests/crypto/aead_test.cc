#include "crypto/aead.h"

#include <gtest/gtest.h>

#include <string>

#include "crypto/random.h"
#include "crypto/test_util.h"

namespace mamori::crypto {
namespace {

using testing::Unhex;

SecretBytes NewAeadKey() { return std::move(RandomSecret(kAeadKeySize).value()); }

// McGrew & Viega, "The Galois/Counter Mode of Operation", test case 16
// (AES-256, 96-bit IV, with associated data). Sealed format is nonce||ct||tag.
struct GcmVector {
  std::string key = Unhex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
  std::string iv = Unhex("cafebabefacedbaddecaf888");
  std::string plaintext = Unhex(
      "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
      "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
  std::string ad = Unhex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
  std::string ciphertext = Unhex(
      "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
      "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662");
  std::string tag = Unhex("76fc6ece0f4e1768cddf8853bb2d551b");
  std::string Sealed() const { return iv + ciphertext + tag; }
};

TEST(AeadTest, OpensKnownAnswerVector) {
  GcmVector v;
  SecretBytes key(v.key);
  auto opened = AeadOpen(key, v.Sealed(), v.ad);
  ASSERT_TRUE(opened) << opened.error().ToString();
  EXPECT_EQ(*opened, v.plaintext);
  auto secret = AeadOpenSecret(key, v.Sealed(), v.ad);
  ASSERT_TRUE(secret);
  EXPECT_EQ(secret->view(), v.plaintext);
}

TEST(AeadTest, KnownAnswerVectorRejectsAnyAlteration) {
  GcmVector v;
  SecretBytes key(v.key);
  std::string sealed = v.Sealed();
  for (size_t i = 0; i < sealed.size(); ++i) {
    std::string altered = sealed;
    altered[i] ^= 0x01;
    auto r = AeadOpen(key, altered, v.ad);
    ASSERT_FALSE(r) << "byte " << i;
    EXPECT_EQ(r.error().code(), Code::kDataLoss) << "byte " << i;
  }
}

TEST(AeadTest, SealOpenRoundTrip) {
  SecretBytes key = NewAeadKey();
  for (const std::string& plaintext : {std::string(), std::string("x"), std::string(1000, 'p')}) {
    auto sealed = AeadSeal(key, plaintext, "dataset/record/field/v1");
    ASSERT_TRUE(sealed);
    EXPECT_EQ(sealed->size(), plaintext.size() + kAeadOverhead);
    auto opened = AeadOpen(key, *sealed, "dataset/record/field/v1");
    ASSERT_TRUE(opened) << opened.error().ToString();
    EXPECT_EQ(*opened, plaintext);
  }
  auto no_ad = AeadSeal(key, "value", "");
  ASSERT_TRUE(no_ad);
  EXPECT_EQ(*AeadOpen(key, *no_ad, ""), "value");
}

TEST(AeadTest, NoncesAreFreshPerSeal) {
  SecretBytes key = NewAeadKey();
  auto a = AeadSeal(key, "same", "ad");
  auto b = AeadSeal(key, "same", "ad");
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->substr(0, kAeadNonceSize), b->substr(0, kAeadNonceSize));
  EXPECT_NE(*a, *b);
}

TEST(AeadTest, TamperingAnyByteIsDataLoss) {
  SecretBytes key = NewAeadKey();
  auto sealed = AeadSeal(key, "4-digit secret 1234", "ad");
  ASSERT_TRUE(sealed);
  for (size_t i = 0; i < sealed->size(); ++i) {
    std::string altered = *sealed;
    altered[i] ^= 0x80;
    auto r = AeadOpen(key, altered, "ad");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), Code::kDataLoss);
  }
  // Truncation that still leaves room for nonce and tag is also caught.
  auto truncated = AeadOpen(key, sealed->substr(0, sealed->size() - 1), "ad");
  ASSERT_FALSE(truncated);
  EXPECT_EQ(truncated.error().code(), Code::kDataLoss);
}

TEST(AeadTest, WrongAssociatedDataOrKeyIsDataLoss) {
  SecretBytes key = NewAeadKey();
  auto sealed = AeadSeal(key, "value", "record-1/name");
  ASSERT_TRUE(sealed);
  const std::string_view with_nul("record-1/name\0", 14);
  for (std::string_view ad : {std::string_view("record-2/name"), std::string_view("record-1/namE"),
                              std::string_view(""), with_nul}) {
    auto r = AeadOpen(key, *sealed, ad);
    ASSERT_FALSE(r) << ad;
    EXPECT_EQ(r.error().code(), Code::kDataLoss);
  }
  auto wrong_key = AeadOpenSecret(NewAeadKey(), *sealed, "record-1/name");
  ASSERT_FALSE(wrong_key);
  EXPECT_EQ(wrong_key.error().code(), Code::kDataLoss);
  EXPECT_EQ(wrong_key.error().message(),
            "authentication failed: sealed value was altered or the key is wrong");
  EXPECT_NE(wrong_key.error().message_ja(), wrong_key.error().message());
}

TEST(AeadTest, WrongKeySizeIsInvalidArgument) {
  for (size_t size : {0, 16, 31, 33, 64}) {
    SecretBytes key(size);
    auto sealed = AeadSeal(key, "value", "ad");
    ASSERT_FALSE(sealed);
    EXPECT_EQ(sealed.error().code(), Code::kInvalidArgument);
    EXPECT_NE(sealed.error().message().find("must be 32 bytes"), std::string::npos);
    auto opened = AeadOpen(key, std::string(64, 'x'), "ad");
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error().code(), Code::kInvalidArgument);
  }
}

TEST(AeadTest, ShortSealedValueIsInvalidArgument) {
  SecretBytes key = NewAeadKey();
  for (size_t size : {0, 1, 12, 27}) {
    auto r = AeadOpen(key, std::string(size, 'x'), "ad");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), Code::kInvalidArgument);
  }
}

TEST(AeadTest, WrapsSecrets) {
  SecretBytes kek = NewAeadKey();
  SecretBytes record_key = NewAeadKey();
  auto wrapped = AeadSealSecret(kek, record_key, "record-key/ds/1");
  ASSERT_TRUE(wrapped);
  auto unwrapped = AeadOpenSecret(kek, *wrapped, "record-key/ds/1");
  ASSERT_TRUE(unwrapped);
  EXPECT_EQ(unwrapped->view(), record_key.view());
  EXPECT_FALSE(AeadOpenSecret(kek, *wrapped, "record-key/ds/2"));
}

}  // namespace
}  // namespace mamori::crypto
