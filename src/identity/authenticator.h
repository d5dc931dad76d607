// Authentication of people: logon with password (+ TOTP where required),
// sessions, logout, and the self-service changes a session allows (password
// change, TOTP enrolment).
//
// Logon ([003 II.5(2)]):
// - Lockout holds under parallel attempts (attempts.h): the gate and the
//   outcome are each decided inside one Storage::Update.
// - Every unsuccessful logon gets the same answer (kUnauthenticated,
//   "login.failed", one fixed message) and takes about as long: an unknown
//   ID, a disabled ID, a locked ID (or one with too many attempts in
//   flight), a wrong password, a missing, wrong or replayed TOTP code, and
//   a TOTP user not enrolled logging on from outside the controlled area.
//   Unknown, disabled and locked IDs are checked against a dummy hash at
//   the configured cost, so the answer and its timing tell neither which
//   IDs exist nor which are locked nor whether a password was right. The
//   audit event tells the auditor: "identity.login" refused with reason
//   unknown_id (the attempted ID only as a keyed reference in `subject`: it
//   may be a mistyped password), disabled, locked, attempts_in_flight,
//   wrong_password, totp_missing, totp_invalid, totp_replayed or
//   totp_not_enrolled. A locked ID's holder learns of the lock from an
//   administrator (the lockout is audited, "identity.lockout").
// - TOTP: a user who needs a code sends it with the password. Without one
//   the answer does not depend on the password ("login.failed" either
//   way); a wrong password still counts towards the lockout, a right one
//   without a code does not. A wrong code counts as a failed attempt. A
//   user who must use TOTP but has not enrolled gets a session restricted
//   to enrolment — only from a terminal inside the controlled area.
// - Password checks share a memory budget (hash_budget.h): a logon that
//   cannot get its Argon2 memory within the budget's wait is refused
//   before anything is read, kUnavailable "login.busy", audited as
//   "identity.login" reason busy with the ID as a keyed reference.
// - The previous logon's time and result are returned ([003 II.5(2) 例示 A]).
// - An expired password (policy.expiry_days) or an administrator's temporary
//   password still logs on, into a session restricted to changing it.
//
// Sessions: a bearer token of 32 random bytes; only its SHA-256 is stored.
// No "remember me" ([003 II.5(2)]: no automatic logon): a session ends after
// policy.idle_timeout_minutes without a Touch, after
// policy.session_lifetime_minutes in any case, at Logout, and when its user
// is disabled or has a password reset. A session is bound to the certificate
// of the terminal it logged on from.
//
// Thread-safe. Every call is audited as described per method.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "engine/context.h"
#include "identity/directory.h"
#include "identity/principal.h"
#include "identity/records.h"

namespace mamori::identity {

// Wipes its password and code when destroyed (copies included), so no
// holder has to remember to.
struct LoginRequest {
  LoginRequest() = default;
  LoginRequest(const LoginRequest&) = default;
  LoginRequest(LoginRequest&&) = default;
  LoginRequest& operator=(const LoginRequest&) = default;
  LoginRequest& operator=(LoginRequest&&) = default;
  ~LoginRequest();

  std::string user_id;
  std::string password;
  std::string totp;   // empty when the client sent none
  Terminal terminal;  // TerminalRegistry::ResolveTerminal of the client certificate
  // Where the attempt came from when no certificate says ("remote:<address>"
  // of the connection): the logon's events name it as their terminal then,
  // so that failed logons can be counted per source (analysis/rules.h).
  std::string source;
  std::string request_id;
  TimeMicros time = 0;  // 0: now
};

struct LoginResult {
  std::string token;  // give to the client once; never log it
  Principal principal;
  LogonRecord previous_logon;  // time 0 on the first logon
  uint32_t failures_since_previous_success = 0;
  bool must_change_password = false;     // session restricted to a password change
  bool totp_enrolment_required = false;  // session restricted to TOTP enrolment
  TimeMicros idle_expires_at = 0;
  TimeMicros expires_at = 0;
};

struct SessionInfo {
  Principal principal;  // roles and positions as stored now, not at logon
  TimeMicros created_at = 0;
  TimeMicros last_seen = 0;
  TimeMicros idle_expires_at = 0;
  TimeMicros expires_at = 0;
  bool must_change_password = false;
  // TOTP is required for this user and terminal and this session has not
  // verified a code: enrol (when not enrolled) or log on again with a code.
  bool totp_required = false;
  bool restricted() const { return must_change_password || totp_required; }
};

struct TotpEnrolment {
  std::string secret_base32;  // for manual entry
  std::string otpauth_uri;    // for a QR code
};

class Authenticator {
 public:
  // How long ended sessions are remembered, so that a late token is told
  // "session.logged_out"/"session.expired" rather than "session.unknown".
  static constexpr TimeMicros kEndedSessionMemory = 24LL * 3600 * kMicrosPerSecond;

