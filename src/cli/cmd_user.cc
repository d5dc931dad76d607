// `mamori user …` and `mamori terminal …`: the local operator's bootstrap
// path for people and terminals (the first administrator is created here;
// everything after can go through the API). Passwords come from a file
// (--password-file, or - for standard input), never from the command line.
// The same identity code the server runs does the work, so the password
// rules, the audit events and the review triggers are the server's.
#include <algorithm>
#include <functional>
#include <iostream>

#include "api/certificate.h"
#include "api/stack.h"
#include "cli/common.h"
#include "crypto/secret.h"
#include "identity/records.h"
#include "policy/identity_directory.h"

namespace mamori::cli {
namespace {

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    std::string item = s.substr(start, comma - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) out.push_back(item);
    start = comma + 1;
  }
  return out;
}

// The password file's content without one trailing newline; kept in a
// zeroising buffer.
Result<crypto::SecretBytes> ReadPassword(const std::string& path) {
  MAMORI_ASSIGN_OR_RETURN(std::string text, ReadInput(path));
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (!text.empty() && text.back() == '\r') text.pop_back();
  crypto::SecretBytes secret(text);
  std::fill(text.begin(), text.end(), '\0');
  if (secret.empty()) {
    return Fail(Status::InvalidArgument("the password file is empty", "パスワードファイルが空です",
                                        "password-file"));
  }
  return secret;
}

// Identity on the store (and, for disable, the stack for the review).
struct Opened {
  std::unique_ptr<engine::Engine> engine;
  std::unique_ptr<api::Stack> stack;
};

Result<Opened> Open(const StoreFlags& flags) {
  Opened o;
  MAMORI_ASSIGN_OR_RETURN(o.engine, OpenEngine(flags));
  auto stack = api::Stack::Open(*o.engine);
  if (!stack) {
    (void)o.engine->Close();
    return Fail(stack.error());
  }
  o.stack = std::move(*stack);
  return o;
}

// Runs fn on an opened store and closes it; fn's exit code.
int WithStack(const StoreFlags& flags, const std::function<int(Opened&)>& fn) {
  auto o = Open(flags);
  if (!o) return ReportError(o.error());
  const int code = fn(*o);
  o->stack.reset();
  Status closed = o->engine->Close();
  if (!closed.ok() && code == 0) return ReportError(closed);
  return code;
}

policy::Caller LocalCaller(const engine::Context& ctx) {
  policy::Caller c;
  c.principal.kind = identity::PrincipalKind::kLocalOperator;
  c.principal.id = ctx.actor;
  c.principal.display_name = ctx.actor;
  c.request_id = ctx.request_id;
  return c;
}

struct UserFlags {
  StoreFlags store;
  std::string id, name, roles, department, manager, positions, password_file;
  std::string birth_date, phone, hired, hire_kind, reason = "leave";
};

int UserAdd(const UserFlags& f) {
  return WithStack(f.store, [&](Opened& o) {
    auto password = ReadPassword(f.password_file);
    if (!password) return ReportError(password.error());
    identity::NewUser u;
    u.id = f.id;
    u.display_name = f.name;
    u.department = f.department;
    u.manager = f.manager;
    u.roles = SplitList(f.roles);
    u.positions = SplitList(f.positions);
    u.birth_date = f.birth_date;
    u.phone = f.phone;
    u.hired = f.hired;
    u.hire_kind = f.hire_kind;
    u.must_change_password = true;
    Status s = o.stack->identity().directory().CreateUser(LocalContext(), u, password->view());
    if (!s.ok()) return ReportError(s);
    auto created = o.stack->identity().directory().GetUser(f.id);
    if (!created) return ReportError(created.error());
    PrintJson(identity::UserPublicJson(*created));
    return 0;
  });
}

int UserList(const StoreFlags& store) {
  return WithStack(store, [&](Opened& o) {
    auto users = o.stack->identity().directory().ListUsers();
    if (!users) return ReportError(users.error());
    nlohmann::json out = nlohmann::json::array();
    for (const auto& u : *users) out.push_back(identity::UserPublicJson(u));
    PrintJson({{"users", out}});
    return 0;
  });
}

