// Audit events and findings as syslog messages for a SIEM, so that the
// organisation's monitoring sees what mamori records and finds ([003 II.5(8)];
// docs/REQUIREMENTS.md §6): RFC 5424, sent over TLS (RFC 5425, octet-counting
// framing: "LEN SP MSG") by SyslogTlsSender.
//
//   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [mamori@32473 …] BOM JSON
//
//   PRI        facility 13 (log audit) × 8 + severity: an event ok 6
//              (informational), refused 4 (warning), error 3 (error); a
//              finding high 2 (critical), medium 4, low 5 (notice).
//   TIMESTAMP  the event's time, or the finding's raising (UTC, microseconds).
//   MSGID      "audit" or "finding".
//   SD         mamori@32473 (32473 is the enterprise number RFC 5612 reserves
//              for documentation: an organisation with its own puts it in
//              kStructuredDataId) with seq, operation, result for an event;
//              finding, rule, severity, owner, status for a finding.
//   MSG        a UTF-8 byte-order mark, then the event as `mamori audit events`
//              prints it, or the finding as the API shows it.
// Events carry identifiers only (audit/event.h) and findings ids, times and
// counts: nothing personal leaves in either.
#pragma once

#include <string>
#include <string_view>

#include "analysis/finding.h"
#include "audit/event.h"

namespace mamori::analysis {

inline constexpr std::string_view kStructuredDataId = "mamori@32473";

struct SyslogOrigin {
  std::string hostname;  // empty: this host's name
  std::string app_name = "mamori";
};

std::string SyslogEventMessage(const audit::Event& ev, const SyslogOrigin& origin);
std::string SyslogFindingMessage(const Finding& f, const SyslogOrigin& origin);
// RFC 5425 §4.3: "MSG-LEN SP SYSLOG-MSG".
std::string OctetCounted(std::string_view message);

}  // namespace mamori::analysis
