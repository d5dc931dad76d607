// The compliance report as an Excel workbook (report_formats.h), through
// libxlsxwriter. The library writes to a file only, so the workbook is
// written into a private temporary directory (0700), read back and removed.
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <xlsxwriter.h>

#include "governance/report_formats.h"

namespace mamori::governance {
namespace {

Status XlsxFailed(std::string_view step) {
  return Status::IoError("the XLSX workbook could not be written (" + std::string(step) + ")",
                         "XLSX ファイルを作成できませんでした (" + std::string(step) + ")", "xlsx");
}

// Removes the temporary directory and what is in it, whatever happens.
struct TempDir {
  std::string path;
  ~TempDir() {
    if (path.empty()) return;
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

}  // namespace

Result<std::string> ReportXlsx(const ComplianceReport& r) {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/mamori-xlsx-XXXXXX";
  TempDir dir;
  if (!mkdtemp(pattern.data())) return Fail(XlsxFailed("mkdtemp"));
  dir.path = pattern;
  const std::string file = dir.path + "/report.xlsx";

  lxw_workbook* wb = workbook_new(file.c_str());
  if (!wb) return Fail(XlsxFailed("workbook_new"));
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_format* wrap = workbook_add_format(wb);
  format_set_text_wrap(wrap);
  format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);

  // Summary: counts per source and status.
  lxw_worksheet* summary = workbook_add_worksheet(wb, "集計 Summary");
  worksheet_write_string(summary, 0, 0, "準拠状況報告 Compliance report", bold);
  worksheet_write_string(summary, 1, 0, "作成日時 generated", nullptr);
  worksheet_write_string(summary, 1, 1, FormatUtc(r.generated_at).c_str(), nullptr);
  const ClauseStatus order[] = {ClauseStatus::kMet, ClauseStatus::kPartly, ClauseStatus::kNotMet,
                                ClauseStatus::kNotApplicable};
  worksheet_write_string(summary, 3, 0, "出典 source", bold);
  lxw_col_t col = 1;
  for (auto s : order) {
    const std::string head =
        std::string(ClauseStatusJa(s)) + " " + std::string(ClauseStatusName(s));
    worksheet_write_string(summary, 3, col++, head.c_str(), bold);
  }
  lxw_row_t row = 4;
  auto counts_row = [&](const std::string& label, const std::map<std::string, size_t>& counts) {
    worksheet_write_string(summary, row, 0, label.c_str(), nullptr);
    lxw_col_t c = 1;
    for (auto s : order) {
      auto it = counts.find(std::string(ClauseStatusName(s)));
      worksheet_write_number(summary, row, c++, it == counts.end() ? 0 : double(it->second),
                             nullptr);
    }
    ++row;
  };
  for (const auto& [source, counts] : r.by_source) counts_row(source, counts);
  counts_row("合計 all", r.counts);
  worksheet_set_column(summary, 0, 0, 22, nullptr);
  worksheet_set_column(summary, 1, 4, 16, nullptr);

  // Every clause, one row each.
  lxw_worksheet* sheet = workbook_add_worksheet(wb, "条項 Clauses");
  const char* heads[] = {"出典 source",    "条項 clause",   "要求事項 requirement",
                         "管理策 control", "方式 mode",     "状況 status",
                         "理由 reason",    "証跡 evidence", "期限超過 overdue"};
  for (lxw_col_t c = 0; c < 9; ++c) worksheet_write_string(sheet, 0, c, heads[c], bold);
  lxw_row_t at = 1;
  for (const auto& c : r.clauses) {
    std::string overdue;
    for (const auto& o : c.overdue) overdue += (overdue.empty() ? "" : "\n") + o;
    const std::string reason = c.reason.empty() ? "" : c.reason_ja + " / " + c.reason;
    const std::string cells[] = {
        c.source,
        c.clause,
        c.requirement,
        c.control,
        std::string(ModeName(c.mode)),
        std::string(ClauseStatusJa(c.status)) + " " + std::string(ClauseStatusName(c.status)),
        reason,
        EvidenceText(c.evidence),
        overdue};
    for (lxw_col_t k = 0; k < 9; ++k) worksheet_write_string(sheet, at, k, cells[k].c_str(), wrap);
    ++at;
  }
  worksheet_set_column(sheet, 0, 1, 12, nullptr);
  worksheet_set_column(sheet, 2, 3, 40, nullptr);
  worksheet_set_column(sheet, 4, 5, 12, nullptr);
  worksheet_set_column(sheet, 6, 8, 40, nullptr);
  worksheet_freeze_panes(sheet, 1, 0);
  worksheet_autofilter(sheet, 0, 0, at > 1 ? at - 1 : 0, 8);
  worksheet_set_paper(sheet, 9);  // A4
  worksheet_set_landscape(sheet);
  worksheet_repeat_rows(sheet, 0, 0);

  if (workbook_close(wb) != LXW_NO_ERROR) return Fail(XlsxFailed("workbook_close"));
  std::ifstream in(file, std::ios::binary);
  if (!in) return Fail(XlsxFailed("read"));
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace mamori::governance
