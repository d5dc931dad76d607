// Every password rule refuses what it should and accepts what it should.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "identity/password_rules.h"
#include "identity/word_list.h"
#include "testing/temp_dir.h"

namespace mamori::identity {
namespace {

class PasswordRulesTest : public ::testing::Test {
 protected:
  PasswordSubject Subject() {
    PasswordSubject s;
    s.user_id = "tanaka.h01";
    s.display_name = "Hiroshi Tanaka";
    s.birth_date = CivilDate{1985, 7, 23};
    s.phone = "090-1234-5678";
    return s;
  }
  std::vector<std::string> Codes(std::string_view password) {
    std::vector<std::string> out;
    for (const auto& v : PasswordViolations(password, Subject(), policy_, WordList::Embedded())) {
      // Messages name the rule, never the password.
      EXPECT_EQ(v.message().find(password), std::string::npos);
      EXPECT_EQ(v.message_ja().find(password), std::string::npos);
      EXPECT_EQ(v.code(), Code::kInvalidArgument);
      out.push_back(v.subject());
    }
    return out;
  }
  bool Has(std::string_view password, const std::string& code) {
    const auto codes = Codes(password);
    return std::find(codes.begin(), codes.end(), code) != codes.end();
  }
  IdentityPolicy policy_;
};

TEST_F(PasswordRulesTest, AcceptsAStrongUnrelatedPassword) {
  EXPECT_TRUE(Codes("Vq7#kP2m!xLr9z").empty());
  EXPECT_TRUE(Codes("correct-Horse-battery-9").empty());  // a passphrase of several words
  EXPECT_TRUE(CheckPasswordRules("Vq7#kP2m!xLr9z", Subject(), policy_, WordList::Embedded()).ok());
}

TEST_F(PasswordRulesTest, LengthCountsCharactersAndFollowsThePolicy) {
  EXPECT_EQ(Codes("Vq7#kP2m!xL"), std::vector<std::string>{"password.too_short"});
  EXPECT_TRUE(Codes("Vq7#kP2m!xLr").empty());  // exactly 12
  // Japanese characters count once each, not per UTF-8 byte.
  EXPECT_TRUE(Has("秘密の合言葉Q7!", "password.too_short"));
  policy_.min_length = 16;
  EXPECT_TRUE(Has("Vq7#kP2m!xLr9z", "password.too_short"));
  EXPECT_TRUE(Has(std::string(2000, 'a'), "password.too_long"));
}

TEST_F(PasswordRulesTest, CharacterClasses) {
  EXPECT_TRUE(Has("qvxkpmzrwtbnly", "password.too_few_classes"));  // letters only
  EXPECT_TRUE(Has("839201748362", "password.too_few_classes"));    // digits only
  EXPECT_TRUE(Has("qvxkpmzr82wtbn", "password.too_few_classes"));  // two classes
  EXPECT_TRUE(Codes("qvxkpmzr82wTbn").empty());                    // three of four
  policy_.min_classes = 4;
  EXPECT_TRUE(Has("qvxkpmzr82wTbn", "password.too_few_classes"));
  EXPECT_TRUE(Codes("qvxkpm#r82wTbn").empty());
  EXPECT_TRUE(Has("Vq7\x01kP2m!xLr9z", "password.invalid_characters"));
}

TEST_F(PasswordRulesTest, IdRules) {
  policy_.min_classes = 1;
  EXPECT_TRUE(Has("TANAKA.H01", "password.equals_id"));
  EXPECT_TRUE(Has("Xq!Tanaka.H01#9", "password.contains_id"));
  EXPECT_TRUE(Has("Xq!10h.akanat#9", "password.contains_id"));  // reversed
  EXPECT_TRUE(Has("Q9!zTanakaw#Zp2", "password.contains_id"));  // the id's name part
}

TEST_F(PasswordRulesTest, NameRules) {
  EXPECT_TRUE(Has("Q9!hiroshi#Zp2w", "password.contains_name"));
  PasswordSubject s = Subject();
  s.display_name = "山田　太郎";  // ideographic space
  auto v = PasswordViolations("Zx9!山田#Qw2kmv", s, policy_, WordList::Embedded());
  ASSERT_FALSE(v.empty());
  EXPECT_EQ(v.front().subject(), "password.contains_name");
  // A reading given by the caller is checked too; none is derived.
  EXPECT_TRUE(PasswordViolations("Zx9!Yamada#Qw2k", s, policy_, WordList::Embedded()).empty());
  s.extra_names = {"Yamada Taro"};
  EXPECT_EQ(
      PasswordViolations("Zx9!Yamada#Qw2k", s, policy_, WordList::Embedded()).front().subject(),
      "password.contains_name");
}

TEST_F(PasswordRulesTest, BirthDateInEveryForm) {
  EXPECT_TRUE(Has("Zx9!19850723#Qw", "password.contains_birth_date"));
  EXPECT_TRUE(Has("Zx!850723#Qwmk", "password.contains_birth_date"));
  EXPECT_TRUE(Has("Zx!0723#Qwmkvb", "password.contains_birth_date"));
  EXPECT_TRUE(Has("Zx!1985-07-23#Q", "password.contains_birth_date"));
  EXPECT_TRUE(Has("Zx!1985/07/23#Q", "password.contains_birth_date"));
  EXPECT_FALSE(Has("Zx!1985#Qwmkvbt", "password.contains_birth_date"));  // the year alone is fine
}

TEST_F(PasswordRulesTest, PhoneDigits) {
  EXPECT_TRUE(Has("Zx!5678#Qwmkvb", "password.contains_phone"));  // last four
  EXPECT_TRUE(Has("Zx!1234#Qwmkvb", "password.contains_phone"));  // a group
  EXPECT_TRUE(Has("Zx!09012345678#Q", "password.contains_phone"));
  EXPECT_FALSE(Has("Zx!5679#Qwmkvb", "password.contains_phone"));
}

TEST_F(PasswordRulesTest, CommonWordsWithDigitsSymbolsAndSubstitutions) {
  EXPECT_TRUE(Has("Password123!", "password.common_word"));
  EXPECT_TRUE(Has("Sunshine2024!", "password.common_word"));
  EXPECT_TRUE(Has("Welcome@2026#", "password.common_word"));
  EXPECT_TRUE(Has("Qwerty!12345", "password.common_word"));
  EXPECT_TRUE(Has("!!Letmein2026", "password.common_word"));
  EXPECT_TRUE(Codes("Dragon#1Monkey").empty());               // two words are not one common word
  EXPECT_TRUE(Has("P@ssw0rd2024!", "password.common_word"));  // substitutions undone
  EXPECT_TRUE(Has("2024!P@ssw0rd", "password.common_word"));
  EXPECT_TRUE(Has("Basketball1Xy", "password.common_word_suffix"));  // word + a short tail
  EXPECT_FALSE(Has("Basketball1Xyzw9", "password.common_word_suffix"));
}

TEST_F(PasswordRulesTest, FirstViolationIsReturned) {
  const Status s = CheckPasswordRules("Ab1!", Subject(), policy_, WordList::Embedded());
  EXPECT_EQ(s.subject(), "password.too_short");
  EXPECT_FALSE(s.message_ja().empty());
}

TEST(WordListTest, EmbeddedListHoldsDictionaryAndPasswordWords) {
  const WordList& w = WordList::Embedded();
  EXPECT_GT(w.size(), 50000u);
  for (const char* word :
       {"password", "welcome", "qwerty", "letmein", "dragon", "monkey", "sunshine", "basketball"}) {
    EXPECT_TRUE(w.Contains(word)) << word;
  }
  EXPECT_FALSE(w.Contains("cat"));  // shorter than 4 letters: ignored
}

TEST(WordListTest, FromTextAndFile) {
  WordList w = WordList::FromText("# comment\nZebrafish\r\n  okapi \nab\n");
  EXPECT_EQ(w.size(), 2u);
  EXPECT_TRUE(w.Contains("zebrafish"));
  EXPECT_TRUE(w.Contains("okapi"));

  testing::TempDir dir;
  EXPECT_EQ(WordList::LoadFile(dir / "missing.txt").error().code(), Code::kNotFound);
  { std::ofstream(dir / "empty.txt") << "# nothing\n"; }
  EXPECT_EQ(WordList::LoadFile(dir / "empty.txt").error().code(), Code::kInvalidArgument);
  { std::ofstream(dir / "words.txt") << "zebrafish\n"; }
  auto loaded = WordList::LoadFile(dir / "words.txt");
  ASSERT_TRUE(loaded.has_value());
  EXPECT_TRUE(loaded->Contains("zebrafish"));
}

}  // namespace
}  // namespace mamori::identity
