#include "analysis/lists.h"

#include <nlohmann/json.hpp>

#include "analysis/note.h"
#include "analysis/rules.h"
#include "analysis/store_util.h"
#include "audit/audited.h"
#include "audit/log.h"
#include "identity/roles.h"

namespace mamori::analysis {
namespace {

using nlohmann::json;
namespace r = identity::role;

// An access list keeps the key it always had; an inquiry list of the same
// day and dataset is another list.
std::string DayKey(CivilDate date, std::string_view dataset, ListKind kind) {
  std::string key = FormatDate(date) + "/" + std::string(dataset);
  if (kind == ListKind::kInquiry) key += "/inquiry";
  return internal::Key(internal::kListDayPrefix, key);
}

Result<std::optional<ReconciliationList>> ReadList(store::ReadTxn& txn, std::string_view id) {
  MAMORI_ASSIGN_OR_RETURN(
      auto j, internal::ReadJson(txn, internal::Key(internal::kListPrefix, id), "list"));
  if (!j) return std::optional<ReconciliationList>();
  MAMORI_ASSIGN_OR_RETURN(ReconciliationList l, ListFromJson(*j));
  return std::optional<ReconciliationList>(std::move(l));
}

Status WriteList(store::WriteTxn& txn, const ReconciliationList& l) {
  return internal::WriteJson(txn, internal::Key(internal::kListPrefix, l.id), ListToJson(l));
}

Status NoSuchList(std::string_view id) {
  return Status::NotFound("no reconciliation list " + audit::EventIdentifier(id),
                          "確認リスト " + audit::EventIdentifier(id) + " はありません", "list");
}

std::string TimeOrEmpty(TimeMicros t) { return t ? FormatUtc(t) : ""; }

}  // namespace

std::string_view ListKindName(ListKind k) { return k == ListKind::kAccess ? "access" : "inquiry"; }
std::optional<ListKind> ParseListKind(std::string_view name) {
  if (name == "access") return ListKind::kAccess;
  if (name == "inquiry") return ListKind::kInquiry;
  return std::nullopt;
}

std::string_view ListStateName(ListState s) {
  return s == ListState::kPending ? "pending" : "confirmed";
}
std::optional<ListState> ParseListState(std::string_view name) {
  if (name == "pending") return ListState::kPending;
  if (name == "confirmed") return ListState::kConfirmed;
  return std::nullopt;
}

void ListCounts::Add(const EventView& ev) {
  ++total;
  ++users[std::string(ev.actor)];
  if (ev.record.empty()) return;
  auto it = subjects.find(std::string(ev.record));
  if (it == subjects.end()) {
    if (subjects.size() >= kMaxListSubjects) {
      subjects_complete = false;
      return;
    }
    it = subjects.emplace(std::string(ev.record), SubjectAccess{}).first;
    it->second.record = std::string(ev.record);
    it->second.subject = std::string(ev.subject);
  }
  ++it->second.count;
  it->second.users.insert(std::string(ev.actor));
}

json ListToJson(const ReconciliationList& l) {
  json users = json::array();
  for (const auto& [user, n] : l.counts.users) users.push_back({{"user", user}, {"count", n}});
  json subjects = json::array();
  for (const auto& [record, s] : l.counts.subjects) {
    subjects.push_back(
        {{"record", s.record}, {"subject", s.subject}, {"count", s.count}, {"users", s.users}});
  }
  json j = {{"id", l.id},
            {"dataset", l.dataset},
            {"department", l.department},
            {"date", FormatDate(l.date)},
            {"period_from", FormatDate(l.period_from)},
            {"accessed", l.counts.total > 0},
            {"total", l.counts.total},
            {"users", users},
            {"subjects", subjects},
            {"subjects_complete", l.counts.subjects_complete},
            {"confirmer", l.confirmer},
            {"due", FormatDate(l.due)},
            {"overdue_at", FormatUtc(l.overdue_at)},
            {"state", ListStateName(l.state)},
            {"confirmed_by", l.confirmed_by},
            {"confirmed_at", TimeOrEmpty(l.confirmed_at)},
            {"comment", l.comment},
            {"late", l.late},
            {"escalation", l.escalation},
            {"produced_at", FormatUtc(l.produced_at)}};
  j["kind"] = ListKindName(l.kind);
  if (l.kind == ListKind::kInquiry) {
    j["inquiries"] = l.counts.total;
    j["answers"] = l.counts.answers;
    j["answers_match"] = l.counts.total == l.counts.answers;
    if (l.counts.total == 0) {
      j["note"] = "no inquiry about this dataset in the period";
      j["note_ja"] = "期間中、この台帳への照会はありませんでした";
    }
  } else if (l.counts.total == 0) {
    j["note"] = "no access to this dataset in the period";
    j["note_ja"] = "期間中、この台帳へのアクセスはありませんでした";
  }
  return j;
}

Result<ReconciliationList> ListFromJson(const json& j) {
  const Status corrupt = internal::Corrupt("list");
  try {
    ReconciliationList l;
    l.id = j.at("id").get<std::string>();
    l.dataset = j.at("dataset").get<std::string>();
    l.department = j.at("department").get<std::string>();
    auto date = ParseDate(j.at("date").get<std::string>());
    auto from = ParseDate(j.at("period_from").get<std::string>());
    auto due = ParseDate(j.at("due").get<std::string>());
    auto overdue = ParseUtc(j.at("overdue_at").get<std::string>());
    auto produced = ParseUtc(j.at("produced_at").get<std::string>());
    auto state = ParseListState(j.at("state").get<std::string>());
    if (!date || !from || !due || !overdue || !produced || !state) return Fail(corrupt);
    l.date = *date;
    l.period_from = *from;
    l.due = *due;
    l.overdue_at = *overdue;
    l.produced_at = *produced;
    l.state = *state;
    l.counts.total = j.at("total").get<uint64_t>();
    // Lists stored before inquiry lists existed are access lists.
    auto kind = ParseListKind(j.value("kind", "access"));
    if (!kind) return Fail(corrupt);
    l.kind = *kind;
    l.counts.answers = j.value("answers", uint64_t{0});
    for (const auto& u : j.at("users")) {
      l.counts.users[u.at("user").get<std::string>()] = u.at("count").get<uint64_t>();
    }
    for (const auto& s : j.at("subjects")) {
      SubjectAccess a;
      a.record = s.at("record").get<std::string>();
      a.subject = s.at("subject").get<std::string>();
      a.count = s.at("count").get<uint64_t>();
      a.users = s.at("users").get<std::set<std::string>>();
      l.counts.subjects[a.record] = std::move(a);
    }
    l.counts.subjects_complete = j.at("subjects_complete").get<bool>();
    l.confirmer = j.at("confirmer").get<std::string>();
    l.confirmed_by = j.at("confirmed_by").get<std::string>();
    const std::string at = j.at("confirmed_at").get<std::string>();
    if (!at.empty()) {
      auto t = ParseUtc(at);
      if (!t) return Fail(corrupt);
      l.confirmed_at = *t;
    }
    l.comment = j.at("comment").get<std::string>();
    l.late = j.at("late").get<bool>();
    l.escalation = j.at("escalation").get<std::string>();
    return l;
  } catch (const json::exception&) {
    return Fail(corrupt);
  }
}

int64_t ListDayOf(const jp::BusinessCalendar& calendar, int64_t day) {
  // The first business day on or after `day`; at most a few weeks ahead
  // under any closure an organisation sets (bounded to a year regardless).
  for (int64_t d = day; d < day + 366; ++d) {
    if (calendar.IsBusinessDayNumber(d)) return d;
  }
  return day;
}

Result<CivilDate> ListDue(const jp::BusinessCalendar& calendar, CivilDate date) {
  return calendar.NextBusinessDay(date, 1);
}

Result<TimeMicros> ListOverdueAt(const jp::BusinessCalendar& calendar, CivilDate due) {
  MAMORI_ASSIGN_OR_RETURN(CivilDate after, calendar.NextBusinessDay(due, 1));
  return JstMidnight(after);
}

Result<ReconciliationList> Lists::Get(std::string_view id) {
  std::optional<ReconciliationList> l;
  MAMORI_RETURN_IF_ERROR(store_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(l, ReadList(txn, id));
    return Status::Ok();
  }));
  if (!l) return Fail(NoSuchList(id));
  return std::move(*l);
}

