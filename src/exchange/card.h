// The connection card (電算結合記録票, the ward's 第5号様式 [000]) of a
// connection: the purpose of the connection, the counterpart's name and
// address, the dates, the items of personal information sent and received,
// the person responsible (個人情報保護管理責任者) and the security measures —
// the technical ones mamori itself enforces (mutual TLS pinned to the
// counterpart, sealing to its certificate, the item list, signed receipts,
// location JP, the kill switch) followed by those the record lists.
//
// Card() is JSON for programs; CardText() the same in Japanese first with
// English alongside, for printing. Neither holds personal data: a
// connection record has none.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "exchange/connection.h"

namespace mamori::exchange {

nlohmann::json Card(const Connection& c);
std::string CardText(const Connection& c);

}  // namespace mamori::exchange
