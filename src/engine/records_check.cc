#include "engine/records_check.h"

#include <charconv>
#include <map>
#include <set>

#include "audit/log.h"
#include "engine/engine.h"
#include "engine/envelope.h"
#include "engine/integrity.h"
#include "engine/keyspace.h"

namespace mamori::engine {
namespace {

// The last logged write (or shred) of one record.
struct LastWrite {
  uint64_t seq = 0;
  bool shredded = false;
  uint32_t version = 0;  // 0: the event names none (end of use before the upgrade)
  std::string envelope;  // RowHash of the row written; empty before the upgrade
};

uint32_t VersionOf(const audit::Event& ev) {
  auto it = ev.attrs.find("version");
  if (it == ev.attrs.end()) return 0;
  uint32_t v = 0;
  auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
  return ec == std::errc() && end == it->second.data() + it->second.size() ? v : 0;
}

std::string Seq(uint64_t seq) { return std::to_string(seq); }

}  // namespace

Result<RecordsCheckReport> Engine::VerifyRecords(const Context& ctx_in, std::string_view dataset) {
  const Context ctx = WithTime(ctx_in);
  auto def = LoadDataset(dataset);
  if (!def) return Fail(Refuse(ctx, "dataset.verify_records", dataset, "", def.error()));
  const std::string name = (*def)->name;
  RecordsCheckReport report;
  std::map<std::string, LastWrite, std::less<>> last;
  auto find = [&](std::string_view id, std::string en, std::string ja) {
    report.findings.push_back(
        {IsRecordId(id) ? std::string(id) : "(malformed id)", std::move(en), std::move(ja)});
  };
  MAMORI_RETURN_IF_ERROR(data_->View([&](store::ReadTxn& txn) -> Status {
    const std::string events(audit::kEventPrefix);
    MAMORI_RETURN_IF_ERROR(txn.ScanEach(
        events, store::PrefixEnd(events),
        [&](std::string_view, std::string_view value) -> Result<bool> {
          ++report.events_read;
          MAMORI_ASSIGN_OR_RETURN(audit::Event ev, audit::ParseEvent(value));
          if (ev.dataset != name || ev.result != audit::kResultOk || ev.record.empty()) {
            return true;
          }
          const bool write = ev.operation == "record.put" || ev.operation == "record.update" ||
                             ev.operation == "record.end_use";
          if (!write && ev.operation != "record.shred") return true;
          LastWrite& w = last[ev.record];
          w.seq = ev.seq;
          w.shredded = !write;
          w.version = write ? VersionOf(ev) : 0;
          auto hash = ev.attrs.find("envelope");
          w.envelope = write && hash != ev.attrs.end() ? hash->second : "";
          return true;
        }));
    std::set<std::string, std::less<>> stored;
    const std::string prefix = keyspace::RecordsPrefix(name);
    MAMORI_RETURN_IF_ERROR(txn.ScanEach(
        prefix, store::PrefixEnd(prefix),
        [&](std::string_view key, std::string_view raw) -> Result<bool> {
          ++report.records_stored;
          const std::string id(key.substr(prefix.size()));
          stored.insert(id);
          auto it = last.find(id);
          if (it == last.end()) {
            find(id, "a row is stored but no write of it is in the audit log",
                 "保存データがありますが、監査ログに書込みの記録がありません");
            return true;
          }
          const LastWrite& w = it->second;
          if (w.shredded) {
            find(id, "the audit log shredded it (event " + Seq(w.seq) + ") but a row is stored",
                 "監査ログでは廃棄済み (イベント " + Seq(w.seq) + ") ですが保存データがあります");
            return true;
          }
          auto env = Envelope::Decode(raw);
          const uint32_t version = env ? env->version : 0;
          if (!w.envelope.empty()) {
            ++report.rows_compared;
            if (RowHash(raw) == w.envelope) return true;
          } else if (w.version == 0 || version == w.version) {
            return true;  // logged before the upgrade: the version is all there is to compare
          }
          const bool older = env && w.version != 0 && version < w.version;
          find(id,
               "the stored row (version " + std::to_string(version) +
                   ") is not the one its last logged write stored (event " + Seq(w.seq) +
                   ", version " + std::to_string(w.version) + ")" +
                   (older ? ": it was rolled back" : ""),
               "保存データ (版 " + std::to_string(version) +
                   ") が監査ログの最後の書込み (イベント " + Seq(w.seq) + "、版 " +
                   std::to_string(w.version) + ") のものではありません" +
                   (older ? " (巻き戻し)" : ""));
          return true;
        }));
    // Written, never shredded, and gone.
    for (const auto& [id, w] : last) {
      if (!w.shredded && !stored.contains(id)) {
        find(id,
             "its last logged write (event " + Seq(w.seq) +
                 ") is not followed by a shred, but no row is stored: it was deleted",
             "監査ログの最後の書込み (イベント " + Seq(w.seq) +
                 ") の後に廃棄の記録がないのに保存データがありません (削除)");
      }
    }
    return Status::Ok();
  }));
  audit::Event ev = MakeEvent(ctx, "dataset.verify_records", name, "");
  ev.attrs["records"] = std::to_string(report.records_stored);
  ev.attrs["findings"] = std::to_string(report.findings.size());
  MAMORI_RETURN_IF_ERROR(
      data_->Update([&](store::WriteTxn& txn) { return StatusOf(AppendEvent(txn, ev)); }));
  return report;
}

}  // namespace mamori::engine
