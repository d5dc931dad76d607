// The stored form of a take-out record (takeout.h) under to/<id>: JSON of
// identifiers, dates and hashes, with a keyed code "m" so that a record
// altered with write access to the data store (a take-out marked returned,
// a deadline moved) is refused on read. Internal to the engine.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "crypto/secret.h"
#include "engine/takeout.h"

namespace mamori::engine {

// Take-out ids: 32 lower-case hex characters (random).
bool IsTakeoutId(std::string_view id);

std::string EncodeTakeout(const crypto::SecretBytes& key, const TakeoutRecord& r);
// kDataLoss naming the take-out id when the bytes do not parse, a member is
// missing or of the wrong type, or the code does not verify for `id`.
Result<TakeoutRecord> DecodeTakeout(const crypto::SecretBytes& key, std::string_view id,
                                    std::string_view bytes);

// The code of a pending-export marker (tp/<id>): a marker planted in the
// data store must not make Open delete a file of the planter's choosing.
std::string PendingExportMac(const crypto::SecretBytes& key, std::string_view id,
                             std::string_view path);

}  // namespace mamori::engine
