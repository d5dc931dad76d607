// The compliance probes of the records and their connections
// (compliance_evidence.h): records past their retention deadline still
// held, and connections to other systems whose registration or
// certificate is no longer — or soon not — valid. Each reads the store only
// and judges the catalogue rows naming its code.
#include <string>

#include "engine/retention_schedule.h"
#include "exchange/connections.h"
#include "exchange/node_identity.h"
#include "governance/compliance_evidence.h"

namespace mamori::governance {
namespace {

// A certificate that ends within this many days is renewed now: a peer
// whose certificate lapses is refused at the handshake ([001 第5 1]).
constexpr int64_t kCertificateWarningDays = 30;

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

// [001 第5 1, 資料1-2]: every active connection is within its registered
// validity, and its counterpart's certificate is valid for another
// kCertificateWarningDays days. A suspended connection exchanges nothing and
// is not judged.
Result<ProbeResult> ConnectionsProbe(const EvidenceSources& s) {
  exchange::Connections connections(*s.storage);
  MAMORI_ASSIGN_OR_RETURN(auto all, connections.List());
  const TimeMicros warn = s.now + kCertificateWarningDays * 86'400 * kMicrosPerSecond;
  ProbeResult r;
  size_t active = 0, lapsed = 0, expiring = 0;
  for (const auto& c : all) {
    if (c.state != exchange::ConnectionState::kActive) continue;
    ++active;
    if (c.valid_until <= s.now) {
      ++lapsed;
      r.List(c.id + " (registered until " + FormatDate(JstDate(c.valid_until)) + ")");
      continue;
    }
    auto cert = exchange::ParsePeerCertificate(c.certificate);
    if (!cert) {
      ++lapsed;
      r.List(c.id + " (certificate unreadable)");
    } else if (cert->not_after < s.now) {
      ++lapsed;
      r.List(c.id + " (certificate expired " + FormatDate(JstDate(cert->not_after)) + ")");
    } else if (cert->not_after < warn) {
      ++expiring;
      r.List(c.id + " (certificate expires " + FormatDate(JstDate(cert->not_after)) + ")");
    }
  }
  r.evidence = {{"connections", all.size()},
                {"active", active},
                {"not_valid", lapsed},
                {"certificate_expiring_30_days", expiring}};
  if (lapsed > 0) {
    r.NotMet(std::to_string(lapsed) + " active connection(s) no longer valid",
             "有効期間を過ぎた接続が " + std::to_string(lapsed) + " 件あります");
  }
  if (expiring > 0) {
    r.NotMet(
        std::to_string(expiring) + " connection certificate(s) expiring within 30 days",
        "30 日以内に証明書の有効期限が切れる接続が " + std::to_string(expiring) + " 件あります");
  }
  return r;
}

}  // namespace

Status AddRecordProbes(ProbeRegistry& r) {
  MAMORI_RETURN_IF_ERROR(
      r.Register({"retention", {"src/engine/retention_schedule."}, RetentionProbe}));
  MAMORI_RETURN_IF_ERROR(
      r.Register({"exchange_connections", {"src/exchange/connections."}, ConnectionsProbe}));
  return Status::Ok();
}

}  // namespace mamori::governance