Result<std::vector<ReconciliationList>> Lists::List(const ListFilter& filter) {
  std::vector<ReconciliationList> out;
  MAMORI_RETURN_IF_ERROR(store_.View([&](store::ReadTxn& txn) -> Status {
    return txn.ScanEach(internal::kListPrefix, store::PrefixEnd(internal::kListPrefix),
                        [&](std::string_view, std::string_view value) -> Result<bool> {
                          MAMORI_ASSIGN_OR_RETURN(ReconciliationList l,
                                                  ListFromJson(json::parse(value, nullptr, false)));
                          if (filter.kind && l.kind != *filter.kind) return true;
                          if (filter.date && l.date != *filter.date) return true;
                          if (!filter.dataset.empty() && l.dataset != filter.dataset) return true;
                          if (filter.state && l.state != *filter.state) return true;
                          out.push_back(std::move(l));
                          return true;
                        });
  }));
  return out;
}

Result<ReconciliationList> Lists::Confirm(const policy::Caller& caller, std::string_view id,
                                          std::string_view comment) {
  const TimeMicros now = caller.Now();
  const identity::Principal& who = caller.principal;
  engine::Context ctx;
  ctx.actor = who.id;
  ctx.terminal = who.terminal.id;
  ctx.request_id = caller.request_id;
  audit::Event ev = internal::MakeEvent(ctx, "analysis.list.confirm", now);
  ev.attrs["list"] = audit::EventIdentifier(id);
  ReconciliationList result;
  Status s = audit::RunAudited(
      store_, ev, {[&](store::WriteTxn& txn, audit::Event& e, bool&) -> Status {
        MAMORI_ASSIGN_OR_RETURN(auto found, ReadList(txn, id));
        if (!found) return NoSuchList(id);
        ReconciliationList& l = *found;
        e.dataset = l.dataset;
        e.attrs["date"] = FormatDate(l.date);
        if (l.counts.users.contains(who.id)) {
          return Status::PermissionDenied(
              "you accessed this data in the list's period: someone else confirms it",
              "確認リストの期間にこのデータにアクセスした人は確認できません",
              std::string(kConfirmerAccessed));
        }
        const bool same_dept = !l.department.empty() && who.department == l.department;
        if (l.kind == ListKind::kInquiry && !(same_dept && who.HasRole(r::kConfirmer))) {
          // [003 VI(1)①]: the confirmer (確認者) checks the inquiries
          // against the consent documents; a manager does not stand in.
          return Status::PermissionDenied(
              "an inquiry list is confirmed by a confirmer of the dataset's department",
              "照会の確認リストは当該部署の確認者が確認します", std::string(kNotConfirmer));
        }
        const bool role_here =
            same_dept && (who.HasRole(r::kConfirmer) || who.HasRole(r::kSectionManager) ||
                          who.HasRole(r::kDepartmentOfficer));
        const bool ciso_line =
            who.HasRole(r::kCiso) || who.HasRole(r::kChiefOfficer) || who.HasRole(r::kDeputyCiso);
        if (who.id != l.confirmer && !role_here && !ciso_line) {
          return Status::PermissionDenied(
              "only the list's confirmer, a confirmer or manager of the dataset's department or "
              "the CISO line confirms it",
              "確認リストは指定の確認者、当該部門の確認者・管理者または統括部門が確認します",
              std::string(kNotConfirmer));
        }
        if (l.state == ListState::kConfirmed) {
          return Status::FailedPrecondition("the list is already confirmed",
                                            "この確認リストは確認済みです",
                                            std::string(kListConfirmed));
        }
        MAMORI_RETURN_IF_ERROR(CheckNote(comment, false, "comment"));
        l.state = ListState::kConfirmed;
        l.confirmed_by = who.id;
        l.confirmed_at = now;
        l.comment = std::string(comment);
        l.late = now >= l.overdue_at;
        if (l.late) e.attrs["late"] = "true";
        MAMORI_RETURN_IF_ERROR(txn.Delete(internal::Key(internal::kListPendingPrefix, l.id)));
        result = l;
        return WriteList(txn, l);
      }});
  MAMORI_RETURN_IF_ERROR(s);
  return result;
}

