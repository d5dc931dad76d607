// Daily reconciliation lists (アクセス記録の確認, [003 II.5(7)]; docs/REQUIREMENTS.md
// §6): for every business day and every dataset, who accessed which subjects
// how often — produced also on a day without access, when it says there was
// none — for a confirmer who did not access the data that day, due by the next
// business day.
//
// Decisions:
//   - A list covers its business day and the closed days before it (from
//     the day after the previous business day): Monday's list holds the
//     weekend's accesses, so no access ever falls between two lists.
//   - It is produced list_grace_minutes after its last day ends, once the
//     evaluation has read every event up to then (monitor.h).
//   - Due by the end of the next business day; overdue from the start of the
//     business day after that, so escalation lands on a working day
//     (a Friday's list before a Monday holiday: due Tuesday, overdue
//     Wednesday 00:00 JST; 2024-12-27's: due 2025-01-06, overdue 01-07).
//   - Overdue: a list_overdue finding about the confirmer, owned by the
//     department officer of the dataset's department (assign.h); the list
//     stays open for a late confirmation, which says it was late.
//   - It names subjects by record id and keyed reference only, never a
//     personal value; at most kMaxListSubjects records are listed, the
//     counts are complete, and subjects_complete says whether the list is.
//   - Two kinds ([003 VI(1)①] for inquiries): an access list (every
//     dataset) and, for a dataset that names an inquiry scheme
//     (engine::DatasetDef::inquiry_control), an inquiry list: the day's
//     inquiries ("inquiry.run"), the answers received (the first delivery
//     of each, "inquiry.answer" count 1) and the records inquired about —
//     the daily count list and the daily list of persons inquired about,
//     in one, produced for every business day, zero days included, due by
//     the next business day. An inquiry list is confirmed only by a
//     confirmer (確認者) of the dataset's department who ran none of its
//     inquiries ("analysis.not_confirmer", "analysis.confirmer_accessed").
//   - Who confirms: the assigned confirmer, or a confirmer, section manager
//     or department officer of the dataset's department, or the CISO line
//     — never someone who accessed the data in the list's period
//     ("analysis.confirmer_accessed"). Confirming is audited
//     ("analysis.list.confirm"; the comment stays in the list).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "analysis/event_view.h"
#include "core/status.h"
#include "core/time.h"
#include "identity/principal.h"
#include "jp/business_calendar.h"
#include "policy/caller.h"
#include "store/storage.h"

namespace mamori::analysis {

inline constexpr size_t kMaxListSubjects = 1000;

inline constexpr std::string_view kConfirmerAccessed = "analysis.confirmer_accessed";
inline constexpr std::string_view kNotConfirmer = "analysis.not_confirmer";
inline constexpr std::string_view kListConfirmed = "analysis.list_confirmed";

enum class ListKind { kAccess, kInquiry };
std::string_view ListKindName(ListKind k);  // "access", "inquiry"
std::optional<ListKind> ParseListKind(std::string_view name);

enum class ListState { kPending, kConfirmed };
std::string_view ListStateName(ListState s);  // "pending", "confirmed"
std::optional<ListState> ParseListState(std::string_view name);

struct SubjectAccess {
  std::string record;   // record id
  std::string subject;  // keyed reference of the person (audit event "subject")
  uint64_t count = 0;
  std::set<std::string> users;
};

// What one business day's accesses to one dataset add up to.
struct ListCounts {
  uint64_t total = 0;                             // accesses; for an inquiry list, inquiries
  uint64_t answers = 0;                           // inquiry lists: the answers received
  std::map<std::string, uint64_t> users;          // user → accesses
  std::map<std::string, SubjectAccess> subjects;  // record → accesses
  bool subjects_complete = true;

  void Add(const EventView& ev);
};

struct ReconciliationList {
  std::string id;  // "L00000001"
  ListKind kind = ListKind::kAccess;
  std::string dataset, department;
  CivilDate date;         // the business day
  CivilDate period_from;  // the first calendar day it covers
  ListCounts counts;
  std::string confirmer;
  CivilDate due;
  TimeMicros overdue_at = 0;
  ListState state = ListState::kPending;
  std::string confirmed_by;
  TimeMicros confirmed_at = 0;
  std::string comment;
  bool late = false;       // confirmed at or after overdue_at
  std::string escalation;  // the list_overdue finding, once overdue
  TimeMicros produced_at = 0;

  bool Overdue(TimeMicros now) const { return state == ListState::kPending && now >= overdue_at; }
};

nlohmann::json ListToJson(const ReconciliationList& l);
Result<ReconciliationList> ListFromJson(const nlohmann::json& j);  // kDataLoss

// The business day whose list holds the accesses of JST day `day`.
int64_t ListDayOf(const jp::BusinessCalendar& calendar, int64_t day);
// Due date and overdue instant of the list of business day `date`.
Result<CivilDate> ListDue(const jp::BusinessCalendar& calendar, CivilDate date);
Result<TimeMicros> ListOverdueAt(const jp::BusinessCalendar& calendar, CivilDate due);

struct ListFilter {
  std::optional<ListKind> kind;
  std::optional<CivilDate> date;
  std::string dataset;
  std::optional<ListState> state;
};

class Lists {
 public:
  explicit Lists(store::Storage& store) : store_(store) {}

  Result<ReconciliationList> Get(std::string_view id);
  // By id ascending.
  Result<std::vector<ReconciliationList>> List(const ListFilter& filter);
  Result<ReconciliationList> Confirm(const policy::Caller& caller, std::string_view id,
                                     std::string_view comment = {});

  // Who may see a list (list.show): the CISO line and auditors every list;
  // its confirmer; a confirmer, section manager, department officer or
  // credit information director of the dataset's department.
  static bool MayView(const identity::Principal& who, const ReconciliationList& list);

  // Inside the evaluation's transaction: stores a produced list (id, day
  // index, pending index) and appends "analysis.list". AlreadyExists when
  // that day's list of the dataset was produced before.
  static Status ProduceIn(store::WriteTxn& txn, ReconciliationList& list);
  // The pending lists (ids).
  static Result<std::vector<ReconciliationList>> PendingIn(store::ReadTxn& txn);
  // Marks a pending list escalated to `finding` (it stays confirmable).
  static Status EscalatedIn(store::WriteTxn& txn, ReconciliationList list,
                            const std::string& finding);

 private:
  store::Storage& store_;
};

}  // namespace mamori::analysis
