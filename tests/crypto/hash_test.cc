#include "crypto/hash.h"

#include <gtest/gtest.h>

#include <string>

#include "core/encoding.h"

namespace mamori::crypto {
namespace {

std::string Hex(const Digest& d) { return HexEncode(DigestView(d)); }

// FIPS 180-4 examples (NIST CSRC SHA-256 example values).
TEST(Sha256Test, KnownAnswers) {
  EXPECT_EQ(Hex(Sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Hex(Sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Hex(Sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256Test, PartsEqualsConcatenation) {
  EXPECT_EQ(Sha256Parts({"a", "", "bc"}), Sha256("abc"));
  EXPECT_EQ(Sha256Parts({}), Sha256(""));
}

TEST(Sha256Test, HasherIsIncrementalAndReusable) {
  Sha256Hasher h;
  h.Update("a");
  h.Update("");
  h.Update("bc");
  EXPECT_EQ(h.Finish(), Sha256("abc"));
  // Finish resets: the next digest covers only what follows.
  h.Update("abc");
  EXPECT_EQ(h.Finish(), Sha256("abc"));
  EXPECT_EQ(h.Finish(), Sha256(""));
}

// RFC 4231 §4.2, §4.3, §4.7.
TEST(HmacSha256Test, Rfc4231TestCases) {
  EXPECT_EQ(Hex(HmacSha256(SecretBytes(std::string(20, '\x0b')), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(Hex(HmacSha256(SecretBytes(std::string_view("Jefe")), "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(Hex(HmacSha256(SecretBytes(std::string(131, '\xaa')),
                           "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacSha256Test, EmptyKeyIsZeroPadded) {
  // RFC 2104 pads a short key with zeros, so the empty key and a 64-byte zero
  // key must agree; the value is HMAC-SHA-256("", "").
  EXPECT_EQ(Hex(HmacSha256(SecretBytes(), "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
  EXPECT_EQ(HmacSha256(SecretBytes(), "x"), HmacSha256(SecretBytes(64), "x"));
}

}  // namespace
}  // namespace mamori::crypto
