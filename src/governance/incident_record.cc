// The incident record's fields, their checks and its JSON forms
// (incidents.h).
#include <algorithm>
#include <regex>

#include <nlohmann/json.hpp>

#include "governance/incidents.h"
#include "governance/ledger.h"

namespace mamori::governance {
namespace {

using json = nlohmann::json;

constexpr size_t kMaxList = 32;
constexpr size_t kMaxText = 4000;
constexpr int64_t kMaxCount = 1'000'000'000'000;

bool IsCode(std::string_view s) {
  static const std::regex kCode(R"(^[a-z0-9][a-z0-9._-]{0,63}$)");
  return std::regex_match(std::string(s), kCode);
}
bool IsId(std::string_view s) {
  static const std::regex kId(R"(^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$)");
  return std::regex_match(std::string(s), kId);
}

Status ReadCode(const json& body, std::string_view name, std::string& out,
                std::span<const std::string_view> allowed = {}) {
  if (!body.contains(name)) return Status::Ok();
  const json& v = body.at(name);
  const std::string n(name);
  if (!v.is_string() || !IsCode(v.get<std::string>()) ||
      (!allowed.empty() &&
       std::find(allowed.begin(), allowed.end(), v.get<std::string>()) == allowed.end())) {
    return Invalid(name, n + " must be a code of [a-z0-9._-] (see docs/GOVERNANCE.md)",
                   n + " は [a-z0-9._-] のコードで指定します (docs/GOVERNANCE.md 参照)");
  }
  out = v.get<std::string>();
  return Status::Ok();
}

// Department names are the directory's own (総務部): any text of 1-64 bytes
// without control characters.
bool IsDepartment(std::string_view s) {
  return !s.empty() && s.size() <= 64 && std::none_of(s.begin(), s.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20;
  });
}

enum class ListOf { kCodes, kIds, kDepartments };

Status ReadList(const json& body, std::string_view name, std::vector<std::string>& out,
                ListOf kind) {
  if (!body.contains(name)) return Status::Ok();
  const json& v = body.at(name);
  const std::string n(name);
  const bool codes = kind == ListOf::kCodes;
  Status bad =
      Invalid(name, n + " must be a list of at most 32 " + (codes ? "codes" : "identifiers"),
              n + " は " + (codes ? "コード" : "識別子") + " 32 個以内の配列で指定します");
  if (!v.is_array() || v.size() > kMaxList) return bad;
  std::vector<std::string> list;
  for (const auto& x : v) {
    if (!x.is_string()) return bad;
    const std::string s = x.get<std::string>();
    const bool ok = kind == ListOf::kCodes ? IsCode(s)
                    : kind == ListOf::kIds ? IsId(s)
                                           : IsDepartment(s);
    if (!ok) return bad;
    list.push_back(s);
  }
  out = std::move(list);
  return Status::Ok();
}

Status ReadCount(const json& body, std::string_view name, int64_t& out) {
  if (!body.contains(name)) return Status::Ok();
  const json& v = body.at(name);
  if (!v.is_number_integer() || v.get<int64_t>() < -1 || v.get<int64_t>() > kMaxCount) {
    const std::string n(name);
    return Invalid(name, n + " must be a whole number from 0 (or -1: not known)",
                   n + " は 0 以上の整数 (不明は -1) で指定します");
  }
  out = v.get<int64_t>();
  return Status::Ok();
}

Status ReadBool(const json& body, std::string_view name, bool& out) {
  if (!body.contains(name)) return Status::Ok();
  if (!body.at(name).is_boolean()) {
    const std::string n(name);
    return Invalid(name, n + " must be true or false", n + " は true または false で指定します");
  }
  out = body.at(name).get<bool>();
  return Status::Ok();
}

Status ReadText(const json& body, std::string_view name, std::string& out) {
  if (!body.contains(name)) return Status::Ok();
  const json& v = body.at(name);
  if (!v.is_string() || v.get<std::string>().size() > kMaxText) {
    const std::string n(name);
    return Invalid(name, n + " must be text of at most 4000 bytes",
                   n + " は 4000 バイト以内の文字列で指定します");
  }
  out = v.get<std::string>();
  return Status::Ok();
}

constexpr std::string_view kReportSources[] = {"internal", "external"};
constexpr std::string_view kExternal[] = {"customer", "contractor", "public", "authority", "other"};
constexpr std::string_view kLeaked[] = {"yes", "no", "unknown"};
constexpr std::string_view kFieldNames[] = {"source",
                                            "external_reporter",
                                            "departments",
                                            "people",
                                            "occurred_at",
                                            "aware",
                                            "route",
                                            "cause",
                                            "subjects",
                                            "items",
                                            "leaked_to",
                                            "records",
                                            "people_affected",
                                            "leaked",
                                            "attack",
                                            "sensitive",
                                            "financial_damage",
                                            "wrongful_purpose",
                                            "my_number",
                                            "summary",
                                            "secondary_damage",
                                            "subject_response",
                                            "publication",
                                            "prevention",
                                            "notes"};

json DateOrNull(const std::optional<CivilDate>& d) {
  return d ? json(FormatDate(*d)) : json(nullptr);
}

}  // namespace

