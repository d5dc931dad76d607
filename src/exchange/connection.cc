#include "exchange/connection.h"

#include <algorithm>
#include <set>

#include "audit/event.h"
#include "exchange/node_identity.h"

namespace mamori::exchange {

namespace {

using nlohmann::json;

Status Bad(const std::string& member, const std::string& en, const std::string& ja) {
  return Status::InvalidArgument("connection " + member + ": " + en, "接続の " + member + ": " + ja,
                                 member);
}

const std::set<std::string, std::less<>> kMembers = {"id",
                                                     "counterpart",
                                                     "local_role",
                                                     "counterpart_role",
                                                     "url",
                                                     "certificate",
                                                     "pin_kind",
                                                     "direction",
                                                     "sends",
                                                     "receives",
                                                     "legal_basis",
                                                     "issuer_code",
                                                     "approval",
                                                     "valid_from",
                                                     "valid_until",
                                                     "responsible",
                                                     "location",
                                                     "purpose",
                                                     "counterpart_name",
                                                     "counterpart_address",
                                                     "security_measures"};

Result<std::string> Str(const json& j, const std::string& name, bool required) {
  if (!j.contains(name)) {
    if (required) return Fail(Bad(name, "is required", "は必須です"));
    return std::string();
  }
  if (!j.at(name).is_string()) return Fail(Bad(name, "must be a string", "は文字列です"));
  std::string v = j.at(name).get<std::string>();
  if (required && v.empty()) return Fail(Bad(name, "must not be empty", "は空にできません"));
  return v;
}

Result<std::string> Id(const json& j, const std::string& name, bool required) {
  MAMORI_ASSIGN_OR_RETURN(std::string v, Str(j, name, required));
  if (!v.empty() && !IsIdentifier(v)) {
    return Fail(Bad(name, "must be [a-z0-9_-], 1 to 64 characters",
                    "は英小文字・数字・_・- の 1〜64 文字です"));
  }
  return v;
}

Result<TimeMicros> Time(const json& j, const std::string& name) {
  MAMORI_ASSIGN_OR_RETURN(std::string v, Str(j, name, true));
  auto t = ParseUtc(v);
  if (!t) {
    return Fail(Bad(name, "must be a UTC time like 2026-12-01T00:00:00Z",
                    "は 2026-12-01T00:00:00Z の形の UTC 時刻です"));
  }
  return *t;
}

Result<std::vector<std::string>> Texts(const json& j, const std::string& name) {
  std::vector<std::string> out;
  if (!j.contains(name)) return out;
  if (!j.at(name).is_array())
    return Fail(Bad(name, "must be an array of strings", "は文字列の配列です"));
  for (const auto& v : j.at(name)) {
    if (!v.is_string()) return Fail(Bad(name, "must be an array of strings", "は文字列の配列です"));
    out.push_back(v.get<std::string>());
  }
  return out;
}

Result<std::vector<ItemFlow>> Flows(const json& j, const std::string& name) {
  std::vector<ItemFlow> out;
  if (!j.contains(name)) return out;
  if (!j.at(name).is_array())
    return Fail(Bad(name, "must be an array of flows", "は流れの配列です"));
  std::set<std::string> kinds;
  for (const auto& f : j.at(name)) {
    if (!f.is_object()) return Fail(Bad(name, "must be an array of flows", "は流れの配列です"));
    for (const auto& [k, v] : f.items()) {
      if (k != "kind" && k != "dataset" && k != "items") {
        return Fail(Bad(name, "a flow has only kind, dataset and items",
                        "の流れは kind・dataset・items のみです"));
      }
    }
    ItemFlow flow;
    MAMORI_ASSIGN_OR_RETURN(flow.kind, Str(f, "kind", true));
    if (!IsFlowKind(flow.kind)) {
      return Fail(Bad(name, "kind must be notification, request, provision or transfer",
                      "の kind は notification・request・provision・transfer のいずれかです"));
    }
    if (!kinds.insert(flow.kind).second) {
      return Fail(Bad(name, "names a kind twice", "に同じ kind が二度あります"));
    }
    MAMORI_ASSIGN_OR_RETURN(flow.dataset, Str(f, "dataset", true));
    if (!IsIdentifier(flow.dataset)) {
      return Fail(Bad(name, "dataset must be an identifier", "の dataset は識別子です"));
    }
    MAMORI_ASSIGN_OR_RETURN(flow.items, Texts(f, "items"));
    if (flow.items.empty()) {
      return Fail(Bad(name, "a flow lists at least one item", "の流れには項目が 1 つ以上必要です"));
    }
    std::set<std::string> seen;
    for (const auto& item : flow.items) {
      if (!IsIdentifier(item) || !seen.insert(item).second) {
        return Fail(Bad(name, "items are distinct identifiers", "の項目は重複のない識別子です"));
      }
    }
    out.push_back(std::move(flow));
  }
  return out;
}

json FlowsJson(const std::vector<ItemFlow>& flows) {
  json out = json::array();
  for (const auto& f : flows)
    out.push_back({{"kind", f.kind}, {"dataset", f.dataset}, {"items", f.items}});
  return out;
}

const ItemFlow* Find(const std::vector<ItemFlow>& flows, std::string_view kind) {
  for (const auto& f : flows) {
    if (f.kind == kind) return &f;
  }
  return nullptr;
}

// Which role sends which kind to which ([001 第1 1(1)-(3)]).
bool Allowed(Role from, Role to, std::string_view kind) {
  if (kind == kNotification)
    return from == Role::kAccountManager && to == Role::kTransferInstitution;
  if (kind == kRequest) return from == Role::kIssuer && to == Role::kTransferInstitution;
  if (kind == kProvision) return from == Role::kTransferInstitution && to == Role::kIssuer;
  if (kind == kTransfer) return from == Role::kAccountManager && to == Role::kAccountManager;
  return false;
}

}  // namespace

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kTransferInstitution:
      return "transfer_institution";
    case Role::kAccountManager:
      return "account_manager";
    case Role::kIssuer:
      return "issuer";
  }
  return "";
}

