// Export of audit events and findings to a SIEM, where the organisation
// monitors use and access ([003 II.5(8)]; docs/REQUIREMENTS.md §6): the
// log from a cursor on, each event as it is stored, and each finding when
// the event that raised it ("analysis.finding") passes, to a syslog
// receiver over TLS (syslog.h, syslog_tls.h) or to a JSON-lines file.
//
// Contract:
// - At least once: the cursor (ana/x/<name>) is stored only after a batch
//   was handed over (sent, or written and fsynced), so a crash repeats at
//   most one batch and never skips one.
// - Each export run is audited: "analysis.export" with the target kind, the
//   cursor name and the first seq at its start (exported with the rest),
//   and the same with the counts at its end. Batches in between write only
//   the cursor, so following the log does not feed itself.
// - A finding is exported as it is stored when the export reads it, but
//   without the reasons people wrote on its steps (text that may name
//   someone stays with the finding; the steps, who and when, are sent).
// - A JSON-lines file holds events only, in the shape `mamori audit events`
//   prints, so `mamori analysis run --events FILE` reads it back; findings go
//   to a file of their own (FindingToJson, one a line).
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analysis/finding.h"
#include "analysis/syslog.h"
#include "analysis/syslog_tls.h"
#include "audit/event.h"
#include "core/status.h"
#include "engine/context.h"
#include "store/storage.h"

namespace mamori::analysis {

class ExportSink {
 public:
  virtual ~ExportSink() = default;
  virtual std::string_view Kind() const = 0;  // "syslog", "jsonl": for the audit event
  virtual Status Event(const audit::Event& ev) = 0;
  virtual Status Finding(const analysis::Finding& f) = 0;
  // Everything handed over so far is with the receiver (or durable).
  virtual Status Flush() = 0;
};

// To a syslog receiver over TLS; reconnects once when a send fails.
std::unique_ptr<ExportSink> SyslogSink(SyslogTlsOptions tls, SyslogOrigin origin);
// Events to `events_path`, findings to `findings_path` (empty: none), both
// appended, 0600 when created. A destination is refused (kInvalidArgument
// naming "jsonl" or "findings_jsonl", never quoting the path) unless it is
// a regular file with one link, not itself a symbolic link, outside every
// directory of `protected_dirs` after symbolic links are resolved, and the
// two differ: the operator who runs an export can write into the data
// directory and the key store, and appending there would corrupt the store
// or leave the log beside the keys (the CLI protects both). The directory
// is opened first and the file in it, so a link swapped in between is not
// followed.
Result<std::unique_ptr<ExportSink>> JsonLinesSink(
    const std::string& events_path, const std::string& findings_path,
    const std::vector<std::string>& protected_dirs = {});

struct ExportOptions {
  std::string name = "export";       // the cursor's name: [a-z0-9_-]{1,32}
  std::optional<uint64_t> from_seq;  // else the stored cursor, else 0
  size_t batch = 1000;
};

struct ExportStats {
  uint64_t from_seq = 0, next_seq = 0;
  uint64_t events = 0, findings = 0;
};

// Exports every event from the cursor to the end of the log as it stands,
// in batches, storing the cursor after each. `ctx` is who runs it (the
// audit events' actor).
Result<ExportStats> ExportLog(store::Storage& store, ExportSink& sink, const ExportOptions& options,
                              const engine::Context& ctx);

}  // namespace mamori::analysis
