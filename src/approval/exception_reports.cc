#include "approval/exception_reports.h"

#include <charconv>
#include <cstdio>
#include <map>

#include <nlohmann/json.hpp>

#include "audit/audited.h"

namespace mamori::approval {
namespace {

using json = nlohmann::json;

//   exc/rep/seq      decimal counter
//   exc/rep/r/<id>   ExceptionReport JSON
constexpr std::string_view kReportCounter = "exc/rep/seq";
constexpr std::string_view kReports = "exc/rep/r/";
constexpr int kMaxTrendMonths = 36;
constexpr const char* kCategories[] = {"applied", "approved", "rejected",    "in_force",
                                       "ended",   "lapsed",   "emergencies", "late"};

std::string ReportKey(std::string_view id) { return std::string(kReports) + std::string(id); }

Status CorruptReport() {
  return Status::DataLoss("a stored exception report is damaged",
                          "保存された例外措置の報告が壊れています", "exc/rep");
}

Status NoReport(std::string_view id) {
  const std::string shown = audit::EventIdentifier(id);
  return Status::NotFound("no exception report " + shown,
                          "例外措置の報告 " + shown + " はありません",
                          std::string(kReportNotFound));
}

TimeMicros MonthStart(Month m) { return JstMidnight(CivilDate{m.year, m.month, 1}); }

Result<ExceptionReport> ReportFromJson(const json& j) {
  ExceptionReport r;
  try {
    r.id = j.at("id").get<std::string>();
    auto period = ParseMonth(j.at("period").get<std::string>());
    auto produced = ParseUtc(j.at("produced_at").get<std::string>());
    if (!period || !produced) return Fail(CorruptReport());
    r.period = *period;
    r.produced_at = *produced;
    r.produced_by = j.at("produced_by").get<std::string>();
    for (const char* c : kCategories) {
      r.lists.emplace_back(c, j.at("exceptions").at(c).get<std::vector<std::string>>());
    }
    if (!j.at("acknowledged_by").is_null()) {
      r.acknowledged_by = j.at("acknowledged_by").get<std::string>();
      auto at = ParseUtc(j.at("acknowledged_at").get<std::string>());
      if (!at) return Fail(CorruptReport());
      r.acknowledged_at = *at;
    }
  } catch (const json::exception&) {
    return Fail(CorruptReport());
  }
  return r;
}

Result<std::optional<ExceptionReport>> ReadReport(store::ReadTxn& txn, std::string_view id) {
  MAMORI_ASSIGN_OR_RETURN(auto raw, txn.Get(ReportKey(id)));
  if (!raw) return std::optional<ExceptionReport>();
  auto j = json::parse(*raw, nullptr, false);
  if (j.is_discarded()) return Fail(CorruptReport());
  MAMORI_ASSIGN_OR_RETURN(auto r, ReportFromJson(j));
  return std::optional<ExceptionReport>(std::move(r));
}

Result<std::vector<ExceptionReport>> ReadReports(store::ReadTxn& txn) {
  std::vector<ExceptionReport> out;
  MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan(kReports, store::PrefixEnd(kReports), 0));
  for (const auto& row : rows) {
    auto j = json::parse(row.value, nullptr, false);
    if (j.is_discarded()) return Fail(CorruptReport());
    MAMORI_ASSIGN_OR_RETURN(auto r, ReportFromJson(j));
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::string> NextReportId(store::WriteTxn& txn) {
  MAMORI_ASSIGN_OR_RETURN(auto raw, txn.Get(kReportCounter));
  uint64_t n = 0;
  if (raw) {
    auto [p, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), n);
    if (ec != std::errc() || p != raw->data() + raw->size()) return Fail(CorruptReport());
  }
  ++n;
  MAMORI_RETURN_IF_ERROR(txn.Put(kReportCounter, std::to_string(n)));
  char buf[32];
  std::snprintf(buf, sizeof buf, "XR%08llu", static_cast<unsigned long long>(n));
  return std::string(buf);
}

audit::Event ReportEvent(const Caller* caller, std::string_view operation, TimeMicros now) {
  audit::Event ev;
  ev.time = now;
  ev.actor = caller ? caller->principal.id : std::string(kReportSystemActor);
  ev.terminal = caller ? caller->principal.terminal.id : "local:mamori";
  ev.request_id = caller ? caller->request_id : "";
  ev.operation = std::string(operation);
  ev.result = std::string(audit::kResultOk);
  return ev;
}

// The time of the decision that approved the request, or 0.
TimeMicros ApprovedAt(const Request& r) {
  if (r.state != State::kApproved || r.decisions.empty()) return 0;
  return r.decisions.back().at;
}
TimeMicros RejectedAt(const Request& r) {
  if (r.state != State::kRejected || r.decisions.empty()) return 0;
  return r.decisions.back().at;
}

}  // namespace

std::optional<Month> ParseMonth(std::string_view text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  auto d = ParseDate(std::string(text) + "-01");
  if (!d) return std::nullopt;
  return Month{d->year, d->month};
}

std::string FormatMonth(Month m) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", m.year, m.month);
  return buf;
}

