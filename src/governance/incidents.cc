#include "governance/incidents.h"

#include <algorithm>
#include <array>

#include <nlohmann/json.hpp>

#include "analysis/parameters.h"
#include "analysis/store_util.h"
#include "approval/approvals.h"
#include "audit/audited.h"
#include "governance/cycle_findings.h"
#include "policy/system_rights.h"

namespace mamori::governance {
namespace internal_record {
nlohmann::json StoredJson(const Incident& i);
Result<Incident> FromStored(const nlohmann::json& j);
}  // namespace internal_record

namespace {

using json = nlohmann::json;

// The records in the data store:
//   inc/i/<id>   the incident (internal_record::StoredJson)
//   ana/seq/incident  the counter of ids (analysis/store_util.h NextId)
constexpr std::string_view kPrefix = "inc/i/";

std::string Key(std::string_view id) { return analysis::internal::Key(kPrefix, id); }

// The flow: a step, the state it is taken from, the state it leads to
// ("" for the Commission's reports and amend, which keep the state), and
// the system operation that decides who takes it.
struct StepRule {
  std::string_view step, from, to, operation;
};
constexpr std::array<StepRule, 11> kSteps = {{
    {"triage", "reported", "triaged", "incident.triage"},
    {"decide", "triaged", "decided", "incident.decide"},
    {"contain", "decided", "contained", "incident.contain"},
    {"check_systems", "contained", "systems_checked", "incident.check_systems"},
    {"police", "systems_checked", "police_decided", "incident.police"},
    {"lessons", "police_decided", "lessons_learned", "incident.lessons"},
    {"close", "lessons_learned", "closed", "incident.close"},
    {"preliminary_report", "", "", "incident.commission_report"},
    {"final_report", "", "", "incident.commission_report"},
    {"no_report", "", "", "incident.commission_report"},
    {"amend", "", "", "incident.amend"},
}};

const StepRule* FindStep(std::string_view step) {
  for (const auto& s : kSteps) {
    if (s.step == step) return &s;
  }
  return nullptr;
}

Status NoIncident(std::string_view id) {
  const std::string shown = audit::EventIdentifier(id);
  return Status::NotFound("no incident " + shown, "漏えい等事案 " + shown + " はありません",
                          std::string(kIncidentNotFound));
}

Status Order(const std::string& en, const std::string& ja) {
  return Status::FailedPrecondition(en, ja, std::string(kIncidentStepOrder));
}

audit::Event EventOf(const policy::Caller& caller, std::string_view operation) {
  return approval::CallerEvent({caller.principal, caller.request_id, caller.time}, operation);
}

Result<std::optional<Incident>> Read(store::ReadTxn& txn, std::string_view id) {
  MAMORI_ASSIGN_OR_RETURN(auto j, analysis::internal::ReadJson(txn, Key(id), "incident"));
  if (!j) return std::optional<Incident>();
  MAMORI_ASSIGN_OR_RETURN(auto i, internal_record::FromStored(*j));
  return std::optional<Incident>(std::move(i));
}

Status Write(store::WriteTxn& txn, const Incident& i) {
  return analysis::internal::WriteJson(txn, Key(i.id), internal_record::StoredJson(i));
}

// A submission date: given, not before the day of awareness, not after today.
Result<CivilDate> SubmissionDate(const json& body, const Incident& i, CivilDate today) {
  std::optional<CivilDate> d;
  if (body.contains("date") && body.at("date").is_string()) {
    d = ParseDate(body.at("date").get<std::string>());
  }
  if (!d) {
    return Fail(Status::InvalidArgument("date must be a date like 2026-12-01",
                                        "date は 2026-12-01 の形式の日付です", "date"));
  }
  if (*d < i.aware || *d > today) {
    return Fail(Status::InvalidArgument("date must be from the day of awareness to today",
                                        "date は事案を認知した日から今日までの日付で指定します",
                                        "date"));
  }
  return *d;
}

Status NoteOf(const json& body, bool required, std::string& out) {
  const bool present = body.contains("note") && body.at("note").is_string();
  if (body.contains("note") && !present) {
    return Status::InvalidArgument("note must be text", "note は文字列で指定します", "note");
  }
  out = present ? body.at("note").get<std::string>() : "";
  if (out.size() > 4000 || (required && out.empty())) {
    return Status::InvalidArgument("note is required: text of at most 4000 bytes",
                                   "note (4000 バイト以内の文字列) は必須です", "note");
  }
  return Status::Ok();
}

// The members of the step's body other than the record's fields.
Status ReasonOf(const json& body, std::string& out) {
  if (!body.contains("reason")) return Status::Ok();
  const json& v = body.at("reason");
  if (!v.is_string() || !approval::ValidateCode(v.get<std::string>(), "reason").ok()) {
    return Status::InvalidArgument("reason must be a code of [a-z0-9._-]",
                                   "reason は [a-z0-9._-] のコードで指定します", "reason");
  }
  out = v.get<std::string>();
  return Status::Ok();
}

// Takes one step on `i` (already read); fills the event's attrs.
Status Apply(const policy::Caller& caller, const StepRule& rule, const json& body, Incident& i,
             audit::Event& e) {
  const CivilDate today = JstDate(caller.Now());
  IncidentStep st;
  st.step = std::string(rule.step);
  st.by = caller.principal.id;
  st.at = caller.Now();
  const bool reportable = ReportabilityOf(i.Facts()).reportable;
  if (!rule.from.empty()) {
    if (i.state != rule.from) {
      return Order("the incident is " + i.state + "; this step is taken when it is " +
                       std::string(rule.from),
                   "この事案は " + i.state + " です。この手順は " + std::string(rule.from) +
                       " のときに行います");
    }
    i.state = std::string(rule.to);
  } else if (rule.step != "amend" && i.state == "reported") {
    return Order("the Commission's reports are recorded once the incident is triaged",
                 "個人情報保護委員会への報告はトリアージの後に記録します");
  }
  if (rule.step == "police") {
    if (!body.contains("reported") || !body.at("reported").is_boolean()) {
      return Status::InvalidArgument("reported must be true or false",
                                     "reported は true または false で指定します", "reported");
    }
    if (body.at("reported").get<bool>()) {
      MAMORI_ASSIGN_OR_RETURN(auto d, SubmissionDate(body, i, today));
      st.date = d;
      i.police_reported = d;
      st.outcome = "reported";
    } else {
      MAMORI_RETURN_IF_ERROR(ReasonOf(body, st.outcome));
      if (i.attack && st.outcome.empty()) {
        return Status::InvalidArgument(
            "an attack not reported to the police needs a recorded reason code",
            "攻撃による事案を警察へ届け出ない場合は理由コードを記録します", "reason");
      }
      if (!i.attack) st.outcome = "not_attack";
    }
  } else if (rule.step == "preliminary_report" || rule.step == "final_report") {
    const bool final = rule.step == "final_report";
    if (i.no_report) {
      return Order("the incident was decided not reportable", "報告不要と判断された事案です");
    }
    if (final ? i.final_submitted.has_value() : i.preliminary_submitted.has_value()) {
      return Order("this report is already recorded", "この報告は記録済みです");
    }
    if (final && !i.preliminary_submitted) {
      return Order("the preliminary report (速報) is recorded before the final one",
                   "速報を記録してから確報を記録します");
    }
    MAMORI_ASSIGN_OR_RETURN(auto d, SubmissionDate(body, i, today));
    if (final && d < *i.preliminary_submitted) {
      return Status::InvalidArgument("the final report cannot precede the preliminary one",
                                     "確報の提出日は速報の提出日以降です", "date");
    }
    st.date = d;
    (final ? i.final_submitted : i.preliminary_submitted) = d;
  } else if (rule.step == "no_report") {
    if (reportable) {
      return Status::FailedPrecondition("the incident is reportable to the Commission",
                                        "この事案は個人情報保護委員会への報告対象です",
                                        std::string(kIncidentReportable));
    }
    if (i.no_report || i.preliminary_submitted) {
      return Order("the reporting is already decided", "報告の要否は記録済みです");
    }
    i.no_report = true;
    MAMORI_RETURN_IF_ERROR(ReasonOf(body, st.outcome));
  } else if (rule.step == "lessons") {
    if (!i.final_submitted && !i.no_report) {
      return Order("lessons are recorded once the final report is submitted or decided not needed",
                   "確報の提出 (または報告不要の判断) を記録してから再発防止策を記録します");
    }
    MAMORI_RETURN_IF_ERROR(NoteOf(body, true, st.note));
  } else if (rule.step == "amend") {
    if (!body.contains("fields")) {
      return Status::InvalidArgument("fields is required", "fields は必須です", "fields");
    }
    const CivilDate aware = i.aware;
    MAMORI_RETURN_IF_ERROR(ApplyFields(body.at("fields"), i));
    if (i.aware > today) {
      return Status::InvalidArgument("aware cannot be after today",
                                     "aware に今日より後の日付は指定できません", "aware");
    }
    if (i.aware != aware) e.attrs["aware"] = FormatDate(i.aware);
  }
  if (rule.step != "lessons") MAMORI_RETURN_IF_ERROR(NoteOf(body, false, st.note));
  if (st.date) e.attrs["date"] = FormatDate(*st.date);
  if (!st.outcome.empty()) e.attrs["outcome"] = st.outcome;
  i.steps.push_back(std::move(st));
  e.attrs["state"] = i.state;
  e.attrs["reportable"] = ReportabilityOf(i.Facts()).reportable ? "true" : "false";
  return Status::Ok();
}

}  // namespace

Incidents::Incidents(store::Storage& storage, analysis::Findings* findings, ReportingPolicy policy)
    : storage_(storage), findings_(findings), policy_(policy) {}

Result<jp::BusinessCalendar> Incidents::Calendar() {
  std::optional<jp::BusinessCalendar> out;
  MAMORI_RETURN_IF_ERROR(storage_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto params, analysis::ReadParameters(txn));
    MAMORI_ASSIGN_OR_RETURN(auto cal, analysis::CalendarOf(params));
    out.emplace(std::move(cal));
    return Status::Ok();
  }));
  return std::move(*out);
}

