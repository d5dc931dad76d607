#include "governance/cycle_findings.h"

#include <nlohmann/json.hpp>

#include "governance/ledger.h"
#include "governance/register_kinds.h"
#include "governance/registers.h"

namespace mamori::governance {
namespace {

using json = nlohmann::json;

// Before `today` and so overdue; an unparsable day is not judged here (the
// record's own checks refused it when it was written).
std::optional<CivilDate> PastDue(const json& v, CivilDate today) {
  const auto due = ParseDate(v.value("due", ""));
  if (due && *due < today) return due;
  return std::nullopt;
}

// The person an entry names as responsible: its kind's first person field.
std::string ResponsibleOf(const RegisterEntry& e) {
  if (const RegisterKind* k = FindRegisterKind(e.kind)) {
    for (const auto& f : k->fields) {
      if (f.type == FieldType::kUser && !e.Text(f.name).empty()) return e.Text(f.name);
    }
  }
  return e.updated_by;
}

}  // namespace

Result<std::vector<OverdueStep>> OverdueCycleSteps(store::Storage& storage, CivilDate today) {
  std::vector<OverdueStep> out;
  MAMORI_ASSIGN_OR_RETURN(auto audits, ListRecords(storage, "aud"));
  for (const auto& a : audits) {
    for (const auto& f : a.value("findings", json::array())) {
      const json& plan = f.contains("improvement") ? f["improvement"] : json();
      if (!plan.is_object()) continue;
      const std::string state = f.value("state", "");
      if (state == "done" || state == "closed") continue;
      if (auto due = PastDue(plan, today)) {
        out.push_back({analysis::Rule::kImprovementOverdue,
                       a.value("id", "") + "." + f.value("id", ""), f.value("department", ""),
                       plan.value("by", ""), *due});
      }
    }
  }
  MAMORI_ASSIGN_OR_RETURN(auto inspections, ListRecords(storage, "insp"));
  for (const auto& insp : inspections) {
    for (const auto& o : insp.value("orders", json::array())) {
      if (o.value("state", "") == "done") continue;
      if (auto due = PastDue(o, today)) {
        out.push_back({analysis::Rule::kInspectionOrderOverdue,
                       insp.value("id", "") + "." + o.value("id", ""), o.value("department", ""),
                       "", *due});
      }
    }
  }
  MAMORI_RETURN_IF_ERROR(storage.View([&](store::ReadTxn& txn) -> Status {
    for (const auto& k : RegisterKinds()) {
      if (k.check_days == 0) continue;
      MAMORI_ASSIGN_OR_RETURN(auto entries, Registers::ReadKind(txn, k.name));
      for (const auto& e : entries) {
        if (!IsOverdue(e, today) || !e.check_due) continue;
        out.push_back({analysis::Rule::kRegisterCheckOverdue, e.kind + "." + e.id, "",
                       ResponsibleOf(e), *e.check_due});
      }
    }
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<analysis::Collected>> CycleOverdueFindings(store::Storage& storage,
                                                              CivilDate today, TimeMicros now) {
  MAMORI_ASSIGN_OR_RETURN(auto steps, OverdueCycleSteps(storage, today));
  std::vector<analysis::Collected> out;
  for (const auto& s : steps) {
    analysis::Collected c =
        OverdueFinding(s.rule, analysis::Severity::kMedium, s.detail, s.responsible, s.due, now);
    c.finding.department = s.department;
    out.push_back(std::move(c));
  }
  return out;
}

analysis::Collected OverdueFinding(analysis::Rule rule, analysis::Severity severity,
                                   const std::string& detail, const std::string& actor,
                                   CivilDate due, TimeMicros now) {
  analysis::Collected c;
  c.key.rule = c.finding.rule = rule;
  c.key.actor = c.finding.actor = actor;
  c.key.detail = c.finding.detail = detail;
  c.key.window_start = JstMidnight(CivilFromDays(DaysFromCivil(due) + 1));
  c.key.window_end = c.key.window_start + 1;
  c.finding.severity = severity;
  c.finding.from = c.finding.to = now;
  c.finding.count = 1;
  c.finding.window_start = c.key.window_start;
  c.finding.window_end = c.key.window_end;
  return c;
}

}  // namespace mamori::governance
