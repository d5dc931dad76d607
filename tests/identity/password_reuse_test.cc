// Reuse and near-copies: hashed history checked through the new password's
// variants, and the plain comparison with the current password.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "crypto/kdf.h"
#include "identity/password_reuse.h"

namespace mamori::identity {
namespace {

constexpr crypto::Argon2Params kFast{.time_cost = 1, .memory_kib = 64, .parallelism = 1};

std::string Hash(std::string_view p) { return *crypto::Argon2idHashPassword(p, kFast); }

bool Contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(PasswordReuseTest, CandidatesCoverTheUsualEdits) {
  const auto c = ReuseCandidates("Spring2025!");
  EXPECT_EQ(c.front(), "Spring2025!");
  EXPECT_TRUE(Contains(c, "Spring"));       // trailing digits and symbols stripped
  EXPECT_TRUE(Contains(c, "Spring2025"));   // last character dropped
  EXPECT_TRUE(Contains(c, "Spring202"));    // last two dropped
  EXPECT_TRUE(Contains(c, "Spring2026!"));  // counted up
  EXPECT_TRUE(Contains(c, "Spring2024!"));  // counted down
  EXPECT_TRUE(Contains(ReuseCandidates("Autumn-09"), "Autumn-08"));  // width kept
  EXPECT_FALSE(Contains(ReuseCandidates("Autumn-00"), "Autumn--1"));
  EXPECT_EQ(c.size(), std::set<std::string>(c.begin(), c.end()).size());
}

TEST(PasswordReuseTest, Levenshtein) {
  EXPECT_EQ(Levenshtein("", ""), 0u);
  EXPECT_EQ(Levenshtein("kitten", "sitting"), 3u);
  EXPECT_EQ(Levenshtein("abc", "abc"), 0u);
  EXPECT_EQ(Levenshtein("abc", ""), 3u);
}

TEST(PasswordReuseTest, NearCopyOfThePlainCurrentPassword) {
  EXPECT_TRUE(IsNearCopy("Vq7#kP2m!xLr9y", "Vq7#kP2m!xLr9z"));    // one substitution
  EXPECT_TRUE(IsNearCopy("Vq7#kP2m!xLr9zAB", "Vq7#kP2m!xLr9z"));  // two appended
  EXPECT_TRUE(IsNearCopy("VQ7#KP2M!XLR9Z", "Vq7#kP2m!xLr9z"));    // case only
  EXPECT_TRUE(IsNearCopy("BlueOcean#2031!!", "BlueOcean#1"));     // same stem
  EXPECT_FALSE(IsNearCopy("Hb4$wN8j@tQe6y", "Vq7#kP2m!xLr9z"));
  EXPECT_FALSE(IsNearCopy("anything", ""));
}

TEST(PasswordReuseTest, HistoryRefusesReuseAndNearCopies) {
  const std::vector<std::string> history = {Hash("Spring2025!"), Hash("Vq7#kP2m!xLr9z"),
                                            Hash("OldOne#123")};
  EXPECT_EQ(CheckPasswordHistory("Spring2025!", history, 5).subject(), "password.reused");
  EXPECT_EQ(CheckPasswordHistory("Vq7#kP2m!xLr9z", history, 5).subject(), "password.reused");
  EXPECT_EQ(CheckPasswordHistory("Spring2026!", history, 5).subject(), "password.near_copy");
  EXPECT_EQ(CheckPasswordHistory("Spring2025!x", history, 5).subject(), "password.near_copy");
  EXPECT_EQ(CheckPasswordHistory("OldOne#123!!", history, 5).subject(), "password.near_copy");
  EXPECT_TRUE(CheckPasswordHistory("Hb4$wN8j@tQe6y", history, 5).ok());
  // Only the newest `depth` entries count.
  EXPECT_TRUE(CheckPasswordHistory("OldOne#123", history, 2).ok());
  EXPECT_EQ(CheckPasswordHistory("OldOne#123", history, 3).subject(), "password.reused");
  // A damaged entry is data loss, not "no match".
  EXPECT_EQ(CheckPasswordHistory("x", std::vector<std::string>{"not-a-hash"}, 5).code(),
            Code::kDataLoss);
}

TEST(PasswordReuseTest, CombinedCheck) {
  const std::vector<std::string> history = {Hash("Vq7#kP2m!xLr9z")};
  EXPECT_EQ(CheckPasswordReuse("Vq7#kP2m!xLr9z", "Vq7#kP2m!xLr9z", history, 5).subject(),
            "password.reused");
  EXPECT_EQ(CheckPasswordReuse("Vq7#kP2m!xLr8y", "Vq7#kP2m!xLr9z", history, 5).subject(),
            "password.near_copy");
  // Without the plain current password only the variants catch copies.
  EXPECT_TRUE(CheckPasswordReuse("Vq7#kP2m!xLr8y", "", history, 5).ok());
  EXPECT_TRUE(CheckPasswordReuse("Hb4$wN8j@tQe6y", "Vq7#kP2m!xLr9z", history, 5).ok());
}

}  // namespace
}  // namespace mamori::identity
