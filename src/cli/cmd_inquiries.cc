// inquiries commands: two-person control of credit-information inquiries
// ([003 VI(1)]) at the server's console, as the person who logs on here.
// Each verb is one request through the API's own pipeline (api/console.h):
// the same route of /v1/inquiries, authorisation, checks (operator ≠
// confirmer, the confirmer's department, the scheme's order), audit events
// and answers as over HTTPS.
//
//   inquiries list         --data DIR --user ID [--state S] [--dataset DS]
//   inquiries show         --data DIR --user ID --id Q00000001
//   inquiries apply        --data DIR --user ID --dataset DS --record ID --purpose P
//                          --consent REF [--branch-request B00000001]
//   inquiries approve      --data DIR --user ID --id Q…   (pre_approval, a confirmer)
//   inquiries issue-number --data DIR --user ID --id Q…   (one_time_number, a confirmer)
//   inquiries run          --data DIR --user ID --id Q… [--number-file FILE]
//   inquiries release      --data DIR --user ID --id Q…   (held_answer, a confirmer)
//   inquiries answer       --data DIR --user ID --id Q…   (the operator: the record)
//   inquiries request      --data DIR --user ID --dataset DS --consent REF  (a branch)
//   inquiries requests     --data DIR --user ID
//   inquiries reconcile    --data DIR --user ID --from DATE --to DATE
//   inquiries lists        --data DIR --user ID [--date DATE] [--dataset DS]
//
// The one-time number is read from a file, never from the command line
// (argv is visible to every local user); --number-file - reads it from
// standard input when the password comes from --password-file. The daily
// lists are confirmed with `mamori lists confirm`.

#include "api/console.h"
#include "cli/common.h"

