// A finding: what a rule found, about whom, over which period, on what
// evidence, and who must act on it by when: the analysis of access records
// must lead to someone checking what it found ([003 II.5(6) 必須 C],
// [003 II.5(8)]; docs/REQUIREMENTS.md §6).
//
//   evidence   the audit sequence numbers of the events it rests on, each
//              checkable against a signed head with an inclusion proof
//              (GET /v1/audit/proof?seq=N); the first kMaxEvidence are kept,
//              `count` is always the whole number, and evidence_complete
//              says whether every one is listed.
//   owner      who must act: by default the section security manager
//              (section_manager) of the actor's department (findings.h).
//   status     new → under_review → explained, or escalated (to an
//              incident) from new or under_review; explained and escalated
//              are closed, and closing needs a reason. Each step is kept in
//              `history` and audited.
//   due        a JST date, due_days_<severity> business days after it was
//              raised (parameters.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "analysis/rules.h"
#include "core/status.h"
#include "core/time.h"

namespace mamori::analysis {

enum class FindingStatus { kNew, kUnderReview, kExplained, kEscalated };
// "new", "under_review", "explained", "escalated".
std::string_view FindingStatusName(FindingStatus s);
std::optional<FindingStatus> ParseFindingStatus(std::string_view name);

struct StatusStep {
  FindingStatus status = FindingStatus::kNew;
  std::string by;  // person id, or "mamori" for the analysis
  TimeMicros at = 0;
  std::string reason;  // free text of the person; kept here, never in the audit log
};

struct Finding {
  std::string id;  // "F00000001"; empty for an on-demand run's finding
  Rule rule = Rule::kOffHours;
  Severity severity = Severity::kLow;
  std::string actor, terminal, dataset, detail;
  std::string department;  // the actor's, when known
  TimeMicros window_start = 0, window_end = 0;
  TimeMicros from = 0, to = 0;  // the first and the last evidence event
  uint64_t count = 0;
  std::vector<uint64_t> evidence;  // ascending
  bool evidence_complete = true;
  std::string owner;
  FindingStatus status = FindingStatus::kNew;
  CivilDate due;
  TimeMicros created_at = 0, updated_at = 0;
  std::vector<StatusStep> history;

  bool Closed() const {
    return status == FindingStatus::kExplained || status == FindingStatus::kEscalated;
  }
  // Still open at the start of `today`'s day after its due date.
  bool Overdue(CivilDate today) const { return !Closed() && today > due; }
};

// A finding that starts from `key`, with no evidence yet.
Finding NewFinding(const FindingKey& key);
// Adds one hit: count, period, evidence (a seq already listed is not counted
// again), severity raised to `severity` when higher.
void AddHit(Finding& f, Severity severity, const Hit& hit);
// Adds what `more` holds (the same key) to `f`.
void Merge(Finding& f, const Finding& more);

// The stored and API form: every member, times as FormatUtc, due as a date.
nlohmann::json FindingToJson(const Finding& f);
Result<Finding> FindingFromJson(const nlohmann::json& j);  // kDataLoss
// The form `mamori analysis run` prints: rule, severity, actor, from, to,
// count, evidence (and terminal, dataset, detail when set; evidence_complete
// when false). from and to are JST times with their offset.
nlohmann::json FindingReportJson(const Finding& f);

}  // namespace mamori::analysis
