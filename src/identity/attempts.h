// Lockout after repeated failed logons ([003 II.5(2) C; 001 第4 4(6)]) that
// holds under parallel attempts.
//
// Checking a password takes an Argon2id computation — far too slow to run
// inside Storage::Update, whose functions run one at a time. So a logon is
// two Updates around the check:
//
//   1. ReserveAttempt (in an Update): refuses at once when the ID is locked,
//      or when the confirmed failures plus the attempts already in flight
//      reach the threshold; otherwise records this attempt as pending.
//   2. the password (and TOTP) check, outside any transaction;
//   3. RecordFailure / RecordSuccess / ReleaseAttempt (in a second Update):
//      removes the pending attempt and counts the outcome; the failure that
//      brings the count to the threshold locks the ID.
//
// Because step 1 admits at most threshold - failed_count attempts, N
// concurrent wrong passwords produce exactly `threshold` counted failures and
// one lock; the rest are refused without their password being checked.
// Invariant: failed_count + pending.size() <= threshold after every step.
//
// A pending attempt older than kStaleAttemptMicros (its process died between
// the two Updates) is counted as a failure at the next reservation: failing
// closed, so killing the server mid-check cannot be used to guess for free.
#pragma once

#include <string>
#include <string_view>

#include "core/time.h"
#include "identity/identity_policy.h"
#include "identity/records.h"

namespace mamori::identity {

inline constexpr TimeMicros kStaleAttemptMicros = 120 * kMicrosPerSecond;

// Locked by a timed lock not yet over, or until an administrator unlocks.
bool IsLocked(const User& u, TimeMicros now);

enum class Gate {
  kProceed,  // the attempt is pending: check the password
  kLocked,   // the ID is locked
  kBusy,     // failed_count + attempts in flight already reach the threshold
};

struct Reservation {
  Gate gate = Gate::kProceed;
  bool lock_expired = false;  // a timed lock ended and the count was reset
  bool locked_now = false;    // stale attempts (or a lowered threshold) locked the ID just now
};

// Step 1. `attempt_id` names the pending attempt for step 3.
Reservation ReserveAttempt(User& u, const IdentityPolicy& p, TimeMicros now,
                           std::string_view attempt_id);

// Step 3, wrong password or TOTP code. True when this failure locked the ID.
bool RecordFailure(User& u, const IdentityPolicy& p, TimeMicros now, std::string_view attempt_id);
// Step 3, success: the consecutive-failure count starts again.
void RecordSuccess(User& u, std::string_view attempt_id);
// Step 3 for an attempt that neither failed nor succeeded (the password was
// right but a TOTP code is still needed): only removes the pending attempt.
void ReleaseAttempt(User& u, std::string_view attempt_id);

// An administrator's unlock: no lock, no failures, no attempts in flight.
void Unlock(User& u);

}  // namespace mamori::identity
