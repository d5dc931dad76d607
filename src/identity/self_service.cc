// Authenticator: what a user does for themselves within a session — change
// the password, enrol TOTP.
#include <algorithm>

#include "core/encoding.h"
#include "crypto/kdf.h"
#include "crypto/random.h"
#include "identity/attempts.h"
#include "identity/authenticator.h"
#include "identity/identity_audit.h"
#include "identity/records_store.h"
#include "identity/session_rules.h"
#include "identity/token.h"
#include "identity/totp.h"

namespace mamori::identity {
namespace {

Status WrongCurrentPassword() {
  return Status::Unauthenticated("the current password is wrong", "現在のパスワードが違います",
                                 "password.wrong_current");
}

Status CurrentLocked() {
  return Status::Unauthenticated(
      "this ID is locked after repeated failed attempts; ask an administrator",
      "失敗が続いたためこの ID はロックされています。管理者に依頼してください", "login.locked");
}

Status CurrentChangedMeanwhile() {
  return Status::Unavailable("the password changed meanwhile; try again",
                             "処理中にパスワードが変更されました。もう一度実行してください",
                             "password");
}

}  // namespace

Status Authenticator::ChangePassword(std::string_view token, std::string_view current,
                                     std::string_view next, const engine::Context& ctx_in) {
  const TimeMicros now = internal::Now(ctx_in);
  MAMORI_ASSIGN_OR_RETURN(Loaded l, LoadSession(token, ctx_in, nullptr));
  engine::Context ctx = ctx_in;
  ctx.actor = l.user.id;
  ctx.time = now;
  const std::string user_id = l.user.id;
  const std::string handle = SessionHandle(l.session.token_hash);
  store::Storage& store = dir_.storage();
  MAMORI_ASSIGN_OR_RETURN(auto attempt_bytes, crypto::RandomBytes(8));
  const std::string attempt_id = HexEncode(attempt_bytes);

  // The memory of the current password's check first (hash_budget.h), so
  // that a refusal for want of it leaves no attempt in flight.
  auto lease = dir_.hash_budget().Acquire(dir_.options().argon2.memory_kib);
  if (!lease) {
    return internal::RunAudited(store, [&](store::WriteTxn& txn, Status& refusal) -> Status {
      audit::Event ev = internal::MakeEvent(ctx, "identity.password_change", now);
      ev.attrs["session"] = handle;
      ev.reason = "busy";
      return internal::Refuse(txn, ev, lease.error(), refusal);
    });
  }

  // Step 1 of attempts.h: the current password is a logon secret, so guessing
  // it through this call is limited exactly like logons.
  User snapshot;
  MAMORI_RETURN_IF_ERROR(
      internal::RunAudited(store, [&](store::WriteTxn& txn, Status& refusal) -> Status {
        MAMORI_ASSIGN_OR_RETURN(const IdentityPolicy policy, ReadPolicy(txn));
        MAMORI_ASSIGN_OR_RETURN(auto u, internal::LoadUser(txn, user_id));
        if (!u) return Status::Internal("a user vanished during a password change", "", "user");
        const Reservation r = ReserveAttempt(*u, policy, now, attempt_id);
        if (r.gate != Gate::kProceed) {
          MAMORI_RETURN_IF_ERROR(internal::PutUser(txn, *u));
          audit::Event ev = internal::MakeEvent(ctx, "identity.password_change", now);
          ev.reason = r.gate == Gate::kLocked ? "locked" : "attempts_in_flight";
          return internal::Refuse(txn, ev, CurrentLocked(), refusal);
        }
        MAMORI_RETURN_IF_ERROR(internal::PutUser(txn, *u));
        snapshot = std::move(*u);
        return Status::Ok();
      }));

  // Step 2, outside the transaction: the current password, then the rules and
  // the history for the new one (both Argon2, both slow).
  // A busy budget (kUnavailable) is a refusal that step 3 records, so that
  // the attempt in flight is released rather than left to go stale.
  bool current_ok = false;
  Status busy;
  if (!snapshot.password_history.empty()) {
    auto match = dir_.VerifyPassword(current, snapshot.password_history.front(), &*lease);
    if (match) {
      current_ok = *match;
    } else if (match.error().code() == Code::kUnavailable) {
      busy = match.error();
    } else {
      return match.error();
    }
  }
  lease->Release();
  Status rules;
  std::string hash;
  if (current_ok) {
    rules = dir_.CheckNewPassword(snapshot, l.policy, next, current);
    if (rules.ok()) {
      auto hashed = dir_.HashPassword(next);
      if (!hashed && hashed.error().code() != Code::kUnavailable) return hashed.error();
      if (hashed) hash = std::move(*hashed);
      if (!hashed) rules = hashed.error();
    }
  }
  const std::string checked = snapshot.password_history.empty() ? "" : snapshot.password_history[0];

  // Step 3: the outcome, with the change itself.
  return internal::RunAudited(store, [&](store::WriteTxn& txn, Status& refusal) -> Status {
    MAMORI_ASSIGN_OR_RETURN(const IdentityPolicy policy, ReadPolicy(txn));
    MAMORI_ASSIGN_OR_RETURN(auto loaded, internal::LoadUser(txn, user_id));
    if (!loaded) return Status::Internal("a user vanished during a password change", "", "user");
    User& u = *loaded;
    audit::Event ev = internal::MakeEvent(ctx, "identity.password_change", now);
    ev.attrs["session"] = handle;
    if (!busy.ok()) {
      ReleaseAttempt(u, attempt_id);
      MAMORI_RETURN_IF_ERROR(internal::PutUser(txn, u));
      ev.reason = "busy";
      return internal::Refuse(txn, ev, busy, refusal);
    }
    if (!current_ok) {
      if (RecordFailure(u, policy, now, attempt_id)) {
        audit::Event lock = internal::MakeEvent(ctx, "identity.lockout", now);
        lock.reason = "threshold";
        lock.attrs["failed_count"] = std::to_string(u.failed_count);
        MAMORI_ASSIGN_OR_RETURN(
            size_t ended,
            internal::EndUserSessions(txn, u.id, now, SessionState::kRevoked, "lockout"));
        lock.attrs["sessions_ended"] = std::to_string(ended);
        MAMORI_RETURN_IF_ERROR(internal::AppendEvent(txn, lock));
      }
      MAMORI_RETURN_IF_ERROR(internal::PutUser(txn, u));
      ev.reason = "wrong_current_password";
      return internal::Refuse(txn, ev, WrongCurrentPassword(), refusal);
    }
    RecordSuccess(u, attempt_id);
    Status why = rules;
    if (why.ok() && (u.password_history.empty() ? "" : u.password_history[0]) != checked) {
      why = CurrentChangedMeanwhile();
    }
    if (!why.ok()) {
      MAMORI_RETURN_IF_ERROR(internal::PutUser(txn, u));
      return internal::Refuse(txn, ev, why, refusal);
    }
    u.password_history.insert(u.password_history.begin(), hash);
    u.password_history.resize(
        std::min<size_t>(u.password_history.size(), std::max<uint32_t>(policy.history, 1)));
    u.password_changed_at = now;
    u.must_change_password = false;
    u.updated_at = now;
    MAMORI_RETURN_IF_ERROR(internal::PutUser(txn, u));
    MAMORI_ASSIGN_OR_RETURN(size_t ended,
                            internal::EndUserSessions(txn, u.id, now, SessionState::kRevoked,
                                                      "password_changed", l.session.token_hash));
    ev.attrs["other_sessions_ended"] = std::to_string(ended);
    return internal::AppendEvent(txn, ev);
  });
}

Result<TotpEnrolment> Authenticator::BeginTotpEnrolment(std::string_view token,
                                                        const engine::Context& ctx_in) {
  const TimeMicros now = internal::Now(ctx_in);
  MAMORI_ASSIGN_OR_RETURN(Loaded l, LoadSession(token, ctx_in, nullptr));
  engine::Context ctx = ctx_in;
  ctx.actor = l.user.id;
  MAMORI_ASSIGN_OR_RETURN(auto secret, crypto::RandomSecret(kTotpSecretBytes));
  MAMORI_ASSIGN_OR_RETURN(std::string sealed,
                          dir_.sealer().SealSecret(l.user.id, "totp_pending", secret));
  MAMORI_RETURN_IF_ERROR(
      internal::RunAudited(dir_.storage(), [&](store::WriteTxn& txn, Status& refusal) -> Status {
        audit::Event ev = internal::MakeEvent(ctx, "identity.totp_enrol_begin", now);
        ev.attrs["session"] = SessionHandle(l.session.token_hash);
        MAMORI_ASSIGN_OR_RETURN(auto u, internal::LoadUser(txn, l.user.id));
        if (!u) return Status::Internal("a user vanished during TOTP enrolment", "", "user");
        if (u->totp.enrolled) {
          return internal::Refuse(
              txn, ev,
              Status::FailedPrecondition(
                  "TOTP is already enrolled; an administrator must reset it before a new enrolment",
                  "TOTP は登録済みです。再登録には管理者によるリセットが必要です",
                  "totp.already_enrolled"),
              refusal);
        }
        u->totp.pending_sealed = sealed;
        u->updated_at = now;
        MAMORI_RETURN_IF_ERROR(internal::PutUser(txn, *u));
        return internal::AppendEvent(txn, ev);
      }));
  return TotpEnrolment{Base32Encode(secret.view()),
                       OtpauthUri(dir_.options().totp_issuer, l.user.id, secret)};
}

Status Authenticator::ConfirmTotpEnrolment(std::string_view token, std::string_view code,
                                           const engine::Context& ctx_in) {
  const TimeMicros now = internal::Now(ctx_in);
  MAMORI_ASSIGN_OR_RETURN(Loaded l, LoadSession(token, ctx_in, nullptr));
  engine::Context ctx = ctx_in;
  ctx.actor = l.user.id;
  const Sealer& sealer = dir_.sealer();
  return internal::RunAudited(dir_.storage(), [&](store::WriteTxn& txn, Status& refusal) -> Status {
    audit::Event ev = internal::MakeEvent(ctx, "identity.totp_enrol_confirm", now);
    ev.attrs["session"] = SessionHandle(l.session.token_hash);
    MAMORI_ASSIGN_OR_RETURN(auto u, internal::LoadUser(txn, l.user.id));
    if (!u) return Status::Internal("a user vanished during TOTP enrolment", "", "user");
    if (u->totp.pending_sealed.empty()) {
      return internal::Refuse(
          txn, ev,
          Status::FailedPrecondition("no TOTP enrolment was started",
                                     "TOTP の登録が開始されていません", "totp.no_enrolment"),
          refusal);
    }
    MAMORI_ASSIGN_OR_RETURN(auto secret,
                            sealer.OpenSecret(u->id, "totp_pending", u->totp.pending_sealed));
    const TotpVerdict v = VerifyTotp(secret, code, now, -1);
    if (v.check != TotpCheck::kAccepted) {
      return internal::Refuse(
          txn, ev,
          Status::Unauthenticated("the code does not match; check the app and the clock",
                                  "コードが一致しません。アプリと時刻を確認してください",
                                  "totp.invalid"),
          refusal);
    }
    MAMORI_ASSIGN_OR_RETURN(u->totp.secret_sealed, sealer.SealSecret(u->id, "totp", secret));
    u->totp.pending_sealed.clear();
    u->totp.enrolled = true;
    u->totp.last_step = v.step;
    u->updated_at = now;
    MAMORI_RETURN_IF_ERROR(internal::PutUser(txn, *u));
    MAMORI_ASSIGN_OR_RETURN(auto s, internal::LoadSession(txn, l.session.token_hash));
    if (s && s->state == SessionState::kActive) {
      s->mfa = true;
      MAMORI_RETURN_IF_ERROR(internal::PutSession(txn, *s));
    }
    return internal::AppendEvent(txn, ev);
  });
}

}  // namespace mamori::identity
