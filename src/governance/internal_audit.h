// Internal audit (情報セキュリティ監査, [002 第37-39条]): a yearly plan of the
// audit lead or the CISO line naming the audited departments and the scope;
// the auditors assigned to it, each independent of what they audit; their
// findings, each citing the clause it concerns and the audit-log events that
// evidence it; the report to the CISO line and its acknowledgement; and per
// finding the improvement plan of the audited department with its periodic
// progress reports until the auditor closes it.
//
// Enforced here, in the transaction that records each step:
//   - an auditor holds an audit role (auditor, audit_lead) and belongs to
//     none of the audited departments (audit.not_auditor,
//     audit.not_independent); departments come from the identity directory;
//   - findings and the report are written by the audit's assigned auditors
//     only (audit.not_assigned), before the report (audit.wrong_state);
//   - only the CISO line acknowledges the report (audit.not_ciso_line);
//   - an improvement plan and its progress come from a manager
//     (section_manager, department_officer, credit_info_director) of the
//     finding's department (audit.not_auditee), after the report; a plan's
//     due day is not in the past;
//   - a finding is closed by an assigned auditor once its plan reported
//     "done" (audit.not_done).
// Evidence is kept as proof references: for each cited audit-log event its
// sequence number, leaf hash, and the tree size and root of the log when the
// finding was recorded — GET /v1/audit/proof?seq=N&size=M proves it later.
//
// States: planned → (first auditor) fieldwork → reported → acknowledged;
// closed once every finding is closed after the acknowledgement.
// Every step is one audited transaction ("internal_audit.<step>") with ids
// and codes only; refusals change nothing and are audited.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "approval/approvals.h"
#include "approval/people.h"
#include "core/status.h"
#include "store/storage.h"

namespace mamori::governance {

inline constexpr std::string_view kAuditNotFound = "audit";
inline constexpr std::string_view kAuditNotAuditor = "audit.not_auditor";
inline constexpr std::string_view kAuditNotIndependent = "audit.not_independent";
inline constexpr std::string_view kAuditNotAssigned = "audit.not_assigned";
inline constexpr std::string_view kAuditWrongState = "audit.wrong_state";
inline constexpr std::string_view kAuditNotCisoLine = "audit.not_ciso_line";
inline constexpr std::string_view kAuditNotAuditee = "audit.not_auditee";
inline constexpr std::string_view kAuditNotDone = "audit.not_done";
inline constexpr std::string_view kAuditNotPlanner = "audit.not_planner";

struct AuditDraft {
  int year = 0;
  std::vector<std::string> departments;
  std::string scope;  // a code
};

struct FindingDraft {
  std::string clause;              // a rule reference (approval::ValidateRuleReference)
  std::string department;          // one of the audited departments
  std::string severity;            // "major", "minor" or "observation"
  std::vector<uint64_t> evidence;  // audit-log sequence numbers
};

class InternalAudits {
 public:
  // Both must outlive this object; `people` is read outside transactions.
  InternalAudits(store::Storage& storage, const approval::People& people)
      : storage_(storage), people_(people) {}

  // Each returns the audit as JSON after the step.
  Result<nlohmann::json> Plan(const approval::Caller& caller, const AuditDraft& draft);
  Result<nlohmann::json> Assign(const approval::Caller& caller, std::string_view id,
                                std::string_view auditor);
  Result<nlohmann::json> AddFinding(const approval::Caller& caller, std::string_view id,
                                    const FindingDraft& draft);
  Result<nlohmann::json> Report(const approval::Caller& caller, std::string_view id);
  Result<nlohmann::json> Acknowledge(const approval::Caller& caller, std::string_view id);
  // The audited department's improvement plan for a finding: a measure code
  // and its due day.
  Result<nlohmann::json> PlanImprovement(const approval::Caller& caller, std::string_view id,
                                         std::string_view finding, std::string_view measure,
                                         CivilDate due);
  // A periodic progress report: status "in_progress" or "done", a note code.
  Result<nlohmann::json> ReportProgress(const approval::Caller& caller, std::string_view id,
                                        std::string_view finding, std::string_view status,
                                        std::string_view note);
  Result<nlohmann::json> CloseFinding(const approval::Caller& caller, std::string_view id,
                                      std::string_view finding);

  Result<nlohmann::json> Get(std::string_view id);
  Result<std::vector<nlohmann::json>> List();

 private:
  using Step = std::function<Status(store::WriteTxn&, nlohmann::json& audit, audit::Event&)>;
  // Reads audit `id`, runs `step` on it and writes it back, audited as
  // "internal_audit.<name>".
  Result<nlohmann::json> Change(const approval::Caller& caller, std::string_view name,
                                std::string_view id, const Step& step);

  store::Storage& storage_;
  const approval::People& people_;
};

}  // namespace mamori::governance
