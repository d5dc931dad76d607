#include "analysis/csv.h"

#include <cstdio>
#include <map>
#include <set>

namespace mamori::analysis {
namespace {

std::string JstText(TimeMicros t) {
  if (t == 0) return "";
  const std::string iso = FormatJst(t);  // 2025-01-13T23:40:00+09:00
  return iso.substr(0, 10) + " " + iso.substr(11, 8);
}

std::string Seqs(const std::vector<uint64_t>& seqs) {
  std::string out;
  for (uint64_t s : seqs) {
    if (!out.empty()) out += ' ';
    out += std::to_string(s);
  }
  return out;
}

}  // namespace

std::string CsvField(std::string_view text) {
  std::string v(text);
  if (!v.empty() && std::string_view("=+-@\t\r").find(v.front()) != std::string_view::npos) {
    v.insert(v.begin(), '\'');
  }
  const bool quote = v.find_first_of(",\"\r\n") != std::string::npos ||
                     (!v.empty() && (v.front() == ' ' || v.back() == ' '));
  if (!quote) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string CsvRow(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    out += CsvField(fields[i]);
  }
  out += "\r\n";
  return out;
}

std::string FindingsCsv(const std::vector<Finding>& findings) {
  std::string out(kUtf8Bom);
  out += CsvRow({"指摘ID (id)", "規則 (rule)", "内容", "重要度 (severity)", "利用者 (actor)",
                 "部門 (department)", "端末 (terminal)", "台帳 (dataset)", "詳細 (detail)",
                 "開始 (from, JST)", "終了 (to, JST)", "件数 (count)", "証跡の監査番号 (evidence)",
                 "証跡は全件 (evidence_complete)", "担当 (owner)", "状態 (status)", "期限 (due)"});
  for (const auto& f : findings) {
    out +=
        CsvRow({f.id, std::string(RuleName(f.rule)), std::string(RuleTitleJa(f.rule)),
                std::string(SeverityName(f.severity)), f.actor, f.department, f.terminal, f.dataset,
                f.detail, JstText(f.from), JstText(f.to), std::to_string(f.count), Seqs(f.evidence),
                f.evidence_complete ? "true" : "false", f.owner,
                std::string(FindingStatusName(f.status)), f.id.empty() ? "" : FormatDate(f.due)});
  }
  return out;
}

std::string ListsCsv(const std::vector<ReconciliationList>& lists) {
  std::string out(kUtf8Bom);
  out +=
      CsvRow({"リストID (list)", "営業日 (date)", "対象期間の開始 (period_from)", "台帳 (dataset)",
              "部門 (department)", "利用者 (user)", "アクセス件数 (accesses)",
              "アクセスしたレコード (records)", "確認者 (confirmer)", "期限 (due)", "状態 (state)",
              "確認者 (confirmed_by)", "確認日時 (confirmed_at, JST)", "備考 (note)"});
  for (const auto& l : lists) {
    std::map<std::string, std::set<std::string>> records_of;
    for (const auto& [record, s] : l.counts.subjects) {
      for (const auto& u : s.users) records_of[u].insert(record);
    }
    auto row = [&](const std::string& user, uint64_t count, const std::string& note) {
      std::string records;
      for (const auto& r : records_of[user]) records += (records.empty() ? "" : " ") + r;
      out += CsvRow({l.id, FormatDate(l.date), FormatDate(l.period_from), l.dataset, l.department,
                     user, std::to_string(count), records, l.confirmer, FormatDate(l.due),
                     std::string(ListStateName(l.state)), l.confirmed_by, JstText(l.confirmed_at),
                     note});
    };
    // An inquiry list counts inquiries, not accesses, and says whether they
    // equal the answers received ([003 VI(1)①] 照会件数 = 回答件数).
    std::string kind_note;
    if (l.kind == ListKind::kInquiry) {
      kind_note = "照会リスト (inquiry list): 照会 " + std::to_string(l.counts.total) +
                  " 件 / 回答 " + std::to_string(l.counts.answers) + " 件" +
                  (l.counts.total == l.counts.answers ? "" : " 不一致 (mismatch)");
    }
    auto with_kind = [&](std::string note) {
      if (kind_note.empty()) return note;
      return note.empty() ? kind_note : kind_note + " " + note;
    };
    if (l.counts.total == 0) {
      row("", 0,
          with_kind(l.kind == ListKind::kInquiry ? "照会なし (no inquiry)"
                                                 : "アクセスなし (no access)"));
      continue;
    }
    const std::string note = l.counts.subjects_complete ? "" : "レコードは一部のみ記載 (partial)";
    for (const auto& [user, n] : l.counts.users) row(user, n, with_kind(note));
  }
  return out;
}

}  // namespace mamori::analysis
