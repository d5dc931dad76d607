#include "engine/retention_schedule.h"

#include <charconv>

#include "engine/dataset.h"
#include "engine/envelope.h"
#include "engine/keyspace.h"

namespace mamori::engine {

Result<std::vector<RetentionDue>> ReadRetentionDue(store::ReadTxn& txn, CivilDate before) {
  // Keys "t/YYYYMMDD/<dataset>/<record>", in date order.
  const std::string end = keyspace::Deadline(before, "", "").substr(0, 11);
  MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan("t/", end, 0));
  std::vector<RetentionDue> out;
  for (const auto& row : rows) {
    const std::string_view key = row.key;
    if (key.size() < 12 || key[10] != '/') continue;
    int ymd = 0;
    auto [p, ec] = std::from_chars(key.data() + 2, key.data() + 10, ymd);
    if (ec != std::errc() || p != key.data() + 10) continue;
    const std::string_view rest = key.substr(11);
    const auto slash = rest.find('/');
    if (slash == std::string_view::npos) continue;
    RetentionDue d{std::string(rest.substr(0, slash)), std::string(rest.substr(slash + 1)),
                   CivilDate{ymd / 10000, ymd / 100 % 100, ymd % 100}};
    if (!IsValidName(d.dataset) || !IsRecordId(d.record)) continue;
    out.push_back(std::move(d));
  }
  return out;
}

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
