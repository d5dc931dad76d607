// training commands: information-security training and the training switch
// ([002 第28-29条]), each verb one request of /v1/training or
// /v1/policy/training through the API's own pipeline as the person at the
// console (route_verbs.h):
//
//   training plans      --data DIR --user ID
//   training plan       --data DIR --user ID --year 2026 --course CODE --audience
//   all|new_hire|mid_career|role [--role R] training attendance --data DIR --user ID [--person ID]
//   training attend     --data DIR --user ID --plan TP000001 --person ID --date DATE [--score N]
//   [--passed] training standing   --data DIR --user ID --person ID training policy     --data DIR
//   --user ID
#include "cli/common.h"
#include "cli/route_verbs.h"

namespace mamori::cli {

void AddTrainingCommands(CLI::App& app, int& exit_code) {
  using K = VerbOption::Kind;
  auto* cmd =
      app.add_subcommand("training", "information-security training / 情報セキュリティ研修");
  cmd->require_subcommand(1);
  AddRouteVerbs(
      cmd,
      {{"plans", "the training plans / 研修計画の一覧", "GET", "/v1/training/plans", {}},
       {"plan",
        "plan a course for a fiscal year (the CISO line) / 研修の計画",
        "POST",
        "/v1/training/plans",
        {{"--year", "year", K::kInt, true, "fiscal year (年度), e.g. 2026"},
         {"--course", "course", K::kString, true, "course code, e.g. security.basic"},
         {"--audience", "audience", K::kString, true, "all, new_hire, mid_career or role"},
         {"--role", "role", K::kString, false, "the role, with --audience role"}}},
       {"attendance",
        "the attendance records / 受講記録の一覧",
        "GET",
        "/v1/training/attendance",
        {{"--person", "person", K::kQuery, false, "only this person's"}}},
       {"attend",
        "record a person's attendance (never one's own) / 受講の記録",
        "POST",
        "/v1/training/attendance",
        {{"--plan", "plan", K::kString, true, "plan id, e.g. TP000001"},
         {"--person", "person", K::kString, true, "the person who attended"},
         {"--date", "date", K::kString, true, "the day attended, e.g. 2026-12-01"},
         {"--score", "score", K::kInt, false, "evaluation 0-100"},
         {"--passed", "passed", K::kBool, false, "the person passed"}}},
       {"standing",
        "a person's training standing / 受講状況",
        "GET",
        "/v1/training/people/{user}",
        {{"--person", "user", K::kPath, true, "the person"}}},
       {"policy",
        "the training switch / 研修未受講者の権限停止の設定",
        "GET",
        "/v1/policy/training",
        {}}},
      exit_code);
}

}  // namespace mamori::cli
