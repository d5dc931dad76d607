// The compliance probes of the organisation's own cycles
// (compliance_evidence.h): incidents and the Commission's reports, training,
// self-inspection, internal audit and the registers. Each reads the store
// only and judges the catalogue rows naming its code.
#include <algorithm>
#include <string>

#include "approval/people.h"
#include "core/time.h"
#include "governance/compliance_evidence.h"
#include "governance/cycle_findings.h"
#include "governance/incidents.h"
#include "governance/ledger.h"
#include "governance/registers.h"
#include "governance/training.h"
#include "policy/training_gate.h"

namespace mamori::governance {
namespace {

using json = nlohmann::json;

// [002 第31-33条]; 個人情報の保護に関する法律 施行規則 第8条: no reportable
// incident's preliminary or final report is past its due date unrecorded.
Result<ProbeResult> IncidentReportsProbe(const EvidenceSources& s) {
  Incidents incidents(*s.storage, nullptr);
  MAMORI_ASSIGN_OR_RETURN(auto all, incidents.List());
  MAMORI_ASSIGN_OR_RETURN(auto calendar, incidents.Calendar());
  const CivilDate today = JstDate(s.now);
  ProbeResult r;
  size_t open = 0, overdue = 0;
  for (const auto& i : all) {
    if (!i.Closed()) ++open;
    MAMORI_ASSIGN_OR_RETURN(auto late, OverdueReportsOf(i, today, incidents.policy(), calendar));
    for (const auto& o : late) {
      ++overdue;
      r.List(o.incident + " " + o.kind + " report (due " + FormatDate(o.due) + ")");
    }
  }
  r.evidence = {{"incidents", all.size()}, {"open", open}, {"reports_overdue", overdue}};
  if (overdue > 0) {
    r.NotMet(std::to_string(overdue) + " report(s) to the Commission overdue",
             "個人情報保護委員会への報告の期限切れが " + std::to_string(overdue) + " 件あります");
  }
  return r;
}

// The hires each new_hire / mid_career plan is for (Training::AudienceOf)
// without a passed attendance of it, listed on `r` ([002 第28条]: new and
// mid-career hires are trained when they join).
Result<size_t> HiresNotAttended(const EvidenceSources& s,
                                const std::vector<approval::Person>& people, ProbeResult& r) {
  Training training(*s.storage, *s.people);
  MAMORI_ASSIGN_OR_RETURN(auto plans, training.Plans());
  MAMORI_ASSIGN_OR_RETURN(auto attendances, training.Attendances());
  size_t missing = 0;
  for (const auto& plan : plans) {
    if (plan.audience != "new_hire" && plan.audience != "mid_career") continue;
    for (const auto& person : Training::AudienceOf(plan, people)) {
      const bool passed = std::any_of(attendances.begin(), attendances.end(), [&](const auto& a) {
        return a.plan == plan.id && a.person == person && a.passed;
      });
      if (passed) continue;
      ++missing;
      r.List(person + " (" + plan.id + " " + plan.audience + " not attended)");
    }
  }
  return missing;
}

// [002 第28-29条]; [003 II.3(4)]: every active person of the directory has
// current training, and every new or mid-career hire attended their plan's
// course — a person with no training recorded is not current.
Result<ProbeResult> TrainingProbe(const EvidenceSources& s) {
  const CivilDate today = JstDate(s.now);
  ProbeResult r;
  if (!s.people) {
    r.NotMet("evidence not available: the directory of people",
             "証跡を取得できません: 利用者の名簿");
    return r;
  }
  MAMORI_ASSIGN_OR_RETURN(auto people, s.people->All());
  MAMORI_ASSIGN_OR_RETURN(size_t hires_missing, HiresNotAttended(s, people, r));
  MAMORI_RETURN_IF_ERROR(s.storage->View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto rule, policy::ReadTrainingRule(txn));
    MAMORI_ASSIGN_OR_RETURN(auto currencies, policy::ReadTrainingCurrencies(txn));
    size_t active = 0, current = 0, lapsed = 0, never = 0;
    for (const auto& p : people) {
      if (!p.active) continue;
      ++active;
      auto it = currencies.find(p.id);
      if (it == currencies.end()) {
        ++never;
        r.List(p.id + " (no training recorded)");
      } else if (policy::TrainingCurrent(it->second, today)) {
        ++current;
      } else {
        ++lapsed;
        r.List(p.id + " (current until " + FormatDate(it->second) + ")");
      }
    }
    r.evidence = {{"switch_on", rule.required},
                  {"validity_days", rule.validity_days},
                  {"people_active", active},
                  {"people_current", current},
                  {"people_lapsed", lapsed},
                  {"people_never_trained", never},
                  {"hires_not_attended", hires_missing}};
    if (active == 0) {
      r.NotMet("the directory has no active person", "有効な利用者が名簿にいません");
    }
    if (never > 0) {
      r.NotMet(std::to_string(never) + " active person(s) with no training recorded",
               "研修の受講記録がない利用者が " + std::to_string(never) + " 名います");
    }
    if (lapsed > 0) {
      r.NotMet(std::to_string(lapsed) + " person(s) whose training lapsed",
               "研修の有効期限が切れた者が " + std::to_string(lapsed) + " 名います");
    }
    if (hires_missing > 0) {
      r.NotMet(std::to_string(hires_missing) +
                   " new or mid-career hire(s) who have not passed their plan's training",
               "新規採用者・中途採用者の研修を修了していない者が " + std::to_string(hires_missing) +
                   " 名います");
    }
    return Status::Ok();
  }));
  return r;
}

