// lists commands ([003 II.5(7)]; docs/REQUIREMENTS.md §6, docs/ANALYSIS.md):
// the daily reconciliation lists (アクセス記録の確認リスト) that the
// continuous evaluation of `mamori serve` produces, and their confirmation.
//
//   lists show --data DIR --date DATE [--dataset DS] [--csv]
//       reads the data store only, like `findings list`.
//   lists confirm --data DIR --list ID --user ID [--password-file FILE]
//                 [--totp CODE] [--comment TEXT]
//       confirms as a person, not as the OS operator: USER logs on here (a
//       real, audited logon from this console, "local:<host>", a terminal
//       inside the controlled area), the system rights table decides
//       list.confirm, and the analysis refuses a confirmer who accessed the
//       data — the same rules as POST /v1/lists/{list}/confirm. The session
//       ends when the command does. The password comes from a file or
//       standard input, never from the command line.
#include <unistd.h>

#include <iostream>

#include "analysis/csv.h"
#include "analysis/lists.h"
#include "api/console.h"
#include "api/stack.h"
#include "cli/common.h"

namespace mamori::cli {

Result<std::unique_ptr<store::Storage>> OpenDataStore(const StoreFlags& flags);

namespace {

struct ShowFlags {
  StoreFlags store;
  std::string date, dataset;
  bool csv = false;
};

int Show(const ShowFlags& f) {
  auto date = ParseDate(f.date);
  if (!date) {
    return ReportError(Status::InvalidArgument("--date must be a date like 2025-01-14",
                                               "--date は 2025-01-14 の形式で指定してください",
                                               "--date"));
  }
  auto storage = OpenDataStore(f.store);
  if (!storage) return ReportError(storage.error());
  analysis::ListFilter filter;
  filter.date = *date;
  filter.dataset = f.dataset;
  auto lists = analysis::Lists(**storage).List(filter);
  if (!lists) return ReportError(lists.error());
  if (f.csv) {
    std::cout << analysis::ListsCsv(*lists);
    return 0;
  }
  nlohmann::json out = nlohmann::json::array();
  for (const auto& l : *lists) out.push_back(analysis::ListToJson(l));
  PrintJson({{"lists", out}});
  return 0;
}

struct ConfirmFlags {
  PersonFlags person;
  std::string list, comment;
};

int Confirm(const ConfirmFlags& f) {
  return AtConsole(f.person, [&](api::Stack& stack, api::Console& console) {
    const identity::Principal& who = console.principal();
    const engine::Context local = LocalContext();
    api::Action action = api::Action::On("list.confirm", f.list);
    action.request_id = local.request_id;
    Status allowed = stack.access().Authorize(who, action);
    if (!allowed.ok()) return ReportError(allowed);
    policy::Caller caller;
    caller.principal = who;
    caller.request_id = local.request_id;
    auto done = stack.lists().Confirm(caller, f.list, f.comment);
    if (!done) return ReportError(done.error());
    PrintJson(analysis::ListToJson(*done));
    return 0;
  });
}

}  // namespace

void AddListsCommands(CLI::App& app, int& exit_code) {
  auto* lists =
      app.add_subcommand("lists", "daily reconciliation lists / アクセス記録の確認リスト");
  lists->require_subcommand(1);
  auto* show = lists->add_subcommand("show", "the lists of a business day / 確認リストの表示");
  auto sf = std::make_shared<ShowFlags>();
  sf->store.AddTo(show);
  show->add_option("--date", sf->date, "the business day, YYYY-MM-DD (JST)")->required();
  show->add_option("--dataset", sf->dataset, "one dataset only");
  show->add_flag("--csv", sf->csv, "CSV for Excel (UTF-8 with BOM, CRLF) / Excel 用 CSV");
  show->callback([sf, &exit_code] { exit_code = Show(*sf); });

  auto* confirm = lists->add_subcommand(
      "confirm", "confirm a list as a person who logs on here / 確認リストの確認");
  auto cf = std::make_shared<ConfirmFlags>();
  cf->person.AddTo(confirm);
  confirm->add_option("--list", cf->list, "list id, e.g. L00000001")->required();
  confirm->add_option("--comment", cf->comment, "kept in the list, not in the audit log");
  confirm->callback([cf, &exit_code] { exit_code = Confirm(*cf); });
}

}  // namespace mamori::cli
