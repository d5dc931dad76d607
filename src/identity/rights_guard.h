// What identity asks before it changes who holds what. Holding a role that
// carries data grants or approval rights, or belonging to a department a
// grant is designated to, is itself a right (docs/ARCHITECTURE.md decision
// 12): such a change goes through the rights register — requester, approver,
// configurer, three different people — not through one administrator's
// direct edit. Identity cannot tell which roles carry rights (policy owns the
// grants and the system rights table), so policy implements this interface
// and identity calls it inside the transaction of every change it makes to a
// person's roles or department, and of every credential reset.
//
// Contract: both methods run inside identity's storage transaction, read the
// rules from that same transaction (so a grant configured concurrently is
// either seen or not, never half), and may write (CheckCredentialReset
// records the use of the approval it consumes). An error refuses the change:
// identity audits the refusal and changes nothing. The local operator (an
// actor "os:<user>": the OS account holding the keys, which could change
// anything in the store anyway) is not refused; its changes are audited as
// its own.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "engine/context.h"
#include "identity/principal.h"
#include "store/storage.h"

namespace mamori::identity {

// The part of a principal that decides what it may do. A disabled principal
// holds nothing (no roles): enabling one whose roles carry rights gives them
// back, so it is a widening like adding the role, refused unless made
// through the register (remove the role, enable, request role_add).
struct HolderView {
  std::string id;  // empty: the principal does not exist (before a creation)
  PrincipalKind kind = PrincipalKind::kUser;
  std::string department;
  std::vector<std::string> roles;
};

// Reason codes (Status subject) of the refusals.
inline constexpr std::string_view kViaRegister = "policy.via_register";
inline constexpr std::string_view kSecondPerson = "policy.second_person_required";

class RightsGuard {
 public:
  virtual ~RightsGuard() = default;

  // OK when `after` can do nothing that `before` could not: no grant in
  // force reaches it anew, no system right beyond those every role has is
  // added. Otherwise kPermissionDenied, subject kViaRegister, naming the
  // route to take (a role_add request in the rights register).
  virtual Status CheckDirectChange(store::WriteTxn& txn, const engine::Context& ctx,
                                   const HolderView& before, const HolderView& after) = 0;

  // A reset of `holder`'s `credential` ("password" or "totp" of a
  // person, "certificate" of a service account) by ctx.actor.
  // OK at once when the holder holds no right beyond those every role has.
  // Otherwise the reset needs a second person: `request` must be a
  // credential_reset request for this holder and credential, approved by
  // someone other than ctx.actor; it is marked configured by ctx.actor in
  // txn, with its audit event. kPermissionDenied, subject kSecondPerson,
  // when it is missing or does not fit.
  virtual Status CheckCredentialReset(store::WriteTxn& txn, const engine::Context& ctx,
                                      const HolderView& holder, std::string_view credential,
                                      std::string_view request) = 0;
};

// Whether ctx acts for the local operator ("os:<user>").
inline bool IsLocalOperator(const engine::Context& ctx) { return ctx.actor.starts_with("os:"); }

}  // namespace mamori::identity
