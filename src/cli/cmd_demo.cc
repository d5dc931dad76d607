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

#include "api/stack.h"
#include "cli/common.h"
#include "crypto/secret.h"
#include "identity/records.h"
#include "policy/right.h"

namespace mamori::cli {
namespace {

struct DemoFlags {
  StoreFlags store;
  std::string file;
  std::string password_file;
};

std::vector<std::string> Strings(const nlohmann::json& j, const char* member) {
  std::vector<std::string> out;
  if (j.contains(member)) {
    for (const auto& v : j[member]) out.push_back(v.get<std::string>());
  }
  return out;
}

Result<policy::Caller> CallerOf(identity::Directory& dir, const std::string& id) {
  MAMORI_ASSIGN_OR_RETURN(auto u, dir.GetUser(id));
  return api::CallerFor(u, "demo-seed");
}

Status Seed(api::Stack& stack, const nlohmann::json& org, std::string_view password) {
  auto& dir = stack.identity().directory();
  MAMORI_ASSIGN_OR_RETURN(auto existing, dir.ListUsers());
  if (!existing.empty()) {
    return Status::FailedPrecondition(
        "the store already has users; demo seed only bootstraps an empty organisation",
        "利用者が既に登録されています。demo seed は空のストアにのみ使えます", "users");
  }
  engine::Context ctx = LocalContext();
  ctx.request_id = "demo-seed";
  // Managers first, so that every manager reference resolves.
  std::vector<nlohmann::json> users;
  for (const bool managed : {false, true}) {
    for (const auto& u : org.at("users")) {
      if (u.contains("manager") == managed) users.push_back(u);
    }
  }
  for (const auto& u : users) {
    identity::NewUser nu;
    nu.id = u.at("id").get<std::string>();
    nu.display_name = u.at("display_name").get<std::string>();
    nu.department = u.value("department", "");
    nu.manager = u.value("manager", "");
    nu.roles = Strings(u, "roles");
    nu.positions = Strings(u, "positions");
    nu.must_change_password = true;
    MAMORI_RETURN_IF_ERROR(dir.CreateUser(ctx, nu, password));
  }
  for (const auto& g : org.value("grants", nlohmann::json::array())) {
    MAMORI_ASSIGN_OR_RETURN(policy::Right right, policy::RightFromJson(g.at("right")));
    MAMORI_ASSIGN_OR_RETURN(auto requester, CallerOf(dir, g.at("requester").get<std::string>()));
    MAMORI_ASSIGN_OR_RETURN(auto approver, CallerOf(dir, g.at("approver").get<std::string>()));
    MAMORI_ASSIGN_OR_RETURN(auto configurer, CallerOf(dir, g.at("configurer").get<std::string>()));
    MAMORI_ASSIGN_OR_RETURN(
        auto req, stack.rights().RequestGrant(requester, right, g.value("reason", "demo")));
    MAMORI_RETURN_IF_ERROR(StatusOf(stack.rights().Approve(approver, req.id)));
    MAMORI_RETURN_IF_ERROR(StatusOf(stack.rights().Configure(configurer, req.id)));
  }
  return Status::Ok();
}

int RunSeed(const DemoFlags& f) {
  auto text = ReadInput(f.file);
  if (!text) return ReportError(text.error());
  auto org = nlohmann::json::parse(*text, nullptr, false);
  if (!org.is_object() || !org.contains("users") || !org["users"].is_array()) {
    return ReportError(
        Status::InvalidArgument("the organisation file must be a JSON object with "
                                "a users array",
                                "組織ファイルは users 配列を持つ JSON です", "file"));
  }
  auto pw_text = ReadInput(f.password_file);
  if (!pw_text) return ReportError(pw_text.error());
  if (!pw_text->empty() && pw_text->back() == '\n') pw_text->pop_back();
  crypto::SecretBytes password(*pw_text);
  std::fill(pw_text->begin(), pw_text->end(), '\0');

  auto engine = OpenEngine(f.store);
  if (!engine) return ReportError(engine.error());
  auto stack = api::Stack::Open(**engine);
  if (!stack) return ReportError(stack.error());
  Status s;
  try {
    s = Seed(**stack, org, password.view());
  } catch (const nlohmann::json::exception& e) {
    // Not e.what(): the library's messages can quote the file's bytes.
    s = Status::InvalidArgument(
        "organisation file: a member is missing or has the wrong type "
        "(JSON error " +
            std::to_string(e.id) + ")",
        "組織ファイルの形式が正しくありません", "file");
  }
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
