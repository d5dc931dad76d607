#include "governance/catalogue.h"

#include <algorithm>
#include <mutex>

namespace mamori::governance {
namespace {

constexpr std::string_view kHeader = "clause\trequirement\tcontrol\tmode\treason\tcode\ttests";

Status Malformed(std::string_view source, size_t line) {
  return Status::DataLoss("the embedded control catalogue " + std::string(source) +
                              ".tsv is malformed at line " + std::to_string(line),
                          "組み込まれた管理策一覧 " + std::string(source) + ".tsv の " +
                              std::to_string(line) + " 行目が不正です",
                          "catalogue");
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t at = s.find(sep, start);
    if (at == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, at - start));
    start = at + 1;
  }
}

std::vector<std::string> Words(std::string_view s) {
  std::vector<std::string> out;
  for (auto w : Split(s, ' ')) {
    if (!w.empty()) out.emplace_back(w);
  }
  return out;
}

std::optional<Mode> ParseMode(std::string_view s) {
  for (Mode m :
       {Mode::kEnforced, Mode::kEvidenced, Mode::kAttested, Mode::kPlanned, Mode::kNotApplicable}) {
    if (ModeName(m) == s) return m;
  }
  return std::nullopt;
}

}  // namespace

bool IsSource(std::string_view source) {
  return std::find(std::begin(kSources), std::end(kSources), source) != std::end(kSources);
}

std::string_view ModeName(Mode m) {
  switch (m) {
    case Mode::kEnforced:
      return "enforced";
    case Mode::kEvidenced:
      return "evidenced";
    case Mode::kAttested:
      return "attested";
    case Mode::kPlanned:
      return "planned";
    case Mode::kNotApplicable:
      return "not_applicable";
  }
  return "planned";
}

Result<std::vector<ControlRow>> ParseCatalogue(std::string_view source, std::string_view text) {
  std::vector<ControlRow> rows;
  size_t line_no = 0;
  bool header = true;
  for (auto line : Split(text, '\n')) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (header) {
      if (line != kHeader) return Fail(Malformed(source, line_no));
      header = false;
      continue;
    }
    if (line.empty()) continue;
    auto f = Split(line, '\t');
    if (f.size() != 7 || f[0].empty()) return Fail(Malformed(source, line_no));
    auto mode = ParseMode(f[3]);
    if (!mode) return Fail(Malformed(source, line_no));
    ControlRow r;
    r.source = std::string(source);
    r.clause = std::string(f[0]);
    r.requirement = std::string(f[1]);
    r.control = std::string(f[2]);
    r.mode = *mode;
    r.reason = std::string(f[4]);
    r.code = Words(f[5]);
    r.tests = Words(f[6]);
    rows.push_back(std::move(r));
  }
  if (header) return Fail(Malformed(source, 1));
  return rows;
}

Result<std::vector<ControlRow>> EmbeddedCatalogue() {
  static std::once_flag once;
  static Result<std::vector<ControlRow>> parsed = std::vector<ControlRow>{};
  std::call_once(once, [] {
    std::vector<ControlRow> all;
    for (const auto& file : EmbeddedCatalogueFiles()) {
      auto rows = ParseCatalogue(file.source, file.text);
      if (!rows) {
        parsed = Fail(rows.error());
        return;
      }
      for (auto& r : *rows) all.push_back(std::move(r));
    }
    parsed = std::move(all);
  });
  return parsed;
}

const ControlRow* FindRow(const std::vector<ControlRow>& rows, std::string_view source,
                          std::string_view clause) {
  for (const auto& r : rows) {
    if (r.source == source && r.clause == clause) return &r;
  }
  return nullptr;
}

}  // namespace mamori::governance
