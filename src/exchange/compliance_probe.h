// The compliance report's probe of the connection register
// (governance/compliance_evidence.h), registered by the layers that have
// the exchange (api: EvidenceSources::more_probes): every active connection
// is within its registered validity and its counterpart's certificate is
// valid for 30 more days; a suspended connection is not judged. It reads
// the store only and judges the catalogue rows naming
// src/exchange/connections.*.
#pragma once

#include "core/status.h"
#include "governance/compliance_evidence.h"

namespace mamori::exchange {

// Registers "exchange_connections" on `r`.
Status AddConnectionsProbe(governance::ProbeRegistry& r);

}  // namespace mamori::exchange
