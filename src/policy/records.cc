#include "policy/records.h"

#include "audit/audited.h"

#include <charconv>
#include <cstdio>

#include "audit/log.h"
#include "policy/json_util.h"
#include "policy/keyspace.h"

namespace mamori::policy {
namespace {

Result<uint64_t> ReadCounter(store::ReadTxn& txn, std::string_view key) {
  MAMORI_ASSIGN_OR_RETURN(auto raw, txn.Get(key));
  if (!raw) return uint64_t{0};
  uint64_t n = 0;
  auto [p, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), n);
  if (ec != std::errc() || p != raw->data() + raw->size()) {
    return Fail(Status::DataLoss("stored counter " + std::string(key) + " is not a number",
                                 "保存されたカウンタ " + std::string(key) + " が壊れています",
                                 std::string(key)));
  }
  return n;
}

Result<uint64_t> Increment(store::WriteTxn& txn, std::string_view key) {
  MAMORI_ASSIGN_OR_RETURN(uint64_t n, ReadCounter(txn, key));
  ++n;
  MAMORI_RETURN_IF_ERROR(txn.Put(key, std::to_string(n)));
  return n;
}

}  // namespace

Result<std::optional<nlohmann::json>> ReadJson(store::ReadTxn& txn, std::string_view key) {
  MAMORI_ASSIGN_OR_RETURN(auto raw, txn.Get(key));
  if (!raw) return std::optional<nlohmann::json>();
  auto parsed = nlohmann::json::parse(*raw, nullptr, false);
  if (parsed.is_discarded()) {
    const std::string shown = ShownKey(key);
    return Fail(Status::DataLoss("stored policy record " + shown + " is not JSON",
                                 "保存された権限情報 " + shown + " が壊れています", shown));
  }
  return std::optional<nlohmann::json>(std::move(parsed));
}

Status WriteJson(store::WriteTxn& txn, std::string_view key, const nlohmann::json& value) {
  return txn.Put(key, value.dump());
}

Result<std::vector<nlohmann::json>> ScanJson(store::ReadTxn& txn, std::string_view prefix) {
  MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan(prefix, store::PrefixEnd(prefix), 0));
  std::vector<nlohmann::json> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    auto parsed = nlohmann::json::parse(row.value, nullptr, false);
    if (parsed.is_discarded()) {
      const std::string shown = ShownKey(row.key);
      return Fail(Status::DataLoss("stored policy record " + shown + " is not JSON",
                                   "保存された権限情報 " + shown + " が壊れています", shown));
    }
    out.push_back(std::move(parsed));
  }
  return out;
}

Result<std::string> NextId(store::WriteTxn& txn, std::string_view counter, char letter) {
  MAMORI_ASSIGN_OR_RETURN(uint64_t n, Increment(txn, keyspace::Counter(counter)));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%c%08llu", letter, static_cast<unsigned long long>(n));
  return std::string(buf);
}

Result<uint64_t> ReadVersion(store::ReadTxn& txn) { return ReadCounter(txn, keyspace::kVersion); }

Status BumpVersion(store::WriteTxn& txn) { return StatusOf(Increment(txn, keyspace::kVersion)); }

audit::Event MakeEvent(const Caller& caller, std::string_view operation) {
  audit::Event ev;
  ev.time = caller.Now();
  ev.actor = caller.principal.id;
  ev.terminal = caller.principal.terminal.id;
  ev.request_id = caller.request_id;
  ev.operation = std::string(operation);
  ev.result = std::string(audit::kResultOk);
  return ev;
}

Status RunAudited(store::Storage& storage, audit::Event ev,
                  const std::function<Status(store::WriteTxn&, audit::Event&)>& fn) {
  return audit::RunAudited(
      storage, std::move(ev),
      audit::Effect{[&](store::WriteTxn& txn, audit::Event& e, bool&) { return fn(txn, e); }});
}

}  // namespace mamori::policy
