// Internal to the decision path, public for tests: everything Authorize and
// ApplyMask consult, loaded in one read transaction and kept in memory until
// the stored version (pol/version) changes. Immutable once built, so any
// number of threads share one through a shared_ptr.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "engine/dataset.h"
#include "policy/mask.h"
#include "policy/right.h"
#include "store/storage.h"

namespace mamori::policy {

struct Suspension {
  std::string campaign;  // the person review that lifts it when complete
  std::string reason;    // PersonChange name (review.h)
  TimeMicros since = 0;
};
nlohmann::json SuspensionToJson(const Suspension& s);
Result<Suspension> SuspensionFromJson(const nlohmann::json& json);  // kDataLoss

struct Snapshot {
  uint64_t version = 0;
  // Active grants by role; expiry is checked per decision.
  std::unordered_map<std::string, std::vector<Grant>> grants_by_role;
  // grant → the persons whose use of it a review revoked
  std::map<std::string, std::set<std::string, std::less<>>, std::less<>> exclusions;
  std::map<std::string, Suspension, std::less<>> suspended;  // person →
  // The training switch and each person's last current day (training_gate.h).
  bool training_required = false;
  std::map<std::string, CivilDate, std::less<>> trained_until;             // person →
  std::map<std::string, std::vector<std::string>, std::less<>> terminals;  // dataset →
  std::map<std::string, MaskRule, std::less<>> type_rules;                 // field type name →
  // dataset → field → rule
  std::map<std::string, std::map<std::string, MaskRule, std::less<>>, std::less<>> field_rules;

  // Whether the training switch refuses `person` data roles on JST day `today`.
  bool TrainingLapsed(std::string_view person, CivilDate today) const;
  bool Excluded(std::string_view grant, std::string_view person) const;
  // The designated terminals of a dataset, or null when none are designated.
  const std::vector<std::string>* DesignatedTerminals(std::string_view dataset) const;
  // Field rule, else type rule, else DefaultMaskRule.
  MaskRule RuleFor(std::string_view dataset, const engine::FieldDef& field) const;
};

// Reads the version and everything above in one transaction.
Result<std::shared_ptr<const Snapshot>> LoadSnapshot(store::ReadTxn& txn);

}  // namespace mamori::policy
