// audits commands: internal audit ([002 第37-39条]), each verb one request
// of /v1/audits through the API's own pipeline as the person at the console
// (route_verbs.h):
//
//   audits list        --data DIR --user ID
//   audits plan        --data DIR --user ID --year 2026 --department D... --scope CODE
//   audits show        --data DIR --user ID --id IA000001
//   audits assign      --data DIR --user ID --id IA… --auditor ID
//   audits finding     --data DIR --user ID --id IA… --clause 002.art47 --department D
//                      --severity major|minor|observation [--evidence SEQ]...
//   audits report      --data DIR --user ID --id IA…
//   audits acknowledge --data DIR --user ID --id IA…
//   audits improve     --data DIR --user ID --id IA… --finding F1 --measure CODE --due DATE
//   audits progress    --data DIR --user ID --id IA… --finding F1 --status in_progress|done [--note
//   CODE] audits close       --data DIR --user ID --id IA… --finding F1
#include "cli/common.h"
#include "cli/route_verbs.h"

namespace mamori::cli {

void AddAuditsCommands(CLI::App& app, int& exit_code) {
  using K = VerbOption::Kind;
  auto* cmd = app.add_subcommand("audits", "internal audit / 内部監査");
  cmd->require_subcommand(1);
  const VerbOption id{"--id", "audit", K::kPath, true, "audit id, e.g. IA000001"};
  const VerbOption finding{"--finding", "finding", K::kPath, true, "finding id, e.g. F1"};
  AddRouteVerbs(
      cmd,
      {{"list", "the internal audits / 内部監査の一覧", "GET", "/v1/audits", {}},
       {"plan",
        "plan an internal audit / 内部監査の計画",
        "POST",
        "/v1/audits",
        {{"--year", "year", K::kInt, true, "fiscal year (年度)"},
         {"--department", "departments", K::kStrings, true, "an audited department (repeat)"},
         {"--scope", "scope", K::kString, true, "scope code"}}},
       {"show", "one audit / 内部監査", "GET", "/v1/audits/{audit}", {id}},
       {"assign",
        "assign an independent auditor / 監査人の指名",
        "POST",
        "/v1/audits/{audit}/auditors",
        {id, {"--auditor", "auditor", K::kString, true, "the auditor"}}},
       {"finding",
        "record a finding / 指摘の記録",
        "POST",
        "/v1/audits/{audit}/findings",
        {id,
         {"--clause", "clause", K::kString, true, "rule reference, e.g. 002.art47"},
         {"--department", "department", K::kString, true, "the audited department"},
         {"--severity", "severity", K::kString, true, "major, minor or observation"},
         {"--evidence", "evidence", K::kInts, false, "audit-log sequence number (repeat)"}}},
       {"report", "report to the CISO line / 監査報告", "POST", "/v1/audits/{audit}/report", {id}},
       {"acknowledge",
        "acknowledge the report / 監査報告の受領",
        "POST",
        "/v1/audits/{audit}/acknowledge",
        {id}},
       {"improve",
        "the improvement plan of a finding / 改善計画",
        "POST",
        "/v1/audits/{audit}/findings/{finding}/improvement",
        {id,
         finding,
         {"--measure", "measure", K::kString, true, "measure code"},
         {"--due", "due", K::kString, true, "due day, e.g. 2027-01-31"}}},
       {"progress",
        "a progress report / 改善の進捗報告",
        "POST",
        "/v1/audits/{audit}/findings/{finding}/progress",
        {id,
         finding,
         {"--status", "status", K::kString, true, "in_progress or done"},
         {"--note", "note", K::kString, false, "note code"}}},
       {"close",
        "close a finding / 指摘の完了確認",
        "POST",
        "/v1/audits/{audit}/findings/{finding}/close",
        {id, finding}}},
      exit_code);
}

}  // namespace mamori::cli
