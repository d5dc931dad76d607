#include "governance/report_formats.h"

#include "analysis/csv.h"
#include "governance/html.h"

namespace mamori::governance {
namespace {

using json = nlohmann::json;

std::string Scalar(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "-";
  return v.dump();
}

// "key=value" pairs of an object, nested objects as key.sub=value; arrays of
// scalars joined by commas.
void Flatten(const json& j, const std::string& prefix, std::string& out) {
  for (const auto& [k, v] : j.items()) {
    const std::string name = prefix.empty() ? k : prefix + "." + k;
    if (v.is_object()) {
      Flatten(v, name, out);
      continue;
    }
    std::string value;
    if (v.is_array()) {
      for (const auto& x : v) value += (value.empty() ? "" : ",") + Scalar(x);
    } else {
      value = Scalar(v);
    }
    out += (out.empty() ? "" : " ") + name + "=" + value;
  }
}

std::string Joined(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : std::string(sep)) + i;
  return out;
}

std::string Reason(const ClauseReport& c) {
  if (c.reason.empty()) return "";
  return c.reason_ja + " / " + c.reason;
}

constexpr std::string_view kStyle = R"css(
@page { size: A4; margin: 12mm 10mm; }
body { font-family: "Noto Sans CJK JP", "Hiragino Kaku Gothic ProN", "Yu Gothic", Meiryo, sans-serif;
       font-size: 9pt; color: #000; margin: 0; }
h1 { font-size: 14pt; margin: 0 0 4pt; }
h2 { font-size: 11pt; margin: 10pt 0 4pt; page-break-after: avoid; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.5pt solid #666; padding: 2pt 3pt; vertical-align: top; text-align: left;
         word-break: break-word; }
th { background: #eee; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
td.met { background: #e6f4e6; } td.partly { background: #fff4d6; }
td.not_met { background: #fbe3e3; } td.not_applicable { background: #f2f2f2; }
.meta { margin: 0 0 6pt; }
.small { font-size: 7.5pt; color: #333; }
@media print { body { font-size: 8pt; } .small { font-size: 7pt; } }
)css";

}  // namespace

std::optional<ReportFormat> ParseReportFormat(std::string_view name) {
  if (name.empty() || name == "json") return ReportFormat::kJson;
  if (name == "html") return ReportFormat::kHtml;
  if (name == "csv") return ReportFormat::kCsv;
  if (name == "xlsx") return ReportFormat::kXlsx;
  return std::nullopt;
}

std::string_view ReportContentType(ReportFormat f) {
  switch (f) {
    case ReportFormat::kJson:
      return "application/json";
    case ReportFormat::kHtml:
      return "text/html; charset=utf-8";
    case ReportFormat::kCsv:
      return "text/csv; charset=utf-8";
    case ReportFormat::kXlsx:
      return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  }
  return "application/json";
}

std::string_view ReportFileExtension(ReportFormat f) {
  switch (f) {
    case ReportFormat::kJson:
      return "json";
    case ReportFormat::kHtml:
      return "html";
    case ReportFormat::kCsv:
      return "csv";
    case ReportFormat::kXlsx:
      return "xlsx";
  }
  return "json";
}

std::string EvidenceText(const json& evidence) {
  if (!evidence.is_object()) return Scalar(evidence);
  std::string out;
  if (evidence.contains("probes")) {
    for (const auto& p : evidence["probes"]) {
      json rest = p;
      rest.erase("reason_ja");
      const std::string name = rest.value("probe", "probe");
      rest.erase("probe");
      std::string line;
      Flatten(rest, "", line);
      out += (out.empty() ? "" : "\n") + name + ": " + line;
    }
    return out;
  }
  json rest = evidence;
  rest.erase("code");
  rest.erase("note");
  Flatten(rest, "", out);
  return out;
}

std::string ReportHtml(const ComplianceReport& r) {
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<title>準拠状況報告 (Compliance report)</title>\n<style>";
  h += kStyle;
  h += "</style>\n</head>\n<body>\n";
  h += "<h1>準拠状況報告 <span class=\"small\">Compliance report</span></h1>\n";
  h += "<p class=\"meta\">作成日時 (generated): " + HtmlEscaped(FormatUtc(r.generated_at)) +
       " ・ 対象 (sources): " + HtmlEscaped(r.source.empty() ? "000–004" : r.source) + "</p>\n";
  // Summary first: totals, then per source.
  h += "<h2>集計 (Summary)</h2>\n<table>\n<thead><tr><th>出典 (source)</th>";
  const ClauseStatus order[] = {ClauseStatus::kMet, ClauseStatus::kPartly, ClauseStatus::kNotMet,
                                ClauseStatus::kNotApplicable};
  for (auto s : order) {
    h += "<th>" + std::string(ClauseStatusJa(s)) + " (" + std::string(ClauseStatusName(s)) +
         ")</th>";
  }
  h += "<th>計 (total)</th></tr></thead>\n<tbody>\n";
  auto count_row = [&](const std::string& label, const std::map<std::string, size_t>& counts) {
    size_t total = 0;
    h += "<tr><td>" + HtmlEscaped(label) + "</td>";
    for (auto s : order) {
      auto it = counts.find(std::string(ClauseStatusName(s)));
      const size_t n = it == counts.end() ? 0 : it->second;
      total += n;
      h += "<td>" + std::to_string(n) + "</td>";
    }
    h += "<td>" + std::to_string(total) + "</td></tr>\n";
  };
  for (const auto& [source, counts] : r.by_source) count_row(source, counts);
  count_row("合計 (all)", r.counts);
  h += "</tbody>\n</table>\n";
  h += "<h2>条項ごとの状況 (Clauses)</h2>\n<table>\n<thead><tr>"
       "<th>出典</th><th>条項</th><th>要求事項</th><th>管理策 (control)</th>"
       "<th>方式 (mode)</th><th>状況</th><th>理由</th><th>証跡 (evidence)</th>"
       "<th>期限超過 (overdue)</th></tr></thead>\n<tbody>\n";
  for (const auto& c : r.clauses) {
    const std::string status(ClauseStatusName(c.status));
    h += "<tr><td>" + HtmlEscaped(c.source) + "</td><td>" + HtmlEscaped(c.clause) + "</td><td>" +
         HtmlEscaped(c.requirement) + "</td><td class=\"small\">" + HtmlEscaped(c.control) +
         "</td><td>" + HtmlEscaped(ModeName(c.mode)) + "</td><td class=\"" + status + "\">" +
         std::string(ClauseStatusJa(c.status)) + "</td><td class=\"small\">" +
         HtmlEscaped(Reason(c)) + "</td><td class=\"small\">" +
         HtmlEscaped(EvidenceText(c.evidence)) + "</td><td class=\"small\">" +
         HtmlEscaped(Joined(c.overdue, ", ")) + "</td></tr>\n";
  }
  h += "</tbody>\n</table>\n</body>\n</html>\n";
  return h;
}

std::string ReportCsv(const ComplianceReport& r) {
  std::string out(analysis::kUtf8Bom);
  out += analysis::CsvRow({"出典 source", "条項 clause", "要求事項 requirement", "管理策 control",
                           "方式 mode", "状況 status", "状況(日本語)", "理由 reason",
                           "証跡 evidence", "期限超過 overdue"});
  for (const auto& c : r.clauses) {
    out += analysis::CsvRow({c.source, c.clause, c.requirement, c.control,
                             std::string(ModeName(c.mode)), std::string(ClauseStatusName(c.status)),
                             std::string(ClauseStatusJa(c.status)), Reason(c),
                             EvidenceText(c.evidence), Joined(c.overdue, "; ")});
  }
  return out;
}

Result<std::string> RenderReport(const ComplianceReport& r, ReportFormat f) {
  switch (f) {
    case ReportFormat::kJson:
      return ReportToJson(r).dump(2) + "\n";
    case ReportFormat::kHtml:
      return ReportHtml(r);
    case ReportFormat::kCsv:
      return ReportCsv(r);
    case ReportFormat::kXlsx:
      return ReportXlsx(r);
  }
  return ReportToJson(r).dump(2) + "\n";
}

}  // namespace mamori::governance
