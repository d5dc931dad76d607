// incidents commands on the records (governance/incidents.h), as
// /v1/incidents serves them, for a person at the server's console:
//
//   incidents report --data DIR --user ID --aware DATE [--people-affected N]
//                    [--records N] [--item CODE]... [--subject CODE]... [--cause CODE]
//                    [--route CODE] [--leaked yes|no|unknown] [--summary TEXT]
//                    [--sensitive] [--financial-damage] [--wrongful] [--my-number]
//                    [--attack] [--external CATEGORY] [--finding F…] [--fields FILE]
//   incidents list   --data DIR --user ID [--state S] [--reportable] [--overdue]
//   incidents show   --data DIR --user ID --id I00000001
//   incidents step   --data DIR --user ID --id I… --step STEP [--date DATE]
//                    [--reported|--not-reported] [--reason CODE] [--note TEXT]
//                    [--fields FILE]
//   incidents form   --data DIR --user ID --id I… --kind preliminary|final
//                    [--format json|text|html]
//
// --fields reads a JSON object of the record's fields (docs/openapi.yaml
// IncidentFields) from FILE ("-": standard input); the options above it
// are set on top. Every verb goes through the route of the same name, so
// the route table and the record decide and audit it as they do for the API.
#include <nlohmann/json.hpp>

#include "cli/common.h"

