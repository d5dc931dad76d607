// `mamori demo seed`: the demo organisation of `make run` — people with
// departments, managers, positions and roles, and data rights in force —
// built through the same code the server runs: users by identity (password
// rules, audit events), rights through the three-person flow (request by
// one person, approval by a second, configuration by a third, each step
// audited under that person's id and checked by segregation of duties).
//
// It acts in the names of the people in the file, which only a bootstrap
// may do, so it refuses a store that already has users. The audit events
// it writes name the local terminal and request id "demo-seed", so an
// auditor can tell them from actions taken through the API.
#include <iostream>

#include "api/organisation_seed.h"
#include "api/stack.h"
#include "cli/common.h"
#include "crypto/secret.h"

namespace mamori::cli {
namespace {

struct DemoFlags {
  StoreFlags store;
  std::string file;
  std::string password_file;
};

int RunSeed(const DemoFlags& f) {
  auto text = ReadInput(f.file);
  if (!text) return ReportError(text.error());
  auto org = nlohmann::json::parse(*text, nullptr, false);
  auto pw_text = ReadInput(f.password_file);
  if (!pw_text) return ReportError(pw_text.error());
  if (!pw_text->empty() && pw_text->back() == '\n') pw_text->pop_back();
  crypto::SecretBytes password(*pw_text);
  std::fill(pw_text->begin(), pw_text->end(), '\0');

  auto engine = OpenEngine(f.store);
  if (!engine) return ReportError(engine.error());
  auto stack = api::Stack::Open(**engine);
  if (!stack) return ReportError(stack.error());
  engine::Context ctx = LocalContext();
  ctx.request_id = "demo-seed";
  Status s = api::SeedOrganisation(**stack, ctx, org, password.view());
  stack->reset();
  Status closed = (*engine)->Close();
  if (!s.ok()) return ReportError(s);
  if (!closed.ok()) return ReportError(closed);
  PrintJson({{"users", org["users"].size()},
             {"grants", org.value("grants", nlohmann::json::array()).size()}});
  return 0;
}

}  // namespace

void AddDemoCommands(CLI::App& app, int& exit_code) {
  auto* demo = app.add_subcommand("demo", "the demo organisation of make run / デモ用の組織");
  demo->require_subcommand(1);
  auto f = std::make_shared<DemoFlags>();
  auto* seed = demo->add_subcommand(
      "seed",
      "people and rights from an organisation file, on a store without users / "
      "組織ファイルから利用者と権限を登録");
  f->store.AddTo(seed);
  seed->add_option("--file", f->file, "organisation JSON (scripts/demo-data/organisation.json)")
      ->required();
  seed->add_option("--password-file", f->password_file,
                   "the initial password of every user; changed at first logon / 初期パスワード")
      ->required();
  seed->callback([f, &exit_code] { exit_code = RunSeed(*f); });
}

}  // namespace mamori::cli
