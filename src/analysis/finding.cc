#include "analysis/finding.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "analysis/store_util.h"

namespace mamori::analysis {
namespace {

using nlohmann::json;

constexpr std::pair<FindingStatus, std::string_view> kStatusNames[] = {
    {FindingStatus::kNew, "new"},
    {FindingStatus::kUnderReview, "under_review"},
    {FindingStatus::kExplained, "explained"},
    {FindingStatus::kEscalated, "escalated"},
};

}  // namespace

std::string_view FindingStatusName(FindingStatus s) {
  for (const auto& [status, name] : kStatusNames) {
    if (status == s) return name;
  }
  return "new";
}

std::optional<FindingStatus> ParseFindingStatus(std::string_view name) {
  for (const auto& [status, n] : kStatusNames) {
    if (n == name) return status;
  }
  return std::nullopt;
}

Finding NewFinding(const FindingKey& key) {
  Finding f;
  f.rule = key.rule;
  f.actor = key.actor;
  f.terminal = key.terminal;
  f.dataset = key.dataset;
  f.detail = key.detail;
  f.window_start = key.window_start;
  f.window_end = key.window_end;
  return f;
}

void AddHit(Finding& f, Severity severity, const Hit& hit) {
  if (hit.seq) {
    auto at = std::lower_bound(f.evidence.begin(), f.evidence.end(), *hit.seq);
    if (at != f.evidence.end() && *at == *hit.seq) return;
    if (f.evidence.size() < kMaxEvidence) {
      f.evidence.insert(at, *hit.seq);
    } else {
      f.evidence_complete = false;
    }
  } else if (hit.count > 0) {
    f.evidence_complete = false;
  }
  if (hit.count == 0) return;
  f.count += hit.count;
  f.from = f.from == 0 ? hit.time : std::min(f.from, hit.time);
  f.to = std::max(f.to, hit.time);
  f.severity = std::max(f.severity, severity);
}

void Merge(Finding& f, const Finding& more) {
  // Evidence seq by seq (one already listed is not counted twice); what
  // `more` counted beyond its list is added as a count without seqs.
  for (uint64_t seq : more.evidence) AddHit(f, more.severity, Hit{seq, more.from, 1});
  if (more.count > more.evidence.size()) {
    AddHit(f, more.severity, Hit{std::nullopt, more.to, more.count - more.evidence.size()});
  }
  if (more.count > 0) {
    f.from = f.from == 0 ? more.from : std::min(f.from, more.from);
    f.to = std::max(f.to, more.to);
  }
  f.severity = std::max(f.severity, more.severity);
  if (!more.evidence_complete) f.evidence_complete = false;
}

json FindingToJson(const Finding& f) {
  json history = json::array();
  for (const auto& s : f.history) {
    json step = {{"status", FindingStatusName(s.status)}, {"by", s.by}, {"at", FormatUtc(s.at)}};
    if (!s.reason.empty()) step["reason"] = s.reason;
    history.push_back(step);
  }
  return {{"id", f.id},
          {"rule", RuleName(f.rule)},
          {"title_ja", RuleTitleJa(f.rule)},
          {"severity", SeverityName(f.severity)},
          {"actor", f.actor},
          {"department", f.department},
          {"terminal", f.terminal},
          {"dataset", f.dataset},
          {"detail", f.detail},
          {"window_start", FormatUtc(f.window_start)},
          {"window_end", FormatUtc(f.window_end)},
          {"from", FormatUtc(f.from)},
          {"to", FormatUtc(f.to)},
          {"count", f.count},
          {"evidence", f.evidence},
          {"evidence_complete", f.evidence_complete},
          {"owner", f.owner},
          {"status", FindingStatusName(f.status)},
          {"due", FormatDate(f.due)},
          {"created_at", FormatUtc(f.created_at)},
          {"updated_at", FormatUtc(f.updated_at)},
          {"history", history}};
}

Result<Finding> FindingFromJson(const json& j) {
  const Status corrupt = internal::Corrupt("finding");
  try {
    Finding f;
    f.id = j.at("id").get<std::string>();
    auto rule = ParseRule(j.at("rule").get<std::string>());
    auto sev = ParseSeverity(j.at("severity").get<std::string>());
    auto status = ParseFindingStatus(j.at("status").get<std::string>());
    auto due = ParseDate(j.at("due").get<std::string>());
    if (!rule || !sev || !status || !due) return Fail(corrupt);
    f.rule = *rule;
    f.severity = *sev;
    f.status = *status;
    f.due = *due;
    for (auto [member, slot] :
         {std::pair{"actor", &f.actor}, std::pair{"department", &f.department},
          std::pair{"terminal", &f.terminal}, std::pair{"dataset", &f.dataset},
          std::pair{"detail", &f.detail}, std::pair{"owner", &f.owner}}) {
      *slot = j.at(member).get<std::string>();
    }
    for (auto [member, slot] :
         {std::pair{"window_start", &f.window_start}, std::pair{"window_end", &f.window_end},
          std::pair{"from", &f.from}, std::pair{"to", &f.to},
          std::pair{"created_at", &f.created_at}, std::pair{"updated_at", &f.updated_at}}) {
      auto t = ParseUtc(j.at(member).get<std::string>());
      if (!t) return Fail(corrupt);
      *slot = *t;
    }
    f.count = j.at("count").get<uint64_t>();
    f.evidence = j.at("evidence").get<std::vector<uint64_t>>();
    f.evidence_complete = j.at("evidence_complete").get<bool>();
    for (const auto& s : j.at("history")) {
      StatusStep step;
      auto st = ParseFindingStatus(s.at("status").get<std::string>());
      auto at = ParseUtc(s.at("at").get<std::string>());
      if (!st || !at) return Fail(corrupt);
      step.status = *st;
      step.at = *at;
      step.by = s.at("by").get<std::string>();
      step.reason = s.value("reason", "");
      f.history.push_back(std::move(step));
    }
    return f;
  } catch (const json::exception&) {
    return Fail(corrupt);
  }
}

json FindingReportJson(const Finding& f) {
  json j = {{"rule", RuleName(f.rule)}, {"severity", SeverityName(f.severity)},
            {"actor", f.actor},         {"from", FormatJst(f.from)},
            {"to", FormatJst(f.to)},    {"count", f.count},
            {"evidence", f.evidence}};
  if (!f.terminal.empty()) j["terminal"] = f.terminal;
  if (!f.dataset.empty()) j["dataset"] = f.dataset;
  if (!f.detail.empty()) j["detail"] = f.detail;
  if (!f.evidence_complete) j["evidence_complete"] = false;
  return j;
}

}  // namespace mamori::analysis