Month MonthOf(TimeMicros t) {
  const CivilDate d = JstDate(t);
  return Month{d.year, d.month};
}

Month NextMonth(Month m) {
  return m.month == 12 ? Month{m.year + 1, 1} : Month{m.year, m.month + 1};
}

json ReportToJson(const ExceptionReport& r) {
  json lists = json::object(), counts = json::object();
  for (const auto& [name, ids] : r.lists) {
    lists[name] = ids;
    counts[name] = ids.size();
  }
  return {
      {"id", r.id},
      {"period", FormatMonth(r.period)},
      {"produced_by", r.produced_by},
      {"produced_at", FormatUtc(r.produced_at)},
      {"counts", counts},
      {"exceptions", lists},
      {"acknowledged_by", r.acknowledged_at ? json(r.acknowledged_by) : json(nullptr)},
      {"acknowledged_at", r.acknowledged_at ? json(FormatUtc(r.acknowledged_at)) : json(nullptr)}};
}

ExceptionReport Compile(const std::vector<ExceptionEntry>& ledger, Month period, TimeMicros now) {
  const TimeMicros from = MonthStart(period), to = MonthStart(NextMonth(period));
  const CivilDate first{period.year, period.month, 1};
  const CivilDate last = JstDate(to - 1);
  auto in = [&](TimeMicros t) { return t != 0 && t >= from && t < to && t <= now; };
  std::map<std::string, std::vector<std::string>> lists;
  for (const auto& e : ledger) {
    const Request& r = e.request;
    const std::string& id = e.terms.id;
    if (in(r.created_at)) lists["applied"].push_back(id);
    const TimeMicros approved = ApprovedAt(r);
    if (in(approved)) lists["approved"].push_back(id);
    if (in(RejectedAt(r))) lists["rejected"].push_back(id);
    if (approved != 0 && approved < to && e.terms.start <= last && e.terms.end >= first &&
        (e.terms.ended_at == 0 || e.terms.ended_at >= from)) {
      lists["in_force"].push_back(id);
    }
    if (in(e.terms.ended_at)) lists["ended"].push_back(id);
    if (approved != 0 && e.terms.ended_at == 0 && e.terms.end >= first && e.terms.end <= last &&
        JstDate(now) > e.terms.end) {
      lists["lapsed"].push_back(id);
    }
    if (r.emergency && in(r.created_at)) {
      lists["emergencies"].push_back(id);
      if (r.emergency->late) lists["late"].push_back(id);
    }
  }
  ExceptionReport out;
  out.period = period;
  for (const char* c : kCategories) out.lists.emplace_back(c, lists[c]);
  return out;
}

Result<json> Trends(const std::vector<ExceptionEntry>& ledger, Month from, Month to,
                    TimeMicros now) {
  int span = (to.year - from.year) * 12 + (to.month - from.month) + 1;
  if (span < 1 || span > kMaxTrendMonths) {
    return Fail(Status::InvalidArgument("the range runs from `from` to `to`, at most 36 months",
                                        "期間は from から to まで、36 か月以内で指定します", "to"));
  }
  std::map<Month, json> months;
  for (Month m = from; m <= to; m = NextMonth(m)) {
    months[m] = {{"month", FormatMonth(m)},
                 {"total", 0},
                 {"by_rule", json::object()},
                 {"by_department", json::object()},
                 {"by_state", json::object()}};
  }
  for (const auto& e : ledger) {
    auto it = months.find(MonthOf(e.request.created_at));
    if (it == months.end()) continue;
    json& m = it->second;
    m["total"] = m["total"].get<int>() + 1;
    auto bump = [](json& obj, const std::string& key) { obj[key] = obj.value(key, 0) + 1; };
    bump(m["by_rule"], e.terms.rule);
    bump(m["by_department"], e.request.applicant_department);
    bump(m["by_state"], LedgerState(e, now));
  }
  json out = {{"from", FormatMonth(from)}, {"to", FormatMonth(to)}, {"months", json::array()}};
  for (auto& [_, m] : months) out["months"].push_back(std::move(m));
  return out;
}

