#include "api/organisation_seed.h"

#include "policy/right.h"

namespace mamori::api {
namespace {

std::vector<std::string> Strings(const nlohmann::json& j, const char* member) {
  std::vector<std::string> out;
  if (j.contains(member)) {
    for (const auto& v : j[member]) out.push_back(v.get<std::string>());
  }
  return out;
}

Result<policy::Caller> CallerOf(identity::Directory& dir, const std::string& id,
                                const engine::Context& ctx) {
  MAMORI_ASSIGN_OR_RETURN(auto u, dir.GetUser(id));
  return CallerFor(u, ctx.request_id);
}

Status Seed(Stack& stack, const engine::Context& ctx, const nlohmann::json& org,
            std::string_view password) {
  auto& dir = stack.identity().directory();
  MAMORI_ASSIGN_OR_RETURN(auto existing, dir.ListUsers());
  if (!existing.empty()) {
    return Status::FailedPrecondition(
        "the store already has users; an organisation is seeded only into an empty one",
        "利用者が既に登録されています。組織の登録は空のストアにのみ行えます", "users");
  }
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
    nu.hired = u.value("hired", "");
    nu.hire_kind = u.value("hire_kind", "");
    nu.must_change_password = true;
    MAMORI_RETURN_IF_ERROR(dir.CreateUser(ctx, nu, password));
  }
  for (const auto& g : org.value("grants", nlohmann::json::array())) {
    MAMORI_ASSIGN_OR_RETURN(policy::Right right, policy::RightFromJson(g.at("right")));
    MAMORI_ASSIGN_OR_RETURN(auto requester,
                            CallerOf(dir, g.at("requester").get<std::string>(), ctx));
    MAMORI_ASSIGN_OR_RETURN(auto approver, CallerOf(dir, g.at("approver").get<std::string>(), ctx));
    MAMORI_ASSIGN_OR_RETURN(auto configurer,
                            CallerOf(dir, g.at("configurer").get<std::string>(), ctx));
    MAMORI_ASSIGN_OR_RETURN(
        auto req, stack.rights().RequestGrant(requester, right, g.value("reason", "seed")));
    MAMORI_RETURN_IF_ERROR(StatusOf(stack.rights().Approve(approver, req.id)));
    MAMORI_RETURN_IF_ERROR(StatusOf(stack.rights().Configure(configurer, req.id)));
  }
  return Status::Ok();
}

}  // namespace

Status SeedOrganisation(Stack& stack, const engine::Context& ctx, const nlohmann::json& org,
                        std::string_view initial_password) {
  if (!org.is_object() || !org.contains("users") || !org["users"].is_array()) {
    return Status::InvalidArgument("the organisation file must be a JSON object with a users array",
                                   "組織ファイルは users 配列を持つ JSON です", "file");
  }
  try {
    return Seed(stack, ctx, org, initial_password);
  } catch (const nlohmann::json::exception&) {
    // The library's message may quote the file; the member is enough.
    return Status::InvalidArgument(
        "organisation file: a member is missing or of the wrong type (users need id and "
        "display_name; grants need right, requester, approver, configurer)",
        "組織ファイルの形式が正しくありません (必須項目の欠落または型の誤り)", "file");
  }
}

}  // namespace mamori::api
