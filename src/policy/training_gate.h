// The training switch on data roles ([002 第28-29条]; [003 II.3(4)]): when
// the organisation turns it on, a person whose information-security
// training is not current uses no data role — every data operation on
// records (read, write, find, export, shred, administer) is refused by the
// authoriser (authorizer.h) with policy.training_lapsed, and the refusal is
// audited like every other. Off by default: an organisation turns it on once
// its people's attendance is recorded.
//
// The decision lives here, where data access is decided; the facts it reads
// are written by the training register (governance/training.h), which sits
// above: one rule and one currency per person, both under "pol/tr/":
//
//   pol/tr/rule         {"required": bool, "validity_days": N}   (absent: off, 365)
//   pol/tr/p/<person>   {"until": "YYYY-MM-DD"}  the last JST day the person is current
//
// Both writers bump pol/version in the same transaction, so the change takes
// effect on the next decision of every process (authorizer.h "Freshness").
// Applications (service accounts) are not people and attend no training:
// the switch applies to users only.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "core/status.h"
#include "core/time.h"
#include "store/storage.h"

namespace mamori::policy {

struct TrainingRule {
  bool required = false;         // the switch
  uint32_t validity_days = 365;  // how long one passed attendance keeps a person current (1-1095)
  bool operator==(const TrainingRule&) const = default;
};

nlohmann::json TrainingRuleToJson(const TrainingRule& r);
// Members present replace those of `base`; an unknown member, a wrong type or
// a value out of range is kInvalidArgument naming it ("policy.<name>").
Result<TrainingRule> TrainingRuleFromJson(const nlohmann::json& j, const TrainingRule& base = {});

// The rule in force (the defaults when none was set); kDataLoss when damaged.
Result<TrainingRule> ReadTrainingRule(store::ReadTxn& txn);
// Stores the rule and bumps pol/version. Does not authorise or audit: the
// caller does both in the transaction it runs this in.
Status WriteTrainingRule(store::WriteTxn& txn, const TrainingRule& rule);

// The last day `person` is current, or nullopt when never trained.
Result<std::optional<CivilDate>> ReadTrainingCurrency(store::ReadTxn& txn, std::string_view person);
// Every person's last current day.
Result<std::map<std::string, CivilDate, std::less<>>> ReadTrainingCurrencies(store::ReadTxn& txn);
// Records that `person` is current until `until` (a later date only: an
// earlier one leaves the stored one) and bumps pol/version. Same contract as
// WriteTrainingRule.
Status WriteTrainingCurrency(store::WriteTxn& txn, std::string_view person, CivilDate until);

// Whether `person` is current on JST day `today` under `until` (nullopt:
// never trained).
inline bool TrainingCurrent(const std::optional<CivilDate>& until, CivilDate today) {
  return until && today <= *until;
}

}  // namespace mamori::policy
