#include "identity/records.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace mamori::identity {
namespace {

using nlohmann::json;

// A stored id as an error may name it: a plain identifier, else nothing
// (stored bytes are not repeated).
std::string ShownId(std::string_view id) {
  if (id.empty() || id.size() > 128) return "";
  for (char c : id) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '_' || c == '-' || c == '.' || c == '@';
    if (!plain) return "";
  }
  return " " + std::string(id);
}

// Fixed wording: what.what() is never used, since the parser's messages
// quote the bytes they stopped at.
Status Corrupt(std::string_view what, std::string_view id, const std::exception& e) {
  std::string why = "a member is missing or has the wrong type";
  std::string why_ja = "項目が欠けているか型が違います";
  if (const auto* parse = dynamic_cast<const json::parse_error*>(&e)) {
    why = "JSON syntax error at byte " + std::to_string(parse->byte);
    why_ja = "JSON 構文エラー (" + std::to_string(parse->byte) + " バイト目)";
  }
  const std::string shown = ShownId(id);
  return Status::DataLoss(
      "stored " + std::string(what) + " record" + shown + " does not parse (" + why + ")",
      "保存された" + std::string(what) + "の記録" + shown + "を解析できません (" + why_ja + ")",
      std::string(what));
}

std::optional<AccountState> ParseState(std::string_view s) {
  if (s == "active") return AccountState::kActive;
  if (s == "disabled") return AccountState::kDisabled;
  return std::nullopt;
}

AccountState StateAt(const json& j, std::string_view key) {
  auto s = ParseState(j.at(std::string(key)).get<std::string>());
  if (!s) throw std::runtime_error("bad state");
  return *s;
}

std::string TimeOrEmpty(TimeMicros t) { return t == 0 ? "" : FormatUtc(t); }

// Parses with nlohmann, turning any exception into kDataLoss.
template <class T, class Fn>
Result<T> Parse(std::string_view text, std::string_view what, std::string_view id, Fn fn) {
  try {
    return fn(json::parse(text));
  } catch (const std::exception& e) {
    return Fail(Corrupt(what, id, e));
  }
}

}  // namespace

std::string_view AccountStateName(AccountState s) {
  return s == AccountState::kActive ? "active" : "disabled";
}

std::string_view DisableReasonName(DisableReason r) {
  switch (r) {
    case DisableReason::kLeave:
      return "leave";
    case DisableReason::kTransfer:
      return "transfer";
    case DisableReason::kLongAbsence:
      return "long_absence";
    case DisableReason::kNoLongerNeeded:
      return "no_longer_needed";
  }
  return "leave";
}

std::optional<DisableReason> ParseDisableReason(std::string_view name) {
  for (auto r : {DisableReason::kLeave, DisableReason::kTransfer, DisableReason::kLongAbsence,
                 DisableReason::kNoLongerNeeded}) {
    if (DisableReasonName(r) == name) return r;
  }
  return std::nullopt;
}

std::string_view SessionStateName(SessionState s) {
  switch (s) {
    case SessionState::kActive:
      return "active";
    case SessionState::kLoggedOut:
      return "logged_out";
    case SessionState::kExpired:
      return "expired";
    case SessionState::kRevoked:
      return "revoked";
  }
  return "active";
}

