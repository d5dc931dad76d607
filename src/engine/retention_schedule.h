// The retention sweep as the server runs it: once per JST day, on the
// first tick of the day (and the first after start), under the actor
// "system:retention/mamori". The server ticks it every minute
// (cli/cmd_serve.cc); a failed sweep is tried again at the next tick.
#pragma once

#include <optional>

#include "core/status.h"
#include "core/time.h"
#include "engine/engine.h"

namespace mamori::engine {

inline constexpr std::string_view kRetentionActor = "system:retention/mamori";

class RetentionSchedule {
 public:
  // `engine` must outlive this object.
  explicit RetentionSchedule(Engine& engine) : engine_(engine) {}

  // Sweeps as of the JST date of `now` unless that day was swept already:
  // the report, or nullopt when there was nothing to do today. The
  // engine's error (audited there) when the sweep failed; the day then
  // counts as not swept.
  Result<std::optional<SweepReport>> Tick(TimeMicros now, std::string_view terminal = {});

 private:
  Engine& engine_;
  std::optional<CivilDate> swept_;
};

}  // namespace mamori::engine
