// cli: the `mamori` command. Local operator tasks and everything the engine
// does; the local operator is the OS user. Output for programs is JSON on
// stdout; errors go to stderr in English and Japanese.
//
// Exit codes: 0 success; 1 the operation was refused or failed, a check
// failed (audit verify, mynumber check); 2 the command line was wrong.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "core/status.h"
#include "engine/engine.h"
#include "jp/business_calendar.h"

namespace mamori::api {
class Console;
class Stack;
struct Response;
}  // namespace mamori::api

namespace mamori::cli {

// Flags shared by every command that opens a store.
struct StoreFlags {
  std::string data;
  std::string keys;             // key store directory; default <data>/keys
  std::string store_uri;        // the data in PostgreSQL (engine/data_store.h); empty: in <data>
  std::string passphrase_file;  // root key from a passphrase instead of the key file
  // Where the audit signing key lives when it is kept apart from the key
  // store (keys/audit_signer.h); empty: the key store's.
  keys::AuditSignerConfig signer;

  engine::Paths MakePaths() const;
  void AddTo(CLI::App* cmd);
};

// The OS user as actor, "local:<hostname>" as terminal, a fresh request id.
engine::Context LocalContext(const std::string& purpose = "");

Result<std::unique_ptr<keys::RootKeyProvider>> MakeRootProvider(const StoreFlags& flags);
// The audit signer the flags name; nullptr for the key store's.
Result<std::unique_ptr<keys::AuditSigner>> MakeAuditSigner(const StoreFlags& flags);
// `check_store`: EngineOptions::check_store (serve's witness check).
Result<std::unique_ptr<engine::Engine>> OpenEngine(
    const StoreFlags& flags, size_t record_key_pool = 1,
    std::function<Status(store::Storage&, keys::AuditSigner&)> check_store = {});

// A date argument, YYYY-MM-DD; kInvalidArgument naming `name` otherwise.
Result<CivilDate> DateArgument(const std::string& text, const std::string& name);
// The default business calendar, or with `data` the one of that store's
// analysis policy (read-only, no key needed).
Result<jp::BusinessCalendar> CalendarFor(const std::string& data);

// Prints JSON to stdout, pretty unless MAMORI_COMPACT_JSON is set.
void PrintJson(const nlohmann::json& j);
// Prints the error and returns exit code 1.
int ReportError(const Status& status);
// Reads a whole file or "-" for standard input.
Result<std::string> ReadInput(const std::string& path);

// A person at the server's console (api/console.h), for the verbs that act
// as a person rather than as the OS operator: the store, the user id, the
// password from a file or standard input (never the command line; one
// trailing newline dropped) and a TOTP code.
struct PersonFlags {
  StoreFlags store;
  std::string user, password_file = "-", totp;
  void AddTo(CLI::App* cmd);
};

// Opens the engine and the API stack, logs USER on at this console, runs
// `body` as that person, logs off and closes the engine. Returns body's exit
// code, or 1 after printing why the logon or the store failed.
int AtConsole(const PersonFlags& flags, const std::function<int(api::Stack&, api::Console&)>& body);
// Opens the engine and the API stack, runs `body` as the OS operator, closes
// the engine. Returns body's exit code, or 1 after printing why the store
// failed.
int WithStack(const StoreFlags& flags, const std::function<int(api::Stack&)>& body);

// A path segment or query value, percent-encoded (ids and dates need
// nothing, but a typo must not become another route).
std::string PercentEncoded(std::string_view in);
// `path` with the query parameters whose value is not empty, encoded.
std::string TargetWith(std::string path,
                       const std::vector<std::pair<std::string, std::string>>& query);

// Prints an API answer: a JSON body to stdout (exit 0) for a 2xx, the
// problem to stderr as ReportError does (exit 1) otherwise.
int PrintResponse(const api::Response& response);

// The command tree: each registers its sub-commands; the callbacks store
// their exit code in `exit_code`.
void AddInitCommand(CLI::App& app, int& exit_code);
void AddDatasetCommands(CLI::App& app, int& exit_code);
void AddRecordCommands(CLI::App& app, int& exit_code);
void AddKeysCommands(CLI::App& app, int& exit_code);
void AddRetentionCommands(CLI::App& app, int& exit_code);
void AddStoreCommands(CLI::App& app, int& exit_code);  // cmd_store_copy.cc
void AddAuditCommands(CLI::App& app, int& exit_code);
void AddMyNumberCommands(CLI::App& app, int& exit_code);
void AddServeCommand(CLI::App& app, int& exit_code);
void AddUserCommands(CLI::App& app, int& exit_code);
void AddDemoCommands(CLI::App& app, int& exit_code);
void AddCalendarCommands(CLI::App& app, int& exit_code);
// analysis run, findings list (cmd_analysis.cc); lists show|confirm (cmd_lists.cc).
void AddAnalysisCommands(CLI::App& app, int& exit_code);
void AddListsCommands(CLI::App& app, int& exit_code);
void AddApprovalsCommands(CLI::App& app, int& exit_code);
void AddExceptionsCommands(CLI::App& app, int& exit_code);
void AddIncidentsCommands(CLI::App& app, int& exit_code);
// report, list, show, step, form under `incidents` (cmd_incident_records.cc).
void AddIncidentRecordCommands(CLI::App* incidents, int& exit_code);
void AddTakeoutsCommands(CLI::App& app, int& exit_code);
void AddRegistersCommands(CLI::App& app, int& exit_code);
// inquiries ... (cmd_inquiries.cc): two-person inquiry control.
void AddInquiriesCommands(CLI::App& app, int& exit_code);
// training, audits, inspections (cmd_training.cc, cmd_audits.cc,
// cmd_inspections.cc): the organisation's own cycles, mirroring their routes.
void AddTrainingCommands(CLI::App& app, int& exit_code);
void AddAuditsCommands(CLI::App& app, int& exit_code);
void AddInspectionsCommands(CLI::App& app, int& exit_code);
// exchange init|serve|send and connection add|list|show|suspend|resume (cmd_exchange.cc).
void AddExchangeCommands(CLI::App& app, int& exit_code);
// report compliance|attest|attestations (cmd_report.cc): the compliance report.
void AddReportCommands(CLI::App& app, int& exit_code);

}  // namespace mamori::cli
