// Authenticator::Login: the three steps of attempts.h around the password check.
#include "identity/authenticator.h"

#include "core/encoding.h"
#include "crypto/kdf.h"
#include "crypto/random.h"
#include "crypto/secret.h"
#include "identity/attempts.h"
#include "identity/identity_audit.h"
#include "identity/ids.h"
#include "identity/records_store.h"
#include "identity/session_rules.h"
#include "identity/token.h"
#include "identity/totp.h"

namespace mamori::identity {
namespace {

// Every unsuccessful logon answers this, whatever the reason: unknown,
// disabled or locked ID, wrong password, a code missing, wrong or not
// enrolled. The answer then tells nothing about the ID or the password; the
// audit event says which it was.
Status LoginFailed() {
  return Status::Unauthenticated(
      "logon failed: check the ID and the password, and the authenticator code where one is "
      "required",
      "ログインできません。ID とパスワード（必要な場合は認証アプリのコード）を確認してください",
      "login.failed");
}

// What the first step decided.
enum class Admission { kUnknown, kDisabled, kRefused, kProceed };

std::string_view TotpReason(TotpCheck c) {
  return c == TotpCheck::kReplayed ? "totp_replayed" : "totp_invalid";
}

audit::Event LockoutEvent(const engine::Context& ctx, const User& u, TimeMicros now,
                          std::string_view why) {
  audit::Event ev = internal::MakeEvent(ctx, "identity.lockout", now);
  ev.actor = u.id;
  ev.reason = std::string(why);
  ev.attrs["failed_count"] = std::to_string(u.failed_count);
  ev.attrs["until"] = u.locked_indefinitely ? "administrator" : FormatUtc(u.locked_until);
  return ev;
}

}  // namespace

LoginRequest::~LoginRequest() {
  crypto::WipeString(password);
  crypto::WipeString(totp);
}

Result<LoginResult> Authenticator::Login(const LoginRequest& req) {
  const TimeMicros now = req.time != 0 ? req.time : NowMicros();
  store::Storage& store = dir_.storage();
  const bool valid_id = IsValidId(req.user_id);
  engine::Context ctx;
  ctx.actor = valid_id ? req.user_id : "";
  ctx.terminal = internal::TerminalLabel(req.terminal);
  if (ctx.terminal.empty() && !req.source.empty())
    ctx.terminal = audit::EventIdentifier(req.source);
  ctx.request_id = req.request_id;
  ctx.time = now;
  MAMORI_ASSIGN_OR_RETURN(auto attempt_bytes, crypto::RandomBytes(8));
  const std::string attempt_id = HexEncode(attempt_bytes);

  // Step 0: the memory of the password check, before anything is read or
  // written, so that a flood beyond the hash budget costs one audit event
  // per attempt and no Argon2 memory. The ID is not looked up: the event
  // names it by its keyed reference only, as for an unknown ID.
  auto lease = dir_.hash_budget().Acquire(dir_.options().argon2.memory_kib);
  if (!lease) {
    return Fail(internal::RunAudited(store, [&](store::WriteTxn& txn, Status& refusal) -> Status {
      audit::Event ev = internal::MakeEvent(ctx, "identity.login", now);
      ev.actor.clear();
      ev.subject = dir_.sealer().Reference("user_id", req.user_id);
      ev.reason = "busy";
      return internal::Refuse(txn, ev, lease.error(), refusal);
    }));
  }

  // Step 1: the gate.
  Admission admission = Admission::kUnknown;
  bool lock_expired = false;
  User snapshot;
  IdentityPolicy policy;
  Status gate = internal::RunAudited(store, [&](store::WriteTxn& txn, Status& refusal) -> Status {
    MAMORI_ASSIGN_OR_RETURN(policy, ReadPolicy(txn));
    audit::Event ev = internal::MakeEvent(ctx, "identity.login", now);
    std::optional<User> u;
    if (valid_id) {
      MAMORI_ASSIGN_OR_RETURN(u, internal::LoadUser(txn, req.user_id));
    }
    if (!u) {
      admission = Admission::kUnknown;
      ev.actor.clear();
      ev.subject = dir_.sealer().Reference("user_id", req.user_id);
      ev.reason = "unknown_id";
      return internal::Refuse(txn, ev, LoginFailed(), refusal);
    }
    if (!u->active()) {
      admission = Admission::kDisabled;
      u->last_logon = {now, "refused"};
      MAMORI_RETURN_IF_ERROR(internal::PutUser(txn, *u));
      ev.reason = "disabled";
      return internal::Refuse(txn, ev, LoginFailed(), refusal);
    }
    const Reservation r = ReserveAttempt(*u, policy, now, attempt_id);
    lock_expired = r.lock_expired;
    if (r.lock_expired) ev.attrs["lock_expired"] = "true";
    if (r.locked_now) {
      audit::Event lock = LockoutEvent(ctx, *u, now, "stale_attempts");
      MAMORI_RETURN_IF_ERROR(internal::AppendEvent(txn, lock));
    }
    if (r.gate != Gate::kProceed) {
      admission = Admission::kRefused;
      u->last_logon = {now, "locked"};
      MAMORI_RETURN_IF_ERROR(internal::PutUser(txn, *u));
      ev.reason = r.gate == Gate::kLocked ? "locked" : "attempts_in_flight";
      return internal::Refuse(txn, ev, LoginFailed(), refusal);
    }
    admission = Admission::kProceed;
    MAMORI_RETURN_IF_ERROR(internal::PutUser(txn, *u));
    snapshot = *u;
    return Status::Ok();
  });
  if (admission != Admission::kProceed) {
    // Unknown, disabled and locked IDs are checked against the dummy hash:
    // the refusal takes as long as a wrong password's and tells nothing.
    [[maybe_unused]] auto dummy = dir_.VerifyPassword(req.password, dir_.dummy_hash(), &*lease);
  }
  if (!gate.ok()) return Fail(gate);

  // Step 2: the password, outside any transaction. A hash costlier than the
  // lease (made under an older setting) grows it, which may be refused.
  bool password_ok = false;
  Status busy;
  if (!snapshot.password_history.empty()) {
    auto match = dir_.VerifyPassword(req.password, snapshot.password_history.front(), &*lease);
    if (match) {
      password_ok = *match;
    } else if (match.error().code() == Code::kUnavailable) {
      busy = match.error();
    } else {
      return Fail(match.error());
    }
  }
  lease->Release();
  MAMORI_ASSIGN_OR_RETURN(std::string token, NewSessionToken());
  const std::string token_hash = TokenHash(token);

  // Step 3: the outcome.
  LoginResult result;
  Status outcome =
      internal::RunAudited(store, [&](store::WriteTxn& txn, Status& refusal) -> Status {
        MAMORI_ASSIGN_OR_RETURN(policy, ReadPolicy(txn));
        MAMORI_ASSIGN_OR_RETURN(auto loaded, internal::LoadUser(txn, req.user_id));
        if (!loaded) return Status::Internal("a user vanished during logon", "", "user");
        User& u = *loaded;
        audit::Event ev = internal::MakeEvent(ctx, "identity.login", now);
        if (lock_expired) ev.attrs["lock_expired"] = "true";
        auto fail = [&](std::string_view reason) -> Status {
          if (RecordFailure(u, policy, now, attempt_id)) {
            audit::Event lock = LockoutEvent(ctx, u, now, "threshold");
            MAMORI_RETURN_IF_ERROR(internal::AppendEvent(txn, lock));
          }
          u.last_logon = {now, "failed"};
          MAMORI_RETURN_IF_ERROR(internal::PutUser(txn, u));
          ev.reason = std::string(reason);
          ev.attrs["failed_count"] = std::to_string(u.failed_count);
          return internal::Refuse(txn, ev, LoginFailed(), refusal);
        };
        auto refuse_released = [&](std::string_view reason, const Status& why,
                                   bool record_logon) -> Status {
          ReleaseAttempt(u, attempt_id);
          if (record_logon) u.last_logon = {now, "refused"};
          MAMORI_RETURN_IF_ERROR(internal::PutUser(txn, u));
          ev.reason = std::string(reason);
          return internal::Refuse(txn, ev, why, refusal);
        };
        if (!busy.ok()) return refuse_released("busy", busy, false);
        if (!u.active()) return refuse_released("disabled", LoginFailed(), true);
        if (!password_ok) return fail("wrong_password");
        if (IsLocked(u, now)) return refuse_released("locked", LoginFailed(), true);

        bool mfa = false;
        bool enrol = false;
        if (policy.TotpRequired(u.roles, req.terminal)) {
          if (u.totp.enrolled) {
            // Without a code the answer is that of any failure: answering
            // "a code is needed" only to the right password would tell
            // whoever tries passwords which one is right. Not counted as a
            // failure (a wrong password is, above).
            if (req.totp.empty()) return refuse_released("totp_missing", LoginFailed(), true);
            MAMORI_ASSIGN_OR_RETURN(auto secret,
                                    dir_.sealer().OpenSecret(u.id, "totp", u.totp.secret_sealed));
            const TotpVerdict v = VerifyTotp(secret, req.totp, now, u.totp.last_step);
            if (v.check != TotpCheck::kAccepted) return fail(TotpReason(v.check));
            u.totp.last_step = v.step;
            mfa = true;
          } else if (!req.terminal.controlled_area) {
            // Enrolling from outside would let a stolen password choose its
            // own second factor; the answer is again that of any failure.
            return refuse_released("totp_not_enrolled", LoginFailed(), true);
          } else {
            enrol = true;
          }
        }

        result.previous_logon = u.last_logon;
        result.failures_since_previous_success = u.failures_since_success;
        RecordSuccess(u, attempt_id);
        u.last_logon = {now, "ok"};
        MAMORI_RETURN_IF_ERROR(internal::PutUser(txn, u));

        Session s;
        s.token_hash = token_hash;
        s.user_id = u.id;
        s.created_at = s.last_seen = now;
        s.terminal_id = req.terminal.id;
        s.terminal_fingerprint = req.terminal.fingerprint;
        s.controlled_area = req.terminal.controlled_area;
        s.mfa = mfa;
        MAMORI_RETURN_IF_ERROR(internal::PutSession(txn, s));

        result.principal = internal::MakePrincipal(u, req.terminal, SessionHandle(token_hash));
        result.must_change_password = internal::MustChangePassword(u, policy, now);
        result.totp_enrolment_required = enrol;
        result.idle_expires_at = internal::IdleExpiry(s, policy);
        result.expires_at = internal::AbsoluteExpiry(s, policy);
        ev.attrs["session"] = SessionHandle(token_hash);
        ev.attrs["mfa"] = mfa ? "true" : "false";
        if (result.must_change_password) ev.attrs["restricted"] = "password_change";
        if (enrol) ev.attrs["restricted"] = "totp_enrolment";
        return internal::AppendEvent(txn, ev);
      });
  if (!outcome.ok()) return Fail(outcome);
  result.token = std::move(token);
  return result;
}

}  // namespace mamori::identity
