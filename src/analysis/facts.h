// What the rules need to know besides the events (rules.h Facts), read from
// the data store without auditing — none of it is personal data: the
// registered terminals and service accounts of identity, and each
// dataset's confidentiality and department from the engine's definitions.
// A disabled terminal counts as unregistered, as the server treats it.
#pragma once

#include <string>
#include <vector>

#include "analysis/rules.h"
#include "core/status.h"
#include "store/storage.h"

namespace mamori::analysis {

Result<Facts> LoadFacts(store::Storage& store);

// The names of every dataset, ascending (lists are produced for each).
std::vector<std::string> DatasetNames(const Facts& facts);

}  // namespace mamori::analysis