bool Lists::MayView(const identity::Principal& who, const ReconciliationList& l) {
  for (auto role : {r::kCiso, r::kDeputyCiso, r::kChiefOfficer, r::kAuditor, r::kAuditLead}) {
    if (who.HasRole(role)) return true;
  }
  if (who.id == l.confirmer) return true;
  if (l.department.empty() || who.department != l.department) return false;
  return who.HasRole(r::kConfirmer) || who.HasRole(r::kSectionManager) ||
         who.HasRole(r::kDepartmentOfficer) || who.HasRole(r::kCreditInfoDirector);
}

Status Lists::ProduceIn(store::WriteTxn& txn, ReconciliationList& list) {
  const std::string day = DayKey(list.date, list.dataset, list.kind);
  MAMORI_ASSIGN_OR_RETURN(auto exists, txn.Get(day));
  if (exists) {
    return Status::AlreadyExists("the list of that day and dataset exists",
                                 "その日と台帳の確認リストは作成済みです", "list");
  }
  MAMORI_ASSIGN_OR_RETURN(list.id, internal::NextId(txn, "list", 'L'));
  MAMORI_RETURN_IF_ERROR(WriteList(txn, list));
  MAMORI_RETURN_IF_ERROR(txn.Put(day, list.id));
  MAMORI_RETURN_IF_ERROR(txn.Put(internal::Key(internal::kListPendingPrefix, list.id), ""));
  audit::Event ev = internal::SystemEvent("analysis.list", list.produced_at);
  ev.dataset = list.dataset;
  ev.attrs = {{"list", list.id},
              {"date", FormatDate(list.date)},
              {"accesses", std::to_string(list.counts.total)},
              {"users", std::to_string(list.counts.users.size())}};
  if (!list.confirmer.empty()) ev.attrs["confirmer"] = audit::EventIdentifier(list.confirmer);
  if (list.kind == ListKind::kInquiry) {
    ev.attrs["kind"] = "inquiry";
    ev.attrs["answers"] = std::to_string(list.counts.answers);
  }
  return StatusOf(audit::Append(txn, ev));
}

Result<std::vector<ReconciliationList>> Lists::PendingIn(store::ReadTxn& txn) {
  std::vector<std::string> ids;
  MAMORI_RETURN_IF_ERROR(
      txn.ScanEach(internal::kListPendingPrefix, store::PrefixEnd(internal::kListPendingPrefix),
                   [&](std::string_view key, std::string_view) -> Result<bool> {
                     ids.emplace_back(key.substr(internal::kListPendingPrefix.size()));
                     return true;
                   }));
  std::vector<ReconciliationList> out;
  for (const auto& id : ids) {
    MAMORI_ASSIGN_OR_RETURN(auto l, ReadList(txn, id));
    if (!l) return Fail(internal::Corrupt("pending list index"));
    out.push_back(std::move(*l));
  }
  return out;
}

Status Lists::EscalatedIn(store::WriteTxn& txn, ReconciliationList list,
                          const std::string& finding) {
  list.escalation = finding;
  MAMORI_RETURN_IF_ERROR(txn.Delete(internal::Key(internal::kListPendingPrefix, list.id)));
  return WriteList(txn, list);
}

}  // namespace mamori::analysis