bool Incidents::MayRead(const identity::Principal& who, const Incident& i) {
  return policy::SystemAllows(who, "incident.read_all") ||
         (who.kind == identity::PrincipalKind::kUser && who.id == i.reporter);
}

Result<Incident> Incidents::Report(const policy::Caller& caller, const json& body,
                                   std::string_view finding_id) {
  Incident draft;
  draft.aware = JstDate(caller.Now());
  Status valid = Status::Ok();
  if (!body.is_object() || !body.contains("aware")) {
    valid = Status::InvalidArgument("aware is required: the day the leak became known",
                                    "aware (事案を認知した日) は必須です", "aware");
  } else {
    valid = ApplyFields(body, draft);
  }
  if (valid.ok() && draft.aware > JstDate(caller.Now())) {
    valid = Status::InvalidArgument("aware cannot be after today",
                                    "aware に今日より後の日付は指定できません", "aware");
  }
  // The finding: one the caller may see and act on, escalated by its own
  // audited step (which decides who may) before the incident is written.
  std::optional<analysis::Finding> finding;
  if (valid.ok() && !finding_id.empty()) {
    Result<analysis::Finding> f = Fail(Status::NotFound("", "", ""));
    if (findings_) f = findings_->Get(finding_id);
    if (!f || !analysis::Findings::MayView(caller.principal, *f)) {
      const std::string shown = audit::EventIdentifier(finding_id);
      valid = Status::NotFound("no finding " + shown + " to escalate",
                               "エスカレーションする指摘 " + shown + " はありません",
                               std::string(kIncidentUnknownFinding));
    } else {
      auto escalated = findings_->Escalate(caller, finding_id, "escalated to an incident");
      if (!escalated) return Fail(escalated.error());
      finding = std::move(*escalated);
    }
  }
  Incident out;
  audit::Event ev = EventOf(caller, "incident.report");
  if (!finding_id.empty()) ev.attrs["finding"] = audit::EventIdentifier(finding_id);
  Status s = audit::RunAudited(
      storage_, std::move(ev), {[&](store::WriteTxn& txn, audit::Event& e, bool&) -> Status {
        MAMORI_RETURN_IF_ERROR(valid);
        out = draft;
        MAMORI_ASSIGN_OR_RETURN(out.id, analysis::internal::NextId(txn, "incident", 'I'));
        out.reporter = caller.principal.id;
        out.reporter_department = caller.principal.department;
        out.reported_at = caller.Now();
        out.state = "reported";
        if (finding) {
          out.finding = IncidentFinding{finding->id, std::string(analysis::RuleName(finding->rule)),
                                        finding->evidence};
        }
        out.steps.push_back(
            {"report", caller.principal.id, out.reported_at, std::nullopt, out.source, ""});
        e.attrs["incident"] = out.id;
        e.attrs["source"] = out.source;
        e.attrs["aware"] = FormatDate(out.aware);
        e.attrs["reportable"] = ReportabilityOf(out.Facts()).reportable ? "true" : "false";
        return Write(txn, out);
      }});
  if (!s.ok()) return Fail(s);
  return out;
}

