// Internal to identity: the rules a session is judged by, shared by logon,
// Touch and the self-service calls.
#pragma once

#include <string>
#include <string_view>

#include "core/time.h"
#include "identity/identity_policy.h"
#include "identity/principal.h"
#include "identity/records.h"

namespace mamori::identity::internal {

inline constexpr TimeMicros kMicrosPerMinute = 60 * kMicrosPerSecond;

bool PasswordExpired(const User& u, const IdentityPolicy& p, TimeMicros now);
bool MustChangePassword(const User& u, const IdentityPolicy& p, TimeMicros now);

TimeMicros IdleExpiry(const Session& s, const IdentityPolicy& p);
TimeMicros AbsoluteExpiry(const Session& s, const IdentityPolicy& p);
// "idle" or "lifetime" when the session is over at `now`, else empty.
std::string_view ExpiryReason(const Session& s, const IdentityPolicy& p, TimeMicros now);
// How stale last_seen may get before Touch writes it again.
TimeMicros TouchGranularity(const IdentityPolicy& p);

// The terminal a session was opened from.
Terminal SessionTerminal(const Session& s);
// What goes into audit events' `terminal`: the terminal id, or "cert:" and the
// first 16 hex digits of an unregistered certificate, or empty.
std::string TerminalLabel(const Terminal& t);

Principal MakePrincipal(const User& u, const Terminal& t, std::string_view session_handle);

}  // namespace mamori::identity::internal
