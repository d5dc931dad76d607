// A connection (接続, 電算結合) between this node and one counterpart node:
// the record the ward's consultation approves [000 第5号様式] and the
// standard's fixed, mutually authenticated destination [001 第3 3(1),
// 第4 3] (docs/REQUIREMENTS.md §9). Nothing flows that the record does not
// name: each flow is a message kind with the local dataset it comes from or
// goes to and the exact items (fields) it carries.
//
// The three roles of [001 第1 1(1)-(3)] and the message kinds between them:
//   notification  account manager → transfer institution: a customer's My
//                 Number with the account identifiers (口座管理機関コード,
//                 加入者口座コード);
//   request       issuer → transfer institution: the 求め for the My Numbers
//                 of named holders (by 加入者口座コード), answered by
//   provision     transfer institution → issuer: the My Numbers of the named
//                 holders the issuer is entitled to (holders of its issues);
//   transfer      account manager → account manager: the customer's record
//                 when the account moves;
//   notice        either way: the connection was suspended or resumed by the
//                 other side's responsible person (the kill switch, [001 第2
//                 4(2)]). Carries no personal data and needs no flow.
//
// Contract of ParseConnection: a JSON object of exactly the members below;
// an unknown member, a wrong type or a value that breaks a rule is
// kInvalidArgument naming the member (never quoting its value):
//   id, counterpart (identifiers), local_role, counterpart_role (roles),
//   url ("https://HOST:PORT", needed when the connection sends), certificate
//   (the counterpart's PEM certificate, EC P-256), pin_kind ("certificate"
//   or "public_key"), direction ("send", "receive" or "both", agreeing with
//   the flows), sends / receives (flows: kind, dataset, items — each item
//   once, an identifier), legal_basis (a code), issuer_code (the issue
//   whose holders an issuer's request may name; required on the transfer
//   institution's side of a request flow, else absent), approval (the id of
//   the approved `connection` request), valid_from / valid_until (UTC,
//   from before until), responsible (the user who may suspend it: 個人情報
//   保護管理責任者), location (the country the counterpart declares its data
//   and keys are kept in: only "JP" is accepted, [001 第3 1(1)ア]), and for
//   the card: purpose, counterpart_name, counterpart_address,
//   security_measures (text, never logged).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "core/time.h"

namespace mamori::exchange {

enum class Role { kTransferInstitution, kAccountManager, kIssuer };
std::string_view RoleName(Role role);    // "transfer_institution", …
std::string_view RoleNameJa(Role role);  // "振替機関", …
std::optional<Role> ParseRole(std::string_view name);

inline constexpr std::string_view kNotification = "notification";
inline constexpr std::string_view kRequest = "request";
inline constexpr std::string_view kProvision = "provision";
inline constexpr std::string_view kTransfer = "transfer";
inline constexpr std::string_view kNotice = "notice";
bool IsFlowKind(std::string_view kind);  // the four that carry data
std::string_view KindNameJa(std::string_view kind);

// The only country a node accepts ([001 第3 1(1)ア, 第4 8(1)イ]).
inline constexpr std::string_view kJapan = "JP";

enum class PinKind { kCertificate, kPublicKey };
enum class ConnectionState { kActive, kSuspended };
std::string_view StateName(ConnectionState state);

struct ItemFlow {
  std::string kind;     // notification | request | provision | transfer
  std::string dataset;  // the local dataset the records come from or go to
  std::vector<std::string> items;
  bool operator==(const ItemFlow&) const = default;
};

struct Connection {
  std::string id;
  std::string counterpart;  // the counterpart node's name
  Role local_role = Role::kAccountManager;
  Role counterpart_role = Role::kTransferInstitution;
  std::string url;
  std::string certificate;  // PEM
  PinKind pin_kind = PinKind::kCertificate;
  std::string pin;  // derived from certificate and pin_kind
  std::string direction;
  std::vector<ItemFlow> sends, receives;
  std::string legal_basis;
  std::string issuer_code;
  std::string approval;
  TimeMicros valid_from = 0, valid_until = 0;
  std::string responsible;
  std::string location;
  std::string purpose, counterpart_name, counterpart_address;
  std::vector<std::string> security_measures;

  // Kept by the register (connections.h), not given by the caller.
  ConnectionState state = ConnectionState::kActive;
  TimeMicros created_at = 0;
  std::string created_by;
  TimeMicros changed_at = 0;  // last suspension or resumption
  std::string changed_by;
  std::string state_reason;  // a code
  // The counterpart has suspended its side (a notice received): nothing is
  // sent until it resumes.
  bool counterpart_suspended = false;

  // The flow of `kind` this side sends (receives), or null.
  const ItemFlow* Sends(std::string_view kind) const;
  const ItemFlow* Receives(std::string_view kind) const;
  // Active, within its validity period and located in Japan; else
  // kPermissionDenied naming "exchange.connection_suspended",
  // "exchange.connection_not_valid" or "exchange.location".
  Status Usable(TimeMicros now) const;
};

Result<Connection> ParseConnection(const nlohmann::json& j);
// Every member, state included (the register's stored form and the API's
// answer; the certificate is public).
nlohmann::json ToJson(const Connection& c);
// Reads back what ToJson wrote; kDataLoss for stored bytes that do not parse.
Result<Connection> FromStoredJson(std::string_view json);

// The refusal of a field outside a flow's item list:
// kPermissionDenied, subject "exchange.item_not_approved".
inline constexpr std::string_view kItemNotApproved = "exchange.item_not_approved";
// Every member of every record is an item of `flow`, and every record is a
// JSON object of strings; the first offending field is reported in *field
// (an identifier, or "(invalid)") for the audit event.
Status CheckItems(const ItemFlow& flow, const nlohmann::json& records, std::string* field);

}  // namespace mamori::exchange
