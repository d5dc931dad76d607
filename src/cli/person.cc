#include "cli/person.h"

#include <algorithm>

#include "crypto/secret.h"

namespace mamori::cli {

void PersonFlags::AddTo(CLI::App* cmd) {
  store.AddTo(cmd);
  cmd->add_option("--user", user, "the person's user id")->required();
  cmd->add_option("--password-file", password_file,
                  "file holding the password (default -: standard input)")
      ->capture_default_str();
  cmd->add_option("--totp", totp, "the 6-digit code, when the user needs TOTP");
}

int AsPerson(const PersonFlags& f, std::string_view operation, const std::string& target,
             const PersonBody& body) {
  auto text = ReadInput(f.password_file);
  if (!text) return ReportError(text.error());
  crypto::SecretBytes password(*text);
  std::fill(text->begin(), text->end(), '\0');
  auto engine = OpenEngine(f.store);
  if (!engine) return ReportError(engine.error());
  auto stack = api::Stack::Open(**engine);
  if (!stack) {
    (void)(*engine)->Close();
    return ReportError(stack.error());
  }
  const engine::Context local = LocalContext();
  identity::LoginRequest req;
  req.user_id = f.user;
  req.password.assign(password.view());
  while (!req.password.empty() && (req.password.back() == '\n' || req.password.back() == '\r')) {
    req.password.pop_back();
  }
  req.totp = f.totp;
  req.terminal.id = local.terminal;
  req.terminal.controlled_area = true;  // the server's own console
  req.request_id = local.request_id;
  int code = 0;
  auto login = (*stack)->identity().authenticator().Login(req);
  if (!login) {
    code = ReportError(login.error());
  } else if (login->must_change_password || login->totp_enrolment_required) {
    code = ReportError(Status::FailedPrecondition(
        "log on through the API first to change the password or enrol TOTP",
        "先に API でログオンし、パスワードの変更または TOTP の登録を行ってください", "session"));
  } else {
    const identity::Principal& who = login->principal;
    api::Action action =
        target.empty() ? api::Action(operation) : api::Action::On(operation, target);
    action.request_id = local.request_id;
    Status allowed = (*stack)->access().Authorize(who, action);
    if (!allowed.ok()) {
      code = ReportError(allowed);
    } else {
      PersonCall call{**stack, policy::Caller{who, local.request_id, 0}, local};
      // The person acts, not the OS user: the engine's reads name them.
      call.local.actor = who.id;
      auto out = body(call);
      if (!out) {
        code = ReportError(out.error());
      } else {
        PrintJson(*out);
      }
    }
    (void)(*stack)->identity().authenticator().Logout(login->token, local);
  }
  stack->reset();
  Status closed = (*engine)->Close();
  if (!closed.ok() && code == 0) return ReportError(closed);
  return code;
}

}  // namespace mamori::cli