std::string_view RoleNameJa(Role role) {
  switch (role) {
    case Role::kTransferInstitution:
      return "振替機関";
    case Role::kAccountManager:
      return "口座管理機関";
    case Role::kIssuer:
      return "発行者";
  }
  return "";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kTransferInstitution, Role::kAccountManager, Role::kIssuer}) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

bool IsFlowKind(std::string_view kind) {
  return kind == kNotification || kind == kRequest || kind == kProvision || kind == kTransfer;
}

std::string_view KindNameJa(std::string_view kind) {
  if (kind == kNotification) return "個人番号の通知";
  if (kind == kRequest) return "個人番号の提供の求め";
  if (kind == kProvision) return "個人番号の提供";
  if (kind == kTransfer) return "口座の移管に伴う送信";
  if (kind == kNotice) return "接続の停止・再開の通知";
  return "";
}

std::string_view StateName(ConnectionState state) {
  return state == ConnectionState::kActive ? "active" : "suspended";
}

const ItemFlow* Connection::Sends(std::string_view kind) const { return Find(sends, kind); }
const ItemFlow* Connection::Receives(std::string_view kind) const { return Find(receives, kind); }

Status Connection::Usable(TimeMicros now) const {
  if (state != ConnectionState::kActive) {
    return Status::PermissionDenied("connection " + id + " is suspended",
                                    "接続 " + id + " は停止されています",
                                    "exchange.connection_suspended");
  }
  if (now < valid_from || now >= valid_until) {
    return Status::PermissionDenied("connection " + id + " is outside its validity period",
                                    "接続 " + id + " は有効期間外です",
                                    "exchange.connection_not_valid");
  }
  if (location != kJapan) {
    return Status::PermissionDenied("connection " + id + " is to a node outside Japan",
                                    "接続 " + id + " の相手方は国外です", "exchange.location");
  }
  return Status::Ok();
}

