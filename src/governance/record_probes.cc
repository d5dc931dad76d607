// The compliance probe of the records' retention (compliance_evidence.h):
// records past their retention deadline still held. It reads the store
// only and judges the catalogue rows naming its code. (The exchange
// connections' probe is exchange/compliance_probe.h: exchange is above
// governance.)
#include <string>

#include "engine/retention_schedule.h"
#include "governance/compliance_evidence.h"

namespace mamori::governance {
namespace {

// [002 第50条1, 第51条3]; [003 V(2)②G, V(4)①G]: no record is held past its
// retention deadline. The deadline is inclusive and the daily sweep shreds
// from the day after, so a record is overdue once a whole day has passed
// since it fell due: its deadline is before yesterday.
Result<ProbeResult> RetentionProbe(const EvidenceSources& s) {
  const CivilDate yesterday = CivilFromDays(DaysFromCivil(JstDate(s.now)) - 1);
  ProbeResult r;
  MAMORI_RETURN_IF_ERROR(s.storage->View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto due, engine::ReadRetentionDue(txn, yesterday));
    for (const auto& d : due) {
      r.List(d.dataset + "/" + d.record + " (retained until " + FormatDate(d.deadline) + ")");
    }
    r.evidence = {{"records_past_retention", due.size()}};
    if (!due.empty()) {
      r.NotMet(
          std::to_string(due.size()) + " record(s) held past their retention deadline",
          "保存期間を過ぎても消去されていない記録が " + std::to_string(due.size()) + " 件あります");
    }
    return Status::Ok();
  }));
  return r;
}

}  // namespace

Status AddRecordProbes(ProbeRegistry& r) {
  MAMORI_RETURN_IF_ERROR(
      r.Register({"retention", {"src/engine/retention_schedule."}, RetentionProbe}));
  return Status::Ok();
}

}  // namespace mamori::governance
