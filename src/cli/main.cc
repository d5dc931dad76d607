// mamori — 個人情報保護管理サーバ / a store for personal information that
// enforces the rules it is held under.
#include <cstdio>
#include <iostream>

#include "cli/common.h"
#include "crypto/process_protection.h"

namespace {

int Run(int argc, char** argv) {
  CLI::App app{
      "mamori — 個人情報を規程どおりに保管・利用・廃棄する / stores personal information so that "
      "the rules hold by construction"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "every command's help / 全コマンドのヘルプ");
  int exit_code = 0;
  mamori::cli::AddInitCommand(app, exit_code);
  mamori::cli::AddDatasetCommands(app, exit_code);
  mamori::cli::AddRecordCommands(app, exit_code);
  mamori::cli::AddKeysCommands(app, exit_code);
  mamori::cli::AddRetentionCommands(app, exit_code);
  mamori::cli::AddStoreCommands(app, exit_code);
  mamori::cli::AddAuditCommands(app, exit_code);
  mamori::cli::AddMyNumberCommands(app, exit_code);
  mamori::cli::AddServeCommand(app, exit_code);
  mamori::cli::AddUserCommands(app, exit_code);
  mamori::cli::AddDemoCommands(app, exit_code);
  mamori::cli::AddCalendarCommands(app, exit_code);
  mamori::cli::AddAnalysisCommands(app, exit_code);
  mamori::cli::AddListsCommands(app, exit_code);
  mamori::cli::AddApprovalsCommands(app, exit_code);
  mamori::cli::AddExceptionsCommands(app, exit_code);
  mamori::cli::AddInquiriesCommands(app, exit_code);
  mamori::cli::AddTrainingCommands(app, exit_code);
  mamori::cli::AddAuditsCommands(app, exit_code);
  mamori::cli::AddInspectionsCommands(app, exit_code);
  mamori::cli::AddIncidentsCommands(app, exit_code);
  mamori::cli::AddTakeoutsCommands(app, exit_code);
  mamori::cli::AddRegistersCommands(app, exit_code);
  mamori::cli::AddExchangeCommands(app, exit_code);
  mamori::cli::AddReportCommands(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  // Before anything can open a key: no core dumps, keys in the secure heap
  // (crypto/process_protection.h). Every command, not only those that open
  // keys: the cost is a few system calls, and no command is then forgotten.
  if (mamori::Status s = mamori::crypto::ProtectProcess(); !s.ok()) {
    return mamori::cli::ReportError(s);
  }
  try {
    return Run(argc, argv);
  } catch (...) {
    // what() is not printed: it may quote an argument, and arguments can be
    // personal values.
    std::fputs("mamori: internal error / 内部エラー\n", stderr);
    return 1;
  }
}
