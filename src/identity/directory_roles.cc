// Directory: positions (役職) and roles.
#include <algorithm>

#include "identity/directory.h"
#include "identity/directory_util.h"
#include "identity/identity_audit.h"
#include "identity/ids.h"
#include "identity/roles.h"

namespace mamori::identity {

using internal::MakeTrigger;
using internal::SelfChange;

Result<ReviewTrigger> Directory::AddPosition(const engine::Context& ctx, std::string_view id,
                                             std::string_view position) {
  const TimeMicros now = internal::Now(ctx);
  const Status valid = CheckLabel(position, "position", internal::kMaxPositionBytes);
  ReviewTrigger trigger;
  MAMORI_RETURN_IF_ERROR(MutateUser(
      ctx, "position_add", id,
      [&](store::WriteTxn&, User& u, audit::Event& ev, Status& refusal) -> Status {
        if (!valid.ok()) {
          refusal = valid;
          return Status::Ok();
        }
        if (std::find(u.positions.begin(), u.positions.end(), position) != u.positions.end()) {
          refusal = Status::FailedPrecondition("the user already holds this position",
                                               "この利用者は既にこの役職にあります", "position");
          return Status::Ok();
        }
        u.positions.emplace_back(position);
        // A position is text the administrator typed: the event names it by
        // its keyed reference, as subjects are, never as typed.
        ev.attrs["position_ref"] = sealer_.Reference("position", position);
        trigger = MakeTrigger(u, ReviewReason::kPositionChange, ctx, now);
        ev.attrs["review"] = "position_change";
        return Status::Ok();
      }));
  return trigger;
}

Result<ReviewTrigger> Directory::RemovePosition(const engine::Context& ctx, std::string_view id,
                                                std::string_view position) {
  const TimeMicros now = internal::Now(ctx);
  ReviewTrigger trigger;
  MAMORI_RETURN_IF_ERROR(MutateUser(
      ctx, "position_remove", id,
      [&](store::WriteTxn&, User& u, audit::Event& ev, Status& refusal) -> Status {
        auto it = std::find(u.positions.begin(), u.positions.end(), position);
        if (it == u.positions.end()) {
          refusal = Status::FailedPrecondition("the user does not hold this position",
                                               "この利用者はこの役職にありません", "position");
          return Status::Ok();
        }
        u.positions.erase(it);
        // A position is text the administrator typed: the event names it by
        // its keyed reference, as subjects are, never as typed.
        ev.attrs["position_ref"] = sealer_.Reference("position", position);
        trigger = MakeTrigger(u, ReviewReason::kPositionChange, ctx, now);
        ev.attrs["review"] = "position_change";
        return Status::Ok();
      }));
  return trigger;
}

Status Directory::AddRole(const engine::Context& ctx, std::string_view id, std::string_view role) {
  const Status valid = CheckRole(role);
  return MutateUser(ctx, "role_add", id,
                    [&](store::WriteTxn&, User& u, audit::Event& ev, Status& refusal) -> Status {
                      ev.attrs["role"] = valid.ok() ? std::string(role) : "(invalid)";
                      if (!valid.ok()) {
                        refusal = valid;
                      } else if (ctx.actor == u.id) {
                        refusal = SelfChange();
                      } else if (u.HasRole(role)) {
                        refusal = Status::FailedPrecondition(
                            "the user already holds this role",
                            "この利用者は既にこのロールを持っています", "role");
                      } else {
                        u.roles.emplace_back(role);
                      }
                      return Status::Ok();
                    });
}

Status Directory::RemoveRole(const engine::Context& ctx, std::string_view id,
                             std::string_view role) {
  return MutateUser(ctx, "role_remove", id,
                    [&](store::WriteTxn&, User& u, audit::Event& ev, Status& refusal) -> Status {
                      ev.attrs["role"] = IsValidRole(role) ? std::string(role) : "(invalid)";
                      auto it = std::find(u.roles.begin(), u.roles.end(), role);
                      if (ctx.actor == u.id) {
                        refusal = SelfChange();
                      } else if (it == u.roles.end()) {
                        refusal = Status::FailedPrecondition(
                            "the user does not hold this role",
                            "この利用者はこのロールを持っていません", "role");
                      } else {
                        u.roles.erase(it);
                      }
                      return Status::Ok();
                    });
}

}  // namespace mamori::identity
