// Authenticator: Touch, Logout and the expiry sweep.
#include <algorithm>

#include "identity/authenticator.h"
#include "identity/identity_audit.h"
#include "identity/keyspace.h"
#include "identity/records_store.h"
#include "identity/session_rules.h"
#include "identity/token.h"

namespace mamori::identity {
namespace {

Status SessionError(std::string_view subject) {
  if (subject == "session.logged_out") {
    return Status::Unauthenticated("the session was logged out; log on again",
                                   "ログアウト済みのセッションです。再度ログインしてください",
                                   std::string(subject));
  }
  if (subject == "session.expired") {
    return Status::Unauthenticated(
        "the session expired (idle too long or past its lifetime); log on again",
        "セッションの有効期限が切れました（無操作時間超過または最長時間経過）。再度ログインしてくだ"
        "さい",
        std::string(subject));
  }
  if (subject == "session.revoked") {
    return Status::Unauthenticated(
        "the session was ended by an administrator's change to the ID; log on again",
        "ID への管理者の変更によりセッションが終了しました。再度ログインしてください",
        std::string(subject));
  }
  if (subject == "session.terminal_mismatch") {
    return Status::Unauthenticated(
        "the session belongs to another terminal; log on from this one",
        "このセッションは別の端末のものです。この端末からログインしてください",
        std::string(subject));
  }
  return Status::Unauthenticated("no such session; log on",
                                 "セッションがありません。ログインしてください", "session.unknown");
}

std::string_view SubjectForState(SessionState s) {
  switch (s) {
    case SessionState::kLoggedOut:
      return "session.logged_out";
    case SessionState::kExpired:
      return "session.expired";
    case SessionState::kRevoked:
      return "session.revoked";
    case SessionState::kActive:
      break;
  }
  return "session.unknown";
}

// Marks s expired for `reason` and records it, if it is still active.
Status ExpireInTxn(store::WriteTxn& txn, Session& s, std::string_view reason, TimeMicros now,
                   const engine::Context& ctx) {
  s.state = SessionState::kExpired;
  s.ended_at = now;
  s.end_reason = std::string(reason);
  MAMORI_RETURN_IF_ERROR(internal::PutSession(txn, s));
  audit::Event ev = internal::MakeEvent(ctx, "identity.session_expired", now);
  ev.actor = s.user_id;
  ev.terminal = internal::TerminalLabel(internal::SessionTerminal(s));
  ev.reason = std::string(reason);
  ev.attrs["session"] = SessionHandle(s.token_hash);
  return internal::AppendEvent(txn, ev);
}

}  // namespace

Status Authenticator::RefuseSession(const engine::Context& ctx, std::string_view actor,
                                    std::string_view handle, const Status& why) {
  const TimeMicros now = internal::Now(ctx);
  return internal::RunAudited(dir_.storage(), [&](store::WriteTxn& txn, Status& refusal) -> Status {
    audit::Event ev = internal::MakeEvent(ctx, "identity.session", now);
    ev.actor = std::string(actor);
    if (!handle.empty()) ev.attrs["session"] = std::string(handle);
    return internal::Refuse(txn, ev, why, refusal);
  });
}

Result<Authenticator::Loaded> Authenticator::LoadSession(std::string_view token,
                                                         const engine::Context& ctx,
                                                         const Terminal* terminal,
                                                         std::optional<std::string_view> resolve,
                                                         Terminal* resolved) {
  const TimeMicros now = internal::Now(ctx);
  if (!IsWellFormedToken(token)) return Fail(RefuseSession(ctx, "", "", SessionError("")));
  const std::string hash = TokenHash(token);
  const std::string handle = SessionHandle(hash);
  std::optional<Session> session;
  std::optional<User> user;
  IdentityPolicy policy;
  MAMORI_RETURN_IF_ERROR(dir_.storage().View([&](store::ReadTxn& txn) -> Status {
    if (resolve) {
      MAMORI_ASSIGN_OR_RETURN(*resolved, internal::ResolveTerminal(txn, *resolve));
      terminal = resolved;
    }
    MAMORI_ASSIGN_OR_RETURN(policy, ReadPolicy(txn));
    MAMORI_ASSIGN_OR_RETURN(session, internal::LoadSession(txn, hash));
    if (session) {
      MAMORI_ASSIGN_OR_RETURN(user, internal::LoadUser(txn, session->user_id));
    }
    return Status::Ok();
  }));
  if (!session) return Fail(RefuseSession(ctx, "", handle, SessionError("")));
  const std::string& actor = session->user_id;
  if (session->state != SessionState::kActive) {
    return Fail(RefuseSession(ctx, actor, handle, SessionError(SubjectForState(session->state))));
  }
  if (terminal != nullptr && terminal->fingerprint != session->terminal_fingerprint) {
    return Fail(RefuseSession(ctx, actor, handle, SessionError("session.terminal_mismatch")));
  }
  const std::string_view expiry = internal::ExpiryReason(*session, policy, now);
  const bool gone = !user || !user->active();
  if (!expiry.empty() || gone) {
    const Status why = SessionError(gone ? "session.revoked" : "session.expired");
    return Fail(
        internal::RunAudited(dir_.storage(), [&](store::WriteTxn& txn, Status& refusal) -> Status {
          MAMORI_ASSIGN_OR_RETURN(auto s, internal::LoadSession(txn, hash));
          if (s && s->state == SessionState::kActive) {
            if (gone) {
              s->state = SessionState::kRevoked;
              s->ended_at = now;
              s->end_reason = "disabled";
              MAMORI_RETURN_IF_ERROR(internal::PutSession(txn, *s));
            } else {
              MAMORI_RETURN_IF_ERROR(ExpireInTxn(txn, *s, expiry, now, ctx));
            }
          }
          audit::Event ev = internal::MakeEvent(ctx, "identity.session", now);
          ev.actor = actor;
          ev.attrs["session"] = handle;
          return internal::Refuse(txn, ev, why, refusal);
        }));
  }
  return Loaded{std::move(*session), std::move(*user), std::move(policy)};
}

Result<SessionInfo> Authenticator::Touch(std::string_view token, const Terminal* terminal,
                                         const engine::Context& ctx, bool allow_restricted) {
  MAMORI_ASSIGN_OR_RETURN(Loaded l, LoadSession(token, ctx, terminal));
  return TouchLoaded(std::move(l), ctx, allow_restricted);
}

Result<SessionInfo> Authenticator::TouchFromCertificate(std::string_view token,
                                                        std::string_view cert_fingerprint,
                                                        Terminal* resolved,
                                                        const engine::Context& ctx,
                                                        bool allow_restricted) {
  MAMORI_ASSIGN_OR_RETURN(Loaded l, LoadSession(token, ctx, nullptr, cert_fingerprint, resolved));
  return TouchLoaded(std::move(l), ctx, allow_restricted);
}

Result<SessionInfo> Authenticator::TouchLoaded(Loaded l, const engine::Context& ctx,
                                               bool allow_restricted) {
  const TimeMicros now = internal::Now(ctx);
  const std::string handle = SessionHandle(l.session.token_hash);
  const Terminal session_terminal = internal::SessionTerminal(l.session);
  SessionInfo info;
  info.must_change_password = internal::MustChangePassword(l.user, l.policy, now);
  info.totp_required = l.policy.TotpRequired(l.user.roles, session_terminal) && !l.session.mfa;
  if (info.restricted() && !allow_restricted) {
    const std::string subject =
        info.must_change_password ? "session.password_change_required" : "session.totp_required";
    const Status why = info.must_change_password
                           ? Status::PermissionDenied("change your password before anything else",
                                                      "先にパスワードを変更してください", subject)
                           : Status::PermissionDenied(
                                 "this ID needs TOTP: enrol it, or log on again with a code",
                                 "この ID には TOTP "
                                 "が必要です。登録するか、コードを入力して再度ログインしてください",
                                 subject);
    return Fail(RefuseSession(ctx, l.user.id, handle, why));
  }
  if (now - l.session.last_seen >= internal::TouchGranularity(l.policy)) {
    bool still_active = true;
    MAMORI_RETURN_IF_ERROR(dir_.storage().Update([&](store::WriteTxn& txn) -> Status {
      MAMORI_ASSIGN_OR_RETURN(auto s, internal::LoadSession(txn, l.session.token_hash));
      still_active = s && s->state == SessionState::kActive;
      if (!still_active) return Status::Ok();
      s->last_seen = std::max(s->last_seen, now);
      l.session.last_seen = s->last_seen;
      return internal::PutSession(txn, *s);
    }));
    if (!still_active) {
      return Fail(RefuseSession(ctx, l.user.id, handle, SessionError("session.logged_out")));
    }
  }
  info.principal = internal::MakePrincipal(l.user, session_terminal, handle);
  info.created_at = l.session.created_at;
  info.last_seen = l.session.last_seen;
  info.idle_expires_at = internal::IdleExpiry(l.session, l.policy);
  info.expires_at = internal::AbsoluteExpiry(l.session, l.policy);
  return info;
}

Result<size_t> Authenticator::Logout(std::string_view token, const engine::Context& ctx,
                                     bool everywhere) {
  const TimeMicros now = internal::Now(ctx);
  MAMORI_ASSIGN_OR_RETURN(Loaded l, LoadSession(token, ctx, nullptr));
  const std::string handle = SessionHandle(l.session.token_hash);
  size_t others = 0;
  MAMORI_RETURN_IF_ERROR(
      internal::RunAudited(dir_.storage(), [&](store::WriteTxn& txn, Status& refusal) -> Status {
        others = 0;
        audit::Event ev = internal::MakeEvent(ctx, "identity.logout", now);
        ev.actor = l.user.id;
        ev.terminal = internal::TerminalLabel(internal::SessionTerminal(l.session));
        ev.attrs["session"] = handle;
        MAMORI_ASSIGN_OR_RETURN(auto s, internal::LoadSession(txn, l.session.token_hash));
        if (!s || s->state != SessionState::kActive) {
          return internal::Refuse(
              txn, ev, SessionError(SubjectForState(s ? s->state : SessionState::kActive)),
              refusal);
        }
        s->state = SessionState::kLoggedOut;
        s->ended_at = now;
        s->end_reason = "logout";
        MAMORI_RETURN_IF_ERROR(internal::PutSession(txn, *s));
        if (everywhere) {
          MAMORI_ASSIGN_OR_RETURN(
              others, internal::EndUserSessions(txn, l.user.id, now, SessionState::kLoggedOut,
                                                "logout_everywhere", s->token_hash));
          ev.attrs["everywhere"] = "true";
          ev.attrs["other_sessions_ended"] = std::to_string(others);
        }
        return internal::AppendEvent(txn, ev);
      }));
  return others;
}

Result<size_t> Authenticator::ExpireSessions(const engine::Context& ctx) {
  const TimeMicros now = internal::Now(ctx);
  size_t expired = 0;
  MAMORI_RETURN_IF_ERROR(dir_.storage().Update([&](store::WriteTxn& txn) -> Status {
    expired = 0;
    MAMORI_ASSIGN_OR_RETURN(const IdentityPolicy policy, ReadPolicy(txn));
    const std::string prefix(keyspace::kSessions);
    MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan(prefix, store::PrefixEnd(prefix), 0));
    for (const auto& row : rows) {
      MAMORI_ASSIGN_OR_RETURN(Session s, SessionFromJson(row.value));
      if (s.state == SessionState::kActive) {
        const std::string_view reason = internal::ExpiryReason(s, policy, now);
        if (reason.empty()) continue;
        MAMORI_RETURN_IF_ERROR(ExpireInTxn(txn, s, reason, now, ctx));
        ++expired;
      } else if (s.ended_at + kEndedSessionMemory <= now) {
        MAMORI_RETURN_IF_ERROR(internal::DeleteSession(txn, s));
      }
    }
    return Status::Ok();
  }));
  return expired;
}

}  // namespace mamori::identity
