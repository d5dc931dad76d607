// ParsedCache answers only for the exact bytes a value was parsed from.
#include "identity/parsed_cache.h"

#include <gtest/gtest.h>

namespace mamori::identity::internal {
namespace {

TEST(ParsedCacheTest, AnswersOnlyForTheBytesTheValueWasParsedFrom) {
  ParsedCache<int> cache(8);
  EXPECT_FALSE(cache.Find("u/endo", "{\"v\":1}").has_value());
  cache.Remember("u/endo", "{\"v\":1}", 1);
  EXPECT_EQ(cache.Find("u/endo", "{\"v\":1}"), 1);
  // The record changed in the store: the old parse is never returned.
  EXPECT_FALSE(cache.Find("u/endo", "{\"v\":2}").has_value());
  EXPECT_FALSE(cache.Find("u/other", "{\"v\":1}").has_value());
  cache.Remember("u/endo", "{\"v\":2}", 2);
  EXPECT_EQ(cache.Find("u/endo", "{\"v\":2}"), 2);
  EXPECT_FALSE(cache.Find("u/endo", "{\"v\":1}").has_value());
}

TEST(ParsedCacheTest, StaysWithinItsBound) {
  ParsedCache<int> cache(4);
  for (int i = 0; i < 4; ++i) cache.Remember('k' + std::to_string(i), "b", i);
  EXPECT_EQ(cache.Find("k0", "b"), 0);
  cache.Remember("k4", "b", 4);  // past the bound: starts over
  EXPECT_FALSE(cache.Find("k0", "b").has_value());
  EXPECT_EQ(cache.Find("k4", "b"), 4);
  cache.Remember("k4", "c", 5);  // replacing a key never clears
  EXPECT_EQ(cache.Find("k4", "c"), 5);
}

}  // namespace
}  // namespace mamori::identity::internal