Result<Connection> ParseConnection(const json& j) {
  if (!j.is_object()) {
    return Fail(Status::InvalidArgument("a connection is a JSON object",
                                        "接続は JSON オブジェクトです", "connection"));
  }
  for (const auto& [k, v] : j.items()) {
    if (!kMembers.contains(k)) {
      return Fail(Status::InvalidArgument("connection: unknown member " + audit::EventIdentifier(k),
                                          "接続: 不明な項目 " + audit::EventIdentifier(k),
                                          audit::EventIdentifier(k)));
    }
  }
  Connection c;
  MAMORI_ASSIGN_OR_RETURN(c.id, Id(j, "id", true));
  MAMORI_ASSIGN_OR_RETURN(c.counterpart, Id(j, "counterpart", true));
  for (auto [name, role] : {std::pair{"local_role", &c.local_role},
                            std::pair{"counterpart_role", &c.counterpart_role}}) {
    MAMORI_ASSIGN_OR_RETURN(std::string text, Str(j, name, true));
    auto parsed = ParseRole(text);
    if (!parsed) {
      return Fail(Bad(name, "must be transfer_institution, account_manager or issuer",
                      "は transfer_institution・account_manager・issuer のいずれかです"));
    }
    *role = *parsed;
  }
  MAMORI_ASSIGN_OR_RETURN(c.url, Str(j, "url", false));
  if (!c.url.empty()) {
    const bool ok = c.url.starts_with("https://") && c.url.size() < 256 &&
                    c.url.find_first_of(" \t\r\n\"\\?#@") == std::string::npos;
    if (!ok) return Fail(Bad("url", "must be https://HOST:PORT", "は https://HOST:PORT の形です"));
  }
  MAMORI_ASSIGN_OR_RETURN(c.certificate, Str(j, "certificate", true));
  auto cert = ParsePeerCertificate(c.certificate);
  if (!cert)
    return Fail(Bad("certificate", "is not a PEM certificate with an EC P-256 key",
                    "は EC P-256 鍵の PEM 証明書ではありません"));
  MAMORI_ASSIGN_OR_RETURN(std::string pin_kind, Str(j, "pin_kind", false));
  if (pin_kind.empty() || pin_kind == "certificate") {
    c.pin_kind = PinKind::kCertificate;
    c.pin = cert->certificate_sha256;
  } else if (pin_kind == "public_key") {
    c.pin_kind = PinKind::kPublicKey;
    c.pin = cert->public_key_pin;
  } else {
    return Fail(Bad("pin_kind", "must be certificate or public_key",
                    "は certificate または public_key です"));
  }
  MAMORI_ASSIGN_OR_RETURN(c.direction, Str(j, "direction", true));
  MAMORI_ASSIGN_OR_RETURN(c.sends, Flows(j, "sends"));
  MAMORI_ASSIGN_OR_RETURN(c.receives, Flows(j, "receives"));
  const bool sends = !c.sends.empty(), receives = !c.receives.empty();
  const bool agrees = (c.direction == "send" && sends && !receives) ||
                      (c.direction == "receive" && !sends && receives) ||
                      (c.direction == "both" && sends && receives);
  if (!agrees) {
    return Fail(
        Bad("direction", "must be send, receive or both, agreeing with sends and receives",
            "は send・receive・both のいずれかで、sends・receives と一致する必要があります"));
  }
  for (const auto& f : c.sends) {
    if (!Allowed(c.local_role, c.counterpart_role, f.kind)) {
      return Fail(Bad("sends", "this role does not send " + f.kind + " to that role",
                      "この役割は相手方の役割に " + f.kind + " を送信しません"));
    }
  }
  for (const auto& f : c.receives) {
    if (!Allowed(c.counterpart_role, c.local_role, f.kind)) {
      return Fail(Bad("receives", "this role does not receive " + f.kind + " from that role",
                      "この役割は相手方の役割から " + f.kind + " を受信しません"));
    }
  }
  if (sends && c.url.empty()) {
    return Fail(Bad("url", "is required for a connection that sends", "は送信する接続に必須です"));
  }
  MAMORI_ASSIGN_OR_RETURN(c.legal_basis, Id(j, "legal_basis", true));
  MAMORI_ASSIGN_OR_RETURN(c.issuer_code, Id(j, "issuer_code", false));
  const bool answers_requests =
      c.local_role == Role::kTransferInstitution && c.Receives(kRequest) != nullptr;
  if (answers_requests && c.issuer_code.empty()) {
    return Fail(Bad("issuer_code", "is required where an issuer's requests are answered",
                    "は発行者の求めに応じる接続に必須です"));
  }
  if (!answers_requests && !c.issuer_code.empty()) {
    return Fail(Bad("issuer_code", "belongs only where an issuer's requests are answered",
                    "は発行者の求めに応じる接続にのみ指定します"));
  }
  MAMORI_ASSIGN_OR_RETURN(c.approval, Str(j, "approval", true));
  if (audit::EventIdentifier(c.approval) != c.approval) {
    return Fail(Bad("approval", "must be an approval id", "は承認申請の番号です"));
  }
  MAMORI_ASSIGN_OR_RETURN(c.valid_from, Time(j, "valid_from"));
  MAMORI_ASSIGN_OR_RETURN(c.valid_until, Time(j, "valid_until"));
  if (c.valid_until <= c.valid_from) {
    return Fail(Bad("valid_until", "must be after valid_from", "は valid_from より後です"));
  }
  MAMORI_ASSIGN_OR_RETURN(c.responsible, Str(j, "responsible", true));
  if (audit::EventIdentifier(c.responsible) != c.responsible) {
    return Fail(Bad("responsible", "must be a user id", "は利用者IDです"));
  }
  MAMORI_ASSIGN_OR_RETURN(c.location, Str(j, "location", true));
  if (c.location != kJapan) {
    return Fail(Status::PermissionDenied(
        "connection location: data and keys must be kept in Japan (JP)",
        "接続の location: データと鍵は国内 (JP) で保管されなければなりません",
        "exchange.location"));
  }
  MAMORI_ASSIGN_OR_RETURN(c.purpose, Str(j, "purpose", true));
  MAMORI_ASSIGN_OR_RETURN(c.counterpart_name, Str(j, "counterpart_name", true));
  MAMORI_ASSIGN_OR_RETURN(c.counterpart_address, Str(j, "counterpart_address", false));
  MAMORI_ASSIGN_OR_RETURN(c.security_measures, Texts(j, "security_measures"));
  return c;
}

