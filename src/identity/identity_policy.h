// The identity policy: password rules, lockout, sessions and TOTP, as DATA
// (docs/ARCHITECTURE.md decision 9). The source documents ask for each rule but give no
// number, so every number below is a documented default an organisation may
// change through SetPolicy (audited), and the compliance report shows the
// value in force next to the clause:
//
//   min_length, min_classes, common words, ID/name/birth date/phone
//                                  [003 II.5(2)] (short, letters-only, digits-only,
//                                  common English words, equal to the ID, personal data)
//   history (reuse of the same or similar passwords)    [003 II.5(2) D]
//   expiry_days                                         [003 II.5(2) B]
//   lockout_threshold, lockout_minutes [003 II.5(2) C; 001 第4 4(6); 002 第129条]
//   idle_timeout_minutes (re-authentication)            [001 第4 4(2)イ]
//   session_lifetime_minutes (no automatic logon)       [003 II.5(2)]
//   totp_roles, totp_outside_controlled_area (multi-factor for remote access)
//                                                       [001 第4 4(2)ア; 002 第157条]
//
// Stored at "id/policy"; absent means all defaults. Argon2id cost is not
// policy but server configuration (IdentityOptions): an API call must not be
// able to make password hashes cheaper.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/status.h"
#include "engine/context.h"
#include "identity/principal.h"
#include "store/storage.h"

namespace mamori::identity {

struct IdentityPolicy {
  uint32_t min_length = 12;                 // characters (code points); 8..128
  uint32_t min_classes = 3;                 // of lower, upper, digit, symbol; 1..4
  uint32_t history = 5;                     // previous passwords that may not be reused; 0..24
  uint32_t expiry_days = 90;                // 0: passwords do not expire; else 1..730
  uint32_t lockout_threshold = 5;           // failed logons that lock the ID; 1..100
  uint32_t lockout_minutes = 30;            // 0: until an administrator unlocks; else 1..10080
  uint32_t idle_timeout_minutes = 15;       // 1..240
  uint32_t session_lifetime_minutes = 480;  // absolute; idle_timeout..1440
  std::vector<std::string> totp_roles = {"admin", "ciso", "chief_officer"};
  bool totp_outside_controlled_area = true;

  // Whether a logon by someone holding `roles` from `terminal` needs TOTP.
  bool TotpRequired(const std::vector<std::string>& roles, const Terminal& terminal) const;
  bool operator==(const IdentityPolicy&) const = default;
};

// kInvalidArgument naming the first parameter outside its range (subject
// "policy.<name>"), or an unknown role in totp_roles.
Status ValidatePolicy(const IdentityPolicy& p);

nlohmann::json PolicyToJson(const IdentityPolicy& p);
// Members present in `j` replace those of `base` (so the API can send only
// what changes); an unknown member or a wrong type is kInvalidArgument. The
// result is validated.
Result<IdentityPolicy> PolicyFromJson(const nlohmann::json& j, const IdentityPolicy& base = {});

// The policy in force: defaults when none was ever set; kDataLoss when the
// stored one does not parse.
Result<IdentityPolicy> ReadPolicy(store::ReadTxn& txn);
Result<IdentityPolicy> GetPolicy(store::Storage& store);
// Validates, stores and audits ("identity.policy_set", every parameter in
// attrs) in one transaction. Does not authorise: the caller has checked that
// ctx.actor may change policy (a CISO's task per §14).
Status SetPolicy(store::Storage& store, const engine::Context& ctx, const IdentityPolicy& p);

}  // namespace mamori::identity
