#include "identity/attempts.h"

#include <algorithm>

namespace mamori::identity {
namespace {

void Lock(User& u, const IdentityPolicy& p, TimeMicros now) {
  if (p.lockout_minutes == 0) {
    u.locked_indefinitely = true;
  } else {
    u.locked_until = now + static_cast<TimeMicros>(p.lockout_minutes) * 60 * kMicrosPerSecond;
  }
}

bool RemovePending(User& u, std::string_view attempt_id) {
  auto it = std::find_if(u.pending.begin(), u.pending.end(),
                         [&](const PendingAttempt& a) { return a.id == attempt_id; });
  if (it == u.pending.end()) return false;
  u.pending.erase(it);
  return true;
}

}  // namespace

bool IsLocked(const User& u, TimeMicros now) {
  return u.locked_indefinitely || (u.locked_until != 0 && u.locked_until > now);
}

Reservation ReserveAttempt(User& u, const IdentityPolicy& p, TimeMicros now,
                           std::string_view attempt_id) {
  Reservation r;
  if (!u.locked_indefinitely && u.locked_until != 0 && u.locked_until <= now) {
    u.locked_until = 0;
    u.failed_count = 0;
    r.lock_expired = true;
  }
  const size_t before = u.pending.size();
  std::erase_if(u.pending,
                [&](const PendingAttempt& a) { return a.started + kStaleAttemptMicros <= now; });
  const auto stale = static_cast<uint32_t>(before - u.pending.size());
  u.failed_count += stale;
  u.failures_since_success += stale;
  if (IsLocked(u, now)) {
    r.gate = Gate::kLocked;
    return r;
  }
  if (u.failed_count >= p.lockout_threshold) {
    Lock(u, p, now);
    r.locked_now = true;
    r.gate = Gate::kLocked;
    return r;
  }
  if (u.failed_count + u.pending.size() >= p.lockout_threshold) {
    r.gate = Gate::kBusy;
    return r;
  }
  u.pending.push_back({std::string(attempt_id), now});
  return r;
}

bool RecordFailure(User& u, const IdentityPolicy& p, TimeMicros now, std::string_view attempt_id) {
  RemovePending(u, attempt_id);
  ++u.failed_count;
  ++u.failures_since_success;
  if (u.failed_count >= p.lockout_threshold && !IsLocked(u, now)) {
    Lock(u, p, now);
    return true;
  }
  return false;
}

void RecordSuccess(User& u, std::string_view attempt_id) {
  RemovePending(u, attempt_id);
  u.failed_count = 0;
  u.failures_since_success = 0;
}

void ReleaseAttempt(User& u, std::string_view attempt_id) { RemovePending(u, attempt_id); }

void Unlock(User& u) {
  u.failed_count = 0;
  u.pending.clear();
  u.locked_until = 0;
  u.locked_indefinitely = false;
}

}  // namespace mamori::identity
