#include "governance/compliance_report.h"

namespace mamori::governance {
namespace {

using json = nlohmann::json;

void JudgeByProbes(const ControlRow& row, const ProbeRegistry& probes, EvidenceRun& run,
                   ClauseReport& out) {
  const auto judging = probes.For(row.code);
  if (judging.empty()) {
    out.status = ClauseStatus::kMet;
    out.evidence = {{"basis", "tests"},
                    {"note",
                     "no live-store probe for this control; met on the strength of the "
                     "named tests / 稼働中のデータによる判定はなく、記載の試験による"},
                    {"code", row.code},
                    {"tests", row.tests}};
    return;
  }
  size_t passed = 0;
  json evidence = json::array();
  for (const Probe* p : judging) {
    const ProbeResult& r = run.Result(*p);
    json e = r.evidence;
    e["pass"] = r.pass;
    if (r.pass) {
      ++passed;
    } else {
      e["reason"] = r.reason;
      e["reason_ja"] = r.reason_ja;
      if (!out.reason.empty()) {
        out.reason += "; ";
        out.reason_ja += "。";
      }
      out.reason += r.reason;
      out.reason_ja += r.reason_ja;
    }
    for (const auto& o : r.overdue) out.overdue.push_back(o);
    evidence.push_back(std::move(e));
  }
  out.evidence = {{"basis", "store"}, {"probes", std::move(evidence)}, {"tests", row.tests}};
  if (passed == judging.size()) {
    out.status = ClauseStatus::kMet;
  } else if (passed > 0) {
    out.status = ClauseStatus::kPartly;
  } else {
    out.status = ClauseStatus::kNotMet;
  }
}

void JudgeByAttestation(const ControlRow& row, const std::vector<Attestation>& attestations,
                        TimeMicros now, ClauseReport& out) {
  const Attestation* current = nullptr;
  const Attestation* lapsed = nullptr;
  for (const auto& a : attestations) {
    if (a.source != row.source || a.clause != row.clause || a.at > now) continue;
    if (a.CurrentAt(now)) {
      if (!current || current->at < a.at) current = &a;
    } else if (!lapsed || lapsed->until < a.until) {
      lapsed = &a;
    }
  }
  if (current) {
    out.status = ClauseStatus::kMet;
    out.evidence = {{"basis", "attestation"},
                    {"attestation", current->id},
                    {"by", current->by},
                    {"by_name", current->by_name},
                    {"at", FormatUtc(current->at)},
                    {"until", FormatDate(current->until)},
                    {"statement", current->statement}};
    return;
  }
  out.status = ClauseStatus::kNotMet;
  out.evidence = {{"basis", "attestation"}};
  if (lapsed) {
    out.reason = "the attestation lapsed on " + FormatDate(lapsed->until);
    out.reason_ja = "確認記録の有効期限 (" + FormatDate(lapsed->until) + ") が過ぎています";
    out.evidence["lapsed_attestation"] = lapsed->id;
    out.overdue.push_back(lapsed->id + " renewal (lapsed " + FormatDate(lapsed->until) + ")");
  } else {
    out.reason = "no attestation";
    out.reason_ja = "確認記録がありません";
  }
}

}  // namespace

std::string_view ClauseStatusName(ClauseStatus s) {
  switch (s) {
    case ClauseStatus::kMet:
      return "met";
    case ClauseStatus::kPartly:
      return "partly";
    case ClauseStatus::kNotMet:
      return "not_met";
    case ClauseStatus::kNotApplicable:
      return "not_applicable";
  }
  return "not_met";
}

std::string_view ClauseStatusJa(ClauseStatus s) {
  switch (s) {
    case ClauseStatus::kMet:
      return "充足";
    case ClauseStatus::kPartly:
      return "一部充足";
    case ClauseStatus::kNotMet:
      return "未充足";
    case ClauseStatus::kNotApplicable:
      return "対象外";
  }
  return "未充足";
}

Result<ComplianceReport> BuildComplianceReport(const std::vector<ControlRow>& rows,
                                               const ProbeRegistry& probes,
                                               const EvidenceSources& sources,
                                               const std::vector<Attestation>& attestations,
                                               std::string_view source) {
  if (!source.empty() && !IsSource(source)) {
    return Fail(Status::InvalidArgument("source must be one of 000, 001, 002, 003, 004",
                                        "source は 000、001、002、003、004 のいずれかです",
                                        "source"));
  }
  ComplianceReport report;
  report.generated_at = sources.now;
  report.source = std::string(source);
  for (auto s : {ClauseStatus::kMet, ClauseStatus::kPartly, ClauseStatus::kNotMet,
                 ClauseStatus::kNotApplicable}) {
    report.counts[std::string(ClauseStatusName(s))] = 0;
  }
  EvidenceRun run(sources);
  for (const auto& row : rows) {
    if (!source.empty() && row.source != source) continue;
    ClauseReport c;
    c.source = row.source;
    c.clause = row.clause;
    c.requirement = row.requirement;
    c.control = row.control;
    c.mode = row.mode;
    switch (row.mode) {
      case Mode::kEnforced:
      case Mode::kEvidenced:
        JudgeByProbes(row, probes, run, c);
        break;
      case Mode::kAttested:
        JudgeByAttestation(row, attestations, sources.now, c);
        break;
      case Mode::kPlanned:
        c.status = ClauseStatus::kNotMet;
        c.reason = "planned: " + row.reason;
        c.reason_ja = "未実装: " + row.reason;
        c.evidence = {{"basis", "catalogue"}};
        break;
      case Mode::kNotApplicable:
        c.status = ClauseStatus::kNotApplicable;
        c.reason = row.reason;
        c.reason_ja = "対象外: " + row.reason;
        c.evidence = {{"basis", "catalogue"}};
        break;
    }
    const std::string name(ClauseStatusName(c.status));
    ++report.counts[name];
    ++report.by_source[c.source][name];
    report.clauses.push_back(std::move(c));
  }
  return report;
}

Result<ComplianceReport> ComplianceReportNow(const EvidenceSources& sources,
                                             std::string_view source) {
  if (!sources.storage) {
    return Fail(Status::InvalidArgument("the compliance report needs the data store",
                                        "準拠状況報告にはデータストアが必要です", "storage"));
  }
  MAMORI_ASSIGN_OR_RETURN(auto rows, EmbeddedCatalogue());
  MAMORI_ASSIGN_OR_RETURN(auto probes, StandardProbes());
  if (sources.more_probes) MAMORI_RETURN_IF_ERROR(sources.more_probes(probes));
  MAMORI_ASSIGN_OR_RETURN(auto attestations, Attestations(*sources.storage).List());
  return BuildComplianceReport(rows, probes, sources, attestations, source);
}

json ReportToJson(const ComplianceReport& r) {
  json clauses = json::array();
  for (const auto& c : r.clauses) {
    json j = {{"source", c.source},
              {"clause", c.clause},
              {"requirement", c.requirement},
              {"control", c.control},
              {"mode", ModeName(c.mode)},
              {"status", ClauseStatusName(c.status)},
              {"status_ja", ClauseStatusJa(c.status)},
              {"reason", c.reason},
              {"reason_ja", c.reason_ja},
              {"evidence", c.evidence},
              {"overdue", c.overdue}};
    clauses.push_back(std::move(j));
  }
  return {{"generated_at", FormatUtc(r.generated_at)},
          {"source", r.source.empty() ? json(nullptr) : json(r.source)},
          {"counts", r.counts},
          {"by_source", r.by_source},
          {"clauses", std::move(clauses)}};
}

}  // namespace mamori::governance
