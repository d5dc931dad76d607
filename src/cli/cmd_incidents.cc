// incidents commands (漏えい等事案; governance/incident_reporting.h): the
// reporting rules of the Personal Information Protection Commission.
//
//   incidents deadlines --aware YYYY-MM-DD [--wrongful] [--data DIR]
//       {"preliminary_report_due": DATE, "final_report_due": DATE, ...}
//   incidents reportable --people N [--sensitive] [--financial-damage]
//                        [--wrongful] [--my-number]
//       {"reportable": bool, "grounds": [...]}
//
// The records (report, list, show, step, form): cmd_incident_records.cc.
//
// The preliminary report counts business days of the default calendar, or
// with --data of that store's analysis policy (its closed days); the final
// report counts calendar days. Neither reads or writes personal data.
#include "cli/common.h"
#include "governance/incident_reporting.h"

namespace mamori::cli {
namespace incidents_cli {

struct DeadlineFlags {
  std::string aware, data;
  bool wrongful = false;
  int preliminary_days = governance::ReportingPolicy{}.preliminary_business_days;
};

int Deadlines(const DeadlineFlags& f) {
  auto aware = DateArgument(f.aware, "--aware");
  if (!aware) return ReportError(aware.error());
  auto calendar = CalendarFor(f.data);
  if (!calendar) return ReportError(calendar.error());
  governance::ReportingPolicy policy;
  policy.preliminary_business_days = f.preliminary_days;
  auto d = governance::DeadlinesFor(*aware, f.wrongful, policy, *calendar);
  if (!d) return ReportError(d.error());
  PrintJson({{"aware", FormatDate(d->aware)},
             {"wrongful_purpose", f.wrongful},
             {"preliminary_report_due", FormatDate(d->preliminary_report_due)},
             {"preliminary_business_days", policy.preliminary_business_days},
             {"final_report_due", FormatDate(d->final_report_due)},
             {"final_days", d->final_days}});
  return 0;
}

struct ReportableFlags {
  governance::IncidentFacts facts;
};

int Reportable(const ReportableFlags& f) {
  if (f.facts.people < 0) {
    return ReportError(Status::InvalidArgument("--people must not be negative",
                                               "--people は 0 以上で指定してください", "--people"));
  }
  const governance::Reportability r = governance::ReportabilityOf(f.facts);
  PrintJson({{"reportable", r.reportable}, {"grounds", r.grounds}});
  return 0;
}

}  // namespace incidents_cli

void AddIncidentsCommands(CLI::App& app, int& exit_code) {
  namespace i = incidents_cli;
  auto* cmd = app.add_subcommand("incidents", "leaks and their reporting / 漏えい等事案");
  cmd->require_subcommand(1);

  auto* deadlines = cmd->add_subcommand(
      "deadlines", "when the reports to the Commission are due / 個人情報保護委員会への報告期限");
  auto df = std::make_shared<i::DeadlineFlags>();
  deadlines->add_option("--aware", df->aware, "the day the leak became known, YYYY-MM-DD (JST)")
      ->required();
  deadlines->add_flag("--wrongful", df->wrongful,
                      "for a wrongful purpose (不正の目的): 60 days for the final report");
  deadlines
      ->add_option("--preliminary-days", df->preliminary_days,
                   "business days for the preliminary report (速報)")
      ->capture_default_str();
  deadlines->add_option("--data", df->data, "use the closed days of this store's analysis policy");
  deadlines->callback([df, &exit_code] { exit_code = i::Deadlines(*df); });

  auto* reportable =
      cmd->add_subcommand("reportable", "whether a leak must be reported / 報告対象事態の判定");
  auto rf = std::make_shared<i::ReportableFlags>();
  reportable->add_option("--people", rf->facts.people, "the number of people affected")->required();
  reportable->add_flag("--sensitive", rf->facts.sensitive, "要配慮個人情報 (sensitive data)");
  reportable->add_flag("--financial-damage", rf->facts.financial_damage,
                       "財産的被害のおそれ (financial damage possible)");
  reportable->add_flag("--wrongful", rf->facts.wrongful_purpose, "不正の目的 (wrongful purpose)");
  reportable->add_flag("--my-number", rf->facts.my_number, "特定個人情報 (My Numbers)");
  reportable->callback([rf, &exit_code] { exit_code = i::Reportable(*rf); });

  AddIncidentRecordCommands(cmd, exit_code);
}

}  // namespace mamori::cli
