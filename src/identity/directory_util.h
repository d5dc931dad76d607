// Internal to identity: helpers shared by the Directory's source files.
#pragma once

#include "core/status.h"
#include "engine/context.h"
#include "identity/directory.h"

namespace mamori::identity::internal {

inline constexpr size_t kMaxPositionBytes = 128;

// The one authorisation rule Directory enforces itself (directory.h).
inline Status SelfChange() {
  return Status::PermissionDenied(
      "nobody may change their own roles or reset their own credentials as administrator",
      "自分自身のロール変更や管理者としての認証情報リセットはできません", "identity.self_change");
}

inline ReviewTrigger MakeTrigger(const User& u, ReviewReason reason, const engine::Context& ctx,
                                 TimeMicros now) {
  return {u.id, reason, ctx.actor, now, u.department, u.positions, u.roles};
}

}  // namespace mamori::identity::internal