namespace mamori::cli {
namespace incident_records_cli {

using json = nlohmann::json;

struct ReportFlags {
  PersonFlags person;
  std::string aware, cause, route, leaked, summary, external, finding, fields;
  int64_t people = -2, records = -2;
  std::vector<std::string> items, subjects;
  bool sensitive = false, financial = false, wrongful = false, my_number = false, attack = false;
};
struct ListFlags {
  PersonFlags person;
  std::string state;
  bool reportable = false, overdue = false;
};
struct StepFlags {
  PersonFlags person;
  std::string id, step, date, reason, note, fields;
  bool reported = false, not_reported = false;
};
struct FormFlags {
  PersonFlags person;
  std::string id, kind, format = "json";
};

Result<json> FieldsFile(const std::string& path) {
  if (path.empty()) return json::object();
  MAMORI_ASSIGN_OR_RETURN(auto text, ReadInput(path));
  auto j = json::parse(text, nullptr, false);
  if (!j.is_object()) {
    return Fail(Status::InvalidArgument("--fields must hold a JSON object",
                                        "--fields には JSON オブジェクトを指定します", "--fields"));
  }
  return j;
}

int Report(const ReportFlags& f) {
  auto body = FieldsFile(f.fields);
  if (!body) return ReportError(body.error());
  json& b = *body;
  auto set = [&](const char* name, const std::string& v) {
    if (!v.empty()) b[name] = v;
  };
  set("aware", f.aware);
  set("cause", f.cause);
  set("route", f.route);
  set("leaked", f.leaked);
  set("summary", f.summary);
  set("finding", f.finding);
  if (!f.external.empty()) {
    b["source"] = "external";
    b["external_reporter"] = f.external;
  }
  if (f.people != -2) b["people_affected"] = f.people;
  if (f.records != -2) b["records"] = f.records;
  if (!f.items.empty()) b["items"] = f.items;
  if (!f.subjects.empty()) b["subjects"] = f.subjects;
  if (f.sensitive) b["sensitive"] = true;
  if (f.financial) b["financial_damage"] = true;
  if (f.wrongful) b["wrongful_purpose"] = true;
  if (f.my_number) b["my_number"] = true;
  if (f.attack) b["attack"] = true;
  return AtConsole(f.person, [&](api::Stack&, api::Console& console) {
    return PrintResponse(console.Call("POST", "/v1/incidents", b.dump()));
  });
}

int List(const ListFlags& f) {
  return AtConsole(f.person, [&](api::Stack&, api::Console& console) {
    return PrintResponse(
        console.Call("GET", TargetWith("/v1/incidents", {{"state", f.state},
                                                         {"reportable", f.reportable ? "true" : ""},
                                                         {"overdue", f.overdue ? "true" : ""}})));
  });
}

int Show(const StepFlags& f) {
  return AtConsole(f.person, [&](api::Stack&, api::Console& console) {
    return PrintResponse(console.Call("GET", "/v1/incidents/" + PercentEncoded(f.id)));
  });
}

int Step(const StepFlags& f) {
  if (f.reported && f.not_reported) {
    return ReportError(Status::InvalidArgument(
        "give --reported or --not-reported, not both",
        "--reported と --not-reported は同時に指定できません", "--reported"));
  }
  json b = {{"step", f.step}};
  if (!f.fields.empty()) {
    auto fields = FieldsFile(f.fields);
    if (!fields) return ReportError(fields.error());
    b["fields"] = std::move(*fields);
  }
  if (!f.date.empty()) b["date"] = f.date;
  if (!f.reason.empty()) b["reason"] = f.reason;
  if (!f.note.empty()) b["note"] = f.note;
  if (f.reported || f.not_reported) b["reported"] = f.reported;
  return AtConsole(f.person, [&](api::Stack&, api::Console& console) {
    return PrintResponse(
        console.Call("POST", "/v1/incidents/" + PercentEncoded(f.id) + "/steps", b.dump()));
  });
}

int Form(const FormFlags& f) {
  return AtConsole(f.person, [&](api::Stack&, api::Console& console) {
    api::Response r =
        console.Call("GET", TargetWith("/v1/incidents/" + PercentEncoded(f.id) + "/report-form",
                                       {{"kind", f.kind}, {"format", f.format}}));
    if (r.status == 200 && f.format != "json") {
      std::fwrite(r.body.data(), 1, r.body.size(), stdout);
      return 0;
    }
    return PrintResponse(r);
  });
}

}  // namespace incident_records_cli

void AddIncidentRecordCommands(CLI::App* cmd, int& exit_code) {
  namespace i = incident_records_cli;
  auto* report =
      cmd->add_subcommand("report",
                          "report an incident, register an outside report or escalate a finding / "
                          "漏えい等事案の報告");
  auto rf = std::make_shared<i::ReportFlags>();
  rf->person.AddTo(report);
  report->add_option("--aware", rf->aware, "the day the leak became known, YYYY-MM-DD (JST)");
  report->add_option("--people-affected", rf->people, "本人の数 (-1: not known)");
  report->add_option("--records", rf->records, "the number of records (-1: not known)");
  report->add_option("--item", rf->items, "a data item code (name, address, my_number, …)");
  report->add_option("--subject", rf->subjects, "a data subject category code");
  report->add_option("--cause", rf->cause, "cause code (misdelivery, unauthorised_access, …)");
  report->add_option("--route", rf->route, "route code (email, web, media, paper, …)");
  report->add_option("--leaked", rf->leaked, "yes, no or unknown");
  report->add_option("--summary", rf->summary, "概要 (kept in the record, never audited)");
  report->add_flag("--sensitive", rf->sensitive, "要配慮個人情報");
  report->add_flag("--financial-damage", rf->financial, "財産的被害のおそれ");
  report->add_flag("--wrongful", rf->wrongful, "不正の目的");
  report->add_flag("--my-number", rf->my_number, "特定個人情報");
  report->add_flag("--attack", rf->attack, "caused by an attack (the police step applies)");
  report->add_option("--external", rf->external,
                     "an outside report: customer, contractor, public, authority, other");
  report->add_option("--finding", rf->finding, "escalate this analysis finding (F…)");
  report->add_option("--fields", rf->fields, "a JSON object of further fields ('-': stdin)");
  report->callback([rf, &exit_code] { exit_code = i::Report(*rf); });

  auto* list = cmd->add_subcommand("list", "the incidents you may read / 漏えい等事案の一覧");
  auto lf = std::make_shared<i::ListFlags>();
  lf->person.AddTo(list);
  list->add_option("--state", lf->state, "reported, triaged, …, closed");
  list->add_flag("--reportable", lf->reportable, "only those reportable to the Commission");
  list->add_flag("--overdue", lf->overdue, "only those with a report overdue");
  list->callback([lf, &exit_code] { exit_code = i::List(*lf); });

  auto* show = cmd->add_subcommand("show", "one incident / 漏えい等事案の参照");
  auto sf = std::make_shared<i::StepFlags>();
  sf->person.AddTo(show);
  show->add_option("--id", sf->id, "the incident, I00000001")->required();
  show->callback([sf, &exit_code] { exit_code = i::Show(*sf); });

  auto* step = cmd->add_subcommand("step", "take a step of the response / 対応手順の記録");
  auto tf = std::make_shared<i::StepFlags>();
  tf->person.AddTo(step);
  step->add_option("--id", tf->id, "the incident, I00000001")->required();
  step->add_option("--step", tf->step,
                   "triage, decide, contain, check_systems, police, preliminary_report, "
                   "final_report, no_report, lessons, close, amend")
      ->required();
  step->add_option("--date", tf->date, "a submission date, YYYY-MM-DD");
  step->add_flag("--reported", tf->reported, "police: reported");
  step->add_flag("--not-reported", tf->not_reported, "police: not reported (with --reason)");
  step->add_option("--reason", tf->reason, "a reason code");
  step->add_option("--note", tf->note, "text kept with the step (lessons: required)");
  step->add_option("--fields", tf->fields, "amend: a JSON object of fields ('-': stdin)");
  step->callback([tf, &exit_code] { exit_code = i::Step(*tf); });

  auto* form = cmd->add_subcommand(
      "form", "the report to the Commission (速報/確報) / 個人情報保護委員会への報告様式");
  auto ff = std::make_shared<i::FormFlags>();
  ff->person.AddTo(form);
  form->add_option("--id", ff->id, "the incident, I00000001")->required();
  form->add_option("--kind", ff->kind, "preliminary (速報) or final (確報)")->required();
  form->add_option("--format", ff->format, "json, text or html")->capture_default_str();
  form->callback([ff, &exit_code] { exit_code = i::Form(*ff); });
}

}  // namespace mamori::cli