  explicit Authenticator(Directory& directory) : dir_(directory) {}

  // Audited as "identity.login" (ok or refused) and, when this attempt locks
  // the ID, "identity.lockout".
  Result<LoginResult> Login(const LoginRequest& req);

  // Resolves a bearer token for one request and records the activity. `terminal`
  // is the request's resolved client certificate; null skips the terminal
  // binding check (for the self-service calls below, which the server makes
  // after it has already touched the session for the request).
  // kUnauthenticated with subject session.unknown, session.logged_out,
  // session.expired, session.revoked or session.terminal_mismatch; a
  // restricted session unless allow_restricted is kPermissionDenied,
  // session.password_change_required or session.totp_required. Refusals are
  // audited ("identity.session"); the first use after an expiry also records
  // "identity.session_expired". last_seen is written at most once per
  // min(30 s, idle timeout / 30), so idle expiry errs early by at most that.
  Result<SessionInfo> Touch(std::string_view token, const Terminal* terminal,
                            const engine::Context& ctx, bool allow_restricted = false);
  // Touch for a request that arrived with client certificate
  // `cert_fingerprint` (empty: none): the terminal is resolved by the rules
  // of TerminalRegistry::ResolveTerminal in the same read transaction as the
  // session, and returned in *resolved (also on a refusal, when it was read).
  // One read for the server's authentication step instead of two.
  Result<SessionInfo> TouchFromCertificate(std::string_view token,
                                           std::string_view cert_fingerprint, Terminal* resolved,
                                           const engine::Context& ctx,
                                           bool allow_restricted = false);

  // Ends the session ("identity.logout"). The same refusals as Touch.
  // With `everywhere`, every other active session of the same person ends
  // with it, on whichever terminal and server it was opened (one event, its
  // attrs naming "everywhere" and how many others ended) — for a person who
  // left a session open elsewhere or fears a token was taken. Returns how
  // many other sessions were ended (0 without `everywhere`).
  Result<size_t> Logout(std::string_view token, const engine::Context& ctx, bool everywhere);
  Status Logout(std::string_view token, const engine::Context& ctx) {
    auto ended = Logout(token, ctx, /*everywhere=*/false);
    return ended ? Status::Ok() : ended.error();
  }

  // Marks every session past its idle or absolute limit as expired (one
  // "identity.session_expired" event each) and forgets sessions ended more
  // than kEndedSessionMemory ago. For a periodic timer; returns how many
  // expired now.
  Result<size_t> ExpireSessions(const engine::Context& ctx);

  // The session's user changes their password: `current` is checked like a
  // logon (a wrong one counts towards the lockout; the lockout then also ends
  // the user's sessions), `next` must meet the rules and not reuse history
  // (password_reuse.h). Lifts the must-change restriction and ends the user's
  // other sessions. "identity.password_change", refusals with the rule's code
  // as reason.
  Status ChangePassword(std::string_view token, std::string_view current, std::string_view next,
                        const engine::Context& ctx);

  // Starts TOTP enrolment for the session's user: a new secret, kept pending
  // until confirmed. kFailedPrecondition ("totp.already_enrolled") when one is
  // enrolled: an administrator resets it first (Directory::ResetTotp).
  Result<TotpEnrolment> BeginTotpEnrolment(std::string_view token, const engine::Context& ctx);
  // Completes it with the first code from the app (kUnauthenticated,
  // "totp.invalid" otherwise); the session then counts as TOTP-verified.
  Status ConfirmTotpEnrolment(std::string_view token, std::string_view code,
                              const engine::Context& ctx);

 private:
  // An active, unexpired session with its user and the policy in force.
  struct Loaded {
    Session session;
    User user;
    IdentityPolicy policy;
  };
  // Touch without the last_seen write and the restriction check. With
  // `resolve`, the terminal of that certificate fingerprint is resolved in
  // the same read into *terminal, which the binding check then uses.
  Result<Loaded> LoadSession(std::string_view token, const engine::Context& ctx,
                             const Terminal* terminal,
                             std::optional<std::string_view> resolve = std::nullopt,
                             Terminal* resolved = nullptr);
  Result<SessionInfo> TouchLoaded(Loaded l, const engine::Context& ctx, bool allow_restricted);
  Status RefuseSession(const engine::Context& ctx, std::string_view actor, std::string_view handle,
                       const Status& why);

  Directory& dir_;
};

}  // namespace mamori::identity
