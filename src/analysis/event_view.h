// One audit event as the rules read it: views of its members, parsed from
// the stored canonical JSON (audit/event.h CanonicalJson) or from a line of
// `mamori audit events` output (EventToJson) — the same members in any
// order and spacing, as another system's log would have them.
//
// The parser is the analysis's hot path (docs/PERFORMANCE.md §5): it
// builds no JSON tree and allocates nothing per event once its buffer has
// grown; strings without escapes are views into the input, strings with
// escapes are decoded into the parser's buffer. Views stay valid until the
// next Parse on the same parser, and as long as the input.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"
#include "core/time.h"

namespace mamori::analysis {

struct EventView {
  uint64_t seq = 0;
  TimeMicros time = 0;
  std::string_view actor, terminal, purpose, operation, dataset, subject, record;
  std::string_view result, code, reason;
  // The attributes the rules read: how many records a page or an export
  // disclosed ("count", record.list/record.export) or a search matched
  // ("matches", record.find). Empty when absent.
  std::string_view attr_count, attr_matches;
};

class EventParser {
 public:
  // Parses one JSON object. Required: "operation", "result" and "time" (a
  // FormatUtc time); "seq" a non-negative integer when present. Other
  // members are read when known and skipped otherwise (so that another
  // system's log may carry more). kInvalidArgument naming what was wrong
  // (never quoting the input) when `json` is not such an object.
  Status Parse(std::string_view json, EventView& out);

 private:
  std::string buffer_;  // decoded strings with escapes; reserved, never reallocated mid-parse
};

}  // namespace mamori::analysis
