// CopyStore and DigestOf between two embedded stores (the postgres test
// copies into PostgreSQL).
#include "store/store_copy.h"

#include <gtest/gtest.h>

#include "store/sqlite/sqlite_storage.h"
#include "store/storage_suite.h"
#include "store/temp_dir.h"

namespace mamori::store::test {
namespace {

std::unique_ptr<Storage> OpenIn(const TempDir& dir, const std::string& name) {
  SqliteOptions options;
  options.path = dir.File(name);
  auto opened = OpenSqliteStorage(options);
  EXPECT_TRUE(opened) << opened.error().ToString();
  return opened ? std::move(*opened) : nullptr;
}

TEST(StoreCopyTest, CopiesEveryPairAndRefusesATargetThatIsNotEmpty) {
  TempDir dir;
  auto from = OpenIn(dir, "from.db");
  auto to = OpenIn(dir, "to.db");
  ASSERT_TRUE(from && to);
  // More than one copy batch, binary keys and an empty value.
  std::vector<std::string> keys;
  for (int i = 0; i < 2500; ++i) keys.push_back("k/" + std::to_string(i));
  ASSERT_TRUE(PutAll(*from, keys).ok());
  ASSERT_TRUE(PutOne(*from, Bytes({0x00, 0xff}), "").ok());
  auto copied = CopyStore(*from, *to);
  ASSERT_TRUE(copied) << copied.error().ToString();
  EXPECT_EQ(copied->rows, 2501u);
  auto source = DigestOf(*from);
  auto target = DigestOf(*to);
  ASSERT_TRUE(source && target);
  EXPECT_EQ(*source, *target);
  EXPECT_EQ(*copied, *source);
  EXPECT_EQ(GetOne(*to, Bytes({0x00, 0xff})), "");

  // A second copy would merge: refused, the target unchanged.
  auto again = CopyStore(*from, *to);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), Code::kFailedPrecondition);
  EXPECT_EQ(*DigestOf(*to), *target);
}

TEST(StoreCopyTest, DigestsDifferWhenOneValueDoes) {
  TempDir dir;
  auto a = OpenIn(dir, "a.db");
  auto b = OpenIn(dir, "b.db");
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(PutAll(*a, {"x", "y"}).ok());
  ASSERT_TRUE(PutAll(*b, {"x", "y"}).ok());
  EXPECT_EQ(*DigestOf(*a), *DigestOf(*b));
  ASSERT_TRUE(PutOne(*b, "y", "changed").ok());
  EXPECT_NE(DigestOf(*a)->sha256, DigestOf(*b)->sha256);
  // Moving a byte between key and value changes the digest too.
  auto c = OpenIn(dir, "c.db");
  auto d = OpenIn(dir, "d.db");
  ASSERT_TRUE(PutOne(*c, "ab", "c").ok());
  ASSERT_TRUE(PutOne(*d, "a", "bc").ok());
  EXPECT_NE(DigestOf(*c)->sha256, DigestOf(*d)->sha256);
}

}  // namespace
}  // namespace mamori::store::test
