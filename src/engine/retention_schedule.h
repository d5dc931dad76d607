// The retention sweep as the server runs it: once per JST day, on the
// first tick of the day (and the first after start), under the actor
// "system:retention/mamori". The server ticks it every minute
// (cli/cmd_serve.cc); a failed sweep is tried again at the next tick.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "engine/engine.h"

namespace mamori::engine {

inline constexpr std::string_view kRetentionActor = "system:retention/mamori";

// A record still held whose retention deadline (inclusive) has passed.
struct RetentionDue {
  std::string dataset, record;
  CivilDate deadline;
};
// The records of the deadline index whose deadline is before `before`, in
// deadline order — what a sweep on `before` would shred; an entry the engine did not write is
// skipped (the sweep reports it). For the compliance report: a record the daily sweep should have
// shredded is still there.
Result<std::vector<RetentionDue>> ReadRetentionDue(store::ReadTxn& txn, CivilDate before);

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
