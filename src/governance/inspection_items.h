// The self-inspection checklist items ([002 第35条]), kept as data in
// controls/inspection_items.tsv and compiled into the binary: each item is a
// question in Japanese for the holders of one role ("*": everyone), citing
// the row of the control catalogue (controls/<source>.tsv, clause) that it
// checks. A person's checklist is every item of "*" and of the roles they
// hold, in file order.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace mamori::governance {

struct InspectionItem {
  std::string item;  // "all-01"
  std::string role;  // a role, or "*"
  std::string source, clause, question;
};

// Parses the TSV (header item, role, source, clause, question). kInvalidArgument
// naming the line when a row is malformed or an item id repeats.
Result<std::vector<InspectionItem>> ParseInspectionItems(std::string_view tsv);
// The compiled-in items (parsed once; a malformed file fails the build's tests).
const std::vector<InspectionItem>& InspectionItems();
// The checklist of a holder of `roles`.
std::vector<InspectionItem> ChecklistFor(const std::vector<std::string>& roles);
const InspectionItem* FindInspectionItem(std::string_view item);

}  // namespace mamori::governance
