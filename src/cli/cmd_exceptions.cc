// exceptions commands: exception measures (例外措置, [002 第26-27条]) as
// /v1/exceptions serves them, for a person at the server's console.
//
//   exceptions apply       --data DIR --user ID --rule REF --measure CODE --scope ID
//                          --reason CODE --start DATE --end DATE [--attachment SHA256]...
//                          [--acted-at UTC]
//   exceptions list        --data DIR --user ID [--state S] [--rule REF] [--in-force]
//   exceptions show        --data DIR --user ID --id A00000001
//   exceptions end         --data DIR --user ID --id A00000001 [--reason CODE]
//   exceptions approvers   --data DIR --user ID
//   exceptions designate   --data DIR --user ID [--role R]... [--person ID]...
//   exceptions reports     --data DIR --user ID
//   exceptions report      --data DIR --user ID --period 2026-11
//   exceptions acknowledge --data DIR --user ID --id XR00000001
//   exceptions trends      --data DIR --user ID [--from 2026-01] [--to 2026-12]
//
// Each verb is taken as a person (person_session.h) under the same
// operation as its route (exception.apply, .ledger, .show, .end,
// .approvers, .designate, .report_list, .report, .report_ack, .trends);
// the ledger decides and audits the step. Approving an exception is
// `mamori approvals approve --id A…`.
#include "api/approval_steps.h"
#include "approval/exception_reports.h"
#include "approval/exceptions.h"
#include "cli/common.h"
#include "cli/person_session.h"
#include "policy/system_rights.h"

