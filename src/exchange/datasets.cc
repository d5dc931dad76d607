#include "exchange/datasets.h"

namespace mamori::exchange {

std::string_view RoleDataset(Role role) {
  switch (role) {
    case Role::kTransferInstitution:
      return "bookentry_my_number";
    case Role::kAccountManager:
      return "customer_my_number";
    case Role::kIssuer:
      return "shareholder_my_number";
  }
  return "";
}

nlohmann::json RoleDatasetDefinition(Role role) {
  using nlohmann::json;
  json fields = json::array();
  auto field = [&](const char* name, const char* type, bool required, bool indexed) {
    fields.push_back(
        {{"name", name}, {"type", type}, {"required", required}, {"indexed", indexed}});
  };
  if (role == Role::kIssuer) {
    field("account_code", "text", true, true);
    field("holder_name", "name", true, false);
    field("my_number", "my_number", true, true);
  } else {
    field("account_manager_code", "text", true, false);
    field("account_code", "text", true, true);
    field("holder_name", "name", true, false);
    field("holder_kana", "kana", false, false);
    field("birth_date", "date", false, false);
    field("address", "address", false, false);
    field("my_number", "my_number", true, true);
    field("holdings", "text", false, false);
  }
  std::string title, purpose;
  switch (role) {
    case Role::kTransferInstitution:
      title = "振替口座簿の加入者の個人番号";
      purpose = "口座管理機関からの通知の記録と発行者の求めに応じた提供";
      break;
    case Role::kAccountManager:
      title = "顧客の個人番号";
      purpose = "振替機関への通知と口座管理機関間の移管";
      break;
    case Role::kIssuer:
      title = "株主等の個人番号";
      purpose = "振替機関への提供の求めと支払調書の作成";
      break;
  }
  return {{"name", RoleDataset(role)},
          {"title", title},
          {"department", "証券管理部"},
          {"category", "specific_personal_information"},
          {"classification", {{"confidentiality", 3}, {"integrity", 2}, {"availability", 2}}},
          {"handling", {"no_copy", "encrypt_required"}},
          {"retention", {{"years", 7}, {"from", "end_of_use"}}},
          {"purposes",
           {{{"id", kExchangePurpose},
             {"title", purpose},
             {"basis", "社債、株式等の振替に関する法律、番号法第19条"}}}},
          {"fields", fields}};
}

}  // namespace mamori::exchange
