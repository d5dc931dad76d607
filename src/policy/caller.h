// Who performs a policy operation, for which request, and when: the actor of
// the audit event and of the register step.
#pragma once

#include <string>

#include "core/time.h"
#include "identity/principal.h"

namespace mamori::policy {

struct Caller {
  identity::Principal principal;  // as identity resolved it for this request
  std::string request_id;         // correlates the audit event with logs
  TimeMicros time = 0;            // 0: now

  TimeMicros Now() const { return time ? time : NowMicros(); }
};

}  // namespace mamori::policy
