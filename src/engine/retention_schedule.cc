#include "engine/retention_schedule.h"

namespace mamori::engine {

Result<std::optional<SweepReport>> RetentionSchedule::Tick(TimeMicros now,
                                                           std::string_view terminal) {
  const CivilDate today = JstDate(now);
  if (swept_ == today) return std::optional<SweepReport>();
  Context ctx;
  ctx.actor = std::string(kRetentionActor);
  ctx.terminal = std::string(terminal);
  ctx.request_id = "retention-sweep";
  ctx.time = now;
  MAMORI_ASSIGN_OR_RETURN(SweepReport report, engine_.SweepRetention(ctx, today));
  swept_ = today;
  return std::optional<SweepReport>(std::move(report));
}

}  // namespace mamori::engine
