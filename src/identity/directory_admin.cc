// The administrator's operations on users: unlock, password reset, TOTP reset.
#include <algorithm>

#include "identity/attempts.h"
#include "identity/directory.h"
#include "identity/directory_util.h"
#include "identity/identity_audit.h"
#include "identity/ids.h"
#include "identity/records_store.h"
#include "identity/roles.h"

namespace mamori::identity {
using internal::SelfChange;

namespace {

Status ChangedMeanwhile() {
  return Status::Unavailable("the user's password changed meanwhile; try again",
                             "処理中にパスワードが変更されました。もう一度実行してください",
                             "password");
}

}  // namespace

Status Directory::UnlockUser(const engine::Context& ctx, std::string_view id) {
  return MutateUser(ctx, "unlock", id,
                    [&](store::WriteTxn&, User& u, audit::Event& ev, Status& refusal) -> Status {
                      if (ctx.actor == u.id) {
                        refusal = SelfChange();
                        return Status::Ok();
                      }
                      ev.attrs["failed_count"] = std::to_string(u.failed_count);
                      ev.attrs["was_locked"] = IsLocked(u, internal::Now(ctx)) ? "true" : "false";
                      Unlock(u);
                      return Status::Ok();
                    });
}

Status Directory::ResetPassword(const engine::Context& ctx, std::string_view id,
                                std::string_view temporary_password, std::string_view request) {
  const TimeMicros now = internal::Now(ctx);
  // The rules and the history check need the stored record and Argon2, so they
  // run before the transaction; the transaction then confirms that the
  // password checked against is still the current one.
  Status valid;
  std::string checked_current, hash;
  IdentityPolicy policy;
  if (IsValidId(id) && ctx.actor != id) {
    MAMORI_ASSIGN_OR_RETURN(policy, GetPolicy(store_));
    auto u = GetUser(id);
    if (u) {
      valid = CheckNewPassword(*u, policy, temporary_password, {});
      if (!u->password_history.empty()) checked_current = u->password_history.front();
      if (valid.ok()) {
        MAMORI_ASSIGN_OR_RETURN(hash, HashPassword(temporary_password));
      }
    } else if (u.error().code() != Code::kNotFound) {
      return u.error();
    }
  }
  return MutateUser(
      ctx, "password_reset", id,
      [&](store::WriteTxn& txn, User& u, audit::Event& ev, Status& refusal) -> Status {
        if (ctx.actor == u.id) {
          refusal = SelfChange();
        } else if (!valid.ok()) {
          refusal = valid;
        } else if ((u.password_history.empty() ? "" : u.password_history.front()) !=
                   checked_current) {
          refusal = ChangedMeanwhile();
        } else {
          refusal = SecondPerson(txn, ctx, u, "password", request);
        }
        if (!refusal.ok()) return Status::Ok();
        if (!request.empty()) ev.attrs["request"] = audit::EventIdentifier(request);
        u.password_history.insert(u.password_history.begin(), hash);
        u.password_history.resize(
            std::min<size_t>(u.password_history.size(), std::max<uint32_t>(policy.history, 1)));
        u.password_changed_at = now;
        u.must_change_password = true;
        Unlock(u);
        MAMORI_ASSIGN_OR_RETURN(
            size_t ended,
            internal::EndUserSessions(txn, u.id, now, SessionState::kRevoked, "password_reset"));
        ev.attrs["sessions_ended"] = std::to_string(ended);
        return Status::Ok();
      });
}

Status Directory::ResetTotp(const engine::Context& ctx, std::string_view id,
                            std::string_view request) {
  return MutateUser(
      ctx, "totp_reset", id,
      [&](store::WriteTxn& txn, User& u, audit::Event& ev, Status& refusal) -> Status {
        if (ctx.actor == u.id) {
          refusal = SelfChange();
          return Status::Ok();
        }
        refusal = SecondPerson(txn, ctx, u, "totp", request);
        if (!refusal.ok()) return Status::Ok();
        if (!request.empty()) ev.attrs["request"] = audit::EventIdentifier(request);
        ev.attrs["was_enrolled"] = u.totp.enrolled ? "true" : "false";
        u.totp = TotpState{};
        return Status::Ok();
      });
}

Status Directory::SecondPerson(store::WriteTxn& txn, const engine::Context& ctx, const User& u,
                               std::string_view credential, std::string_view request) {
  if (!guard_ || IsLocalOperator(ctx)) return Status::Ok();
  return guard_->CheckCredentialReset(txn, ctx, HolderOf(u), credential, request);
}

Status Directory::ApplyRoleChange(store::WriteTxn& txn, const engine::Context& ctx,
                                  std::string_view id, std::string_view role, bool add,
                                  std::string_view request) {
  MAMORI_RETURN_IF_ERROR(CheckRole(role));
  MAMORI_ASSIGN_OR_RETURN(auto u, internal::LoadUser(txn, id));
  if (!u) {
    return Status::NotFound("the person of the request is not a registered user",
                            "申請の対象者が利用者として登録されていません", "person");
  }
  auto it = std::find(u->roles.begin(), u->roles.end(), role);
  if (add == (it != u->roles.end())) {
    return add ? Status::FailedPrecondition("the user already holds this role",
                                            "この利用者は既にこのロールを持っています", "role")
               : Status::FailedPrecondition("the user does not hold this role",
                                            "この利用者はこのロールを持っていません", "role");
  }
  if (add) {
    u->roles.emplace_back(role);
  } else {
    u->roles.erase(it);
  }
  const TimeMicros now = internal::Now(ctx);
  u->updated_at = now;
  MAMORI_RETURN_IF_ERROR(internal::PutUser(txn, *u));
  audit::Event ev =
      internal::MakeEvent(ctx, add ? "identity.role_add" : "identity.role_remove", now);
  ev.attrs["target"] = u->id;
  ev.attrs["role"] = std::string(role);
  ev.attrs["request"] = std::string(request);
  return internal::AppendEvent(txn, ev);
}

}  // namespace mamori::identity
