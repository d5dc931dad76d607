// The records identity stores: users, service accounts, terminals and
// sessions, with their JSON form (keyspace.h says where each lives).
//
// What is sealed: birth date, phone number and TOTP secrets are personal or
// secret, so they are stored only as AES-256-GCM ciphertexts (sealer.h),
// base64 in the JSON. Passwords are stored only as Argon2id PHC strings.
// Nothing else in these records is secret; the public JSON (*PublicJson)
// still leaves out hashes and ciphertexts so that the API cannot leak them by
// accident.
//
// Parsing is strict: a stored record that does not parse is kDataLoss.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/status.h"
#include "core/time.h"

namespace mamori::identity {

enum class AccountState { kActive, kDisabled };
std::string_view AccountStateName(AccountState s);  // "active" | "disabled"

// Why an ID was disabled (退職, 異動, 長期休暇, 不要): codes, never free text,
// because they go into audit events.
enum class DisableReason { kLeave, kTransfer, kLongAbsence, kNoLongerNeeded };
std::string_view DisableReasonName(DisableReason r);
std::optional<DisableReason> ParseDisableReason(std::string_view name);

// The time and result of one logon attempt, shown at the next logon
// ([003 II.5(2) 例示 A]). result: "ok", "failed", "locked" or "refused".
struct LogonRecord {
  TimeMicros time = 0;  // 0: never
  std::string result;
  bool operator==(const LogonRecord&) const = default;
};

// A logon attempt that has passed the lockout gate and is having its password
// checked (attempts.h).
struct PendingAttempt {
  std::string id;
  TimeMicros started = 0;
  bool operator==(const PendingAttempt&) const = default;
};

struct TotpState {
  std::string secret_sealed;   // the enrolled secret; empty when none
  std::string pending_sealed;  // a secret awaiting its first code (enrolment)
  bool enrolled = false;
  int64_t last_step = -1;  // last accepted time step: a code is never accepted twice
  bool operator==(const TotpState&) const = default;
};

// How a person was hired: straight from school (new_graduate, 新卒) or
// from another employer (mid_career, 中途).
inline constexpr std::string_view kHireKinds[] = {"new_graduate", "mid_career"};

struct User {
  std::string id;
  std::string display_name;
  std::string department;
  std::string manager;                 // user id, or empty
  std::vector<std::string> positions;  // 役職
  std::vector<std::string> roles;
  AccountState state = AccountState::kActive;
  TimeMicros disabled_at = 0;
  std::string disabled_reason;    // DisableReasonName
  std::string birth_date_sealed;  // "YYYY-MM-DD", sealed; empty when not given
  std::string phone_sealed;       // as entered, sealed; empty when not given
  // The day of hire ("YYYY-MM-DD") and how (kHireKinds), both or neither:
  // who must attend a new-hire or mid-career training ([002 第28条]).
  std::string hired;
  std::string hire_kind;

  // Credentials.
  std::vector<std::string> password_history;  // Argon2id PHC strings, newest first; [0] is current
  TimeMicros password_changed_at = 0;
  bool must_change_password = true;

  // Lockout (attempts.h).
  uint32_t failed_count = 0;  // consecutive failed attempts, confirmed
  std::vector<PendingAttempt> pending;
  TimeMicros locked_until = 0;       // a timed lock; 0 when none
  bool locked_indefinitely = false;  // lockout_minutes was 0: until an admin unlocks
  uint32_t failures_since_success = 0;
  LogonRecord last_logon;

  TotpState totp;
  TimeMicros created_at = 0;
  TimeMicros updated_at = 0;

  bool active() const { return state == AccountState::kActive; }
  bool HasRole(std::string_view role) const;
  bool operator==(const User&) const = default;
};

// An application that authenticates by client certificate only.
struct ServiceAccount {
  std::string id;
  std::string display_name;
  std::string cert_fingerprint;  // SHA-256 of the DER certificate, lower-case hex
  std::vector<std::string> roles;
  AccountState state = AccountState::kActive;
  TimeMicros disabled_at = 0;
  TimeMicros created_at = 0;
  TimeMicros updated_at = 0;
  bool active() const { return state == AccountState::kActive; }
  bool operator==(const ServiceAccount&) const = default;
};

// A registered terminal ([003 II.5(2)]: identified by its client certificate).
struct TerminalEntry {
  std::string id;
  std::string fingerprint;
  std::string description;
  bool controlled_area = false;  // inside the 要管理対策区域
  AccountState state = AccountState::kActive;
  TimeMicros created_at = 0;
  TimeMicros updated_at = 0;
  bool active() const { return state == AccountState::kActive; }
  bool operator==(const TerminalEntry&) const = default;
};

enum class SessionState { kActive, kLoggedOut, kExpired, kRevoked };
std::string_view SessionStateName(SessionState s);

struct Session {
  std::string token_hash;  // hex SHA-256 of the token: the storage key
  std::string user_id;
  TimeMicros created_at = 0;
  TimeMicros last_seen = 0;
  std::string terminal_id;           // empty when unregistered
  std::string terminal_fingerprint;  // the certificate the session is bound to, or empty
  bool controlled_area = false;
  bool mfa = false;  // a TOTP code was verified in this session
  SessionState state = SessionState::kActive;
  TimeMicros ended_at = 0;
  std::string end_reason;  // "logout", "idle", "lifetime", "disabled", "password_reset", …
  bool operator==(const Session&) const = default;
};

// The *FromJson functions parse a stored record. A record that does not
// parse is kDataLoss with a fixed message naming the kind of record, the id
// under which it is stored (`id`, when it is a plain identifier) and at most
// the byte offset of a JSON syntax error: never the parser's own message,
// which can quote the stored bytes.
nlohmann::json UserToJson(const User& u);
Result<User> UserFromJson(std::string_view text, std::string_view id = {});
// Without password hashes, ciphertexts and lockout internals: for the API.
nlohmann::json UserPublicJson(const User& u);

nlohmann::json ServiceAccountToJson(const ServiceAccount& s);
Result<ServiceAccount> ServiceAccountFromJson(std::string_view text, std::string_view id = {});

nlohmann::json TerminalToJson(const TerminalEntry& t);
Result<TerminalEntry> TerminalFromJson(std::string_view text, std::string_view id = {});

nlohmann::json SessionToJson(const Session& s);
// Sessions are stored under the hash of their token: never named.
Result<Session> SessionFromJson(std::string_view text);

}  // namespace mamori::identity