IncidentFacts Incident::Facts() const {
  IncidentFacts f;
  f.sensitive = sensitive;
  f.financial_damage = financial_damage;
  f.wrongful_purpose = wrongful_purpose;
  f.my_number = my_number;
  f.people = std::max<int64_t>(affected, 0);
  return f;
}

Status ApplyFields(const json& body, Incident& into) {
  if (!body.is_object()) {
    return Invalid("fields", "the fields must be a JSON object",
                   "項目は JSON オブジェクトで指定します");
  }
  for (const auto& [name, value] : body.items()) {
    if (std::find(std::begin(kFieldNames), std::end(kFieldNames), name) == std::end(kFieldNames)) {
      return Invalid("fields", "a member is not a field of an incident (see docs/openapi.yaml)",
                     "漏えい等事案の項目ではないメンバーがあります (docs/openapi.yaml 参照)");
    }
  }
  Incident i = into;
  MAMORI_RETURN_IF_ERROR(ReadCode(body, "source", i.source, kReportSources));
  MAMORI_RETURN_IF_ERROR(ReadCode(body, "external_reporter", i.external_reporter, kExternal));
  MAMORI_RETURN_IF_ERROR(ReadList(body, "departments", i.departments, ListOf::kDepartments));
  MAMORI_RETURN_IF_ERROR(ReadList(body, "people", i.people, ListOf::kIds));
  if (body.contains("occurred_at")) {
    const json& v = body.at("occurred_at");
    std::optional<TimeMicros> at;
    if (v.is_string()) at = ParseUtc(v.get<std::string>());
    if (!at) {
      return Invalid("occurred_at", "occurred_at must be a UTC time like 2026-12-01T09:30:00Z",
                     "occurred_at は 2026-12-01T09:30:00Z の形式の UTC 時刻です");
    }
    i.occurred_at = *at;
  }
  if (body.contains("aware")) {
    const json& v = body.at("aware");
    std::optional<CivilDate> d;
    if (v.is_string()) d = ParseDate(v.get<std::string>());
    if (!d) {
      return Invalid("aware", "aware must be a date like 2026-12-01",
                     "aware は 2026-12-01 の形式の日付です");
    }
    i.aware = *d;
  }
  MAMORI_RETURN_IF_ERROR(ReadCode(body, "route", i.route));
  MAMORI_RETURN_IF_ERROR(ReadCode(body, "cause", i.cause));
  MAMORI_RETURN_IF_ERROR(ReadList(body, "subjects", i.subjects, ListOf::kCodes));
  MAMORI_RETURN_IF_ERROR(ReadList(body, "items", i.items, ListOf::kCodes));
  MAMORI_RETURN_IF_ERROR(ReadList(body, "leaked_to", i.leaked_to, ListOf::kCodes));
  MAMORI_RETURN_IF_ERROR(ReadCount(body, "records", i.records));
  MAMORI_RETURN_IF_ERROR(ReadCount(body, "people_affected", i.affected));
  MAMORI_RETURN_IF_ERROR(ReadCode(body, "leaked", i.leaked, kLeaked));
  MAMORI_RETURN_IF_ERROR(ReadBool(body, "attack", i.attack));
  MAMORI_RETURN_IF_ERROR(ReadBool(body, "sensitive", i.sensitive));
  MAMORI_RETURN_IF_ERROR(ReadBool(body, "financial_damage", i.financial_damage));
  MAMORI_RETURN_IF_ERROR(ReadBool(body, "wrongful_purpose", i.wrongful_purpose));
  MAMORI_RETURN_IF_ERROR(ReadBool(body, "my_number", i.my_number));
  MAMORI_RETURN_IF_ERROR(ReadText(body, "summary", i.summary));
  MAMORI_RETURN_IF_ERROR(ReadText(body, "secondary_damage", i.secondary_damage));
  MAMORI_RETURN_IF_ERROR(ReadText(body, "subject_response", i.subject_response));
  MAMORI_RETURN_IF_ERROR(ReadText(body, "publication", i.publication));
  MAMORI_RETURN_IF_ERROR(ReadText(body, "prevention", i.prevention));
  MAMORI_RETURN_IF_ERROR(ReadText(body, "notes", i.notes));
  if (i.source == "external" && i.external_reporter.empty()) {
    return Invalid("external_reporter",
                   "an outside report names the reporter's category (customer, contractor, public, "
                   "authority, other)",
                   "外部からの報告は報告者の区分 (customer, contractor, public, authority, other) "
                   "を指定します");
  }
  if (i.source == "internal") i.external_reporter.clear();
  into = std::move(i);
  return Status::Ok();
}

