// The compliance report (準拠状況報告): every clause of the control
// catalogue (catalogue.h) with its status from the live store, the evidence
// behind it and what is overdue ([004 §6(7)]; docs/GOVERNANCE.md).
//
// Status of a clause by its mode:
//   enforced, evidenced  met when every probe judging its code passes
//                        (compliance_evidence.h); partly when some pass;
//                        not met, with the failing probes' reasons, when
//                        none does. A row no probe judges is met on the
//                        strength of its named tests, and its evidence says
//                        so ("basis": "tests").
//   attested             met while an attestation of it is current
//                        (attestations.h); otherwise not met, "no
//                        attestation" (or the day the last one lapsed).
//   planned              not met, with the catalogue's reason.
//   not_applicable       not applicable, with the catalogue's reason.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "governance/attestations.h"
#include "governance/catalogue.h"
#include "governance/compliance_evidence.h"

namespace mamori::governance {

enum class ClauseStatus { kMet, kPartly, kNotMet, kNotApplicable };
std::string_view ClauseStatusName(ClauseStatus s);  // "met", "partly", "not_met", "not_applicable"
std::string_view ClauseStatusJa(ClauseStatus s);  // "充足", "一部充足", "未充足", "対象外"

struct ClauseReport {
  std::string source, clause, requirement, control;
  Mode mode = Mode::kPlanned;
  ClauseStatus status = ClauseStatus::kNotMet;
  std::string reason, reason_ja;  // empty when met
  nlohmann::json evidence = nlohmann::json::object();
  std::vector<std::string> overdue;
};

struct ComplianceReport {
  TimeMicros generated_at = 0;
  std::string source;  // the filter; empty: all
  std::vector<ClauseReport> clauses;
  // Clauses per status name, and per source then status name.
  std::map<std::string, size_t> counts;
  std::map<std::string, std::map<std::string, size_t>> by_source;
};

// `source` empty: every source; else one of kSources (kInvalidArgument
// otherwise). `attestations`: all recorded (the current one of a clause is
// chosen here).
Result<ComplianceReport> BuildComplianceReport(const std::vector<ControlRow>& rows,
                                               const ProbeRegistry& probes,
                                               const EvidenceSources& sources,
                                               const std::vector<Attestation>& attestations,
                                               std::string_view source);

// The report from the embedded catalogue, the standard probes and the
// attestations in sources.storage.
Result<ComplianceReport> ComplianceReportNow(const EvidenceSources& sources,
                                             std::string_view source);

nlohmann::json ReportToJson(const ComplianceReport& r);

}  // namespace mamori::governance
