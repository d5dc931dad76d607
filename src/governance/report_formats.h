// The compliance report (compliance_report.h) in the forms an auditor
// takes away:
//   json  one object per clause (source, clause, requirement, control,
//         mode, status, reason, evidence, overdue), with the counts;
//   html  one self-contained file in Japanese (no scripts, no external
//         resources), summary counts first, that prints on A4 (@page A4,
//         print CSS repeating the table header on each page);
//   csv   UTF-8 with a byte-order mark and RFC 4180 quoting, CRLF, formula
//         cells neutralised (analysis/csv.h), so that Excel opens it;
//   xlsx  an Excel workbook written by libxlsxwriter: a summary sheet and
//         a sheet of every clause.
// Every cell is text from the catalogue or the evidence (identifiers,
// counts, dates); the HTML escapes all of it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "governance/compliance_report.h"

namespace mamori::governance {

enum class ReportFormat { kJson, kHtml, kCsv, kXlsx };
std::optional<ReportFormat> ParseReportFormat(std::string_view name);
std::string_view ReportContentType(ReportFormat f);
std::string_view ReportFileExtension(ReportFormat f);  // "json", "html", "csv", "xlsx"

// The evidence of one clause in one line of text per probe, for the cells of
// the HTML, CSV and XLSX forms.
std::string EvidenceText(const nlohmann::json& evidence);

std::string ReportHtml(const ComplianceReport& r);
std::string ReportCsv(const ComplianceReport& r);
// kIoError when the workbook cannot be written (a private temporary
// directory under $TMPDIR or /tmp holds it while libxlsxwriter writes).
Result<std::string> ReportXlsx(const ComplianceReport& r);

// The report in `f`; JSON pretty-printed.
Result<std::string> RenderReport(const ComplianceReport& r, ReportFormat f);

}  // namespace mamori::governance
