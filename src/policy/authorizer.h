// The decision on every data access (docs/ARCHITECTURE.md "Data access, end to end"):
// role × management category × dataset × operation × purpose × terminal,
// and the masking of what a permitted read returns.
//
// Nothing is allowed until granted. Authorize checks, in this order, and
// answers with the first code that applies (decision.h):
//   1. policy.unidentified          the principal has no id
//   2. policy.disabled              the person is suspended by a leave review (review.h)
//   2b. policy.training_lapsed     the training switch is on and the person's
//                                   training is not current (training_gate.h)
//   3. policy.purpose_required      a data operation without a purpose
//   4. policy.purpose_not_registered  the dataset does not register the purpose
//   5. policy.handling_no_copy      export of a dataset restricted no_copy (the
//                                   restriction holds whatever is granted)
//      policy.handling_no_takeout   export of a dataset whose restrictions forbid
//                                   a take-out (no_takeout, custom_*;
//                                   engine/takeout_rules.h)
//   6. policy.no_grant / policy.grant_expired
//        no active grant of one of the principal's roles with the dataset's
//        category, the dataset (or "*"), the operation and the purpose, that
//        a review has not revoked for this person
//   7. policy.c3_terminal / policy.terminal_not_designated
//        terminals (decision): a dataset with designated terminals
//        (ChangeKind::kTerminals) is usable only from those terminal ids;
//        a confidentiality-3 dataset without designated terminals only from a
//        registered terminal (non-empty id) in the controlled area
//        (Terminal::controlled_area). This applies to every operation,
//        administer included.
//        An application (a service account) has no terminal: its
//        certificate is its own and never a people's terminal's (the
//        registries refuse to share one). It stands where a terminal would
//        only when a designation names it as ServiceHost(account) — a
//        register change (requester → approver → configurer) — so an
//        application's request is never inside the controlled area by
//        itself, and reaches confidentiality-3 data only when designated.
// kAdminister ignores the purpose; its grants carry none.
//
// Freshness and cost: each call reads the one key pol/version in a View and
// reuses the in-memory Snapshot while it is unchanged, so a grant, removal
// or revocation configured by any process takes effect on the next
// decision. When the rules cannot be read the answer is a denial with
// policy.unavailable (fail closed). Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "engine/dataset.h"
#include "identity/principal.h"
#include "policy/caller.h"
#include "policy/decision.h"
#include "policy/operation.h"
#include "policy/snapshot.h"
#include "store/storage.h"

namespace mamori::policy {

// The id under which a terminal designation (ChangeKind::kTerminals) names
// the host of application `account`: "service:<account>". A terminal id
// never holds ':' (identity::IsValidId), so the two cannot be confused.
inline constexpr std::string_view kServiceHostPrefix = "service:";
inline std::string ServiceHost(std::string_view account) {
  return std::string(kServiceHostPrefix) + std::string(account);
}

// The decision itself, on a given snapshot; Authorizer::Authorize is this on
// the current one. now = 0 means the present.
Decision Evaluate(const Snapshot& snapshot, const identity::Principal& who,
                  const engine::DatasetDef& dataset, Operation op, std::string_view purpose,
                  TimeMicros now = 0);

class Authorizer {
 public:
  // `storage` is Engine::data_store(); it must outlive the Authorizer.
  explicit Authorizer(store::Storage& storage) : storage_(storage) {}

  Decision Authorize(const identity::Principal& who, const engine::DatasetDef& dataset,
                     Operation op, std::string_view purpose, TimeMicros now = 0);
  // Authorize, also handing back the snapshot it decided under in `*rules`
  // (null when the rules were unreadable), so that the answer to the same
  // request can be masked under the same rules by the ApplyMask below.
  Decision AuthorizeUnder(const identity::Principal& who, const engine::DatasetDef& dataset,
                          Operation op, std::string_view purpose,
                          std::shared_ptr<const Snapshot>* rules, TimeMicros now = 0);

  // What `who` may see of one record's values (field name → normalised
  // value, as RecordView::values) under `purpose`, for operation `op`
  // (read, or export for bulk output). Per field, the rule of mask.h decides
  // between the clear value, a masked form and omission; `unmask` comes from
  // the grants that allow the operation. Members starting with "_" (the
  // engine's "_meta") pass unchanged; members the dataset does not define
  // and fields whose value is null are omitted or kept null respectively.
  // When Authorize would refuse, or the rules are unreadable, the result is
  // an empty object: masking never discloses more than the decision allows.
  nlohmann::json ApplyMask(const identity::Principal& who, const engine::DatasetDef& dataset,
                           std::string_view purpose, const nlohmann::json& values,
                           Operation op = Operation::kRead, TimeMicros now = 0);
  // ApplyMask under `rules` (from AuthorizeUnder or Current) instead of the
  // current snapshot, which it would read from the store.
  static nlohmann::json ApplyMask(const Snapshot& rules, const identity::Principal& who,
                                  const engine::DatasetDef& dataset, std::string_view purpose,
                                  const nlohmann::json& values, Operation op = Operation::kRead,
                                  TimeMicros now = 0);

  // Appends the audit event of a refusal the caller decided to record
  // (operation "policy.authorize", result "refused", code permission_denied
  // or unavailable, reason = decision code, attrs {"operation"}), in its own
  // transaction. The purpose is recorded only when it is an identifier, so a
  // value typed into the purpose never reaches the log. kInvalidArgument
  // when `decision` is an allowance.
  Status RecordRefusal(const Caller& caller, const engine::DatasetDef& dataset, Operation op,
                       std::string_view purpose, const Decision& decision);

  // The snapshot for the stored version, reloaded when it changed.
  Result<std::shared_ptr<const Snapshot>> Current();

 private:
  store::Storage& storage_;
  std::mutex mu_;  // guards snapshot_ (the pointer, not the immutable Snapshot)
  std::shared_ptr<const Snapshot> snapshot_;
};

}  // namespace mamori::policy