namespace internal_record {

json StepToJson(const IncidentStep& s) {
  json j = {{"step", s.step}, {"by", s.by}, {"at", FormatUtc(s.at)}};
  if (s.date) j["date"] = FormatDate(*s.date);
  if (!s.outcome.empty()) j["outcome"] = s.outcome;
  if (!s.note.empty()) j["note"] = s.note;
  return j;
}

// The stored form; IncidentToJson adds what is derived.
json StoredJson(const Incident& i) {
  json j = {{"id", i.id},
            {"source", i.source},
            {"reporter", i.reporter},
            {"reporter_department", i.reporter_department},
            {"reported_at", FormatUtc(i.reported_at)},
            {"departments", i.departments},
            {"people", i.people},
            {"occurred_at", i.occurred_at ? json(FormatUtc(i.occurred_at)) : json(nullptr)},
            {"aware", FormatDate(i.aware)},
            {"route", i.route},
            {"cause", i.cause},
            {"subjects", i.subjects},
            {"items", i.items},
            {"leaked_to", i.leaked_to},
            {"records", i.records},
            {"people_affected", i.affected},
            {"leaked", i.leaked},
            {"attack", i.attack},
            {"sensitive", i.sensitive},
            {"financial_damage", i.financial_damage},
            {"wrongful_purpose", i.wrongful_purpose},
            {"my_number", i.my_number},
            {"summary", i.summary},
            {"secondary_damage", i.secondary_damage},
            {"subject_response", i.subject_response},
            {"publication", i.publication},
            {"prevention", i.prevention},
            {"notes", i.notes},
            {"state", i.state},
            {"no_report", i.no_report},
            {"preliminary_submitted", DateOrNull(i.preliminary_submitted)},
            {"final_submitted", DateOrNull(i.final_submitted)},
            {"police_reported", DateOrNull(i.police_reported)}};
  if (!i.external_reporter.empty()) j["external_reporter"] = i.external_reporter;
  if (i.finding) {
    j["finding"] = {
        {"id", i.finding->id}, {"rule", i.finding->rule}, {"evidence", i.finding->evidence}};
  } else {
    j["finding"] = nullptr;
  }
  json steps = json::array();
  for (const auto& s : i.steps) steps.push_back(StepToJson(s));
  j["steps"] = std::move(steps);
  return j;
}

Result<Incident> FromStored(const json& j) {
  auto corrupt = [] {
    return Status::DataLoss("a stored incident record is damaged",
                            "保存された漏えい等事案の記録が壊れています", "incident");
  };
  Incident i;
  try {
    i.id = j.at("id").get<std::string>();
    i.reporter = j.at("reporter").get<std::string>();
    i.reporter_department = j.at("reporter_department").get<std::string>();
    auto at = ParseUtc(j.at("reported_at").get<std::string>());
    if (!at) return Fail(corrupt());
    i.reported_at = *at;
    json fields = json::object();
    for (std::string_view name : kFieldNames) {
      // Absent, null and "" are the record's defaults (an unset code).
      if (!j.contains(name) || j.at(name).is_null() || j.at(name) == "") continue;
      fields[std::string(name)] = j.at(name);
    }
    if (Status s = ApplyFields(fields, i); !s.ok()) return Fail(corrupt());
    i.state = j.at("state").get<std::string>();
    i.no_report = j.at("no_report").get<bool>();
    auto date = [&](const char* name) -> std::optional<CivilDate> {
      if (j.at(name).is_null()) return std::nullopt;
      return ParseDate(j.at(name).get<std::string>());
    };
    i.preliminary_submitted = date("preliminary_submitted");
    i.final_submitted = date("final_submitted");
    i.police_reported = date("police_reported");
    if (!j.at("finding").is_null()) {
      const json& f = j.at("finding");
      i.finding = IncidentFinding{f.at("id").get<std::string>(), f.at("rule").get<std::string>(),
                                  f.at("evidence").get<std::vector<uint64_t>>()};
    }
    for (const auto& s : j.at("steps")) {
      IncidentStep st;
      st.step = s.at("step").get<std::string>();
      st.by = s.at("by").get<std::string>();
      auto sat = ParseUtc(s.at("at").get<std::string>());
      if (!sat) return Fail(corrupt());
      st.at = *sat;
      if (s.contains("date")) st.date = ParseDate(s.at("date").get<std::string>());
      st.outcome = s.value("outcome", "");
      st.note = s.value("note", "");
      i.steps.push_back(std::move(st));
    }
  } catch (const json::exception&) {
    return Fail(corrupt());
  }
  return i;
}

}  // namespace internal_record

