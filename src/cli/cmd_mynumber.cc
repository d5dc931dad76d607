// mynumber commands: check digits of 個人番号 (and 法人番号), and synthetic
// numbers for test data.
#include <iostream>

#include "cli/common.h"
#include "crypto/random.h"
#include "jp/corporate_number.h"
#include "jp/my_number.h"

namespace mamori::cli {

void AddMyNumberCommands(CLI::App& app, int& exit_code) {
  auto* mn =
      app.add_subcommand("mynumber", "個人番号 (My Number) check digits and synthetic numbers");
  mn->require_subcommand(1);

  auto* check =
      mn->add_subcommand("check", "exit 0 when NUMBER is a valid My Number, 1 when not / 検査");
  auto number = std::make_shared<std::string>();
  auto corporate = std::make_shared<bool>(false);
  check->add_option("NUMBER", *number, "12 digits (13 with --corporate)")->required();
  check->add_flag("--corporate", *corporate, "check a 法人番号 (corporate number) instead");
  check->callback([number, corporate, &exit_code] {
    const Status s =
        *corporate ? jp::ValidateCorporateNumber(*number) : jp::ValidateMyNumber(*number);
    if (s.ok()) {
      std::cout << "valid / 正しい番号です\n";
      exit_code = 0;
    } else {
      std::cout << "invalid / 誤り: " << s.message() << " / " << s.message_ja() << "\n";
      exit_code = 1;
    }
  });

  auto* gen = mn->add_subcommand(
      "generate",
      "synthetic numbers with valid check digits, for test data only / テスト用番号を生成");
  auto count = std::make_shared<int>(1);
  auto corp = std::make_shared<bool>(false);
  gen->add_option("--count", *count, "how many (1-100000)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  gen->add_flag("--corporate", *corp, "generate 法人番号 instead");
  gen->callback([count, corp, &exit_code] {
    for (int i = 0; i < *count; ++i) {
      auto value = crypto::RandomBelow(*corp ? 1'000'000'000'000ULL : 100'000'000'000ULL);
      if (!value) {
        exit_code = ReportError(value.error());
        return;
      }
      std::cout << (*corp ? jp::SyntheticCorporateNumber(*value) : jp::SyntheticMyNumber(*value))
                << "\n";
    }
  });
}

}  // namespace mamori::cli
