// Who is doing what, why and from where: carried by every engine operation
// and written into its audit event (docs/ARCHITECTURE.md decision 1).
#pragma once

#include <string>
#include <string_view>

#include "core/time.h"

namespace mamori::engine {

struct Context {
  std::string actor;       // "os:alice" for the local operator, a user id in the server
  std::string terminal;    // "local:hostname", or a terminal id
  std::string purpose;     // registered purpose id; required for every record operation
  std::string request_id;  // correlates the audit event with logs
  TimeMicros time = 0;     // 0: now
};

// The purposes the engine itself records for a disposal, which is not a use
// of the data: a shred on request, and the retention sweep. No dataset
// registers them, and no grant names them (a shred needs a shred grant,
// which carries no purpose).
inline constexpr std::string_view kDisposalPurpose = "disposal";
inline constexpr std::string_view kRetentionPurpose = "retention";
inline bool IsDisposalPurpose(std::string_view p) {
  return p == kDisposalPurpose || p == kRetentionPurpose;
}

// ctx with its time fixed: an operation evaluates every rule and stamps every
// event it writes at one instant.
inline Context WithTime(const Context& ctx) {
  Context c = ctx;
  if (c.time == 0) c.time = NowMicros();
  return c;
}

}  // namespace mamori::engine
