#include "governance/inspection_items.h"

#include <algorithm>
#include <regex>
#include <set>

namespace mamori::governance {
namespace internal {
extern const char kEmbeddedInspectionItems[];
}  // namespace internal

namespace {

std::vector<std::string> Split(std::string_view line, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= line.size(); ++i) {
    if (i == line.size() || line[i] == sep) {
      out.emplace_back(line.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

}  // namespace

Result<std::vector<InspectionItem>> ParseInspectionItems(std::string_view tsv) {
  static const std::regex kId(R"(^[a-z0-9_-]{1,32}$)");
  static const std::regex kSource(R"(^00[0-4]$)");
  std::vector<InspectionItem> out;
  std::set<std::string> seen;
  size_t n = 0;
  for (const std::string& raw : Split(tsv, '\n')) {
    ++n;
    std::string line = raw;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || n == 1) continue;  // the header
    auto cells = Split(line, '\t');
    const std::string where = "inspection_items.tsv line " + std::to_string(n);
    if (cells.size() != 5 || !std::regex_match(cells[0], kId) || cells[1].empty() ||
        !std::regex_match(cells[2], kSource) || cells[3].empty() || cells[4].empty() ||
        !seen.insert(cells[0]).second) {
      return Fail(Status::InvalidArgument(
          where + " is malformed", "点検項目の " + std::to_string(n) + " 行目が不正です", where));
    }
    out.push_back({cells[0], cells[1], cells[2], cells[3], cells[4]});
  }
  return out;
}

const std::vector<InspectionItem>& InspectionItems() {
  static const std::vector<InspectionItem> kItems = [] {
    auto parsed = ParseInspectionItems(internal::kEmbeddedInspectionItems);
    return parsed ? *parsed : std::vector<InspectionItem>{};
  }();
  return kItems;
}

std::vector<InspectionItem> ChecklistFor(const std::vector<std::string>& roles) {
  std::vector<InspectionItem> out;
  for (const auto& item : InspectionItems()) {
    if (item.role == "*" || std::find(roles.begin(), roles.end(), item.role) != roles.end()) {
      out.push_back(item);
    }
  }
  return out;
}

const InspectionItem* FindInspectionItem(std::string_view item) {
  for (const auto& i : InspectionItems()) {
    if (i.item == item) return &i;
  }
  return nullptr;
}

}  // namespace mamori::governance
