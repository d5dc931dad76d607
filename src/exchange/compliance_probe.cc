#include "exchange/compliance_probe.h"

#include <string>

#include "exchange/connections.h"
#include "exchange/node_identity.h"

namespace mamori::exchange {
namespace {

using governance::EvidenceSources;
using governance::ProbeResult;

// A certificate that ends within this many days is renewed now: a peer
// whose certificate lapses is refused at the handshake ([001 第5 1]).
constexpr int64_t kCertificateWarningDays = 30;

// [001 第5 1, 資料1-2]: every active connection is within its registered
// validity, and its counterpart's certificate is valid for another
// kCertificateWarningDays days. A suspended connection exchanges nothing and
// is not judged.
Result<ProbeResult> ConnectionsProbe(const EvidenceSources& s) {
  Connections connections(*s.storage);
  MAMORI_ASSIGN_OR_RETURN(auto all, connections.List());
  const TimeMicros warn = s.now + kCertificateWarningDays * 86'400 * kMicrosPerSecond;
  ProbeResult r;
  size_t active = 0, lapsed = 0, expiring = 0;
  for (const auto& c : all) {
    if (c.state != ConnectionState::kActive) continue;
    ++active;
    if (c.valid_until <= s.now) {
      ++lapsed;
      r.List(c.id + " (registered until " + FormatDate(JstDate(c.valid_until)) + ")");
      continue;
    }
    auto cert = ParsePeerCertificate(c.certificate);
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

Status AddConnectionsProbe(governance::ProbeRegistry& r) {
  return r.Register({"exchange_connections", {"src/exchange/connections."}, ConnectionsProbe});
}

}  // namespace mamori::exchange