Result<Incident> Incidents::Step(const policy::Caller& caller, std::string_view id,
                                 std::string_view step, const json& body) {
  const StepRule* rule = FindStep(step);
  Incident out;
  audit::Event ev = EventOf(caller, rule ? rule->operation : "incident.step");
  ev.attrs["incident"] = audit::EventIdentifier(id);
  ev.attrs["step"] = audit::EventIdentifier(step);
  Status s = audit::RunAudited(
      storage_, std::move(ev), {[&](store::WriteTxn& txn, audit::Event& e, bool&) -> Status {
        if (!rule) {
          return Status::InvalidArgument(
              "step must be one of triage, decide, contain, check_systems, police, "
              "preliminary_report, final_report, no_report, lessons, close, amend",
              "step は triage, decide, contain, check_systems, police, preliminary_report, "
              "final_report, no_report, lessons, close, amend のいずれかです",
              "step");
        }
        if (!body.is_object()) {
          return Status::InvalidArgument("the body must be a JSON object",
                                         "本文は JSON オブジェクトです", "body");
        }
        MAMORI_ASSIGN_OR_RETURN(auto found, Read(txn, id));
        if (!found || !MayRead(caller.principal, *found)) return NoIncident(id);
        out = std::move(*found);
        if (!policy::SystemAllows(caller.principal, rule->operation)) {
          return Status::PermissionDenied(
              "this step of the incident flow is not one your roles take",
              "この事案対応の手順はあなたのロールでは行えません", std::string(kIncidentNotAllowed));
        }
        if (out.Closed()) {
          return Status::FailedPrecondition("the incident is closed", "この事案は完了しています",
                                            std::string(kIncidentClosed));
        }
        MAMORI_RETURN_IF_ERROR(Apply(caller, *rule, body, out, e));
        return Write(txn, out);
      }});
  if (!s.ok()) return Fail(s);
  return out;
}

