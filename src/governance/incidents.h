// Incidents (漏えい等事案) as records: the report, the investigation items of
// [003 II.2(8)] and the response flow of [002 第31-33条], each step one
// audited transaction; the reportability and deadlines of the Commission
// (incident_reporting.h) follow from the record's fields.
//
// A record holds
//   source        "internal" (reported by the person logged on, the internal
//                 desk) or "external" (registered by them on behalf of an
//                 outside reporter, whose category is a code: customer,
//                 contractor, public, authority, other — never a name);
//   the investigation items [003 II.2(8)]: departments and people concerned
//                 (ids), occurred_at (UTC) and route (a code), aware (the JST
//                 day the organisation became aware), data subjects and data
//                 items (codes), records and people (numbers; -1 unknown),
//                 leaked ("yes", "no", "unknown") and to whom (codes), cause
//                 (a code), attack (whether by an attack: decides the police
//                 step);
//   the facts that decide reportability: sensitive, financial_damage,
//                 wrongful_purpose, my_number, people;
//   the texts of the Commission's form (summary, secondary_damage,
//                 subject_response, publication, prevention, notes): kept in
//                 the record, never in an audit event or an error;
//   finding       the analysis finding escalated into it (id, rule, the audit
//                 sequence numbers of its evidence), when there was one.
//
// The flow (step → from → to, who):
//   triage         reported        → triaged          sirt
//   decide         triaged         → decided          CISO line
//   contain        decided         → contained        sirt  (containment and recovery)
//   check_systems  contained       → systems_checked  sirt  (other systems checked)
//   police         systems_checked → police_decided   CISO line: reported with its
//                  date, or not reported — for an attack a recorded decision
//                  with a reason code; otherwise "not_attack"
//   lessons        police_decided  → lessons_learned  sirt  (note required)
//   close          lessons_learned → closed           CISO line
// and beside it, once triaged and until closed, the Commission's reports
// (CISO line): preliminary_report then final_report, each with its
// submission date, or no_report for an incident that is not reportable
// (refused for a reportable one). Lessons need the final report recorded
// or no_report decided. amend (sirt, CISO line; not once closed) changes
// the fields as the investigation learns them. Who may take a step is the
// system rights table (policy/system_rights.h, "incident.<step>"), asked
// here in the transaction that records the step; a refusal is audited and
// changes nothing.
//
// Who reads an incident: its reporter (their own only), and holders of
// "incident.read_all" (SIRT, the CISO line, auditors).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "analysis/findings.h"
#include "core/status.h"
#include "governance/incident_reporting.h"
#include "jp/business_calendar.h"
#include "policy/caller.h"
#include "store/storage.h"

namespace mamori::governance {

// Reason codes (Status subject) of refusals.
inline constexpr std::string_view kIncidentNotFound = "incident";
inline constexpr std::string_view kIncidentStepOrder = "incident.step_order";
inline constexpr std::string_view kIncidentNotAllowed = "incident.not_allowed";
inline constexpr std::string_view kIncidentClosed = "incident.closed";
inline constexpr std::string_view kIncidentReportable = "incident.reportable";
inline constexpr std::string_view kIncidentUnknownFinding = "incident.unknown_finding";

// One step taken.
struct IncidentStep {
  std::string step;  // "report", "triage", …
  std::string by;
  TimeMicros at = 0;
  std::optional<CivilDate> date;  // a report's or the police's submission date
  std::string outcome;            // a code: "reported", "not_reported", reason codes
  std::string note;               // a person's text; never audited
};

struct IncidentFinding {
  std::string id, rule;
  std::vector<uint64_t> evidence;
};

// The fields a reporter or the SIRT gives; absent members keep their value
// (Amend). Numbers: -1 unknown.
struct Incident {
  std::string id;  // "I00000001"
  std::string source = "internal";
  std::string external_reporter;
  std::string reporter, reporter_department;
  TimeMicros reported_at = 0;

  std::vector<std::string> departments, people;
  TimeMicros occurred_at = 0;  // 0: unknown
  CivilDate aware;
  std::string route, cause;
  std::vector<std::string> subjects, items, leaked_to;
  int64_t records = -1;
  int64_t affected = -1;
  std::string leaked = "unknown";
  bool attack = false;
  bool sensitive = false, financial_damage = false, wrongful_purpose = false, my_number = false;

  std::string summary, secondary_damage, subject_response, publication, prevention, notes;

  std::optional<IncidentFinding> finding;

  std::string state = "reported";
  std::vector<IncidentStep> steps;
  std::optional<CivilDate> preliminary_submitted, final_submitted, police_reported;
  bool no_report = false;

  IncidentFacts Facts() const;
  bool Closed() const { return state == "closed"; }
};

// Reads the members of `body` onto `into`: only those present. kInvalidArgument
// naming the member (never quoting it) for a wrong kind, code, id, date,
// number or length.
Status ApplyFields(const nlohmann::json& body, Incident& into);

// The record with its reportability and deadlines (and which report is
// overdue on `today`).
nlohmann::json IncidentToJson(const Incident& i, const ReportingPolicy& policy,
                              const jp::BusinessCalendar& calendar, CivilDate today);

// A Commission report not recorded by its due date: overdue from the day after.
struct OverdueReport {
  std::string incident;
  std::string kind;  // "preliminary" or "final"
  CivilDate due;
};
// The reports of `i` overdue on `today` (none for one not reportable, closed
// or decided no_report).
Result<std::vector<OverdueReport>> OverdueReportsOf(const Incident& i, CivilDate today,
                                                    const ReportingPolicy& policy,
                                                    const jp::BusinessCalendar& calendar);

class Incidents {
 public:
  // All must outlive the object; `findings` may be null (no escalation).
  // The business days are the organisation's closed days of the analysis
  // policy (analysis/parameters.h), read when needed.
  Incidents(store::Storage& storage, analysis::Findings* findings, ReportingPolicy policy = {});

  // A new incident from `body` (the fields above; "aware" required).
  // `finding_id` non-empty: escalates that finding (analysis/findings.h,
  // its own audited step, which decides who may) and attaches it.
  Result<Incident> Report(const policy::Caller& caller, const nlohmann::json& body,
                          std::string_view finding_id = {});
  // Takes `step` on incident `id`; `body` carries its members ("date",
  // "reported", "reason", "note", "fields" for amend).
  Result<Incident> Step(const policy::Caller& caller, std::string_view id, std::string_view step,
                        const nlohmann::json& body);

  Result<Incident> Get(std::string_view id);
  Result<std::vector<Incident>> List();
  // Whether `who` may read `i`.
  static bool MayRead(const identity::Principal& who, const Incident& i);

  // The findings of incident_report_overdue (analysis/rules.h) for every
  // reportable incident whose report is overdue on `today`.
  Result<std::vector<analysis::Collected>> OverdueFindings(CivilDate today, TimeMicros now);

  const ReportingPolicy& policy() const { return policy_; }
  // The organisation's calendar as the store holds it now.
  Result<jp::BusinessCalendar> Calendar();

 private:
  store::Storage& storage_;
  analysis::Findings* findings_;
  ReportingPolicy policy_;
};

}  // namespace mamori::governance
