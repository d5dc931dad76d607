#include "api/console.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "api/routes.h"
#include "api/service.h"
#include "api/stack.h"

namespace mamori::api {

class Console::LoggedOn : public Authenticator {
 public:
  explicit LoggedOn(const identity::Principal& who) : who_(who) {}
  Result<identity::Principal> Authenticate(const RequestInfo&) override { return who_; }

 private:
  const identity::Principal& who_;
};

Result<std::unique_ptr<Console>> Console::LogOn(Stack& stack, const engine::Context& local,
                                                const ConsoleLogon& logon) {
  identity::LoginRequest req;
  req.user_id = logon.user;
  req.password.assign(logon.password);
  req.totp = logon.totp;
  req.terminal.id = local.terminal;
  req.terminal.controlled_area = true;  // the server's own console
  req.request_id = local.request_id;
  auto login = stack.identity().authenticator().Login(req);
  std::fill(req.password.begin(), req.password.end(), '\0');
  if (!login) return Fail(login.error());
  if (login->must_change_password || login->totp_enrolment_required) {
    (void)stack.identity().authenticator().Logout(login->token, local);
    return Fail(Status::FailedPrecondition(
        "log on through the API first to change the password or enrol TOTP",
        "先に API でログオンし、パスワードの変更または TOTP の登録を行ってください", "session"));
  }
  std::unique_ptr<Console> console(
      new Console(stack, local, std::move(login->token), std::move(login->principal)));
  Router router;
  RouteDeps deps = stack.Deps();
  deps.metrics = &console->metrics_;
  MAMORI_RETURN_IF_ERROR(AddAllRoutes(router, deps));
  console->service_ =
      std::make_unique<Service>(std::move(router), *console->authenticator_, stack.access(),
                                console->logger_, console->metrics_, &stack.access());
  MAMORI_RETURN_IF_ERROR(console->service_->CheckRoutes());
  return console;
}

Console::Console(Stack& stack, engine::Context local, std::string token, identity::Principal who)
    : stack_(stack),
      local_(std::move(local)),
      token_(std::move(token)),
      principal_(std::move(who)),
      // The access log is the server's; at the console the audit log has it.
      logger_(LogLevel::kOff),
      authenticator_(std::make_unique<LoggedOn>(principal_)) {}

Console::~Console() {
  service_.reset();
  (void)stack_.identity().authenticator().Logout(token_, local_);
  std::fill(token_.begin(), token_.end(), '\0');
}

Response Console::Call(std::string_view method, std::string_view target, std::string body) {
  Request request;
  request.info.method = std::string(method);
  request.info.target = std::string(target);
  if (!body.empty()) request.info.headers.emplace_back("content-type", "application/json");
  request.body = std::move(body);
  return service_->Handle(std::move(request));
}

Status StatusOfProblem(const Response& problem) {
  const auto j = nlohmann::json::parse(problem.body, nullptr, false);
  if (!j.is_object()) {
    return Status::Internal("the API answered " + std::to_string(problem.status),
                            "API の応答: " + std::to_string(problem.status));
  }
  const std::string code = j.value("code", "internal");
  Code c = Code::kInternal;
  for (Code each : {Code::kInvalidArgument, Code::kNotFound, Code::kAlreadyExists,
                    Code::kPermissionDenied, Code::kUnauthenticated, Code::kFailedPrecondition,
                    Code::kDataLoss, Code::kIoError, Code::kUnavailable}) {
    if (CodeName(each) == code) c = each;
  }
  return Status(c, j.value("detail", ""), j.value("detail_ja", ""), j.value("subject", ""));
}

}  // namespace mamori::api