bool User::HasRole(std::string_view role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

json UserToJson(const User& u) {
  json pending = json::array();
  for (const auto& p : u.pending) pending.push_back({{"id", p.id}, {"started", p.started}});
  return {{"id", u.id},
          {"display_name", u.display_name},
          {"department", u.department},
          {"manager", u.manager},
          {"positions", u.positions},
          {"roles", u.roles},
          {"state", AccountStateName(u.state)},
          {"disabled_at", u.disabled_at},
          {"disabled_reason", u.disabled_reason},
          {"birth_date_sealed", u.birth_date_sealed},
          {"phone_sealed", u.phone_sealed},
          {"hired", u.hired},
          {"hire_kind", u.hire_kind},
          {"password_history", u.password_history},
          {"password_changed_at", u.password_changed_at},
          {"must_change_password", u.must_change_password},
          {"failed_count", u.failed_count},
          {"pending", pending},
          {"locked_until", u.locked_until},
          {"locked_indefinitely", u.locked_indefinitely},
          {"failures_since_success", u.failures_since_success},
          {"last_logon", {{"time", u.last_logon.time}, {"result", u.last_logon.result}}},
          {"totp",
           {{"secret_sealed", u.totp.secret_sealed},
            {"pending_sealed", u.totp.pending_sealed},
            {"enrolled", u.totp.enrolled},
            {"last_step", u.totp.last_step}}},
          {"created_at", u.created_at},
          {"updated_at", u.updated_at}};
}

Result<User> UserFromJson(std::string_view text, std::string_view id) {
  return Parse<User>(text, "user", id, [](const json& j) {
    User u;
    u.id = j.at("id").get<std::string>();
    u.display_name = j.at("display_name").get<std::string>();
    u.department = j.at("department").get<std::string>();
    u.manager = j.at("manager").get<std::string>();
    u.positions = j.at("positions").get<std::vector<std::string>>();
    u.roles = j.at("roles").get<std::vector<std::string>>();
    u.state = StateAt(j, "state");
    u.disabled_at = j.at("disabled_at").get<TimeMicros>();
    u.disabled_reason = j.at("disabled_reason").get<std::string>();
    u.birth_date_sealed = j.at("birth_date_sealed").get<std::string>();
    u.phone_sealed = j.at("phone_sealed").get<std::string>();
    // Absent in users stored before hire dates were kept.
    u.hired = j.value("hired", "");
    u.hire_kind = j.value("hire_kind", "");
    u.password_history = j.at("password_history").get<std::vector<std::string>>();
    u.password_changed_at = j.at("password_changed_at").get<TimeMicros>();
    u.must_change_password = j.at("must_change_password").get<bool>();
    u.failed_count = j.at("failed_count").get<uint32_t>();
    for (const auto& p : j.at("pending")) {
      u.pending.push_back({p.at("id").get<std::string>(), p.at("started").get<TimeMicros>()});
    }
    u.locked_until = j.at("locked_until").get<TimeMicros>();
    u.locked_indefinitely = j.at("locked_indefinitely").get<bool>();
    u.failures_since_success = j.at("failures_since_success").get<uint32_t>();
    const auto& ll = j.at("last_logon");
    u.last_logon = {ll.at("time").get<TimeMicros>(), ll.at("result").get<std::string>()};
    const auto& t = j.at("totp");
    u.totp.secret_sealed = t.at("secret_sealed").get<std::string>();
    u.totp.pending_sealed = t.at("pending_sealed").get<std::string>();
    u.totp.enrolled = t.at("enrolled").get<bool>();
    u.totp.last_step = t.at("last_step").get<int64_t>();
    u.created_at = j.at("created_at").get<TimeMicros>();
    u.updated_at = j.at("updated_at").get<TimeMicros>();
    return u;
  });
}

json UserPublicJson(const User& u) {
  json j = {
      {"id", u.id},
      {"display_name", u.display_name},
      {"department", u.department},
      {"manager", u.manager},
      {"positions", u.positions},
      {"roles", u.roles},
      {"state", AccountStateName(u.state)},
      {"must_change_password", u.must_change_password},
      {"password_changed_at", TimeOrEmpty(u.password_changed_at)},
      {"failed_count", u.failed_count},
      {"locked", u.locked_indefinitely || u.locked_until != 0},
      {"locked_until", TimeOrEmpty(u.locked_until)},
      {"totp_enrolled", u.totp.enrolled},
      {"has_birth_date", !u.birth_date_sealed.empty()},
      {"has_phone", !u.phone_sealed.empty()},
      {"hired", u.hired},
      {"hire_kind", u.hire_kind},
      {"last_logon", {{"time", TimeOrEmpty(u.last_logon.time)}, {"result", u.last_logon.result}}},
      {"created_at", TimeOrEmpty(u.created_at)},
      {"updated_at", TimeOrEmpty(u.updated_at)}};
  if (!u.active()) {
    j["disabled_at"] = TimeOrEmpty(u.disabled_at);
    j["disabled_reason"] = u.disabled_reason;
  }
  return j;
}

json ServiceAccountToJson(const ServiceAccount& s) {
  return {{"id", s.id},
          {"display_name", s.display_name},
          {"cert_fingerprint", s.cert_fingerprint},
          {"roles", s.roles},
          {"state", AccountStateName(s.state)},
          {"disabled_at", s.disabled_at},
          {"created_at", s.created_at},
          {"updated_at", s.updated_at}};
}

Result<ServiceAccount> ServiceAccountFromJson(std::string_view text, std::string_view id) {
  return Parse<ServiceAccount>(text, "service account", id, [](const json& j) {
    ServiceAccount s;
    s.id = j.at("id").get<std::string>();
    s.display_name = j.at("display_name").get<std::string>();
    s.cert_fingerprint = j.at("cert_fingerprint").get<std::string>();
    s.roles = j.at("roles").get<std::vector<std::string>>();
    s.state = StateAt(j, "state");
    s.disabled_at = j.at("disabled_at").get<TimeMicros>();
    s.created_at = j.at("created_at").get<TimeMicros>();
    s.updated_at = j.at("updated_at").get<TimeMicros>();
    return s;
  });
}

json TerminalToJson(const TerminalEntry& t) {
  return {{"id", t.id},
          {"fingerprint", t.fingerprint},
          {"description", t.description},
          {"controlled_area", t.controlled_area},
          {"state", AccountStateName(t.state)},
          {"created_at", t.created_at},
          {"updated_at", t.updated_at}};
}

Result<TerminalEntry> TerminalFromJson(std::string_view text, std::string_view id) {
  return Parse<TerminalEntry>(text, "terminal", id, [](const json& j) {
    TerminalEntry t;
    t.id = j.at("id").get<std::string>();
    t.fingerprint = j.at("fingerprint").get<std::string>();
    t.description = j.at("description").get<std::string>();
    t.controlled_area = j.at("controlled_area").get<bool>();
    t.state = StateAt(j, "state");
    t.created_at = j.at("created_at").get<TimeMicros>();
    t.updated_at = j.at("updated_at").get<TimeMicros>();
    return t;
  });
}

json SessionToJson(const Session& s) {
  return {{"token_hash", s.token_hash},
          {"user", s.user_id},
          {"created_at", s.created_at},
          {"last_seen", s.last_seen},
          {"terminal_id", s.terminal_id},
          {"terminal_fingerprint", s.terminal_fingerprint},
          {"controlled_area", s.controlled_area},
          {"mfa", s.mfa},
          {"state", SessionStateName(s.state)},
          {"ended_at", s.ended_at},
          {"end_reason", s.end_reason}};
}

Result<Session> SessionFromJson(std::string_view text) {
  return Parse<Session>(text, "session", "", [](const json& j) {
    Session s;
    s.token_hash = j.at("token_hash").get<std::string>();
    s.user_id = j.at("user").get<std::string>();
    s.created_at = j.at("created_at").get<TimeMicros>();
    s.last_seen = j.at("last_seen").get<TimeMicros>();
    s.terminal_id = j.at("terminal_id").get<std::string>();
    s.terminal_fingerprint = j.at("terminal_fingerprint").get<std::string>();
    s.controlled_area = j.at("controlled_area").get<bool>();
    s.mfa = j.at("mfa").get<bool>();
    const auto state = j.at("state").get<std::string>();
    bool found = false;
    for (auto st : {SessionState::kActive, SessionState::kLoggedOut, SessionState::kExpired,
                    SessionState::kRevoked}) {
      if (SessionStateName(st) == state) {
        s.state = st;
        found = true;
      }
    }
    if (!found) throw std::runtime_error("bad session state");
    s.ended_at = j.at("ended_at").get<TimeMicros>();
    s.end_reason = j.at("end_reason").get<std::string>();
    return s;
  });
}

}  // namespace mamori::identity
