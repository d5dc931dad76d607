// analysis commands ([003 II.5(6) 必須 C]; docs/REQUIREMENTS.md §6,
// docs/ANALYSIS.md): the rules over any past period of a store's log or of
// another system's JSON-lines file, and the findings the continuous evaluation
// of `mamori serve` raised. They read the data store only (no key): like `audit
// events`, an operator or auditor can run them on a copy.
//
//   analysis run --data DIR [--events FILE] --from DATE --to DATE
//       {"findings": [{rule, severity, actor, from, to, count, evidence, …}]}
//       DATE: JST calendar days, both included. With --events the events
//       come from FILE ("-": standard input), in the shape `mamori audit
//       events` prints, one object per line; the store still gives the
//       policy (hours, closed days, thresholds), registered terminals and
//       datasets.
//   findings list --data DIR [--status S] [--rule R] [--owner U] [--actor U] [--csv]
#include <iostream>

#include "analysis/csv.h"
#include "analysis/facts.h"
#include "analysis/findings.h"
#include "analysis/run.h"
#include "cli/common.h"
#include "engine/data_store.h"
#include "store/sqlite/sqlite_storage.h"

namespace mamori::cli {

void AddExportCommand(CLI::App* analysis_cmd, int& exit_code);  // cmd_export.cc

// The data store alone, without the key store: for the commands that read
// it (and for export, which writes only its cursor and audit events).
Result<std::unique_ptr<store::Storage>> OpenDataStore(const StoreFlags& flags) {
  if (!flags.store_uri.empty()) return engine::OpenDataStore(flags.MakePaths(), false);
  store::SqliteOptions options;
  options.path = flags.MakePaths().DataStore();
  options.create_if_missing = false;
  options.read_mmap_bytes = uint64_t{1} << 30;  // these commands scan
  auto storage = store::OpenSqliteStorage(options);
  if (!storage && storage.error().code() == Code::kNotFound) {
    return Fail(Status::NotFound("no mamori store in " + flags.data,
                                 "mamori のストアがありません: " + flags.data, "data"));
  }
  return storage;
}

namespace {

Result<CivilDate> DayArgument(const std::string& text, const std::string& name) {
  auto d = ParseDate(text);
  if (!d) {
    return Fail(Status::InvalidArgument(name + " must be a date like 2025-01-14 (JST)",
                                        name + " は 2025-01-14 の形式の日付 (日本時間) です",
                                        name));
  }
  return *d;
}

struct RunFlags {
  StoreFlags store;
  std::string events, from, to;
};

int Run(const RunFlags& f) {
  auto from = DayArgument(f.from, "--from");
  if (!from) return ReportError(from.error());
  auto to = DayArgument(f.to, "--to");
  if (!to) return ReportError(to.error());
  if (*to < *from) {
    return ReportError(Status::InvalidArgument(
        "--to must not be before --from", "--to は --from 以降の日付で指定してください", "--to"));
  }
  auto storage = OpenDataStore(f.store);
  if (!storage) return ReportError(storage.error());
  auto params = analysis::GetParameters(**storage);
  if (!params) return ReportError(params.error());
  auto facts = analysis::LoadFacts(**storage);
  if (!facts) return ReportError(facts.error());
  const TimeMicros begin = JstMidnight(*from);
  const TimeMicros end = JstMidnight(CivilFromDays(DaysFromCivil(*to) + 1));
  std::unique_ptr<analysis::EventSource> source;
  if (!f.events.empty()) {
    source = analysis::FileSource(f.events);
  } else {
    uint64_t first = 0;
    Status s = (*storage)->View([&](store::ReadTxn& txn) -> Status {
      const TimeMicros warmup = analysis::WarmupDays(*params) * 86'400 * kMicrosPerSecond;
      MAMORI_ASSIGN_OR_RETURN(first, analysis::FirstSeqAtOrAfter(txn, begin - warmup));
      return Status::Ok();
    });
    if (!s.ok()) return ReportError(s);
    source = analysis::LogSource(**storage, first);
  }
  // Streamed as the windows close: {"findings": [ one finding a line ]}.
  std::string out = "{\"findings\": [";
  bool first = true;
  Status ran = analysis::RunAnalysis(*source, *params, *facts, begin, end,
                                     [&](const analysis::Finding& finding) {
                                       out += first ? "\n" : ",\n";
                                       out += analysis::FindingReportJson(finding).dump();
                                       first = false;
                                       if (out.size() > (1 << 16)) {
                                         std::cout << out;
                                         out.clear();
                                       }
                                       return Status::Ok();
                                     });
  if (!ran.ok()) {
    std::cout.flush();
    return ReportError(ran);
  }
  std::cout << out << (first ? "]}\n" : "\n]}\n");
  return 0;
}

struct ListFindingsFlags {
  StoreFlags store;
  std::string status, rule, owner, actor;
  bool csv = false;
};

int ListFindings(const ListFindingsFlags& f) {
  analysis::FindingFilter filter;
  if (!f.status.empty()) {
    filter.status = analysis::ParseFindingStatus(f.status);
    if (!filter.status) {
      return ReportError(Status::InvalidArgument(
          "--status must be new, under_review, explained or escalated",
          "--status は new, under_review, explained, escalated のいずれかです", "--status"));
    }
  }
  if (!f.rule.empty()) {
    filter.rule = analysis::ParseRule(f.rule);
    if (!filter.rule) {
      return ReportError(Status::InvalidArgument("--rule names no rule (see docs/ANALYSIS.md)",
                                                 "--rule の規則がありません", "--rule"));
    }
  }
  filter.owner = f.owner;
  filter.actor = f.actor;
  auto storage = OpenDataStore(f.store);
  if (!storage) return ReportError(storage.error());
  auto found = analysis::Findings(**storage).List(filter);
  if (!found) return ReportError(found.error());
  if (f.csv) {
    std::cout << analysis::FindingsCsv(*found);
    return 0;
  }
  nlohmann::json out = nlohmann::json::array();
  for (const auto& finding : *found) out.push_back(analysis::FindingToJson(finding));
  PrintJson({{"findings", out}});
  return 0;
}

}  // namespace

void AddAnalysisCommands(CLI::App& app, int& exit_code) {
  auto* analysis_cmd =
      app.add_subcommand("analysis", "analysis of access records / アクセス記録の分析");
  analysis_cmd->require_subcommand(1);
  auto* run = analysis_cmd->add_subcommand(
      "run", "the rules over a past period / 期間を指定して分析 ({\"findings\": [...]})");
  auto rf = std::make_shared<RunFlags>();
  rf->store.AddTo(run);
  run->add_option("--events", rf->events,
                  "JSON-lines events of another system (- for standard input) / 他システムのログ");
  run->add_option("--from", rf->from, "first day, YYYY-MM-DD (JST)")->required();
  run->add_option("--to", rf->to, "last day, YYYY-MM-DD (JST), included")->required();
  run->callback([rf, &exit_code] { exit_code = Run(*rf); });

  auto* findings = app.add_subcommand("findings", "findings of the analysis / 分析結果(指摘)");
  findings->require_subcommand(1);
  auto* list = findings->add_subcommand("list", "the stored findings / 指摘の一覧");
  auto lf = std::make_shared<ListFindingsFlags>();
  lf->store.AddTo(list);
  list->add_option("--status", lf->status, "new, under_review, explained or escalated");
  list->add_option("--rule", lf->rule, "e.g. off_hours");
  list->add_option("--owner", lf->owner, "who must act");
  list->add_option("--actor", lf->actor, "whom it is about");
  list->add_flag("--csv", lf->csv, "CSV for Excel (UTF-8 with BOM, CRLF) / Excel 用 CSV");
  list->callback([lf, &exit_code] { exit_code = ListFindings(*lf); });

  AddExportCommand(analysis_cmd, exit_code);
}

}  // namespace mamori::cli
