#include "analysis/store_util.h"

#include <cstdio>

namespace mamori::analysis::internal {

Status Corrupt(std::string_view what) {
  return Status::DataLoss("a stored " + std::string(what) + " of the analysis does not parse",
                          "分析の保存データ (" + std::string(what) + ") を解析できません",
                          std::string(what));
}

Result<std::optional<nlohmann::json>> ReadJson(store::ReadTxn& txn, std::string_view key,
                                               std::string_view what) {
  MAMORI_ASSIGN_OR_RETURN(auto bytes, txn.Get(key));
  if (!bytes) return std::optional<nlohmann::json>();
  auto j = nlohmann::json::parse(*bytes, nullptr, false);
  if (j.is_discarded()) return Fail(Corrupt(what));
  return std::optional<nlohmann::json>(std::move(j));
}

Status WriteJson(store::WriteTxn& txn, std::string_view key, const nlohmann::json& value) {
  return txn.Put(key, value.dump());
}

Result<std::string> NextId(store::WriteTxn& txn, std::string_view counter, char letter) {
  const std::string key = Key("ana/seq/", counter);
  MAMORI_ASSIGN_OR_RETURN(auto stored, txn.Get(key));
  uint64_t n = 0;
  if (stored) {
    try {
      n = std::stoull(*stored);
    } catch (...) {
      return Fail(Corrupt("counter"));
    }
  }
  ++n;
  MAMORI_RETURN_IF_ERROR(txn.Put(key, std::to_string(n)));
  char buf[16];
  std::snprintf(buf, sizeof buf, "%c%08llu", letter, static_cast<unsigned long long>(n));
  return std::string(buf);
}

audit::Event MakeEvent(const engine::Context& ctx, std::string_view operation, TimeMicros now) {
  audit::Event ev;
  ev.time = now;
  ev.actor = ctx.actor;
  ev.terminal = ctx.terminal;
  ev.request_id = ctx.request_id;
  ev.operation = std::string(operation);
  ev.result = std::string(audit::kResultOk);
  return ev;
}

audit::Event SystemEvent(std::string_view operation, TimeMicros now) {
  engine::Context ctx;
  ctx.actor = std::string(kAnalysisActor);
  ctx.terminal = std::string(kAnalysisTerminal);
  return MakeEvent(ctx, operation, now);
}

}  // namespace mamori::analysis::internal