Result<ExceptionReport> ExceptionReports::Produce(const Caller* caller, Month period,
                                                  TimeMicros now) {
  ExceptionReport out;
  audit::Event ev = ReportEvent(caller, "exception.report", now);
  ev.attrs["period"] = FormatMonth(period);
  Status s = audit::RunAudited(
      storage_, std::move(ev), {[&](store::WriteTxn& txn, audit::Event& e, bool&) -> Status {
        if (caller && caller->principal.kind != identity::PrincipalKind::kUser) {
          return Status::PermissionDenied("only a person or the server produces a report",
                                          "報告を作成できるのは本人またはサーバだけです",
                                          std::string(kNotPerson));
        }
        if (MonthStart(period) > now) {
          return Status::InvalidArgument("the period has not begun", "対象月がまだ始まっていません",
                                         "period");
        }
        MAMORI_ASSIGN_OR_RETURN(auto ledger, Exceptions::ReadLedger(txn));
        out = Compile(ledger, period, now);
        MAMORI_ASSIGN_OR_RETURN(out.id, NextReportId(txn));
        out.produced_by = e.actor;
        out.produced_at = now;
        e.attrs["report"] = out.id;
        for (const auto& [name, ids] : out.lists) e.attrs[name] = std::to_string(ids.size());
        return txn.Put(ReportKey(out.id), ReportToJson(out).dump());
      }});
  if (!s.ok()) return Fail(s);
  return out;
}

Result<ExceptionReport> ExceptionReports::Acknowledge(const Caller& caller, std::string_view id) {
  ExceptionReport out;
  audit::Event ev = ReportEvent(&caller, "exception.report_ack", caller.Now());
  ev.attrs["report"] = audit::EventIdentifier(id);
  Status s = audit::RunAudited(
      storage_, std::move(ev), {[&](store::WriteTxn& txn, audit::Event& e, bool&) -> Status {
        MAMORI_ASSIGN_OR_RETURN(auto found, ReadReport(txn, id));
        if (!found) return NoReport(id);
        out = std::move(*found);
        e.attrs["period"] = FormatMonth(out.period);
        if (caller.principal.kind != identity::PrincipalKind::kUser ||
            !caller.principal.HasRole("chief_officer")) {
          return Status::PermissionDenied(
              "only the chief security manager (chief_officer) acknowledges an exception report",
              "例外措置の報告を受領できるのは統括情報セキュリティ責任者 (chief_officer) だけです",
              std::string(kReportNotChiefOfficer));
        }
        if (out.acknowledged_at != 0) {
          return Status::FailedPrecondition("report " + out.id + " was acknowledged already",
                                            "報告 " + out.id + " は受領済みです",
                                            std::string(kReportAcknowledged));
        }
        out.acknowledged_by = caller.principal.id;
        out.acknowledged_at = caller.Now();
        return txn.Put(ReportKey(out.id), ReportToJson(out).dump());
      }});
  if (!s.ok()) return Fail(s);
  return out;
}

Result<std::vector<ExceptionReport>> ExceptionReports::List() {
  std::vector<ExceptionReport> out;
  MAMORI_RETURN_IF_ERROR(storage_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(out, ReadReports(txn));
    return Status::Ok();
  }));
  return out;
}

Result<ExceptionReport> ExceptionReports::Get(std::string_view id) {
  std::optional<ExceptionReport> out;
  MAMORI_RETURN_IF_ERROR(storage_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(out, ReadReport(txn, id));
    return Status::Ok();
  }));
  if (!out) return Fail(NoReport(id));
  return std::move(*out);
}

Result<std::optional<ExceptionReport>> ExceptionReports::Tick(TimeMicros now) {
  Month due = MonthOf(now);
  due = due.month == 1 ? Month{due.year - 1, 12} : Month{due.year, due.month - 1};
  MAMORI_ASSIGN_OR_RETURN(auto all, List());
  for (const auto& r : all) {
    if (r.period == due) {
      return std::optional<ExceptionReport>();
    }
  }
  MAMORI_ASSIGN_OR_RETURN(auto made, Produce(nullptr, due, now));
  return std::optional<ExceptionReport>(std::move(made));
}

}  // namespace mamori::approval
