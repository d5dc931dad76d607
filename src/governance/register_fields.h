// governance/register_fields: an entry's fields against its kind's schema
// (register_kinds.h). Refusals are kInvalidArgument (kFailedPrecondition
// for a reference to a retired entry) whose subject is the field's name, or
// "fields" for what is not a field of the schema; no message quotes what
// was given.
#pragma once

#include <nlohmann/json.hpp>

#include "approval/people.h"
#include "core/status.h"
#include "governance/register_kinds.h"
#include "store/storage.h"

namespace mamori::governance {

// `fields` must be an object whose every member is a field of `kind` with a
// value of its type, and which has every required field. `people`: the
// directory as read before the transaction (null: user ids checked for
// their form only). Entry references are read through `txn`.
Status ValidateFields(store::ReadTxn& txn, const RegisterKind& kind, const nlohmann::json& fields,
                      const std::vector<approval::Person>* people);

}  // namespace mamori::governance
