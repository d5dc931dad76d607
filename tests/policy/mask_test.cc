// Masking: the masked forms per field type, and ApplyMask by role, purpose,
// unmask grants and stored rules.
#include "policy/policy_fixture.h"

namespace mamori::policy {
namespace {

using engine::FieldType;

TEST(MaskValueTest, PartialFormsShowOnlyWhatTheyDocument) {
  const std::string mn = engine::TestMyNumber(3);
  EXPECT_EQ(MaskValue(FieldType::kMyNumber, MaskStyle::kPartial, mn), "************");
  EXPECT_EQ(MaskValue(FieldType::kMyNumber, MaskStyle::kFull, mn), "************");
  EXPECT_EQ(MaskValue(FieldType::kCorporateNumber, MaskStyle::kPartial, "1234567890123"),
            "*************");
  EXPECT_EQ(MaskValue(FieldType::kName, MaskStyle::kPartial, "山田 太郎"), "山田 *");
  EXPECT_EQ(MaskValue(FieldType::kName, MaskStyle::kPartial, "山田太郎"), "山*");
  EXPECT_EQ(MaskValue(FieldType::kKana, MaskStyle::kPartial, "ヤマダ タロウ"), "ヤマダ *");
  EXPECT_EQ(MaskValue(FieldType::kAddress, MaskStyle::kPartial, "東京都練馬区豊玉北6-12-1"),
            "東京都練馬区***");
  EXPECT_EQ(MaskValue(FieldType::kAddress, MaskStyle::kPartial, "どこか遠くの知らない場所の一丁目"),
            "***");
  EXPECT_EQ(MaskValue(FieldType::kPostalCode, MaskStyle::kPartial, "176-8501"), "176-****");
  EXPECT_EQ(MaskValue(FieldType::kDate, MaskStyle::kPartial, "1980-04-01"), "1980-**-**");
  EXPECT_EQ(MaskValue(FieldType::kPhone, MaskStyle::kPartial, "03-1234-5678"), "**-****-5678");
  EXPECT_EQ(MaskValue(FieldType::kEmail, MaskStyle::kPartial, "taro@example.jp"),
            "t***@example.jp");
  EXPECT_EQ(MaskValue(FieldType::kAmount, MaskStyle::kPartial, 350000), "***");
  EXPECT_EQ(MaskValue(FieldType::kText, MaskStyle::kPartial, "備考"), "***");
  nlohmann::json bank = {{"bank_code", "0001"},
                         {"branch_code", "123"},
                         {"type", "ordinary"},
                         {"number", "1234567"},
                         {"holder", "ヤマダ タロウ"}};
  nlohmann::json masked = MaskValue(FieldType::kBankAccount, MaskStyle::kPartial, bank);
  EXPECT_EQ(masked["number"], "****567");
  EXPECT_EQ(masked["holder"], "ヤマダ *");
  EXPECT_EQ(masked["bank_code"], "0001");
  EXPECT_EQ(MaskValue(FieldType::kName, MaskStyle::kFull, "山田 太郎"), "***");
}

TEST(MaskValueTest, DefaultsProtectNumbers) {
  EXPECT_EQ(DefaultMaskRule(FieldType::kMyNumber).clear_to, ClearTo::kUnmaskHolders);
  EXPECT_EQ(DefaultMaskRule(FieldType::kCorporateNumber).clear_to, ClearTo::kUnmaskHolders);
  EXPECT_EQ(DefaultMaskRule(FieldType::kName).clear_to, ClearTo::kReaders);
  MaskRule only_payroll{ClearTo::kReaders, {"payroll"}, MaskStyle::kPartial};
  EXPECT_TRUE(ShowsClear(only_payroll, "payroll", false));
  EXPECT_FALSE(ShowsClear(only_payroll, "year_end", true));
  EXPECT_FALSE(ShowsClear({ClearTo::kNobody, {}, MaskStyle::kFull}, "payroll", true));
}

class MaskTest : public PolicyTest {
 protected:
  nlohmann::json Employee() {
    return {{"my_number", engine::TestMyNumber(7)},
            {"name", "山田 太郎"},
            {"name_kana", "ヤマダ タロウ"},
            {"birth_date", "1980-04-01"},
            {"_meta", {{"id", "r1"}, {"version", 1}}}};
  }
  nlohmann::json Payroll() {
    return {{"name", "山田 太郎"},
            {"address", "東京都練馬区豊玉北6-12-1"},
            {"bank",
             {{"bank_code", "0001"},
              {"branch_code", "123"},
              {"type", "ordinary"},
              {"number", "1234567"},
              {"holder", "ヤマダ タロウ"}}},
            {"employer_number", "1234567890123"},
            {"salary", 350000},
            {"phone", nullptr}};
  }
};

TEST_F(MaskTest, MyNumberOnlyUnderAPurposeWhoseGrantUnmasks) {
  GrantVia(HandlerRead("employee_my_number", "withholding", /*unmask=*/false));
  nlohmann::json seen = authz_->ApplyMask(yamada_, employees_, "withholding", Employee());
  EXPECT_EQ(seen["my_number"], "************");
  EXPECT_EQ(seen["name"], "山田 太郎");
  EXPECT_EQ(seen["birth_date"], "1980-04-01");
  EXPECT_EQ(seen["_meta"]["id"], "r1");

  // The section manager's role gets the unmask grant for the purpose.
  Right unmask = HandlerRead("employee_my_number", "withholding", true);
  unmask.role = "section_manager";
  unmask.persons = {"sato"};
  GrantVia(unmask);
  nlohmann::json clear = authz_->ApplyMask(sato_, employees_, "withholding", Employee());
  EXPECT_EQ(clear["my_number"], engine::TestMyNumber(7));
  // The handler still sees no digit.
  EXPECT_EQ(authz_->ApplyMask(yamada_, employees_, "withholding", Employee())["my_number"],
            "************");
}

TEST_F(MaskTest, UnmaskHoldsOnlyForTheGrantsPurpose) {
  GrantVia(HandlerRead("payroll", "payroll", /*unmask=*/true));
  GrantVia(HandlerRead("payroll", "year_end", /*unmask=*/false));
  EXPECT_EQ(authz_->ApplyMask(yamada_, payroll_, "payroll", Payroll())["employer_number"],
            "1234567890123");
  EXPECT_EQ(authz_->ApplyMask(yamada_, payroll_, "year_end", Payroll())["employer_number"],
            "*************");
}

TEST_F(MaskTest, NothingIsVisibleWithoutTheRead) {
  EXPECT_TRUE(authz_->ApplyMask(yamada_, payroll_, "payroll", Payroll()).empty());
  GrantVia(HandlerRead("payroll", "payroll"));
  EXPECT_TRUE(authz_->ApplyMask(yamada_, payroll_, "marketing", Payroll()).empty());
  EXPECT_TRUE(authz_->ApplyMask(kato_, payroll_, "payroll", Payroll(), Operation::kExport).empty());
  nlohmann::json with_unknown = Payroll();
  with_unknown["not_a_field"] = "secret";
  nlohmann::json seen = authz_->ApplyMask(kato_, payroll_, "payroll", with_unknown);
  EXPECT_FALSE(seen.contains("not_a_field"));
  EXPECT_TRUE(seen["phone"].is_null());
}

TEST_F(MaskTest, StoredRulesNarrowByPurposeAndHide) {
  GrantVia(HandlerRead("payroll", "payroll"));
  GrantVia(HandlerRead("payroll", "year_end"));
  // The bank account only for salary transfer; elsewhere partially masked.
  MaskScope bank;
  bank.dataset = "payroll";
  bank.field = "bank";
  auto r1 = admin_->RequestMaskRule(As(sato_), bank,
                                    MaskRule{ClearTo::kReaders, {"payroll"}, MaskStyle::kPartial},
                                    "振込以外は口座を隠す");
  ASSERT_TRUE(r1.has_value()) << r1.error().ToString();
  // Addresses hidden for everyone, in every dataset.
  MaskScope addresses;
  addresses.type = FieldType::kAddress;
  auto r2 = admin_->RequestMaskRule(
      As(sato_), addresses, MaskRule{ClearTo::kNobody, {}, MaskStyle::kHidden}, "住所は表示しない");
  ASSERT_TRUE(r2.has_value()) << r2.error().ToString();
  // Not yet configured: defaults hold.
  EXPECT_EQ(authz_->ApplyMask(yamada_, payroll_, "year_end", Payroll())["bank"]["number"],
            "1234567");
  ApproveAndConfigure(r1->id);
  ApproveAndConfigure(r2->id);

  nlohmann::json transfer = authz_->ApplyMask(yamada_, payroll_, "payroll", Payroll());
  EXPECT_EQ(transfer["bank"]["number"], "1234567");
  EXPECT_FALSE(transfer.contains("address"));
  nlohmann::json year_end = authz_->ApplyMask(yamada_, payroll_, "year_end", Payroll());
  EXPECT_EQ(year_end["bank"]["number"], "****567");
  EXPECT_EQ(year_end["name"], "山田 太郎");
  EXPECT_EQ(year_end["salary"], 350000);

  // Deleting the stored rule goes back to the default.
  auto r3 = admin_->RequestMaskRule(As(sato_), bank, std::nullopt, "元に戻す");
  ASSERT_TRUE(r3.has_value());
  ApproveAndConfigure(r3->id);
  EXPECT_EQ(authz_->ApplyMask(yamada_, payroll_, "year_end", Payroll())["bank"]["number"],
            "1234567");
}

}  // namespace
}  // namespace mamori::policy