namespace mamori::cli {
namespace exceptions_cli {

struct ApplyFlags {
  PersonFlags person;
  std::string rule, measure, scope, reason, start, end, acted_at;
  std::vector<std::string> attachments;
};
struct ListFlags {
  PersonFlags person;
  std::string state, rule;
  bool in_force = false;
};
struct IdFlags {
  PersonFlags person;
  std::string id, reason;
};
struct DesignateFlags {
  PersonFlags person;
  std::vector<std::string> roles, persons;
};
struct PeriodFlags {
  PersonFlags person;
  std::string period, from, to;
};

Status BadOption(const char* name, const char* en, const char* ja) {
  return Status::InvalidArgument(std::string(name) + " " + en, std::string(name) + " " + ja, name);
}

int Apply(const ApplyFlags& f) {
  approval::ExceptionDraft draft;
  draft.rule = f.rule;
  draft.measure = f.measure;
  draft.scope = f.scope;
  draft.reason = f.reason;
  draft.attachments = f.attachments;
  auto start = ParseDate(f.start), end = ParseDate(f.end);
  if (!start)
    return ReportError(
        BadOption("--start", "must be a date like 2026-12-01", "は 2026-12-01 の形式の日付です"));
  if (!end)
    return ReportError(
        BadOption("--end", "must be a date like 2026-12-31", "は 2026-12-31 の形式の日付です"));
  draft.start = *start;
  draft.end = *end;
  if (!f.acted_at.empty()) {
    auto t = ParseUtc(f.acted_at);
    if (!t) {
      return ReportError(BadOption("--acted-at", "must be a UTC time like 2026-12-04T01:00:00Z",
                                   "は 2026-12-04T01:00:00Z の形式で指定してください"));
    }
    draft.acted_at = *t;
  }
  return AsPerson(f.person, "exception.apply", "",
                  [&](api::Stack& s, const policy::Caller& c) -> Result<nlohmann::json> {
                    const approval::Caller who = api::ApprovalCaller(c);
                    MAMORI_ASSIGN_OR_RETURN(auto e, s.exceptions().Apply(who, draft));
                    return approval::ExceptionToJson(e, who.Now());
                  });
}

int List(const ListFlags& f) {
  return AsPerson(f.person, "exception.ledger", "",
                  [&](api::Stack& s, const policy::Caller&) -> Result<nlohmann::json> {
                    MAMORI_ASSIGN_OR_RETURN(auto ledger, s.exceptions().Ledger());
                    const TimeMicros now = NowMicros();
                    nlohmann::json out = nlohmann::json::array();
                    for (const auto& e : ledger) {
                      if (!f.state.empty() && approval::LedgerState(e, now) != f.state) continue;
                      if (!f.rule.empty() && e.terms.rule != f.rule) continue;
                      if (f.in_force && !approval::InForce(e, now)) continue;
                      out.push_back(approval::ExceptionToJson(e, now));
                    }
                    return nlohmann::json{{"exceptions", out}};
                  });
}

int Show(const IdFlags& f) {
  return AsPerson(
      f.person, "exception.show", f.id,
      [&](api::Stack& s, const policy::Caller& c) -> Result<nlohmann::json> {
        const approval::Caller who = api::ApprovalCaller(c);
        auto e = s.exceptions().Get(f.id);
        if (!e || (!policy::SystemAllows(who.principal, "exception.ledger") &&
                   !api::MayViewApproval(s.approvals(), who, e->request))) {
          const std::string shown = audit::EventIdentifier(f.id);
          return Fail(Status::NotFound("no exception " + shown,
                                       "例外措置 " + shown + " はありません", "exception"));
        }
        return approval::ExceptionToJson(*e, who.Now());
      });
}

int End(const IdFlags& f) {
  return AsPerson(f.person, "exception.end", f.id,
                  [&](api::Stack& s, const policy::Caller& c) -> Result<nlohmann::json> {
                    const approval::Caller who = api::ApprovalCaller(c);
                    MAMORI_ASSIGN_OR_RETURN(auto e, s.exceptions().End(who, f.id, f.reason));
                    return approval::ExceptionToJson(e, who.Now());
                  });
}

nlohmann::json DesignationJson(const std::optional<approval::Designation>& d) {
  if (!d) {
    return {{"designated", false},
            {"roles", {"ciso", "deputy_ciso", "chief_officer"}},
            {"persons", nlohmann::json::array()}};
  }
  return {{"designated", true},
          {"roles", d->roles},
          {"persons", d->persons},
          {"by", d->by},
          {"at", FormatUtc(d->at)}};
}

int Approvers(const PersonFlags& f) {
  return AsPerson(f, "exception.approvers", "",
                  [&](api::Stack& s, const policy::Caller&) -> Result<nlohmann::json> {
                    MAMORI_ASSIGN_OR_RETURN(auto d, s.exceptions().Approvers());
                    return DesignationJson(d);
                  });
}

int Designate(const DesignateFlags& f) {
  return AsPerson(f.person, "exception.designate", "",
                  [&](api::Stack& s, const policy::Caller& c) -> Result<nlohmann::json> {
                    MAMORI_ASSIGN_OR_RETURN(auto d, s.exceptions().Designate(api::ApprovalCaller(c),
                                                                             f.roles, f.persons));
                    return DesignationJson(d);
                  });
}

int Reports(const PersonFlags& f) {
  return AsPerson(f, "exception.report_list", "",
                  [&](api::Stack& s, const policy::Caller&) -> Result<nlohmann::json> {
                    MAMORI_ASSIGN_OR_RETURN(auto list, s.exception_reports().List());
                    nlohmann::json out = nlohmann::json::array();
                    for (const auto& r : list) out.push_back(approval::ReportToJson(r));
                    return nlohmann::json{{"reports", out}};
                  });
}

int Report(const PeriodFlags& f) {
  auto period = approval::ParseMonth(f.period);
  if (!period) {
    return ReportError(
        BadOption("--period", "must be a month like 2026-11", "は 2026-11 の形式の年月です"));
  }
  return AsPerson(f.person, "exception.report", "",
                  [&](api::Stack& s, const policy::Caller& c) -> Result<nlohmann::json> {
                    const approval::Caller who = api::ApprovalCaller(c);
                    MAMORI_ASSIGN_OR_RETURN(
                        auto r, s.exception_reports().Produce(&who, *period, who.Now()));
                    return approval::ReportToJson(r);
                  });
}

int Acknowledge(const IdFlags& f) {
  return AsPerson(f.person, "exception.report_ack", f.id,
                  [&](api::Stack& s, const policy::Caller& c) -> Result<nlohmann::json> {
                    MAMORI_ASSIGN_OR_RETURN(
                        auto r, s.exception_reports().Acknowledge(api::ApprovalCaller(c), f.id));
                    return approval::ReportToJson(r);
                  });
}

int Trends(const PeriodFlags& f) {
  const approval::Month current = approval::MonthOf(NowMicros());
  approval::Month to = current;
  if (!f.to.empty()) {
    auto m = approval::ParseMonth(f.to);
    if (!m)
      return ReportError(
          BadOption("--to", "must be a month like 2026-12", "は 2026-12 の形式の年月です"));
    to = *m;
  }
  approval::Month from =
      to.month == 12 ? approval::Month{to.year, 1} : approval::Month{to.year - 1, to.month + 1};
  if (!f.from.empty()) {
    auto m = approval::ParseMonth(f.from);
    if (!m)
      return ReportError(
          BadOption("--from", "must be a month like 2026-01", "は 2026-01 の形式の年月です"));
    from = *m;
  }
  return AsPerson(f.person, "exception.trends", "",
                  [&](api::Stack& s, const policy::Caller&) -> Result<nlohmann::json> {
                    MAMORI_ASSIGN_OR_RETURN(auto ledger, s.exceptions().Ledger());
                    return approval::Trends(ledger, from, to, NowMicros());
                  });
}

}  // namespace exceptions_cli

void AddExceptionsCommands(CLI::App& app, int& exit_code) {
  namespace x = exceptions_cli;
  auto* cmd = app.add_subcommand("exceptions", "exception measures / 例外措置");
  cmd->require_subcommand(1);

  auto* apply =
      cmd->add_subcommand("apply", "apply, or file an emergency / 例外措置の申請・事後届出");
  auto af = std::make_shared<x::ApplyFlags>();
  af->person.AddTo(apply);
  apply->add_option("--rule", af->rule, "the rule departed from, e.g. 002.art47")->required();
  apply->add_option("--measure", af->measure, "the measure taken instead, a code")->required();
  apply->add_option("--scope", af->scope, "what it applies to, an identifier")->required();
  apply->add_option("--reason", af->reason, "a reason code, never text about a person")->required();
  apply->add_option("--start", af->start, "first day, YYYY-MM-DD (JST)")->required();
  apply->add_option("--end", af->end, "last day, YYYY-MM-DD (JST)")->required();
  apply->add_option("--attachment", af->attachments, "SHA-256 of a document (repeatable)");
  apply->add_option("--acted-at", af->acted_at, "UTC time an emergency measure was taken");
  apply->callback([af, &exit_code] { exit_code = x::Apply(*af); });

  auto* list = cmd->add_subcommand("list", "the exception ledger / 例外措置台帳");
  auto lf = std::make_shared<x::ListFlags>();
  lf->person.AddTo(list);
  list->add_option("--state", lf->state, "pending, in_force, ended, lapsed, …");
  list->add_option("--rule", lf->rule, "a rule reference");
  list->add_flag("--in-force", lf->in_force, "only those in force now");
  list->callback([lf, &exit_code] { exit_code = x::List(*lf); });

  auto* show = cmd->add_subcommand("show", "one exception / 例外措置の表示");
  auto sf = std::make_shared<x::IdFlags>();
  sf->person.AddTo(show);
  show->add_option("--id", sf->id, "exception id, e.g. A00000001")->required();
  show->callback([sf, &exit_code] { exit_code = x::Show(*sf); });

  auto* end = cmd->add_subcommand("end", "end my exception early / 例外措置の終了");
  auto ef = std::make_shared<x::IdFlags>();
  ef->person.AddTo(end);
  end->add_option("--id", ef->id, "exception id")->required();
  end->add_option("--reason", ef->reason, "a reason code");
  end->callback([ef, &exit_code] { exit_code = x::End(*ef); });

  auto* approvers = cmd->add_subcommand("approvers", "who approves exceptions / 許可権限者");
  auto pf = std::make_shared<PersonFlags>();
  pf->AddTo(approvers);
  approvers->callback([pf, &exit_code] { exit_code = x::Approvers(*pf); });

  auto* designate =
      cmd->add_subcommand("designate", "designate the approvers (CISO) / 許可権限者の指定");
  auto df = std::make_shared<x::DesignateFlags>();
  df->person.AddTo(designate);
  designate->add_option("--role", df->roles, "an approving role (repeatable)");
  designate->add_option("--person", df->persons, "an approving person's id (repeatable)");
  designate->callback([df, &exit_code] { exit_code = x::Designate(*df); });

  auto* reports = cmd->add_subcommand("reports", "the status reports / 申請状況報告の一覧");
  auto rf = std::make_shared<PersonFlags>();
  rf->AddTo(reports);
  reports->callback([rf, &exit_code] { exit_code = x::Reports(*rf); });

  auto* report = cmd->add_subcommand("report", "produce a month's report / 申請状況報告の作成");
  auto mf = std::make_shared<x::PeriodFlags>();
  mf->person.AddTo(report);
  report->add_option("--period", mf->period, "the month, YYYY-MM (JST)")->required();
  report->callback([mf, &exit_code] { exit_code = x::Report(*mf); });

  auto* ack = cmd->add_subcommand("acknowledge", "acknowledge a report / 申請状況報告の受領");
  auto kf = std::make_shared<x::IdFlags>();
  kf->person.AddTo(ack);
  ack->add_option("--id", kf->id, "report id, e.g. XR00000001")->required();
  ack->callback([kf, &exit_code] { exit_code = x::Acknowledge(*kf); });

  auto* trends = cmd->add_subcommand("trends", "counts per month / 例外措置の傾向");
  auto tf = std::make_shared<x::PeriodFlags>();
  tf->person.AddTo(trends);
  trends->add_option("--from", tf->from, "first month, YYYY-MM (default: 11 months before --to)");
  trends->add_option("--to", tf->to, "last month, YYYY-MM (default: this month)");
  trends->callback([tf, &exit_code] { exit_code = x::Trends(*tf); });
}

}  // namespace mamori::cli
