// CSV for Excel: BOM, CRLF, RFC 4180 quoting, and no cell Excel would run
// as a formula.
#include <gtest/gtest.h>

#include "analysis/csv.h"

namespace mamori::analysis {
namespace {

TEST(CsvTest, QuotesWhatNeedsItAndDefusesFormulas) {
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvField(" padded"), "\" padded\"");
  EXPECT_EQ(CsvField("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
  EXPECT_EQ(CsvField("+1"), "'+1");
  EXPECT_EQ(CsvField("-1"), "'-1");
  EXPECT_EQ(CsvField("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(CsvField("業務上の参照"), "業務上の参照");
  EXPECT_EQ(CsvRow({"a", "b,c"}), "a,\"b,c\"\r\n");
}

TEST(CsvTest, FindingsAndListsStartWithABomAndEndLinesWithCrlf) {
  Finding f;
  f.id = "F00000001";
  f.rule = Rule::kOffHours;
  f.severity = Severity::kMedium;
  f.actor = "hana";
  f.from = f.to = JstMidnight({2025, 1, 13}) + (23 * 60 + 40) * 60'000'000LL;
  f.count = 2;
  f.evidence = {7, 9};
  f.due = {2025, 1, 17};
  const std::string csv = FindingsCsv({f});
  EXPECT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(csv.find("F00000001,off_hours,業務時間外・休業日のアクセス,medium,hana,"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find(",2025-01-13 23:40:00,2025-01-13 23:40:00,2,7 9,true,"), std::string::npos)
      << csv;
  for (size_t at = csv.find('\n'); at != std::string::npos; at = csv.find('\n', at + 1)) {
    EXPECT_EQ(csv[at - 1], '\r');
  }
  ReconciliationList quiet;
  quiet.id = "L00000001";
  quiet.dataset = "payroll";
  quiet.date = quiet.period_from = quiet.due = {2025, 1, 14};
  const std::string lists = ListsCsv({quiet});
  EXPECT_NE(lists.find("L00000001,2025-01-14,2025-01-14,payroll,,,0,"), std::string::npos) << lists;
  EXPECT_NE(lists.find("アクセスなし (no access)"), std::string::npos);
}

}  // namespace
}  // namespace mamori::analysis
