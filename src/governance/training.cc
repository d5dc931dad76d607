#include "governance/training.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "audit/audited.h"
#include "governance/ledger.h"
#include "identity/roles.h"

namespace mamori::governance {
namespace {

using json = nlohmann::json;
namespace role = identity::role;

constexpr std::string_view kPlans = "trp";
constexpr std::string_view kAttendances = "tra";
constexpr std::string_view kAudiences[] = {"all", "new_hire", "mid_career", "role"};

Result<TrainingPlan> PlanFromJson(const json& j) {
  TrainingPlan p;
  try {
    p.id = j.at("id").get<std::string>();
    p.year = j.at("year").get<int>();
    p.course = j.at("course").get<std::string>();
    p.audience = j.at("audience").get<std::string>();
    p.role = j.value("role", "");
    p.planned_by = j.at("planned_by").get<std::string>();
    auto at = ParseUtc(j.at("at").get<std::string>());
    if (!at) return Fail(Damaged("training plan"));
    p.at = *at;
  } catch (const json::exception&) {
    return Fail(Damaged("training plan"));
  }
  return p;
}

Result<Attendance> AttendanceFromJson(const json& j) {
  Attendance a;
  try {
    a.id = j.at("id").get<std::string>();
    a.plan = j.at("plan").get<std::string>();
    a.person = j.at("person").get<std::string>();
    auto d = ParseDate(j.at("date").get<std::string>());
    auto at = ParseUtc(j.at("at").get<std::string>());
    if (!d || !at) return Fail(Damaged("training attendance"));
    a.date = *d;
    a.at = *at;
    if (j.contains("score") && !j["score"].is_null()) a.score = j["score"].get<int>();
    a.passed = j.at("passed").get<bool>();
    if (j.contains("current_until") && !j["current_until"].is_null()) {
      a.current_until = ParseDate(j["current_until"].get<std::string>());
      if (!a.current_until) return Fail(Damaged("training attendance"));
    }
    a.recorded_by = j.at("recorded_by").get<std::string>();
  } catch (const json::exception&) {
    return Fail(Damaged("training attendance"));
  }
  return a;
}

}  // namespace

json PlanToJson(const TrainingPlan& p) {
  json j = {{"id", p.id},
            {"year", p.year},
            {"course", p.course},
            {"audience", p.audience},
            {"planned_by", p.planned_by},
            {"at", FormatUtc(p.at)}};
  if (!p.role.empty()) j["role"] = p.role;
  return j;
}

json AttendanceToJson(const Attendance& a) {
  return {{"id", a.id},
          {"plan", a.plan},
          {"person", a.person},
          {"date", FormatDate(a.date)},
          {"score", a.score ? json(*a.score) : json(nullptr)},
          {"passed", a.passed},
          {"current_until", a.current_until ? json(FormatDate(*a.current_until)) : json(nullptr)},
          {"recorded_by", a.recorded_by},
          {"at", FormatUtc(a.at)}};
}

json CurrencyToJson(const Currency& c) {
  return {{"person", c.person},
          {"current_until", c.until ? json(FormatDate(*c.until)) : json(nullptr)},
          {"current", c.current},
          {"required", c.required}};
}

Result<TrainingPlan> Training::Plan(const approval::Caller& caller, const TrainingPlan& draft) {
  TrainingPlan out = draft;
  audit::Event ev = approval::CallerEvent(caller, "training.plan");
  Status s = audit::RunAudited(
      storage_, std::move(ev), {[&](store::WriteTxn& txn, audit::Event& e, bool&) -> Status {
        // [002 第28条]: the CISO line plans the training.
        if (!IsCisoLine(caller.principal)) {
          return Status::PermissionDenied(
              "only the CISO line (ciso, deputy_ciso, chief_officer) plans training",
              "研修を計画できるのは最高情報セキュリティ責任者の系統 (ciso, deputy_ciso, "
              "chief_officer) だけです",
              std::string(kTrainingNotPlanner));
        }
        const int this_year = FiscalYear(JstDate(caller.Now()));
        if (draft.year < this_year - 1 || draft.year > this_year + 1) {
          return Invalid("year", "year is a fiscal year (年度), last, this or next",
                         "year は前年度・今年度・翌年度のいずれかの年度です");
        }
        MAMORI_RETURN_IF_ERROR(approval::ValidateCode(draft.course, "course"));
        if (std::find(std::begin(kAudiences), std::end(kAudiences), draft.audience) ==
            std::end(kAudiences)) {
          return Invalid("audience", "audience is all, new_hire, mid_career or role",
                         "audience は all、new_hire、mid_career、role のいずれかです");
        }
        if ((draft.audience == "role") != !draft.role.empty() ||
            (!draft.role.empty() && !identity::IsValidRole(draft.role))) {
          return Invalid("role", "role names a role, and only for the audience role",
                         "role は audience が role のときだけ、ロール名で指定します");
        }
        MAMORI_ASSIGN_OR_RETURN(out.id, NextId(txn, kPlans, "TP"));
        out.planned_by = caller.principal.id;
        out.at = caller.Now();
        e.attrs["plan"] = out.id;
        e.attrs["year"] = std::to_string(out.year);
        e.attrs["course"] = out.course;
        e.attrs["audience"] = out.audience;
        if (!out.role.empty()) e.attrs["role"] = out.role;
        return WriteRecord(txn, kPlans, out.id, PlanToJson(out));
      }});
  if (!s.ok()) return Fail(s);
  return out;
}

Result<Attendance> Training::Attend(const approval::Caller& caller, const Attendance& draft) {
  auto everyone = people_.All();
  Attendance out = draft;
  audit::Event ev = approval::CallerEvent(caller, "training.attend");
  ev.attrs["plan"] = audit::EventIdentifier(draft.plan);
  ev.attrs["person"] = audit::EventIdentifier(draft.person);
  Status s = audit::RunAudited(
      storage_, std::move(ev), {[&](store::WriteTxn& txn, audit::Event& e, bool&) -> Status {
        if (!everyone) return everyone.error();
        const identity::Principal& who = caller.principal;
        // The trainee never vouches for their own training.
        if (who.id == draft.person) {
          return Status::PermissionDenied(
              "nobody records their own training; the trainer or their manager does",
              "自分の研修受講は記録できません。講師または所属の管理者が記録します",
              std::string(kTrainingSelfRecord));
        }
        MAMORI_ASSIGN_OR_RETURN(auto raw, ReadRecord(txn, kPlans, draft.plan));
        if (!raw) return NotFound(kTrainingPlanNotFound, draft.plan, "training plan", "研修計画");
        MAMORI_ASSIGN_OR_RETURN(TrainingPlan plan, PlanFromJson(*raw));
        auto it = std::find_if(everyone->begin(), everyone->end(),
                               [&](const approval::Person& p) { return p.id == draft.person; });
        if (it == everyone->end()) {
          return NotFound("training.person", draft.person, "person", "利用者");
        }
        const bool manager_here =
            IsDepartmentManager(who) && !who.department.empty() && who.department == it->department;
        if (who.kind != identity::PrincipalKind::kUser || (!IsCisoLine(who) && !manager_here)) {
          return Status::PermissionDenied(
              "attendance is recorded by the CISO line, or by a manager of the person's own "
              "department",
              "受講の記録は最高情報セキュリティ責任者の系統、または本人の所属の管理者が行います",
              std::string(kTrainingNotTrainer));
        }
        if (plan.audience == "role" && !it->HasRole(plan.role)) {
          return Status::FailedPrecondition("the person does not hold the role this course is for",
                                            "この研修の対象ロールを持たない利用者です",
                                            std::string(kTrainingNotAudience));
        }
        const CivilDate today = JstDate(caller.Now());
        if (draft.date > today || FiscalYear(draft.date) != plan.year) {
          return Invalid("date", "date is a past or present day of the plan's fiscal year",
                         "date は研修計画の年度内の、今日以前の日付です");
        }
        if (draft.score && (*draft.score < 0 || *draft.score > 100)) {
          return Invalid("score", "score is a whole number from 0 to 100",
                         "score は 0〜100 の整数です");
        }
        MAMORI_ASSIGN_OR_RETURN(policy::TrainingRule rule, policy::ReadTrainingRule(txn));
        MAMORI_ASSIGN_OR_RETURN(out.id, NextId(txn, kAttendances, "TA"));
        out.recorded_by = who.id;
        out.at = caller.Now();
        out.current_until.reset();
        if (out.passed) {
          out.current_until =
              CivilFromDays(DaysFromCivil(out.date) + static_cast<int64_t>(rule.validity_days) - 1);
          MAMORI_RETURN_IF_ERROR(
              policy::WriteTrainingCurrency(txn, out.person, *out.current_until));
        }
        e.attrs["attendance"] = out.id;
        e.attrs["date"] = FormatDate(out.date);
        e.attrs["passed"] = out.passed ? "true" : "false";
        if (out.current_until) e.attrs["current_until"] = FormatDate(*out.current_until);
        return WriteRecord(txn, kAttendances, out.id, AttendanceToJson(out));
      }});
  if (!s.ok()) return Fail(s);
  return out;
}

Status Training::SetRule(const approval::Caller& caller, const policy::TrainingRule& rule,
                         const std::function<Status(store::WriteTxn&, audit::Event&)>& gate) {
  audit::Event ev = approval::CallerEvent(caller, "training.policy_set");
  ev.attrs["required"] = rule.required ? "true" : "false";
  ev.attrs["validity_days"] = std::to_string(rule.validity_days);
  return audit::RunAudited(storage_, std::move(ev),
                           {[&](store::WriteTxn& txn, audit::Event& e, bool&) -> Status {
                             if (gate) MAMORI_RETURN_IF_ERROR(gate(txn, e));
                             return policy::WriteTrainingRule(txn, rule);
                           }});
}

Result<policy::TrainingRule> Training::Rule() {
  policy::TrainingRule out;
  MAMORI_RETURN_IF_ERROR(storage_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(out, policy::ReadTrainingRule(txn));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<TrainingPlan>> Training::Plans() {
  std::vector<TrainingPlan> out;
  MAMORI_RETURN_IF_ERROR(storage_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto rows, ReadRecords(txn, kPlans));
    for (const auto& j : rows) {
      MAMORI_ASSIGN_OR_RETURN(auto p, PlanFromJson(j));
      out.push_back(std::move(p));
    }
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<Attendance>> Training::Attendances(std::string_view person) {
  std::vector<Attendance> out;
  MAMORI_RETURN_IF_ERROR(storage_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto rows, ReadRecords(txn, kAttendances));
    for (const auto& j : rows) {
      MAMORI_ASSIGN_OR_RETURN(auto a, AttendanceFromJson(j));
      if (person.empty() || a.person == person) out.push_back(std::move(a));
    }
    return Status::Ok();
  }));
  return out;
}

std::vector<std::string> Training::AudienceOf(const TrainingPlan& plan,
                                              const std::vector<approval::Person>& people) {
  std::vector<std::string> out;
  for (const auto& p : people) {
    if (!p.active) continue;
    bool in = plan.audience == "all" || (plan.audience == "role" && p.HasRole(plan.role));
    if (plan.audience == "new_hire" || plan.audience == "mid_career") {
      const auto hired = ParseDate(p.hired);
      const std::string_view kind = plan.audience == "new_hire" ? "new_graduate" : "mid_career";
      in = hired && FiscalYear(*hired) == plan.year && p.hire_kind == kind;
    }
    if (in) out.push_back(p.id);
  }
  return out;
}

Result<Currency> Training::CurrencyOf(std::string_view person, TimeMicros now) {
  Currency out;
  out.person = std::string(person);
  MAMORI_RETURN_IF_ERROR(storage_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto rule, policy::ReadTrainingRule(txn));
    out.required = rule.required;
    MAMORI_ASSIGN_OR_RETURN(out.until, policy::ReadTrainingCurrency(txn, person));
    return Status::Ok();
  }));
  out.current = policy::TrainingCurrent(out.until, JstDate(now));
  return out;
}

}  // namespace mamori::governance
