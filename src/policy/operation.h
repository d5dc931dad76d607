// The operations a grant can allow on a dataset (docs/REQUIREMENTS.md §4): what a
// caller asks Authorize about and what a Right names.
#pragma once

#include <optional>
#include <string_view>

namespace mamori::policy {

enum class Operation {
  kRead,        // get, history, list: values are disclosed (masked per ApplyMask)
  kWrite,       // put, update, end-use
  kFind,        // blind-index search: discloses which records match
  kExport,      // bulk extraction of many records (refused on no_copy datasets)
  kShred,       // disposal before the retention deadline
  kAdminister,  // dataset definition, keys, ledger: no values, so no purpose
};

// Stable lower-case names: "read", "write", "find", "export", "shred", "administer".
std::string_view OperationName(Operation op);
std::string_view OperationLabelJa(Operation op);
std::optional<Operation> ParseOperation(std::string_view name);

// Every use of personal data names a purpose the dataset registers
// (docs/REQUIREMENTS.md §2). Administering a dataset discloses no values,
// and disposal ends the data rather than using it: their grants carry no
// purpose, and a grant for the operation itself is what they need.
inline bool NeedsPurpose(Operation op) {
  return op != Operation::kAdminister && op != Operation::kShred;
}

}  // namespace mamori::policy
