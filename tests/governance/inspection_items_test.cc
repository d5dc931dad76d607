// The self-inspection items (controls/inspection_items.tsv, compiled in):
// every row parses, and every clause an item cites is a row of the control
// catalogue (controls/<source>.tsv), so a checklist never asks about a
// clause the catalogue does not know.
#include "governance/inspection_items.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

namespace mamori::governance {
namespace {

std::set<std::string> CatalogueClauses(const std::string& source) {
  std::ifstream in(std::string(MAMORI_SOURCE_DIR) + "/controls/" + source + ".tsv");
  EXPECT_TRUE(in.good()) << source;
  std::set<std::string> out;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) out.insert(line.substr(0, line.find('\t')));
  return out;
}

TEST(InspectionItemsTest, EveryClauseAnItemCitesIsARowOfTheCatalogue) {
  std::ifstream in(std::string(MAMORI_SOURCE_DIR) + "/controls/inspection_items.tsv");
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = ParseInspectionItems(text.str());
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  ASSERT_EQ(parsed->size(), InspectionItems().size());  // the compiled-in copy is current
  ASSERT_GE(parsed->size(), 10u);
  for (const auto& item : *parsed) {
    EXPECT_TRUE(CatalogueClauses(item.source).contains(item.clause))
        << item.item << " cites " << item.source << " " << item.clause;
  }
}

TEST(InspectionItemsTest, MalformedRowsAndRepeatedIdsAreRefused) {
  const std::string header = "item\trole\tsource\tclause\tquestion\n";
  EXPECT_TRUE(ParseInspectionItems(header + "a-1\t*\t002\t第4条\t遵守していますか。\n"));
  EXPECT_FALSE(ParseInspectionItems(header + "a-1\t*\t002\t第4条\n"));
  EXPECT_FALSE(ParseInspectionItems(header + "a-1\t*\t009\t第4条\tq\n"));
  EXPECT_FALSE(ParseInspectionItems(header + "A 1\t*\t002\t第4条\tq\n"));
  EXPECT_FALSE(
      ParseInspectionItems(header + "a-1\t*\t002\t第4条\tq\na-1\thandler\t002\t第45条\tq\n"));
}

TEST(InspectionItemsTest, AChecklistIsEveryonesItemsAndThoseOfTheRolesHeld) {
  const auto handler = ChecklistFor({"handler"});
  const auto nobody = ChecklistFor({});
  EXPECT_GT(handler.size(), nobody.size());
  for (const auto& i : nobody) EXPECT_EQ(i.role, "*");
  for (const auto& i : handler) EXPECT_TRUE(i.role == "*" || i.role == "handler");
  EXPECT_NE(FindInspectionItem("all-01"), nullptr);
  EXPECT_EQ(FindInspectionItem("nothing"), nullptr);
}

}  // namespace
}  // namespace mamori::governance
