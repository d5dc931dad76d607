#include "crypto/random.h"

#include <gtest/gtest.h>

#include <set>
#include <vector>

namespace mamori::crypto {
namespace {

TEST(RandomTest, BytesHaveRequestedSizeAndDiffer) {
  auto a = RandomBytes(32);
  auto b = RandomBytes(32);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->size(), 32u);
  EXPECT_NE(*a, *b);
  auto empty = RandomBytes(0);
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

TEST(RandomTest, SecretHasRequestedSizeAndIsNotZero) {
  auto s = RandomSecret(32);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->size(), 32u);
  EXPECT_NE(s->view(), std::string(32, '\0'));
}

TEST(RandomTest, BelowRejectsZeroBound) {
  auto r = RandomBelow(0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Code::kInvalidArgument);
}

TEST(RandomTest, BelowOneIsAlwaysZero) {
  for (int i = 0; i < 100; ++i) EXPECT_EQ(*RandomBelow(1), 0u);
}

TEST(RandomTest, BelowStaysInRangeAndCoversIt) {
  constexpr uint64_t kBound = 10;
  constexpr int kDraws = 10000;
  std::vector<int> counts(kBound, 0);
  for (int i = 0; i < kDraws; ++i) {
    auto r = RandomBelow(kBound);
    ASSERT_TRUE(r);
    ASSERT_LT(*r, kBound);
    ++counts[*r];
  }
  // Each bucket expects 1000 (sd ~30); 800..1200 fails only on a real bias.
  for (uint64_t v = 0; v < kBound; ++v) {
    EXPECT_GT(counts[v], 800) << v;
    EXPECT_LT(counts[v], 1200) << v;
  }
}

TEST(RandomTest, BelowHandlesLargeBounds) {
  // Just above 2^63: almost half of all 64-bit values are rejected.
  constexpr uint64_t kBound = (uint64_t{1} << 63) + 1;
  std::set<uint64_t> seen;
  for (int i = 0; i < 100; ++i) {
    auto r = RandomBelow(kBound);
    ASSERT_TRUE(r);
    ASSERT_LT(*r, kBound);
    seen.insert(*r);
  }
  EXPECT_GT(seen.size(), 90u);
  auto max = RandomBelow(UINT64_MAX);
  ASSERT_TRUE(max);
  EXPECT_LT(*max, UINT64_MAX);
}

}  // namespace
}  // namespace mamori::crypto
