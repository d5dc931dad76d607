// An on-demand analysis of any past period ([003 II.5(6) 必須 C]: periodic checks
// of the records; docs/REQUIREMENTS.md §6): the same rules as the continuous
// evaluation, over the events of a mamori log or of a JSON-lines file in the
// shape `mamori audit events` prints (one object per line), so that an
// organisation can analyse the access logs of systems that are not mamori.
//
// The period is whole JST calendar days, [from 00:00, to+1 00:00). The
// rules that compare a person with their own past (frequency_spike,
// rare_purpose) need that past: the events of WarmupDays() days before the
// period are evaluated first, without reporting. Findings are handed out
// as their windows close, so the run holds only the findings of windows
// still open: its memory does not grow with the number of events.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "analysis/event_view.h"
#include "analysis/finding.h"
#include "analysis/parameters.h"
#include "analysis/rules.h"
#include "core/status.h"
#include "store/storage.h"

namespace mamori::analysis {

using EventVisitor = std::function<Result<bool>(const EventView&)>;

class EventSource {
 public:
  virtual ~EventSource() = default;
  // Calls `visit` for each event in order until it returns false or an
  // error (returned unchanged).
  virtual Status ForEach(const EventVisitor& visit) = 0;
};

// The events of the store's audit log from `first_seq` on, read in one
// snapshot. A stored event that does not parse is kDataLoss naming its seq.
std::unique_ptr<EventSource> LogSource(store::Storage& store, uint64_t first_seq);
// The events of a JSON-lines file ("-" for standard input). A line that is
// not an event is kInvalidArgument naming its line number (never its text);
// empty lines are skipped. Nothing is skipped silently.
std::unique_ptr<EventSource> FileSource(std::string path);

// The first seq whose event is at or after `t`, by binary search over the
// log (events are in time order up to clock adjustments); the log's size
// when there is none.
Result<uint64_t> FirstSeqAtOrAfter(store::ReadTxn& txn, TimeMicros t);

// Days of events before a period that build the baselines.
int WarmupDays(const Parameters& p);

struct RunStats {
  uint64_t events = 0;            // read, warm-up included
  uint64_t events_in_period = 0;  // of them, in [from, to)
  uint64_t findings = 0;
  size_t peak_state = 0;  // Evaluator::StateEntries + open findings, at most
};

// Evaluates `events` and hands every finding with evidence in [from, to) to
// `out`, ordered by the end of its window. Events after to + 1 hour are not
// evaluated, and 100,000 of them in a row end the run (a log is in time
// order up to clock adjustments).
Status RunAnalysis(EventSource& events, const Parameters& params, const Facts& facts,
                   TimeMicros from, TimeMicros to, const std::function<Status(const Finding&)>& out,
                   RunStats* stats = nullptr);

}  // namespace mamori::analysis
