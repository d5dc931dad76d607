// The answer of Authorize: allowed or not, with a stable reason code that the
// API returns as its problem `code`, the audit event carries as `reason`, and
// operators can look up. Messages come in English and Japanese and never
// hold a personal value: they name datasets, purposes and terminals only.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace mamori::policy {

// Reason codes, in the order Authorize checks them.
inline constexpr std::string_view kAllowed = "policy.allowed";
inline constexpr std::string_view kUnidentified = "policy.unidentified";  // no principal id
inline constexpr std::string_view kDisabled = "policy.disabled";  // suspended by a leave review
// The training switch is on and the person's training is not current
// (training_gate.h).
inline constexpr std::string_view kTrainingLapsed = "policy.training_lapsed";
inline constexpr std::string_view kPurposeRequired = "policy.purpose_required";
inline constexpr std::string_view kPurposeNotRegistered = "policy.purpose_not_registered";
inline constexpr std::string_view kHandlingNoCopy = "policy.handling_no_copy";  // export of no_copy
// Export of a dataset whose handling restrictions forbid taking it out
// (no_takeout, or an organisation's own custom_*: engine/takeout_rules.h).
inline constexpr std::string_view kHandlingNoTakeout = "policy.handling_no_takeout";
inline constexpr std::string_view kNoGrant = "policy.no_grant";
inline constexpr std::string_view kGrantExpired =
    "policy.grant_expired";  // only expired ones match
inline constexpr std::string_view kC3Terminal = "policy.c3_terminal";
inline constexpr std::string_view kTerminalNotDesignated = "policy.terminal_not_designated";
inline constexpr std::string_view kUnavailable =
    "policy.unavailable";  // rules unreadable: fail closed

struct Decision {
  bool allowed = false;
  std::string_view code = kNoGrant;
  // What was at fault, when one thing was: the purpose id, the terminal id,
  // the restriction. Never a value.
  std::string subject;
  // When allowed: the first grant that allowed it, and whether any matching
  // grant carries unmask (ApplyMask).
  std::string grant;
  bool unmask = false;

  std::string Message() const;
  std::string MessageJa() const;
  // Ok when allowed; kPermissionDenied (kUnavailable for policy.unavailable)
  // with the messages above and `code` as the subject.
  Status ToStatus() const;
};

}  // namespace mamori::policy