// The cycle's steps overdue today (cycle_findings.h), listed on `r`.
Result<size_t> ListOverdue(const EvidenceSources& s, analysis::Rule rule, ProbeResult& r) {
  MAMORI_ASSIGN_OR_RETURN(auto steps, OverdueCycleSteps(*s.storage, JstDate(s.now)));
  size_t n = 0;
  for (const auto& step : steps) {
    if (step.rule != rule) continue;
    ++n;
    r.List(step.detail + " (due " + FormatDate(step.due) + ")");
  }
  return n;
}

// [002 第34-36条]; [004 §7]: a self-inspection of this fiscal year, and no
// improvement order past its due day.
Result<ProbeResult> SelfInspectionProbe(const EvidenceSources& s) {
  MAMORI_ASSIGN_OR_RETURN(auto all, ListRecords(*s.storage, "insp"));
  const int year = FiscalYear(JstDate(s.now));
  ProbeResult r;
  bool this_year = false;
  for (const auto& insp : all) {
    if (insp.value("year", 0) == year) this_year = true;
  }
  MAMORI_ASSIGN_OR_RETURN(size_t orders_overdue,
                          ListOverdue(s, analysis::Rule::kInspectionOrderOverdue, r));
  r.evidence = {{"inspections", all.size()},
                {"fiscal_year", year},
                {"this_year_planned", this_year},
                {"orders_overdue", orders_overdue}};
  if (!this_year) {
    r.NotMet("no self-inspection planned for fiscal year " + std::to_string(year),
             std::to_string(year) + " 年度の自己点検が計画されていません");
  }
  if (orders_overdue > 0) {
    r.NotMet(std::to_string(orders_overdue) + " improvement order(s) overdue",
             "期限を過ぎた改善指示が " + std::to_string(orders_overdue) + " 件あります");
  }
  return r;
}

// [002 第37-39条]: an internal audit of this fiscal year, and no finding's
// improvement plan past its due day unreported.
Result<ProbeResult> InternalAuditProbe(const EvidenceSources& s) {
  MAMORI_ASSIGN_OR_RETURN(auto all, ListRecords(*s.storage, "aud"));
  const int year = FiscalYear(JstDate(s.now));
  ProbeResult r;
  bool this_year = false;
  size_t findings = 0;
  for (const auto& a : all) {
    if (a.value("year", 0) == year) this_year = true;
    findings += a.value("findings", json::array()).size();
  }
  MAMORI_ASSIGN_OR_RETURN(size_t plans_overdue,
                          ListOverdue(s, analysis::Rule::kImprovementOverdue, r));
  r.evidence = {{"audits", all.size()},
                {"fiscal_year", year},
                {"this_year_planned", this_year},
                {"findings", findings},
                {"improvements_overdue", plans_overdue}};
  if (!this_year) {
    r.NotMet("no internal audit planned for fiscal year " + std::to_string(year),
             std::to_string(year) + " 年度の内部監査が計画されていません");
  }
  if (plans_overdue > 0) {
    r.NotMet(std::to_string(plans_overdue) + " improvement plan(s) overdue",
             "期限を過ぎた改善計画が " + std::to_string(plans_overdue) + " 件あります");
  }
  return r;
}

// [002 第55-71条, 第20条 …]; [003 IV, V(1)-(2)]: no register entry is past
// its periodic check (contractor checks, media inventory, …).
Result<ProbeResult> RegistersProbe(const EvidenceSources& s) {
  ProbeResult r;
  MAMORI_RETURN_IF_ERROR(s.storage->View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto overdue, Registers::ReadOverdue(txn, s.now));
    for (const auto& e : overdue) {
      r.List(e.kind + " " + e.id +
             (e.check_due ? " (check due " + FormatDate(*e.check_due) + ")" : ""));
    }
    r.evidence = {{"entries_overdue", overdue.size()}};
    if (!overdue.empty()) {
      r.NotMet(
          std::to_string(overdue.size()) + " register entr(y/ies) past their periodic check",
          "定期点検の期限を過ぎた台帳の項目が " + std::to_string(overdue.size()) + " 件あります");
    }
    return Status::Ok();
  }));
  return r;
}

}  // namespace

Status AddCycleProbes(ProbeRegistry& r) {
  MAMORI_RETURN_IF_ERROR(
      r.Register({"incident_reports", {"src/governance/incident"}, IncidentReportsProbe}));
  MAMORI_RETURN_IF_ERROR(r.Register(
      {"training", {"src/governance/training.", "src/policy/training_gate."}, TrainingProbe}));
  MAMORI_RETURN_IF_ERROR(
      r.Register({"self_inspection",
                  {"src/governance/self_inspection.", "src/governance/inspection_items."},
                  SelfInspectionProbe}));
  MAMORI_RETURN_IF_ERROR(
      r.Register({"internal_audit", {"src/governance/internal_audit."}, InternalAuditProbe}));
  MAMORI_RETURN_IF_ERROR(r.Register({"registers", {"src/governance/register"}, RegistersProbe}));
  return Status::Ok();
}

}  // namespace mamori::governance
