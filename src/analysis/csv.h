// Findings and reconciliation lists as CSV that opens correctly in Excel, for
// the people who check them ([003 II.5(7)]; docs/REQUIREMENTS.md §6): UTF-8
// with a byte-order mark (without it Excel reads Japanese as Shift_JIS), CRLF
// line ends, every field quoted when it holds a comma, a quote, a line break or
// leading/trailing space, quotes doubled (RFC 4180). A cell that Excel would
// take for a formula (starting with =, +, -, @, a tab or CR) is prefixed with
// an apostrophe — the OWASP defence against CSV injection, since comments and
// reasons are free text. Times are JST ("2025-01-13 23:40:00"), the form Excel
// reads as a date.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analysis/finding.h"
#include "analysis/lists.h"

namespace mamori::analysis {

inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// One CSV field, quoted as above.
std::string CsvField(std::string_view text);
// A row of fields joined by commas, ending in CRLF.
std::string CsvRow(const std::vector<std::string>& fields);

// A header row, then one row per finding.
std::string FindingsCsv(const std::vector<Finding>& findings);
// A header row, then one row per list and user (a list without access has
// one row saying so).
std::string ListsCsv(const std::vector<ReconciliationList>& lists);

}  // namespace mamori::analysis
