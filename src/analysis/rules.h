// The rules over the audit log ([003 II.5(6)-(8)]: "with focus on high
// access frequency at high-risk times such as holidays and late at night";
// docs/REQUIREMENTS.md §6): one Evaluator reads events in log order and
// reports each event that is evidence of a finding to a Sink. Its memory is
// bounded by the people and windows active at once, never by the number of
// events: a day's counters are dropped when the day is over, a window's
// timestamps when the window has passed.
//
// Rules (thresholds: parameters.h; "access" = a record.* operation with
// result ok by an actor other than the analysis itself):
//   off_hours             access outside business hours or on a closed day
//                         (weekends, national holidays, the organisation's
//                         closed days); one finding per person and JST day,
//                         medium, high from off_hours_high_count accesses
//   c3_off_hours          the same for reads of a dataset of
//                         confidentiality 3 (機密性3): high. Such a read is
//                         reported here only, not also as off_hours
//   frequency_spike       a person's accesses in a day against their own
//                         mean over their last days with activity: medium
//   bulk_access           records disclosed to one person in a clock hour
//                         (detail "hour"), or one export or list page of
//                         many records (detail "export"): high
//   rare_purpose          access for a purpose that was a small share of the
//                         person's earlier accesses (detail: the purpose): low
//   unregistered_terminal access or logon from a terminal that is not
//                         registered (terminal: its label): medium, high for
//                         a dataset of confidentiality 3. "local:" terminals
//                         (the server's console) and service accounts
//                         (authenticated by their certificate) are exempt
//   disabled_id           logon attempts with a disabled ID or certificate
//                         (high) or a locked ID (medium); detail: the reason
//   logon_failures        failed logons within failure_window_minutes: per
//                         user (actor, or "unknown:" + the keyed reference of
//                         an unknown ID) medium, per source (terminal) high
//   concurrent_terminals  one person's successful events from two terminals
//                         within concurrent_window_minutes: high
//   late_filing           an emergency action filed for approval after its
//                         deadline (approval/approvals.h, [002 第27条]): the
//                         filing's event carries reason
//                         "approval.late_filing"; one finding per person and
//                         JST day, medium
// Four more rules are raised by the continuous evaluation, not by events:
//   list_overdue          a reconciliation list not confirmed in time (lists.h)
//   analysis_behind       the evaluation itself behind the log (monitor.h)
//   takeout_overdue       a take-out (持ち出し) whose return or destruction is
//                         not confirmed by its `until` — moved to the next
//                         business day when it falls on a closed day — once
//                         that day is over ([002 第49条]); actor: the
//                         exporter, detail: the take-out id; high
//   incident_report_overdue  a report to the Personal Information Protection
//                         Commission (速報 or 確報) of a reportable incident
//                         not recorded by its due date, from the day after
//                         (governance/incidents.h); detail: "<incident>.
//                         preliminary" or ".final"; high
//   improvement_overdue   an internal audit finding's improvement plan not
//                         reported done by its due day ([002 第39条]);
//                         detail "<audit>.<finding>"; medium
//   inspection_order_overdue  a self-inspection's improvement order not
//                         completed by its due day ([002 第36条]); detail
//                         "<inspection>.<order>"; medium
//   register_check_overdue  a register entry past its periodic check (the
//                         media inventory, a contractor's check, …); detail
//                         "<kind>.<entry>"; medium
// The last three are raised from the governance records
// (governance/cycle_findings.h), each for its department and responsible
// person, from the day after the due day.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "analysis/event_view.h"
#include "analysis/parameters.h"
#include "jp/business_calendar.h"