int UserShow(const UserFlags& f) {
  return WithStack(f.store, [&](Opened& o) {
    auto u = o.stack->identity().directory().GetUser(f.id);
    if (!u) return ReportError(u.error());
    PrintJson(identity::UserPublicJson(*u));
    return 0;
  });
}

int UserDisable(const UserFlags& f) {
  return WithStack(f.store, [&](Opened& o) {
    auto reason = identity::ParseDisableReason(f.reason);
    if (!reason) {
      return ReportError(Status::InvalidArgument(
          "--reason must be leave, transfer, long_absence or no_longer_needed",
          "--reason は leave / transfer / long_absence / no_longer_needed のいずれかです",
          "reason"));
    }
    const engine::Context ctx = LocalContext();
    auto trigger = o.stack->identity().directory().DisableUser(ctx, f.id, *reason);
    if (!trigger) return ReportError(trigger.error());
    auto review = policy::StartReviewFor(o.stack->reviews(), LocalCaller(ctx), *trigger);
    if (!review) return ReportError(review.error());
    PrintJson({{"disabled", f.id}, {"review", review->id}});
    return 0;
  });
}

int UserSimple(const UserFlags& f, std::string_view what) {
  return WithStack(f.store, [&](Opened& o) {
    auto& dir = o.stack->identity().directory();
    const engine::Context ctx = LocalContext();
    Status s;
    if (what == "enable") {
      s = dir.EnableUser(ctx, f.id);
    } else if (what == "unlock") {
      s = dir.UnlockUser(ctx, f.id);
    } else if (what == "reset-totp") {
      s = dir.ResetTotp(ctx, f.id);
    } else {
      auto password = ReadPassword(f.password_file);
      if (!password) return ReportError(password.error());
      s = dir.ResetPassword(ctx, f.id, password->view());
    }
    if (!s.ok()) return ReportError(s);
    PrintJson({{"user", f.id}, {"done", std::string(what)}});
    return 0;
  });
}

struct TerminalFlags {
  StoreFlags store;
  std::string id, fingerprint, cert, description;
  bool controlled_area = false;
};

int TerminalAdd(const TerminalFlags& f) {
  return WithStack(f.store, [&](Opened& o) {
    identity::NewTerminal t;
    t.id = f.id;
    t.description = f.description;
    t.controlled_area = f.controlled_area;
    t.fingerprint = f.fingerprint;
    if (!f.cert.empty()) {
      auto info = api::DescribeCertificate(f.cert);
      if (!info) return ReportError(info.error());
      t.fingerprint = info->sha256_fingerprint;
    }
    Status s = o.stack->identity().terminals().Register(LocalContext(), t);
    if (!s.ok()) return ReportError(s);
    auto entry = o.stack->identity().terminals().Get(f.id);
    if (!entry) return ReportError(entry.error());
    PrintJson(identity::TerminalToJson(*entry));
    return 0;
  });
}

int TerminalList(const StoreFlags& store) {
  return WithStack(store, [&](Opened& o) {
    auto list = o.stack->identity().terminals().List();
    if (!list) return ReportError(list.error());
    nlohmann::json out = nlohmann::json::array();
    for (const auto& t : *list) out.push_back(identity::TerminalToJson(t));
    PrintJson({{"terminals", out}});
    return 0;
  });
}

}  // namespace

