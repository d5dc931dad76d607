// The datasets the three roles keep the exchanged records in (台帳 entries
// of the engine: every value encrypted under its record's key, every read
// and write audited). Item names are the fields:
//   account_manager_code  口座管理機関コード
//   account_code          加入者口座コード (indexed: how a holder is named)
//   holder_name, holder_kana, birth_date, address
//   my_number             個人番号 (indexed)
//   holdings              the issuer codes of the issues held, comma-separated
//                         (what entitles an issuer to ask, [001 第1 1(3)])
// customer_my_number (account manager), bookentry_my_number (transfer
// institution) and shareholder_my_number (issuer) share these names, so an
// item list names the same thing on both sides of a connection.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "exchange/connection.h"

namespace mamori::exchange {

// The purpose (利用目的) every exchange operation states: registered by
// each role's dataset.
inline constexpr std::string_view kExchangePurpose = "bookentry_exchange";

// The dataset of `role`: its name and its engine definition.
std::string_view RoleDataset(Role role);
nlohmann::json RoleDatasetDefinition(Role role);

}  // namespace mamori::exchange