namespace mamori::analysis {

enum class Rule {
  kOffHours,
  kC3OffHours,
  kFrequencySpike,
  kBulkAccess,
  kRarePurpose,
  kUnregisteredTerminal,
  kDisabledId,
  kLogonFailures,
  kConcurrentTerminals,
  kListOverdue,
  kAnalysisBehind,
  kLateFiling,
  kTakeoutOverdue,
  kIncidentReportOverdue,
  kImprovementOverdue,
  kInspectionOrderOverdue,
  kRegisterCheckOverdue,
};
inline constexpr Rule kAllRules[] = {Rule::kOffHours,
                                     Rule::kC3OffHours,
                                     Rule::kFrequencySpike,
                                     Rule::kBulkAccess,
                                     Rule::kRarePurpose,
                                     Rule::kUnregisteredTerminal,
                                     Rule::kDisabledId,
                                     Rule::kLogonFailures,
                                     Rule::kConcurrentTerminals,
                                     Rule::kListOverdue,
                                     Rule::kAnalysisBehind,
                                     Rule::kLateFiling,
                                     Rule::kTakeoutOverdue,
                                     Rule::kIncidentReportOverdue,
                                     Rule::kImprovementOverdue,
                                     Rule::kInspectionOrderOverdue,
                                     Rule::kRegisterCheckOverdue};
// "off_hours", "c3_off_hours", …
std::string_view RuleName(Rule rule);
std::optional<Rule> ParseRule(std::string_view name);
std::string_view RuleTitleJa(Rule rule);

enum class Severity { kLow, kMedium, kHigh };
std::string_view SeverityName(Severity s);  // "low", "medium", "high"
std::optional<Severity> ParseSeverity(std::string_view name);

// What makes two pieces of evidence one finding: the rule, who, where, and
// the window (a JST day, or a clock hour for bulk_access "hour").
struct FindingKey {
  Rule rule = Rule::kOffHours;
  std::string actor;
  std::string terminal;
  std::string dataset;
  std::string detail;
  TimeMicros window_start = 0, window_end = 0;

  // A stable text of every member, unique per key.
  std::string Encode() const;
  bool operator==(const FindingKey&) const = default;
};

// The most evidence seqs a finding keeps; its count is always complete, and
// a finding with more says so (Finding::evidence_complete false).
inline constexpr size_t kMaxEvidence = 100;

// One event (or, with count > 1 and no seq, several events whose seqs were
// not kept) that is evidence for a finding.
struct Hit {
  std::optional<uint64_t> seq;
  TimeMicros time = 0;
  uint64_t count = 1;
};

class Sink {
 public:
  virtual ~Sink() = default;
  virtual void Add(const FindingKey& key, Severity severity, const Hit& hit) = 0;
};

// What the rules know beyond the events: the organisation's registered
// terminals and service accounts, and each dataset's confidentiality.
struct Facts {
  std::set<std::string, std::less<>> terminals;                // registered terminal ids
  std::set<std::string, std::less<>> service_accounts;         // application ids
  std::map<std::string, int, std::less<>> confidentiality;     // dataset → 1..3
  std::map<std::string, std::string, std::less<>> department;  // dataset → department
  std::set<std::string, std::less<>> inquiry;  // datasets that name an inquiry scheme
};

class Evaluator {
 public:
  // All must outlive the Evaluator.
  Evaluator(const Parameters& params, const jp::BusinessCalendar& calendar, const Facts& facts,
            Sink& sink);
  ~Evaluator();

  // Evaluates one event; events must come in log order.
  void Add(const EventView& ev);

  // Entries held across all rules' state (bounded memory: for tests).
  size_t StateEntries() const;

  // Whether `ev` is an access (a record.* operation, ok, by a person or
  // application), and how many records it disclosed.
  static bool IsAccess(const EventView& ev);
  static uint64_t RecordsDisclosed(const EventView& ev);

  // The state between events: internal (rules_state.h).
  struct State;

 private:
  void TimeRules(const EventView& ev, int64_t day, uint32_t minute);
  void VolumeRules(const EventView& ev, int64_t day);
  void LogonRules(const EventView& ev, int64_t day);
  void WorkflowRules(const EventView& ev, int64_t day);
  void TerminalRules(const EventView& ev, int64_t day);
  void Prune(TimeMicros now);

  const Parameters& params_;
  const jp::BusinessCalendar& calendar_;
  const Facts& facts_;
  Sink& sink_;
  std::unique_ptr<State> state_;
};

// The JST day number (days since 1970-01-01 in JST) and minute of the day
// of an instant.
int64_t JstDayNumber(TimeMicros t);
uint32_t JstMinuteOfDay(TimeMicros t);

}  // namespace mamori::analysis