Result<Incident> Incidents::Get(std::string_view id) {
  std::optional<Incident> out;
  MAMORI_RETURN_IF_ERROR(storage_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(out, Read(txn, id));
    return Status::Ok();
  }));
  if (!out) return Fail(NoIncident(id));
  return std::move(*out);
}

Result<std::vector<Incident>> Incidents::List() {
  std::vector<Incident> out;
  MAMORI_RETURN_IF_ERROR(storage_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan(kPrefix, store::PrefixEnd(kPrefix), 0));
    for (const auto& row : rows) {
      MAMORI_ASSIGN_OR_RETURN(auto i, Read(txn, row.key.substr(kPrefix.size())));
      if (i) out.push_back(std::move(*i));
    }
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<analysis::Collected>> Incidents::OverdueFindings(CivilDate today,
                                                                    TimeMicros now) {
  MAMORI_ASSIGN_OR_RETURN(auto all, List());
  MAMORI_ASSIGN_OR_RETURN(auto calendar, Calendar());
  std::vector<analysis::Collected> out;
  for (const auto& i : all) {
    MAMORI_ASSIGN_OR_RETURN(auto overdue, OverdueReportsOf(i, today, policy_, calendar));
    for (const auto& o : overdue) {
      out.push_back(OverdueFinding(analysis::Rule::kIncidentReportOverdue,
                                   analysis::Severity::kHigh, o.incident + "." + o.kind, "", o.due,
                                   now));
    }
  }
  return out;
}

}  // namespace mamori::governance
