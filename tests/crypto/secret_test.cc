#include "crypto/secret.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace mamori::crypto {
namespace {

TEST(SecretBytesTest, SizedConstructorZeroFills) {
  SecretBytes s(8);
  ASSERT_EQ(s.size(), 8u);
  for (size_t i = 0; i < s.size(); ++i) EXPECT_EQ(s.data()[i], 0);
  EXPECT_TRUE(SecretBytes().empty());
  EXPECT_TRUE(SecretBytes(size_t{0}).empty());
}

TEST(SecretBytesTest, CopiesBytesAndClones) {
  SecretBytes s(std::string_view("key material"));
  EXPECT_EQ(s.view(), "key material");
  SecretBytes c = s.Clone();
  EXPECT_EQ(c.view(), "key material");
  EXPECT_NE(c.data(), s.data());
}

TEST(SecretBytesTest, MoveLeavesSourceEmpty) {
  SecretBytes a(std::string_view("abc"));
  SecretBytes b(std::move(a));
  EXPECT_EQ(b.view(), "abc");
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): moved-from state is specified
  EXPECT_EQ(a.data(), nullptr);

  SecretBytes c(std::string_view("old value"));
  c = std::move(b);
  EXPECT_EQ(c.view(), "abc");
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move)

  SecretBytes& alias = c;
  c = std::move(alias);
  EXPECT_EQ(c.view(), "abc");
}

TEST(SecretBytesTest, WipeStringClearsContents) {
  std::string s = "a passphrase that is long enough to live on the heap";
  const char* buffer = s.data();
  size_t capacity = s.capacity();
  WipeString(s);
  EXPECT_TRUE(s.empty());
  // The buffer is still owned by `s`, so reading it is defined.
  for (size_t i = 0; i < capacity; ++i) EXPECT_EQ(buffer[i], '\0') << i;
}

TEST(ConstantTimeEqualsTest, ComparesContentsAndLength) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
  EXPECT_TRUE(ConstantTimeEquals(std::string_view("a\0b", 3), std::string_view("a\0b", 3)));
  EXPECT_FALSE(ConstantTimeEquals(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}

}  // namespace
}  // namespace mamori::crypto
