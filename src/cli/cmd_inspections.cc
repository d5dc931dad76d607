// inspections commands: self-inspection ([002 第34-36条]), each verb one
// request of /v1/inspections through the API's own pipeline as the person
// at the console (route_verbs.h):
//
//   inspections list      --data DIR --user ID
//   inspections plan      --data DIR --user ID --year 2026
//   inspections show      --data DIR --user ID --id SI2026
//   inspections checklist --data DIR --user ID --id SI2026
//   inspections answer    --data DIR --user ID --id SI2026 --answers-file FILE ({"item":
//   "yes"|"no"|"na"}) inspections summary   --data DIR --user ID --id SI2026 inspections evaluate
//   --data DIR --user ID --id SI2026 --rating CODE inspections order     --data DIR --user ID --id
//   SI2026 --department D --item ITEM --measure CODE --due DATE inspections complete  --data DIR
//   --user ID --id SI2026 --order O1
#include <nlohmann/json.hpp>

#include "api/console.h"
#include "cli/common.h"
#include "cli/route_verbs.h"

namespace mamori::cli {

void AddInspectionsCommands(CLI::App& app, int& exit_code) {
  using K = VerbOption::Kind;
  auto* cmd = app.add_subcommand("inspections", "self-inspection / 自己点検");
  cmd->require_subcommand(1);
  const VerbOption id{"--id", "inspection", K::kPath, true, "inspection id, e.g. SI2026"};
  AddRouteVerbs(
      cmd,
      {{"list", "the self-inspection plans / 自己点検の一覧", "GET", "/v1/inspections", {}},
       {"plan",
        "plan the year's self-inspection / 自己点検の年度計画",
        "POST",
        "/v1/inspections",
        {{"--year", "year", K::kInt, true, "fiscal year (年度)"}}},
       {"show", "one self-inspection / 自己点検", "GET", "/v1/inspections/{inspection}", {id}},
       {"checklist",
        "my checklist / 自己点検票",
        "GET",
        "/v1/inspections/{inspection}/checklist",
        {id}},
       {"summary",
        "department and organisation summaries / 集計",
        "GET",
        "/v1/inspections/{inspection}/summary",
        {id}},
       {"evaluate",
        "the CISO's evaluation / 評価",
        "POST",
        "/v1/inspections/{inspection}/evaluation",
        {id, {"--rating", "rating", K::kString, true, "rating code"}}},
       {"order",
        "an improvement order / 改善指示",
        "POST",
        "/v1/inspections/{inspection}/orders",
        {id,
         {"--department", "department", K::kString, true, "the department"},
         {"--item", "item", K::kString, true, "checklist item, e.g. handler-02"},
         {"--measure", "measure", K::kString, true, "measure code"},
         {"--due", "due", K::kString, true, "due day"}}},
       {"complete",
        "report an order done / 改善指示の完了報告",
        "POST",
        "/v1/inspections/{inspection}/orders/{order}/complete",
        {id, {"--order", "order", K::kPath, true, "order id, e.g. O1"}}}},
      exit_code);

  // The answers are an object: read from a file (or - for standard input
  // once the password came from --password-file).
  struct AnswerFlags {
    PersonFlags person;
    std::string id, answers_file;
  };
  auto f = std::make_shared<AnswerFlags>();
  auto* answer = cmd->add_subcommand("answer", "answer my checklist / 自己点検の回答");
  f->person.AddTo(answer);
  answer->add_option("--id", f->id, "inspection id, e.g. SI2026")->required();
  answer->add_option("--answers-file", f->answers_file, "JSON {\"item\": \"yes\"|\"no\"|\"na\"}")
      ->required();
  answer->callback([f, &exit_code] {
    auto text = ReadInput(f->answers_file);
    if (!text) {
      exit_code = ReportError(text.error());
      return;
    }
    auto answers = nlohmann::json::parse(*text, nullptr, false);
    if (!answers.is_object()) {
      exit_code = ReportError(Status::InvalidArgument(
          "--answers-file must hold a JSON object of item: yes, no or na",
          "--answers-file には 項目: yes / no / na の JSON オブジェクトを指定します",
          "--answers-file"));
      return;
    }
    exit_code = AtConsole(f->person, [&](api::Stack&, api::Console& console) {
      return PrintResponse(console.Call("POST",
                                        "/v1/inspections/" + PercentEncoded(f->id) + "/answers",
                                        nlohmann::json{{"answers", answers}}.dump()));
    });
  });
}

}  // namespace mamori::cli