json ToJson(const Connection& c) {
  json j = {{"id", c.id},
            {"counterpart", c.counterpart},
            {"local_role", RoleName(c.local_role)},
            {"counterpart_role", RoleName(c.counterpart_role)},
            {"url", c.url},
            {"certificate", c.certificate},
            {"pin_kind", c.pin_kind == PinKind::kCertificate ? "certificate" : "public_key"},
            {"pin", c.pin},
            {"direction", c.direction},
            {"sends", FlowsJson(c.sends)},
            {"receives", FlowsJson(c.receives)},
            {"legal_basis", c.legal_basis},
            {"approval", c.approval},
            {"valid_from", FormatUtc(c.valid_from)},
            {"valid_until", FormatUtc(c.valid_until)},
            {"responsible", c.responsible},
            {"location", c.location},
            {"purpose", c.purpose},
            {"counterpart_name", c.counterpart_name},
            {"counterpart_address", c.counterpart_address},
            {"security_measures", c.security_measures},
            {"state", StateName(c.state)},
            {"created_at", FormatUtc(c.created_at)},
            {"created_by", c.created_by},
            {"counterpart_suspended", c.counterpart_suspended}};
  if (!c.issuer_code.empty()) j["issuer_code"] = c.issuer_code;
  if (c.changed_at != 0) {
    j["changed_at"] = FormatUtc(c.changed_at);
    j["changed_by"] = c.changed_by;
    j["state_reason"] = c.state_reason;
  }
  return j;
}

Result<Connection> FromStoredJson(std::string_view text) {
  auto corrupt = [] {
    return Status::DataLoss("a stored connection record does not parse",
                            "保存された接続の記録を読み取れません", "connection");
  };
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Fail(corrupt());
  try {
    json input = j;
    for (const char* kept : {"pin", "state", "created_at", "created_by", "changed_at", "changed_by",
                             "state_reason", "counterpart_suspended"}) {
      input.erase(kept);
    }
    auto c = ParseConnection(input);
    if (!c) return Fail(corrupt());
    if (c->pin != j.at("pin").get<std::string>()) return Fail(corrupt());
    c->state = j.at("state") == "active" ? ConnectionState::kActive : ConnectionState::kSuspended;
    c->created_at = ParseUtc(j.at("created_at").get<std::string>()).value_or(0);
    c->created_by = j.at("created_by").get<std::string>();
    c->counterpart_suspended = j.at("counterpart_suspended").get<bool>();
    if (j.contains("changed_at")) {
      c->changed_at = ParseUtc(j.at("changed_at").get<std::string>()).value_or(0);
      c->changed_by = j.at("changed_by").get<std::string>();
      c->state_reason = j.at("state_reason").get<std::string>();
    }
    return c;
  } catch (const json::exception&) {
    return Fail(corrupt());
  }
}

Status CheckItems(const ItemFlow& flow, const json& records, std::string* field) {
  auto refuse = [&](const std::string& name) {
    if (field) *field = audit::EventIdentifier(name);
    return Status::PermissionDenied(
        "a field outside the connection's approved item list was refused",
        "接続で承認された項目以外の項目は送受信できません", std::string(kItemNotApproved));
  };
  if (!records.is_array() || records.empty()) {
    return Status::InvalidArgument("records must be a non-empty array of objects",
                                   "records は空でないオブジェクトの配列です", "records");
  }
  for (const auto& r : records) {
    if (!r.is_object()) {
      return Status::InvalidArgument("records must be a non-empty array of objects",
                                     "records は空でないオブジェクトの配列です", "records");
    }
    for (const auto& [k, v] : r.items()) {
      if (std::find(flow.items.begin(), flow.items.end(), k) == flow.items.end()) {
        return refuse(k);
      }
      if (!v.is_string()) {
        return Status::InvalidArgument("every item value is a string", "項目の値はすべて文字列です",
                                       "records");
      }
    }
  }
  return Status::Ok();
}

}  // namespace mamori::exchange
