#include "identity/session_rules.h"

#include <algorithm>

namespace mamori::identity::internal {

bool PasswordExpired(const User& u, const IdentityPolicy& p, TimeMicros now) {
  if (p.expiry_days == 0) return false;
  return u.password_changed_at +
             static_cast<TimeMicros>(p.expiry_days) * 24 * 60 * kMicrosPerMinute <=
         now;
}

bool MustChangePassword(const User& u, const IdentityPolicy& p, TimeMicros now) {
  return u.must_change_password || PasswordExpired(u, p, now);
}

TimeMicros IdleExpiry(const Session& s, const IdentityPolicy& p) {
  return std::min(s.last_seen + static_cast<TimeMicros>(p.idle_timeout_minutes) * kMicrosPerMinute,
                  AbsoluteExpiry(s, p));
}

TimeMicros AbsoluteExpiry(const Session& s, const IdentityPolicy& p) {
  return s.created_at + static_cast<TimeMicros>(p.session_lifetime_minutes) * kMicrosPerMinute;
}

std::string_view ExpiryReason(const Session& s, const IdentityPolicy& p, TimeMicros now) {
  if (now >= AbsoluteExpiry(s, p)) return "lifetime";
  if (now >= IdleExpiry(s, p)) return "idle";
  return {};
}

TimeMicros TouchGranularity(const IdentityPolicy& p) {
  return std::min<TimeMicros>(
      30 * kMicrosPerSecond,
      static_cast<TimeMicros>(p.idle_timeout_minutes) * kMicrosPerMinute / 30);
}

Terminal SessionTerminal(const Session& s) {
  return {s.terminal_id, s.terminal_fingerprint, s.controlled_area};
}

std::string TerminalLabel(const Terminal& t) {
  if (!t.id.empty()) return t.id;
  if (!t.fingerprint.empty()) return "cert:" + t.fingerprint.substr(0, 16);
  return {};
}

Principal MakePrincipal(const User& u, const Terminal& t, std::string_view session_handle) {
  Principal p;
  p.kind = PrincipalKind::kUser;
  p.id = u.id;
  p.display_name = u.display_name;
  p.department = u.department;
  p.roles = u.roles;
  p.positions = u.positions;
  p.terminal = t;
  p.session_id = std::string(session_handle);
  return p;
}

}  // namespace mamori::identity::internal