Result<std::vector<OverdueReport>> OverdueReportsOf(const Incident& i, CivilDate today,
                                                    const ReportingPolicy& policy,
                                                    const jp::BusinessCalendar& calendar) {
  std::vector<OverdueReport> out;
  if (i.Closed() || i.no_report || !ReportabilityOf(i.Facts()).reportable) return out;
  MAMORI_ASSIGN_OR_RETURN(auto d, DeadlinesFor(i.aware, i.wrongful_purpose, policy, calendar));
  if (!i.preliminary_submitted && Overdue(d.preliminary_report_due, today)) {
    out.push_back({i.id, "preliminary", d.preliminary_report_due});
  }
  if (!i.final_submitted && Overdue(d.final_report_due, today)) {
    out.push_back({i.id, "final", d.final_report_due});
  }
  return out;
}

json IncidentToJson(const Incident& i, const ReportingPolicy& policy,
                    const jp::BusinessCalendar& calendar, CivilDate today) {
  json j = internal_record::StoredJson(i);
  const Reportability r = ReportabilityOf(i.Facts());
  j["reportable"] = r.reportable;
  j["grounds"] = r.grounds;
  auto d = DeadlinesFor(i.aware, i.wrongful_purpose, policy, calendar);
  if (d) {
    j["preliminary_report_due"] = FormatDate(d->preliminary_report_due);
    j["final_report_due"] = FormatDate(d->final_report_due);
  } else {
    j["preliminary_report_due"] = nullptr;
    j["final_report_due"] = nullptr;
  }
  json overdue = json::array();
  if (auto o = OverdueReportsOf(i, today, policy, calendar); o) {
    for (const auto& x : *o) overdue.push_back(x.kind);
  }
  j["overdue"] = std::move(overdue);
  return j;
}

}  // namespace mamori::governance