void AddUserCommands(CLI::App& app, int& exit_code) {
  auto* user = app.add_subcommand("user", "people: IDs, roles, lockout / 利用者の管理");
  user->require_subcommand(1);
  auto add_store = [](CLI::App* cmd, UserFlags& f) { f.store.AddTo(cmd); };

  {
    auto f = std::make_shared<UserFlags>();
    auto* cmd = user->add_subcommand(
        "add", "create a user; the password must be changed at first logon / 利用者IDの登録");
    add_store(cmd, *f);
    cmd->add_option("--id", f->id, "user ID / 利用者ID")->required();
    cmd->add_option("--name", f->name, "display name / 氏名")->required();
    cmd->add_option("--roles", f->roles, "ROLE[,ROLE…] from the role catalogue / 役割")->required();
    cmd->add_option("--password-file", f->password_file,
                    "file holding the initial password (- for stdin) / 初期パスワードのファイル")
        ->required();
    cmd->add_option("--department", f->department, "department / 所属");
    cmd->add_option("--manager", f->manager, "the manager's user ID / 上長の利用者ID");
    cmd->add_option("--positions", f->positions, "POSITION[,…] (役職)");
    cmd->add_option("--birth-date", f->birth_date,
                    "YYYY-MM-DD, so passwords built from it are refused / 生年月日");
    cmd->add_option("--phone", f->phone, "so passwords built from it are refused / 電話番号");
    cmd->add_option("--hired", f->hired, "YYYY-MM-DD, the day of hire / 入社日");
    cmd->add_option("--hire-kind", f->hire_kind,
                    "new_graduate or mid_career, with --hired / 採用区分 (新卒・中途)");
    cmd->callback([f, &exit_code] { exit_code = UserAdd(*f); });
  }
  {
    auto f = std::make_shared<UserFlags>();
    auto* cmd = user->add_subcommand("list", "list users (no secrets) / 利用者一覧");
    add_store(cmd, *f);
    cmd->callback([f, &exit_code] { exit_code = UserList(f->store); });
  }
  {
    auto f = std::make_shared<UserFlags>();
    auto* cmd = user->add_subcommand("show", "one user / 利用者の表示");
    add_store(cmd, *f);
    cmd->add_option("--id", f->id, "user ID / 利用者ID")->required();
    cmd->callback([f, &exit_code] { exit_code = UserShow(*f); });
  }
  {
    auto f = std::make_shared<UserFlags>();
    auto* cmd = user->add_subcommand(
        "disable", "disable an ID (leaver) and start a review of its rights / IDの無効化");
    add_store(cmd, *f);
    cmd->add_option("--id", f->id, "user ID / 利用者ID")->required();
    cmd->add_option("--reason", f->reason,
                    "leave (default), transfer, long_absence or no_longer_needed / 理由");
    cmd->callback([f, &exit_code] { exit_code = UserDisable(*f); });
  }
  for (std::string_view what : {"enable", "unlock", "reset-totp", "reset-password"}) {
    auto f = std::make_shared<UserFlags>();
    const std::string name(what);
    auto* cmd = user->add_subcommand(
        name, name == "enable"   ? "enable a disabled ID / IDの再有効化"
              : name == "unlock" ? "lift a lockout / ロックアウトの解除"
              : name == "reset-totp" ? "remove the TOTP enrolment / ワンタイムパスワードの再登録"
                                     : "set a temporary password / パスワードの再設定");
    add_store(cmd, *f);
    cmd->add_option("--id", f->id, "user ID / 利用者ID")->required();
    if (name == "reset-password") {
      cmd->add_option("--password-file", f->password_file,
                      "file holding the temporary password / 仮パスワードのファイル")
          ->required();
    }
    cmd->callback([f, name, &exit_code] { exit_code = UserSimple(*f, name); });
  }

  auto* terminal = app.add_subcommand("terminal", "terminals by client certificate / 端末の管理");
  terminal->require_subcommand(1);
  {
    auto f = std::make_shared<TerminalFlags>();
    auto* cmd = terminal->add_subcommand("add", "register a terminal / 端末の登録");
    f->store.AddTo(cmd);
    cmd->add_option("--id", f->id, "terminal ID / 端末ID")->required();
    auto* fp = cmd->add_option("--fingerprint", f->fingerprint,
                               "SHA-256 of the client certificate / 証明書の指紋");
    auto* cert = cmd->add_option("--cert", f->cert, "PEM client certificate / クライアント証明書");
    fp->excludes(cert);
    cmd->add_option("--description", f->description, "e.g. 総務課 窓口端末 3 / 説明");
    cmd->add_flag("--controlled-area", f->controlled_area,
                  "inside the controlled area (要管理対策区域)");
    cmd->callback([f, &exit_code] {
      if (f->fingerprint.empty() && f->cert.empty()) {
        exit_code = ReportError(Status::InvalidArgument(
            "give --fingerprint or --cert", "--fingerprint か --cert を指定してください", "cert"));
        return;
      }
      exit_code = TerminalAdd(*f);
    });
  }
  {
    auto f = std::make_shared<TerminalFlags>();
    auto* cmd = terminal->add_subcommand("list", "list terminals / 端末一覧");
    f->store.AddTo(cmd);
    cmd->callback([f, &exit_code] { exit_code = TerminalList(f->store); });
  }
}

}  // namespace mamori::cli
