// The console logon shared by the verbs that act as a person (cli/common.h
// PersonFlags, AtConsole).
#include <algorithm>
#include <cctype>
#include <functional>
#include <iostream>

#include "api/console.h"
#include "api/stack.h"
#include "cli/common.h"
#include "crypto/secret.h"

namespace mamori::cli {

void PersonFlags::AddTo(CLI::App* cmd) {
  store.AddTo(cmd);
  cmd->add_option("--user", user, "the person's user id / 利用者 ID")->required();
  cmd->add_option("--password-file", password_file,
                  "file holding the password (default -: standard input) / パスワードのファイル")
      ->capture_default_str();
  cmd->add_option("--totp", totp, "the 6-digit code, when the user needs TOTP");
}

int AtConsole(const PersonFlags& f, const std::function<int(api::Stack&, api::Console&)>& body) {
  auto text = ReadInput(f.password_file);
  if (!text) return ReportError(text.error());
  crypto::SecretBytes password(*text);
  std::fill(text->begin(), text->end(), '\0');
  std::string_view typed = password.view();
  if (typed.ends_with('\n')) typed.remove_suffix(1);
  if (typed.ends_with('\r')) typed.remove_suffix(1);
  return WithStack(f.store, [&](api::Stack& stack) {
    auto console =
        api::Console::LogOn(stack, LocalContext(), api::ConsoleLogon{f.user, typed, f.totp});
    if (!console) return ReportError(console.error());
    return body(stack, **console);
  });
}

int WithStack(const StoreFlags& flags, const std::function<int(api::Stack&)>& body) {
  auto engine = OpenEngine(flags);
  if (!engine) return ReportError(engine.error());
  int code = 0;
  {
    auto stack = api::Stack::Open(**engine);
    code = stack ? body(**stack) : ReportError(stack.error());
  }
  Status closed = (*engine)->Close();
  if (!closed.ok() && code == 0) return ReportError(closed);
  return code;
}

std::string PercentEncoded(std::string_view in) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : in) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string TargetWith(std::string path,
                       const std::vector<std::pair<std::string, std::string>>& query) {
  char sep = '?';
  for (const auto& [name, value] : query) {
    if (value.empty()) continue;
    path += sep + name + "=" + PercentEncoded(value);
    sep = '&';
  }
  return path;
}

int PrintResponse(const api::Response& r) {
  if (r.status < 200 || r.status > 299) return ReportError(api::StatusOfProblem(r));
  if (r.body.empty()) return 0;
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_discarded()) {
    std::cout << r.body;
    return 0;
  }
  PrintJson(j);
  return 0;
}

}  // namespace mamori::cli
