// Backend-independent parts of store/storage.h.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <random>

#include "store/storage.h"

namespace mamori::store {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

bool BytewiseLess(const std::string& a, const std::string& b) {
  int c = std::memcmp(a.data(), b.data(), std::min(a.size(), b.size()));
  return c != 0 ? c < 0 : a.size() < b.size();
}

TEST(PrefixEndTest, IncrementsTheLastByte) {
  EXPECT_EQ(PrefixEnd("a"), "b");
  EXPECT_EQ(PrefixEnd("abc"), "abd");
  EXPECT_EQ(PrefixEnd(Bytes({0x00})), Bytes({0x01}));
  EXPECT_EQ(PrefixEnd(Bytes({0x7f})), Bytes({0x80}));  // no signed-char wrap
  EXPECT_EQ(PrefixEnd(Bytes({'a', 0xfe})), Bytes({'a', 0xff}));
  EXPECT_EQ(PrefixEnd(Bytes({'a', 0x00})), Bytes({'a', 0x01}));
}

TEST(PrefixEndTest, CarriesOverTrailingFF) {
  EXPECT_EQ(PrefixEnd(Bytes({'a', 0xff})), "b");
  EXPECT_EQ(PrefixEnd(Bytes({'a', 'b', 0xff, 0xff})), "ac");
  EXPECT_EQ(PrefixEnd(Bytes({0x00, 0xff})), Bytes({0x01}));
  EXPECT_EQ(PrefixEnd(Bytes({0xfe, 0xff, 0xff})), Bytes({0xff}));
}

TEST(PrefixEndTest, AllFFOrEmptyMeansUnbounded) {
  EXPECT_EQ(PrefixEnd(""), "");
  EXPECT_EQ(PrefixEnd(Bytes({0xff})), "");
  EXPECT_EQ(PrefixEnd(Bytes({0xff, 0xff})), "");
  EXPECT_EQ(PrefixEnd(Bytes({0xff, 0xff, 0xff, 0xff})), "");
}

// The defining property, over random short keys from a small alphabet that
// includes the edge bytes: key has the prefix iff prefix <= key < end.
TEST(PrefixEndTest, BoundsExactlyTheKeysWithThePrefix) {
  const unsigned char alphabet[] = {0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff};
  std::mt19937 rng(1);
  auto random_bytes = [&](size_t max_len) {
    std::string s(rng() % (max_len + 1), '\0');
    for (char& c : s) c = static_cast<char>(alphabet[rng() % sizeof(alphabet)]);
    return s;
  };
  for (int i = 0; i < 20000; ++i) {
    std::string prefix = random_bytes(3);
    std::string key = random_bytes(5);
    std::string end = PrefixEnd(prefix);
    bool in_range = !BytewiseLess(key, prefix) && (end.empty() || BytewiseLess(key, end));
    EXPECT_EQ(in_range, key.starts_with(prefix)) << "prefix size " << prefix.size();
  }
}

}  // namespace
}  // namespace mamori::store
