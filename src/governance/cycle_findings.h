// The overdue steps of the organisation's own cycles, read from their
// records, and raised as findings of the continuous evaluation
// (analysis/rules.h improvement_overdue, inspection_order_overdue,
// register_check_overdue) the way an incident's overdue report is
// (incidents.h OverdueFindings):
//   - an internal audit finding whose improvement plan is not reported done
//     by its due day ([002 第39条]): the department of the finding, the
//     manager who made the plan responsible;
//   - a self-inspection's improvement order not completed by its due day
//     ([002 第36条]; [004 §7]): the department of the order, its managers
//     responsible (the order names no person);
//   - an active register entry past its periodic check (the media
//     inventory every 180 days [003 V(2)③], a contractor's yearly check
//     [002 第59条], …): the person the entry names as responsible (its
//     kind's first person field: supervisor, responsible, manager,
//     custodian), else the one who last changed it.
// A step is overdue from the day after its due day (JST). Each finding's key
// is the step and that first overdue day, so the daily pass raises one
// finding per overdue step, not one per day; a step re-planned to a new due
// day that passes again is a new finding.
#pragma once

#include <string>
#include <vector>

#include "analysis/collector.h"
#include "core/status.h"
#include "core/time.h"
#include "store/storage.h"

namespace mamori::governance {

struct OverdueStep {
  analysis::Rule rule = analysis::Rule::kImprovementOverdue;
  std::string detail;       // "IA000001.F1", "SI2026.O2", "media.MD00001"
  std::string department;   // "" for a register entry (the responsible person's)
  std::string responsible;  // a person's id, or "" (the department's managers)
  CivilDate due;
};

// The finding of a step of `rule` overdue since the day after `due`, raised
// at `now`: keyed by the rule, `actor` and `detail` and that first overdue
// day, so that it is the same finding every day the step stays overdue.
analysis::Collected OverdueFinding(analysis::Rule rule, analysis::Severity severity,
                                   const std::string& detail, const std::string& actor,
                                   CivilDate due, TimeMicros now);

// Every step of the three cycles overdue on JST `today`, read from the store.
Result<std::vector<OverdueStep>> OverdueCycleSteps(store::Storage& storage, CivilDate today);

// OverdueCycleSteps as findings (MonitorOptions::overdue_steps); `now` is the
// evaluation round's time.
Result<std::vector<analysis::Collected>> CycleOverdueFindings(store::Storage& storage,
                                                              CivilDate today, TimeMicros now);

}  // namespace mamori::governance
