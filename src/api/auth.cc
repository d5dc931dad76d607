#include "api/auth.h"

#include <nlohmann/json.hpp>

namespace mamori::api {

Result<identity::Principal> RejectAllAuthenticator::Authenticate(const RequestInfo&) {
  return Fail(Status::Unauthenticated("no authentication method is configured on this server",
                                      "このサーバには認証方式が設定されていません"));
}

Status DenyAllAuthorizer::Authorize(const identity::Principal&, const Action& action) {
  return Status::PermissionDenied(
      "no grant allows " + std::string(action.operation),
      "操作 " + std::string(action.operation) + " を許可する権限付与がありません", "grant");
}

nlohmann::json Authorizer::Disclose(const identity::Principal&, const Action&,
                                    nlohmann::json values) {
  return values;
}

Status Authorizer::CheckDeclaration(const RouteSpec&) const { return Status::Ok(); }

Result<std::vector<std::string>> Authorizer::SystemOperations(const identity::Principal&) {
  return std::vector<std::string>{};
}

std::string_view BearerToken(const RequestInfo& request) {
  auto header = request.Header("authorization");
  if (!header) return {};
  std::string_view v = *header;
  constexpr std::string_view kScheme = "bearer ";
  if (v.size() <= kScheme.size()) return {};
  for (size_t i = 0; i < kScheme.size(); ++i) {
    const char c = v[i];
    if ((c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c) != kScheme[i]) return {};
  }
  v.remove_prefix(kScheme.size());
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  return v;
}

}  // namespace mamori::api