namespace mamori::cli {
namespace inquiries_cli {

// One request as the person at the console; its answer printed.
int Ask(const PersonFlags& person, std::string_view method, const std::string& target,
        const nlohmann::json& body = nullptr) {
  return AtConsole(person, [&](api::Stack&, api::Console& console) {
    return PrintResponse(console.Call(method, target, body.is_null() ? "" : body.dump()));
  });
}

struct IdFlags {
  PersonFlags person;
  std::string id, number_file;
};

struct ListFlags {
  PersonFlags person;
  std::string state, dataset, date;
};

struct ApplyFlags {
  PersonFlags person;
  std::string dataset, record, purpose, consent, branch_request;
};

struct RequestFlags {
  PersonFlags person;
  std::string dataset, consent;
};

struct ReconcileFlags {
  PersonFlags person;
  std::string from, to;
};

// The number, from its own file ("-": standard input, when the password
// comes from a file); none when no file is named.
Result<std::string> NumberOf(const IdFlags& f) {
  if (f.number_file.empty()) return std::string();
  if (f.number_file == "-" && f.person.password_file == "-") {
    return Fail(Status::InvalidArgument(
        "the password and the approval number cannot both come from standard input: give "
        "--password-file or a --number-file other than -",
        "パスワードと承認番号の両方を標準入力から読むことはできません。--password-file か - "
        "以外の --number-file を指定してください",
        "--number-file"));
  }
  MAMORI_ASSIGN_OR_RETURN(std::string text, ReadInput(f.number_file));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (text.empty() || text.size() > 16) {
    return Fail(Status::InvalidArgument("--number-file holds no approval number",
                                        "--number-file に承認番号がありません", "--number-file"));
  }
  return text;
}

int Run(const IdFlags& f) {
  auto number = NumberOf(f);
  if (!number) return ReportError(number.error());
  nlohmann::json body = nullptr;
  if (!number->empty()) body = {{"approval_number", *number}};
  return Ask(f.person, "POST", "/v1/inquiries/" + PercentEncoded(f.id) + "/run", body);
}

}  // namespace inquiries_cli

void AddInquiriesCommands(CLI::App& app, int& exit_code) {
  namespace q = inquiries_cli;
  auto* cmd =
      app.add_subcommand("inquiries", "two-person control of credit inquiries / 照会の相互牽制");
  cmd->require_subcommand(1);

  auto* list = cmd->add_subcommand("list", "the inquiries I may see / 照会の一覧");
  auto lf = std::make_shared<q::ListFlags>();
  lf->person.AddTo(list);
  list->add_option("--state", lf->state, "applied, approved, number_issued, held, answered");
  list->add_option("--dataset", lf->dataset, "dataset name");
  list->callback([lf, &exit_code] {
    exit_code =
        q::Ask(lf->person, "GET",
               TargetWith("/v1/inquiries", {{"state", lf->state}, {"dataset", lf->dataset}}));
  });

  auto* apply = cmd->add_subcommand("apply", "apply for, or run, an inquiry / 照会の申請・実行");
  auto af = std::make_shared<q::ApplyFlags>();
  af->person.AddTo(apply);
  apply->add_option("--dataset", af->dataset, "dataset name")->required();
  apply->add_option("--record", af->record, "the record inquired about, its id")->required();
  apply->add_option("--purpose", af->purpose, "the registered purpose")->required();
  apply
      ->add_option("--consent", af->consent,
                   "reference of the consent document (同意書): its number or SHA-256")
      ->required();
  apply->add_option("--branch-request", af->branch_request,
                    "the branch request it answers, e.g. B00000001");
  apply->callback([af, &exit_code] {
    nlohmann::json body = {{"dataset", af->dataset},
                           {"record", af->record},
                           {"purpose", af->purpose},
                           {"consent", af->consent}};
    if (!af->branch_request.empty()) body["branch_request"] = af->branch_request;
    exit_code = q::Ask(af->person, "POST", "/v1/inquiries", body);
  });

  // The verbs on one inquiry: GET or POST /v1/inquiries/{id}[/verb].
  struct IdVerb {
    const char* name;
    const char* help;
    const char* method;
    const char* suffix;
  };
  static constexpr IdVerb kVerbs[] = {
      {"show", "one inquiry / 照会の表示", "GET", ""},
      {"approve", "pre_approval: approve before it runs / 事前承認", "POST", "/approve"},
      {"issue-number", "one_time_number: issue the approval number / 承認番号の発行", "POST",
       "/issue-number"},
      {"release", "held_answer: release the held answer / 保留回答の開放", "POST", "/release"},
      {"answer", "receive the answer / 回答の受領", "GET", "/answer"},
  };
  for (const auto& v : kVerbs) {
    auto* step = cmd->add_subcommand(v.name, v.help);
    auto f = std::make_shared<q::IdFlags>();
    f->person.AddTo(step);
    step->add_option("--id", f->id, "inquiry id, e.g. Q00000001")->required();
    const IdVerb spec = v;
    step->callback([f, spec, &exit_code] {
      exit_code =
          q::Ask(f->person, spec.method, "/v1/inquiries/" + PercentEncoded(f->id) + spec.suffix);
    });
  }

  auto* run = cmd->add_subcommand("run", "run the approved inquiry / 承認済み照会の実行");
  auto rnf = std::make_shared<q::IdFlags>();
  rnf->person.AddTo(run);
  run->add_option("--id", rnf->id, "inquiry id, e.g. Q00000001")->required();
  run->add_option("--number-file", rnf->number_file,
                  "one_time_number: file holding the approval number (- : standard input)");
  run->callback([rnf, &exit_code] { exit_code = q::Run(*rnf); });

  auto* request =
      cmd->add_subcommand("request", "a branch's request for a head-office inquiry / 照会依頼");
  auto rf = std::make_shared<q::RequestFlags>();
  rf->person.AddTo(request);
  request->add_option("--dataset", rf->dataset, "dataset name")->required();
  request->add_option("--consent", rf->consent, "the branch's consent reference")->required();
  request->callback([rf, &exit_code] {
    exit_code = q::Ask(rf->person, "POST", "/v1/inquiries/requests",
                       {{"dataset", rf->dataset}, {"consent", rf->consent}});
  });

  auto* requests = cmd->add_subcommand("requests", "branch requests I may see / 照会依頼の一覧");
  auto pf = std::make_shared<PersonFlags>();
  pf->AddTo(requests);
  requests->callback(
      [pf, &exit_code] { exit_code = q::Ask(*pf, "GET", "/v1/inquiries/requests"); });

  auto* reconcile = cmd->add_subcommand(
      "reconcile", "inquiries against branch requests / 照会件数と依頼件数の突合");
  auto cf = std::make_shared<q::ReconcileFlags>();
  cf->person.AddTo(reconcile);
  reconcile->add_option("--from", cf->from, "first JST day, e.g. 2026-12-01")->required();
  reconcile->add_option("--to", cf->to, "last JST day")->required();
  reconcile->callback([cf, &exit_code] {
    exit_code =
        q::Ask(cf->person, "GET",
               TargetWith("/v1/inquiries/reconciliation", {{"from", cf->from}, {"to", cf->to}}));
  });

  auto* lists = cmd->add_subcommand("lists", "the daily inquiry lists / 照会の確認リスト");
  auto sf = std::make_shared<q::ListFlags>();
  sf->person.AddTo(lists);
  lists->add_option("--date", sf->date, "the business day");
  lists->add_option("--dataset", sf->dataset, "dataset name");
  lists->callback([sf, &exit_code] {
    exit_code =
        q::Ask(sf->person, "GET",
               TargetWith("/v1/inquiries/lists", {{"date", sf->date}, {"dataset", sf->dataset}}));
  });
}

}  // namespace mamori::cli
